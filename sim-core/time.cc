// Formatting and the non-constexpr parts of simulated time.
#include "sim-core/time.h"

#include <ostream>

namespace viosim::core {

namespace detail {
void throw_time_overflow(const char* what) {
  throw std::overflow_error(std::string("simulated time overflow in ") + what);
}
}  // namespace detail

std::string to_string(Duration d) {
  struct UnitStep {
    int64_t ps;
    const char* name;
  };
  static constexpr UnitStep kUnits[] = {
      {1'000'000'000'000, "s"}, {1'000'000'000, "ms"}, {1'000'000, "us"}, {1'000, "ns"}, {1, "ps"}};
  const int64_t v = d.ps();
  if (v == 0) return "0 s";
  // Work on the magnitude as unsigned so that INT64_MIN formats too.
  const uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  std::string out = v < 0 ? "-" : "";
  for (const UnitStep& u : kUnits) {
    const uint64_t scale = static_cast<uint64_t>(u.ps);
    if (mag < scale && scale != 1) continue;
    out += std::to_string(mag / scale);
    uint64_t frac = mag % scale;
    if (frac != 0) {
      std::string digits;
      for (uint64_t s = scale / 10; s > 0; s /= 10) {
        digits += static_cast<char>('0' + (frac / s) % 10);
      }
      while (!digits.empty() && digits.back() == '0') digits.pop_back();
      out += "." + digits;
    }
    out += " ";
    out += u.name;
    return out;
  }
  return out;  // unreachable: the ps step always matches
}

std::string to_string(Time t) { return to_string(t.since_start()); }
std::ostream& operator<<(std::ostream& os, Duration d) { return os << to_string(d); }
std::ostream& operator<<(std::ostream& os, Time t) { return os << to_string(t); }

}  // namespace viosim::core
