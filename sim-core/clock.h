// Cycles and clocks: a core running at a frequency converts between its cycles
// and simulated time with integer arithmetic (128-bit intermediates, rounded
// to the nearest picosecond or cycle), never through floating point.
#pragma once

#include <compare>
#include <cstdint>

#include "sim-core/time.h"

namespace viosim::core {

class Cycles {
 public:
  constexpr Cycles() = default;
  constexpr explicit Cycles(int64_t n) : n_(n) {}
  constexpr int64_t count() const { return n_; }
  constexpr auto operator<=>(const Cycles&) const = default;
  friend constexpr Cycles operator+(Cycles a, Cycles b) { return Cycles(detail::checked_add(a.n_, b.n_)); }
  friend constexpr Cycles operator-(Cycles a, Cycles b) { return Cycles(detail::checked_sub(a.n_, b.n_)); }
  friend constexpr Cycles operator*(Cycles a, int64_t k) { return Cycles(detail::checked_mul(a.n_, k)); }
  constexpr Cycles& operator+=(Cycles b) { return *this = *this + b; }

 private:
  int64_t n_ = 0;
};

class Clock {
 public:
  // Frequency in Hz; throws std::invalid_argument for zero.
  explicit Clock(uint64_t hz);
  uint64_t hz() const { return hz_; }
  Duration to_duration(Cycles c) const {
    // Below 9e6 cycles, c * 10^12 + hz / 2 fits 64 bits for any hz: the
    // same rounded quotient without the 128-bit division.
    const int64_t n = c.count();
    if (n >= 0 && n < kNarrowCycles) {
      return Duration::from_ps(static_cast<int64_t>((static_cast<uint64_t>(n) * 1'000'000'000'000ull + hz_ / 2) / hz_));
    }
    return to_duration_wide(c);
  }
  Cycles to_cycles(Duration d) const;
  Duration period() const { return to_duration(Cycles(1)); }

 private:
  static constexpr int64_t kNarrowCycles = 9'000'000;
  Duration to_duration_wide(Cycles c) const;

  uint64_t hz_;
};

}  // namespace viosim::core
