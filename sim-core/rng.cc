// Stream seed derivation: FNV-1a over the name, folded with the run seed and
// finished through splitmix64 so that near names give unrelated streams.
#include "sim-core/rng.h"

namespace viosim::core {

uint64_t derive_stream_seed(uint64_t seed, std::string_view name) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  uint64_t x = seed ^ (h * 0x9e3779b97f4a7c15ull);
  splitmix64(x);
  return splitmix64(x);
}

}  // namespace viosim::core
