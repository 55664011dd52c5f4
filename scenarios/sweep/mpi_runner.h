// Running a sweep's missing points over MPI (`mpirun -np K viosim sweep
// FILE --mpi`). Every rank loads and expands the scenario itself (the
// expansion is deterministic), rank 0 prepares the folder and hands out
// point indices one at a time on request, and every rank runs the points
// it gets and writes their point files, so DIR must be on a file system
// all ranks share. Rank 0 also runs points itself on a second thread, so K
// ranks are K workers; it writes the CSV files once all points are in.
// Builds without MPI (VIOSIM_MPI=OFF) keep this interface and refuse --mpi.
#pragma once

#include <filesystem>
#include <vector>

#include "scenarios/sweep/local_runner.h"
#include "scenarios/sweep/points.h"
#include "scenarios/sweep/progress.h"

namespace viosim::sweep {

// Whether this build has MPI support.
bool mpi_built();

// MPI_Init on construction (threads: only the main thread calls MPI),
// MPI_Finalize on destruction. Throws std::runtime_error without MPI.
class MpiSession {
 public:
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  // Rank 0's `value` on every rank (a collective: every rank must call it).
  int broadcast(int value) const;
  // The largest of every rank's `value`, on every rank (a collective).
  int max_over_ranks(int value) const;

 private:
  int rank_ = 0;
  int size_ = 1;
};

// Collective. On rank 0, `pending` lists the points to run and `progress`
// shows them; other ranks pass what they like and run what they are sent.
// Rank 0's report counts every rank's points.
RunReport run_points_mpi(const MpiSession& mpi, const SweepPlan& plan, const std::vector<size_t>& pending,
                         const std::filesystem::path& points_dir, Progress* progress);

}  // namespace viosim::sweep
