// viosim::run throws NotModelled when none of the compared backends could
// run, which for a one-backend point means that backend was skipped; the
// reason then comes from the exception instead of RunSummary.skipped.
#include "scenarios/sweep/run_point.h"

#include "scenarios/builder/path_builder.h"
#include "scenarios/runner/run_scenario.h"

namespace viosim::sweep {

void run_into_record(const viosim::Scenario& scenario, const viosim::RunOptions& options,
                     viosim::SweepPointResult* record) {
  record->set_latency_kind(viosim::latency_kind(scenario));
  try {
    const viosim::RunSummary summary = viosim::run(scenario, options);
    if (summary.backend_size() > 0) {
      *record->mutable_result() = summary.backend(0);
      for (const std::string& w : summary.warnings()) record->add_warnings(w);
    } else if (summary.skipped_size() > 0) {
      record->set_skipped_reason(summary.skipped(0).reason());
    }
  } catch (const scenarios::NotModelled& e) {
    record->set_skipped_reason(std::string("not modelled yet: ") + e.what());
  }
}

viosim::SweepPointResult run_point(const SweepPlan& plan, size_t index, const viosim::RunOptions& options) {
  viosim::SweepPointResult record = point_record(plan, index);
  run_into_record(point_scenario(plan, index), options, &record);
  return record;
}

}  // namespace viosim::sweep
