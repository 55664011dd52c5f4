// The values of a sweep range (`range { from to step|factor }`), shared by
// the validator (which checks them) and the sweep expansion (which runs
// them), so both count the same values.
#pragma once

#include "scenarios/schema/viosim/sweep.pb.h"

namespace viosim::scenarios {

// Number of values from `from` to `to`, both included when hit; a value
// within a relative 1e-12 of `to` counts as hitting it. The range must have
// from <= to and a valid step (> 0) or factor (> 1, from > 0).
double range_count(const viosim::AxisRange& range);

// The i-th value (from + i * step, or from * factor^i), unrounded.
double range_value(const viosim::AxisRange& range, int i);

}  // namespace viosim::scenarios
