// Dynamic distribution: a worker sends a request (carrying the point it just
// finished, its event count and whether it failed) and gets the next index,
// or -1 when none is left. Rank 0's main thread only serves requests; it
// polls with MPI_Iprobe and sleeps between polls, because a blocking
// receive spins in Open MPI and would take a core from the workers.
#include "scenarios/sweep/mpi_runner.h"

#include <mpi.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

namespace viosim::sweep {
namespace {

constexpr int kTagRequest = 1;
constexpr int kTagAssign = 2;
constexpr auto kPollInterval = std::chrono::microseconds(500);

// A request: {finished point or -1, its events, 1 if it failed}.
using Request = int64_t[3];

RunReport serve(const MpiSession& mpi, const SweepPlan& plan, const std::vector<size_t>& pending,
                const std::filesystem::path& points_dir, Progress* progress) {
  RunReport report;
  std::mutex mutex;
  size_t next = 0;
  auto take = [&]() -> std::optional<size_t> {
    std::lock_guard lock(mutex);
    if (next < pending.size()) return pending[next++];
    return std::nullopt;
  };
  RunReport local;
  std::thread worker([&] {
    while (auto index = take()) run_and_record(plan, *index, points_dir, progress, &local);
  });
  int stopped = 0;
  while (stopped < mpi.size() - 1) {
    int flag = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, kTagRequest, MPI_COMM_WORLD, &flag, &status);
    if (!flag) {
      std::this_thread::sleep_for(kPollInterval);
      continue;
    }
    Request request;
    MPI_Recv(request, 3, MPI_INT64_T, status.MPI_SOURCE, kTagRequest, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (request[0] >= 0) {
      (request[2] ? report.failed : report.ran) += 1;
      if (progress) progress->point_done(static_cast<uint64_t>(request[1]));
    }
    const std::optional<size_t> index = take();
    const int64_t reply = index ? static_cast<int64_t>(*index) : -1;
    if (!index) ++stopped;
    MPI_Send(&reply, 1, MPI_INT64_T, status.MPI_SOURCE, kTagAssign, MPI_COMM_WORLD);
  }
  worker.join();
  report.ran += local.ran;
  report.failed += local.failed;
  return report;
}

RunReport work(const SweepPlan& plan, const std::filesystem::path& points_dir) {
  RunReport report;
  Request request = {-1, 0, 0};
  while (true) {
    MPI_Send(request, 3, MPI_INT64_T, 0, kTagRequest, MPI_COMM_WORLD);
    int64_t index = -1;
    MPI_Recv(&index, 1, MPI_INT64_T, 0, kTagAssign, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (index < 0 || static_cast<size_t>(index) >= plan.points.size()) return report;
    const size_t failed_before = report.failed;
    const uint64_t events = run_and_record(plan, static_cast<size_t>(index), points_dir, nullptr, &report).value_or(0);
    request[0] = index;
    request[1] = static_cast<int64_t>(events);
    request[2] = report.failed > failed_before ? 1 : 0;
  }
}

}  // namespace

bool mpi_built() { return true; }

MpiSession::MpiSession() {
  int provided = 0;
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
    throw std::runtime_error("MPI_Init_thread failed");
  }
  if (provided < MPI_THREAD_FUNNELED) {
    MPI_Finalize();
    throw std::runtime_error("this MPI library does not allow threads next to MPI calls (MPI_THREAD_FUNNELED)");
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() { MPI_Finalize(); }

int MpiSession::broadcast(int value) const {
  MPI_Bcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return value;
}

int MpiSession::max_over_ranks(int value) const {
  int out = value;
  MPI_Allreduce(&value, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return out;
}

RunReport run_points_mpi(const MpiSession& mpi, const SweepPlan& plan, const std::vector<size_t>& pending,
                         const std::filesystem::path& points_dir, Progress* progress) {
  return mpi.rank() == 0 ? serve(mpi, plan, pending, points_dir, progress) : work(plan, points_dir);
}

}  // namespace viosim::sweep
