// Units of parameters and statistics, so that every figure a run reports says
// what it counts.
#pragma once

#include <string_view>

namespace viosim::core {

enum class Unit {
  kNone,
  kCount,
  kPackets,
  kBytes,
  kCycles,
  kPicoseconds,
  kNanoseconds,
  kMicroseconds,
  kMilliseconds,
  kHertz,
  kBitsPerSecond,
  kPercent,
};

std::string_view unit_symbol(Unit u);  // "", "count", "pkt", "B", "cycles", "ps", ...

}  // namespace viosim::core
