// Builds the topology of one I/O path from a PathConfig, runs it (warm-up,
// then the measured window) and gathers PathResults. One simulator per run,
// so runs are independent and can go on in parallel.
#pragma once

#include "models/paths/path_config.h"
#include "models/paths/path_results.h"

namespace viosim::models {

// Throws std::invalid_argument for a configuration the models cannot build
// or run (a warm-up not shorter than the run, a core that does not exist, a
// path whose wiring does not connect the application and the peer both
// ways). The scenario loader calls it for every backend a scenario runs, so
// a valid scenario never fails here.
void check_path(const PathConfig& config);

// Runs check_path first.
PathResults run_path(const PathConfig& config);

}  // namespace viosim::models
