// viosim::run: the one library entry point the CLI and the GUI share. It
// builds each compared backend's path from a resolved scenario, runs them
// one after another, and returns the RunSummary that summary.json holds.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "models/paths/cancelled.h"
#include "models/paths/path_snapshot.h"
#include "models/paths/path_results.h"
#include "scenarios/schema/viosim/results.pb.h"
#include "scenarios/schema/viosim/scenario.pb.h"

namespace viosim {

struct RunOptions {
  std::string scenario_file;  // recorded in the summary
  // A trace per backend: trace_path as given for one backend, with
  // ".BACKEND" before its extension for several; window in simulated time.
  std::string trace_path;
  core::Time trace_from;
  core::Time trace_to;
  // Progress: which backend (its index and the count) and how far its run
  // is (0 to 1), at least a hundred calls per backend; may be empty.
  std::function<void(const std::string& backend, int index, int count, double fraction)> progress;
  // Live figures of the backend running now, with each progress call (see
  // models::PathSnapshot); from the running thread, may be empty.
  std::function<void(const std::string& backend, int index, int count, const models::PathSnapshot& snapshot)>
      snapshot;
  // Each backend's result the moment its run ends, before the next one
  // starts; may be empty.
  std::function<void(const BackendResult& result)> backend_done;
  // Read between slices of a run (at most 1 ms simulated apart): once true,
  // run() abandons the backend it is running and throws models::Cancelled.
  const std::atomic<bool>* cancel = nullptr;
};

// A summary without backends: the scenario's name, file and seed, this
// version, the latency kind.
RunSummary summary_header(const Scenario& scenario, const std::string& scenario_file);

// Throws scenarios::NotModelled when no compared backend can run, and
// models::Cancelled when options.cancel was set.
RunSummary run(const Scenario& scenario, const RunOptions& options = {});

// Enough points for a smooth curve on a plot, few enough that summary.json
// stays readable.
inline constexpr size_t kLatencyCdfPoints = 256;

BackendResult to_backend_result(const models::PathResults& r);

// "round_trip" when every flow is request/response, "one_way" when none
// is, "mixed" otherwise: the kind of the pooled BackendResult.latency_us.
std::string latency_kind(const Scenario& scenario);

// What a backend's flows say about the run: a flow that delivered nothing
// in the measured window, a start-up transient longer than the warm-up, a
// latency still rising at the end. Each names the backend and the flow.
std::vector<std::string> flow_warnings(const BackendResult& result, double warmup_ms);

}  // namespace viosim
