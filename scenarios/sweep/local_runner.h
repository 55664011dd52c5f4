// Running a sweep's missing points on this machine: N worker threads take
// the next point index from a shared counter (so long and short points
// balance), run it, and write its point file at once. Each worker runs its
// own simulator; runs share nothing, so results do not depend on N.
#pragma once

#include <atomic>

#include <filesystem>
#include <string>
#include <vector>

#include "scenarios/sweep/points.h"
#include "scenarios/sweep/progress.h"

namespace viosim::sweep {

struct RunReport {
  size_t ran = 0;     // point files written
  size_t failed = 0;  // points whose run or write failed (reported through Progress)
  bool interrupted = false;  // `cancel` was set: points still running were abandoned, unwritten
};

// "point 12 (vm[0].nic.queues=2, backend VHOST_NET, replication 1)".
std::string describe_point(const SweepPlan& plan, size_t index);

// Runs one point and writes its file; a failure is reported and counted.
// Returns the events the run executed (0 on failure or skip).
// Once `cancel` (may be null) is set, a running point stops within a slice
// and writes nothing, and no other point starts.
uint64_t run_and_record(const SweepPlan& plan, size_t index, const std::filesystem::path& points_dir,
                        Progress* progress, RunReport* report, const std::atomic<bool>* cancel = nullptr);

RunReport run_points_locally(const SweepPlan& plan, const std::vector<size_t>& pending,
                             const std::filesystem::path& points_dir, int workers, Progress* progress,
                             const std::atomic<bool>* cancel = nullptr);

}  // namespace viosim::sweep
