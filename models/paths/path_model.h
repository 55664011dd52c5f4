// Builds the topology of one I/O path from a PathConfig, runs it (warm-up,
// then the measured window) and gathers PathResults. One simulator per run,
// so runs are independent and can go on in parallel.
#pragma once

#include "models/paths/path_config.h"
#include "models/paths/path_results.h"

namespace viosim::models {

// Throws std::invalid_argument for a configuration the models cannot build
// (a backend not modelled yet, cores out of range).
PathResults run_path(const PathConfig& config);

}  // namespace viosim::models
