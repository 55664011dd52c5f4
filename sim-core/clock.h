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
  Duration to_duration(Cycles c) const;
  Cycles to_cycles(Duration d) const;
  Duration period() const { return to_duration(Cycles(1)); }

 private:
  uint64_t hz_;
};

}  // namespace viosim::core
