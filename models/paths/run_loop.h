// How every run goes once its pieces are built: the warm-up, the statistics
// reset, then the measured window, in slices so that progress and
// snapshots can be reported and a cancel or stop request answered within a
// slice (a hundredth of the run, at most 1 ms simulated). Slicing does not
// change which events run or in which order.
#pragma once

#include <cstdint>
#include <functional>

#include "models/paths/path_config.h"
#include "sim-core/simulator.h"

namespace viosim::models {

struct Delivered {
  uint64_t packets = 0;
  uint64_t bytes = 0;
};

// Runs `sim` to config.duration with config's progress, snapshot, stop and
// cancel (Cancelled is thrown through); `delivered` reads what the flows
// have delivered since the last statistics reset.
void run_sliced(core::Simulator& sim, const PathConfig& config, const std::function<Delivered()>& delivered);

}  // namespace viosim::models
