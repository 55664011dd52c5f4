// Sweep expansion, first half: a scenario's sweep axes become a list of
// axis points, each a value (as scenario text) for every swept field.
// CROSS makes the grid with the first axis varying slowest (nested loops in
// axis order); ZIP takes the i-th value of every axis. No axes: one point.
// It sits with the loader because validation checks every point a sweep
// will run (see check_points.h); `viosim sweep` runs the same points.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "scenarios/schema/viosim/scenario.pb.h"
#include "scenarios/schema/viosim/vm.pb.h"

namespace viosim::sweep {

// A sweep that cannot be expanded (unequal ZIP axes, a field that does not
// resolve): the validator normally catches these first.
class SweepError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct AxisGrid {
  std::vector<std::string> fields;               // each axis's field path, as written
  std::vector<std::vector<std::string>> points;  // points[p][axis]: a value as text
};

// An axis's values as text that set_from_text reads back. Range values are
// rounded to 12 significant digits (integers for integer fields), so
// 0.1 + 2 * 0.1 prints and runs as 0.3, not 0.30000000000000004.
std::vector<std::string> axis_values(const viosim::Scenario& scenario, const viosim::Axis& axis);

// Throws SweepError when ZIP axes differ in length.
AxisGrid expand_axes(const viosim::Scenario& scenario);

// The scenario of one axis point: `base` with that point's values set and
// no sweep. Throws SweepError if a value does not apply.
viosim::Scenario scenario_at(const viosim::Scenario& base, const AxisGrid& grid, size_t axis_point);

// The backends a scenario runs: its compare list, or else its first VM's
// own backend (which an axis may have set).
std::vector<viosim::Backend> run_backends(const viosim::Scenario& scenario);

// Makes `scenario` run `backend` alone (compare lists only it).
void run_only(viosim::Scenario* scenario, viosim::Backend backend);

}  // namespace viosim::sweep
