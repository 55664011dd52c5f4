// Random streams. Each component draws from its own xoshiro256+ generator
// (Blackman & Vigna), seeded through splitmix64 from a 64-bit stream seed;
// the stream seed of a component is derived from the run seed and the
// component's full name, so adding a component never shifts another's draws.
// Only the high bits are used (doubles take the top 53, integers the top 32),
// which is where xoshiro256+ is strongest.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

#include "sim-core/time.h"

namespace viosim::core {

inline uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Stream seed of the component called `name` in a run seeded with `seed`.
uint64_t derive_stream_seed(uint64_t seed, std::string_view name);

class Rng {
 public:
  explicit Rng(uint64_t stream_seed = 1) {
    for (uint64_t& w : s_) w = splitmix64(stream_seed);
  }

  uint64_t next() {
    const uint64_t result = s_[0] + s_[3];
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = (s_[3] << 45) | (s_[3] >> 19);
    return result;
  }
  // Uniform in [0, 1).
  double uniform01() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Exponential with the given mean (inverse transform).
  double exponential(double mean) { return -mean * std::log1p(-uniform01()); }
  Duration exponential(Duration mean) { return Duration::from_seconds(exponential(mean.seconds())); }
  // Uniform integer in [0, n) by multiply-shift of the top 32 bits.
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(((next() >> 32) * uint64_t{n}) >> 32); }

 private:
  uint64_t s_[4];
};

}  // namespace viosim::core
