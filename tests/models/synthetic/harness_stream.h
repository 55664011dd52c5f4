// The random stream seeds the peer harness (../shared/bench-peers) gives
// stream k of a run with `seed`, so that a model's draws match the peer
// engines' exactly.
#pragma once

#include <cstdint>

namespace viosim::models {

inline uint64_t harness_stream(uint64_t seed, uint64_t k) { return seed * 0x100000001b3ull + 0x51ed27ull * (k + 1); }

}  // namespace viosim::models
