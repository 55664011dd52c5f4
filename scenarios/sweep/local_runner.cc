// Threads rather than processes: a run allocates nothing shared and holds
// no global state, and threads need no serialisation of plans or results.
#include "scenarios/sweep/local_runner.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <iostream>
#include <mutex>
#include <thread>

#include "models/paths/cancelled.h"
#include "scenarios/sweep/parallel_for.h"
#include "scenarios/sweep/point_file.h"
#include "scenarios/sweep/point_lock.h"
#include "scenarios/sweep/run_point.h"

namespace viosim::sweep {
namespace {

std::mutex report_mutex;

}  // namespace

std::string describe_point(const SweepPlan& plan, size_t index) {
  const SweepPoint& p = plan.points.at(index);
  const std::string axes = describe_axis_point(plan, p.axis_point);
  return "point " + std::to_string(index) + " (" + (axes.empty() ? "" : axes + ", ") + "backend " + p.backend +
         ", replication " + std::to_string(p.replication) + ")";
}

std::optional<uint64_t> run_and_record(const SweepPlan& plan, size_t index, const std::filesystem::path& points_dir,
                                       Progress* progress, RunReport* report, const std::atomic<bool>* cancel,
                                       bool wait) {
  try {
    const std::string& id = plan.points.at(index).id;
    std::optional<PointLock> held =
        wait ? std::optional<PointLock>(PointLock::take(points_dir, id, cancel)) : PointLock::try_take(points_dir, id);
    if (!held) return std::nullopt;
    if (read_point_file(points_dir, id)) {
      held->finished();  // done by another process: the lock file can go
      {
        std::lock_guard lock(report_mutex);
        ++report->by_others;
      }
      if (progress) progress->point_done(0);
      return 0;
    }
    viosim::RunOptions options;
    options.cancel = cancel;
    const viosim::SweepPointResult record = run_point(plan, index, options);
    write_point_file(points_dir, record);
    held->finished();
    const uint64_t events = record.has_result() ? record.result().events() : 0;
    {
      std::lock_guard lock(report_mutex);
      ++report->ran;
    }
    if (progress) progress->point_done(events);
    return events;
  } catch (const models::Cancelled&) {
    std::lock_guard lock(report_mutex);
    report->interrupted = true;
    return 0;
  } catch (const std::exception& e) {
    {
      std::lock_guard lock(report_mutex);
      ++report->failed;
    }
    const std::string message = "viosim sweep: " + describe_point(plan, index) + " failed: " + e.what();
    if (progress) {
      progress->message(message);
      progress->point_done(0);
    } else {
      std::cerr << message + "\n" << std::flush;
    }
    return 0;
  }
}

RunReport run_points_locally(const SweepPlan& plan, const std::vector<size_t>& pending,
                             const std::filesystem::path& points_dir, int workers, Progress* progress,
                             const std::atomic<bool>* cancel) {
  RunReport report;
  std::vector<size_t> held_elsewhere;
  // Each pass runs its list on the workers; the first skips the points
  // another process holds, the second waits for them.
  auto pass = [&](const std::vector<size_t>& points, bool wait) {
    parallel_for(points.size(), workers, [&](size_t k) {
      if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
        std::lock_guard lock(report_mutex);
        report.interrupted = true;
        return;
      }
      if (!run_and_record(plan, points[k], points_dir, progress, &report, cancel, wait)) {
        std::lock_guard lock(report_mutex);
        held_elsewhere.push_back(points[k]);
      }
    });
  };
  pass(pending, /*wait=*/false);
  std::sort(held_elsewhere.begin(), held_elsewhere.end());
  if (!held_elsewhere.empty() && !report.interrupted) pass(held_elsewhere, /*wait=*/true);
  return report;
}

}  // namespace viosim::sweep
