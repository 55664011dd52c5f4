// One small real run shared by the chart tests (a few backends, 20 ms), so
// the charts are checked against what viosim really writes.
#pragma once

#include <stdexcept>
#include <string>

#include "scenarios/loader/loader.h"
#include "scenarios/runner/run_scenario.h"

namespace viosim::charts {

inline const RunSummary& small_run() {
  static const RunSummary summary = [] {
    scenarios::LoadOptions options;
    options.set = {"run.duration_ms=20", "run.warmup_ms=2"};
    const auto loaded =
        scenarios::load_scenario(std::string(VIOSIM_SOURCE_DIR) + "/scenarios/examples/rr_64b_all_paths.textproto",
                                 options);
    if (!loaded.ok()) throw std::runtime_error(scenarios::format_diagnostics(loaded.diagnostics));
    return run(*loaded.scenario);
  }();
  return summary;
}

}  // namespace viosim::charts
