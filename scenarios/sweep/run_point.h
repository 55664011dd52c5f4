// Running one sweep point: its resolved scenario through viosim::run, the
// outcome as the record its point file holds. A backend this build cannot
// run is recorded as skipped, not as a failure: a sweep over all backends
// still completes and says which ones it could not run.
#pragma once

#include <cstddef>

#include "scenarios/runner/run_scenario.h"
#include "scenarios/schema/viosim/results.pb.h"
#include "scenarios/sweep/points.h"

namespace viosim::sweep {

// Runs `scenario` (one backend) and fills `record` with its latency kind
// and its result, its warnings, or the reason it was skipped. Throws as
// run_point does.
void run_into_record(const viosim::Scenario& scenario, const viosim::RunOptions& options,
                     viosim::SweepPointResult* record);

// Throws std::exception when the run itself fails (models::Cancelled when
// options.cancel was set). `options` reaches viosim::run as given.
viosim::SweepPointResult run_point(const SweepPlan& plan, size_t index, const viosim::RunOptions& options = {});

}  // namespace viosim::sweep
