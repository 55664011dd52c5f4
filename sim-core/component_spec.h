// The one declaration of a model: its type name, what it does, and its
// parameters (unit, default, help), ports and statistics. Members bind to
// these entries by name, so a port or statistic that the spec does not
// declare is an error at construction; `viosim list-models` prints specs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim-core/units.h"

namespace viosim::core {

struct ParamSpec {
  std::string name;
  Unit unit = Unit::kNone;
  std::string default_value;
  std::string help;
};

enum class PortDirection { kIn, kOut };

struct PortSpec {
  std::string name;
  PortDirection direction = PortDirection::kIn;
  std::string payload;  // what travels on it, e.g. "Frame"
  std::string help;
};

enum class StatKind { kCounter, kGauge, kHistogram };

struct StatSpec {
  std::string name;
  StatKind kind = StatKind::kCounter;
  Unit unit = Unit::kCount;
  std::string help;
};

struct ComponentSpec {
  std::string type;
  std::string help;
  std::vector<ParamSpec> params;
  std::vector<PortSpec> ports;
  std::vector<StatSpec> stats;

  const StatSpec* find_stat(std::string_view name) const;
  const PortSpec* find_port(std::string_view name) const;
  const ParamSpec* find_param(std::string_view name) const;
};

}  // namespace viosim::core
