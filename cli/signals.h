// Ctrl-C and kill: SIGINT and SIGTERM set one flag that the runs read
// between slices of simulated time (RunOptions::cancel), so a command stops
// within a slice, removes what it had half-written, and exits 130.
#pragma once

#include <atomic>

namespace viosim::cli {

inline constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as shells report it

// Installs the handlers (once) and returns the flag they set.
const std::atomic<bool>& interrupt_flag();
bool interrupted();

}  // namespace viosim::cli
