// Exact cycle <-> picosecond conversion at a clock frequency.
#include "sim-core/clock.h"

#include <stdexcept>

namespace viosim::core {

namespace {
constexpr __int128 kPsPerSecond = 1'000'000'000'000;

// Rounds num/den to the nearest integer, halves away from zero.
int64_t rounded_quotient(__int128 num, __int128 den) {
  const __int128 half = den / 2;
  // The common case fits 64 bits: a machine division, not a 128-bit one.
  if (num >= 0 && den <= INT64_MAX && num <= INT64_MAX - half) {
    return static_cast<int64_t>((static_cast<uint64_t>(num) + static_cast<uint64_t>(half)) /
                                static_cast<uint64_t>(den));
  }
  const __int128 q = num >= 0 ? (num + half) / den : -((-num + half) / den);
  if (q > INT64_MAX || q < INT64_MIN) detail::throw_time_overflow("clock conversion");
  return static_cast<int64_t>(q);
}
}  // namespace

Clock::Clock(uint64_t hz) : hz_(hz) {
  if (hz == 0) throw std::invalid_argument("a clock needs a frequency above 0 Hz");
}

Duration Clock::to_duration_wide(Cycles c) const {
  return Duration::from_ps(rounded_quotient(static_cast<__int128>(c.count()) * kPsPerSecond, hz_));
}

Cycles Clock::to_cycles(Duration d) const {
  return Cycles(rounded_quotient(static_cast<__int128>(d.ps()) * hz_, kPsPerSecond));
}

}  // namespace viosim::core
