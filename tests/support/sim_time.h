// Instants of a test's simulated time, counted from time zero.
#pragma once

#include <cstdint>

#include "sim-core/time.h"

namespace viosim::models {

inline core::Time at_us(int64_t us) { return core::Time::zero() + core::Microseconds(us); }
inline core::Time at_ms(int64_t ms) { return core::Time::zero() + core::Milliseconds(ms); }

}  // namespace viosim::models
