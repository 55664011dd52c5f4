// Range arithmetic. The slack of 1e-12 keeps a last value that floating
// point lands just short of `to` (0.1 + 0.2 steps) in the range.
#include "scenarios/loader/sweep_range.h"

#include <cmath>

namespace viosim::scenarios {

double range_count(const viosim::AxisRange& range) {
  if (range.has_step()) return std::floor((range.to() - range.from()) / range.step() * (1 + 1e-12)) + 1;
  return std::floor(std::log(range.to() / range.from()) / std::log(range.factor()) * (1 + 1e-12)) + 1;
}

double range_value(const viosim::AxisRange& range, int i) {
  return range.has_step() ? range.from() + i * range.step() : range.from() * std::pow(range.factor(), i);
}

}  // namespace viosim::scenarios
