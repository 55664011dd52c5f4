// Running a plan's probes: each replication is one run of a plain scenario
// (plan_tasks.h), kept as a point file in the same store sweeps use
// (DIR/points/ID.json, its id the hash of the scenario text and the
// version), so a plan killed at any moment and run again with --resume
// finds every finished run and reaches the same answer. Runs go through a
// pool of `jobs` slots shared by every task, under the point's lock
// (point_lock.h), so that processes sharing the folder run each once.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <semaphore>
#include <stdexcept>
#include <string>
#include <vector>

#include "scenarios/plan/plan_tasks.h"
#include "scenarios/schema/viosim/results.pb.h"

namespace viosim::plan {

// --collect found a run no process has made yet.
class MissingRun : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ReplicationRun {
  std::string point_id;
  std::optional<viosim::BackendResult> result;  // nothing when the backend was skipped
  std::string skipped_reason;
  std::vector<std::string> warnings;
  bool ran = false;  // by this process (else read from the store)
};

struct RunnerOptions {
  int jobs = 1;
  std::optional<std::filesystem::path> points_dir;  // the store; nothing: runs are kept in memory only
  bool run_missing = true;                          // false: a run not in the store throws MissingRun
  const std::atomic<bool>* cancel = nullptr;
};

class ProbeRunner {
 public:
  explicit ProbeRunner(RunnerOptions options);

  // Replications [first, last) of `task` at `value`, run at once on the
  // pool (or read from the store), in replication order. Throws
  // models::Cancelled once the cancel flag is set, MissingRun, and
  // std::runtime_error when a run fails.
  std::vector<ReplicationRun> run(const PlanTask& task, double value, uint32_t first, uint32_t last);

  size_t runs_made() const { return made_.load(); }
  size_t runs_read() const { return read_.load(); }

 private:
  ReplicationRun one(const PlanTask& task, double value, uint32_t replication);
  RunnerOptions options_;
  std::counting_semaphore<4096> slots_;
  std::atomic<size_t> made_{0}, read_{0};
};

}  // namespace viosim::plan
