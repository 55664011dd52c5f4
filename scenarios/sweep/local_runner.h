// Running a sweep's missing points on this machine: N worker threads take
// the next point index from a shared counter (so long and short points
// balance), run it, and write its point file at once. Each worker runs its
// own simulator; runs share nothing, so results do not depend on N.
#pragma once

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/sweep/points.h"
#include "scenarios/sweep/progress.h"

namespace viosim::sweep {

struct RunReport {
  size_t ran = 0;     // point files written
  size_t by_others = 0;  // points another process working on the folder ran meanwhile
  size_t failed = 0;  // points whose run or write failed (reported through Progress)
  bool interrupted = false;  // `cancel` was set: points still running were abandoned, unwritten
};

// "point 12 (vm[0].nic.queues=2, backend VHOST_NET, replication 1)".
std::string describe_point(const SweepPlan& plan, size_t index);

// Runs one point and writes its file; a failure is reported and counted.
// The point runs under its lock (point_lock.h): when another process holds
// it, `wait` says whether to wait for that process (and run the point only
// if it left no file) or to return nothing at once, for a later call.
// Returns the events the run executed (0 on failure, skip, or a point
// another process ran).
// Once `cancel` (may be null) is set, a running point stops within a slice
// and writes nothing, and no other point starts.
std::optional<uint64_t> run_and_record(const SweepPlan& plan, size_t index, const std::filesystem::path& points_dir,
                                       Progress* progress, RunReport* report, const std::atomic<bool>* cancel = nullptr,
                                       bool wait = true);

// Points another process holds are put off until the others are done,
// then waited for.
RunReport run_points_locally(const SweepPlan& plan, const std::vector<size_t>& pending,
                             const std::filesystem::path& points_dir, int workers, Progress* progress,
                             const std::atomic<bool>* cancel = nullptr);

}  // namespace viosim::sweep
