// Every point a sweep will run, checked like a scenario of its own: the
// validation rules and the builder (build_issues), for each axis point and
// backend. A sweep whose range runs past the line rate, or whose core count
// drops below a pinned core, is refused by `validate` as by `sweep`, before
// anything runs.
#pragma once

#include "scenarios/loader/issue.h"
#include "scenarios/schema/viosim/scenario.pb.h"

namespace viosim::scenarios {

// Each distinct problem (the same field, the same message but for its
// numbers) once, with the axis values and message of the first point that
// has it and how many points share it. An issue about a swept field is
// placed at its axis; others at their own field, "sweep" when they have
// none. `scenario` is valid as a base and has a sweep.
Issues check_sweep_points(const viosim::Scenario& scenario);

// One resolved scenario changed after loading (a plan's probe: a count, a
// core number set), checked as the loader checks a sweep point: the rules,
// then the builder.
Issues check_point(const viosim::Scenario& scenario);

}  // namespace viosim::scenarios
