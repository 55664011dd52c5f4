// Look-ups in a component spec, and unit symbols.
#include "sim-core/component_spec.h"

namespace viosim::core {

namespace {
template <class T>
const T* find_named(const std::vector<T>& v, std::string_view name) {
  for (const T& e : v) {
    if (e.name == name) return &e;
  }
  return nullptr;
}
}  // namespace

const StatSpec* ComponentSpec::find_stat(std::string_view name) const { return find_named(stats, name); }
const PortSpec* ComponentSpec::find_port(std::string_view name) const { return find_named(ports, name); }
const ParamSpec* ComponentSpec::find_param(std::string_view name) const { return find_named(params, name); }

std::string_view unit_symbol(Unit u) {
  switch (u) {
    case Unit::kNone: return "";
    case Unit::kCount: return "count";
    case Unit::kPackets: return "pkt";
    case Unit::kBytes: return "B";
    case Unit::kCycles: return "cycles";
    case Unit::kPicoseconds: return "ps";
    case Unit::kNanoseconds: return "ns";
    case Unit::kMicroseconds: return "us";
    case Unit::kMilliseconds: return "ms";
    case Unit::kHertz: return "Hz";
    case Unit::kBitsPerSecond: return "bit/s";
    case Unit::kPercent: return "%";
  }
  return "";
}

}  // namespace viosim::core
