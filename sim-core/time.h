// Simulated time: `Duration` (a span) and `Time` (a point since the start of
// the run), both int64 picoseconds. Arithmetic is checked: an overflow throws
// std::overflow_error instead of wrapping into a silently wrong schedule.
#pragma once

#include <compare>
#include <cstdint>
#include <iosfwd>
#include <limits>
#include <stdexcept>
#include <string>

namespace viosim::core {

namespace detail {
[[noreturn]] void throw_time_overflow(const char* what);

constexpr int64_t checked_add(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) throw_time_overflow("addition");
  return r;
}
constexpr int64_t checked_sub(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_sub_overflow(a, b, &r)) throw_time_overflow("subtraction");
  return r;
}
constexpr int64_t checked_mul(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) throw_time_overflow("multiplication");
  return r;
}
}  // namespace detail

class Duration {
 public:
  constexpr Duration() = default;
  static constexpr Duration from_ps(int64_t ps) { return Duration(ps); }
  // Rounds to the nearest picosecond (halves away from zero) with a plain
  // conversion, no libm call; throws on NaN or out-of-range input.
  static Duration from_seconds(double seconds) {
    const double ps = seconds * 1e12;
    const double rounded = ps >= 0 ? ps + 0.5 : ps - 0.5;
    // 2^63 is exactly representable; anything at or beyond it does not fit.
    if (!(rounded > -9.223372036854775808e18 && rounded < 9.223372036854775808e18)) {
      detail::throw_time_overflow("conversion from seconds");
    }
    return Duration(static_cast<int64_t>(rounded));
  }
  static constexpr Duration zero() { return Duration(0); }
  static constexpr Duration max() { return Duration(std::numeric_limits<int64_t>::max()); }

  constexpr int64_t ps() const { return ps_; }
  double seconds() const { return static_cast<double>(ps_) * 1e-12; }
  double microseconds() const { return static_cast<double>(ps_) * 1e-6; }
  double nanoseconds() const { return static_cast<double>(ps_) * 1e-3; }

  constexpr auto operator<=>(const Duration&) const = default;

  friend constexpr Duration operator+(Duration a, Duration b) {
    return Duration(detail::checked_add(a.ps_, b.ps_));
  }
  friend constexpr Duration operator-(Duration a, Duration b) {
    return Duration(detail::checked_sub(a.ps_, b.ps_));
  }
  friend constexpr Duration operator*(Duration a, int64_t k) {
    return Duration(detail::checked_mul(a.ps_, k));
  }
  friend constexpr Duration operator*(int64_t k, Duration a) { return a * k; }
  // Integer division truncates toward zero, as for int64.
  friend constexpr Duration operator/(Duration a, int64_t k) { return Duration(a.ps_ / k); }
  friend constexpr int64_t operator/(Duration a, Duration b) { return a.ps_ / b.ps_; }
  constexpr Duration& operator+=(Duration b) { return *this = *this + b; }
  constexpr Duration& operator-=(Duration b) { return *this = *this - b; }
  constexpr Duration operator-() const { return Duration(detail::checked_sub(0, ps_)); }

 private:
  constexpr explicit Duration(int64_t ps) : ps_(ps) {}
  int64_t ps_ = 0;
};

constexpr Duration Picoseconds(int64_t n) { return Duration::from_ps(n); }
constexpr Duration Nanoseconds(int64_t n) { return Duration::from_ps(detail::checked_mul(n, 1'000)); }
constexpr Duration Microseconds(int64_t n) { return Duration::from_ps(detail::checked_mul(n, 1'000'000)); }
constexpr Duration Milliseconds(int64_t n) {
  return Duration::from_ps(detail::checked_mul(n, 1'000'000'000));
}
constexpr Duration Seconds(int64_t n) { return Duration::from_ps(detail::checked_mul(n, 1'000'000'000'000)); }

class Time {
 public:
  constexpr Time() = default;
  static constexpr Time zero() { return Time(); }
  static constexpr Time max() { return Time() + Duration::max(); }
  static constexpr Time from_ps(int64_t ps) { return Time() + Duration::from_ps(ps); }

  constexpr int64_t ps() const { return since_start_.ps(); }
  constexpr Duration since_start() const { return since_start_; }
  double seconds() const { return since_start_.seconds(); }

  constexpr auto operator<=>(const Time&) const = default;

  friend constexpr Time operator+(Time t, Duration d) { return Time(t.since_start_ + d); }
  friend constexpr Time operator+(Duration d, Time t) { return t + d; }
  friend constexpr Time operator-(Time t, Duration d) { return Time(t.since_start_ - d); }
  friend constexpr Duration operator-(Time a, Time b) { return a.since_start_ - b.since_start_; }
  constexpr Time& operator+=(Duration d) { return *this = *this + d; }

 private:
  constexpr explicit Time(Duration d) : since_start_(d) {}
  Duration since_start_;
};

// "0 s", "250 ps", "1.5 us", "12.345678 ms": the largest unit that keeps the
// integer part non-zero, with trailing zeros dropped (exact, no rounding).
std::string to_string(Duration d);
std::string to_string(Time t);
std::ostream& operator<<(std::ostream& os, Duration d);
std::ostream& operator<<(std::ostream& os, Time t);

}  // namespace viosim::core
