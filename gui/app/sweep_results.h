// A sweep's load curves from the points finished so far, in memory: the
// same figures and 95 % intervals that aggregate.csv holds (mean and
// Student-t interval across replications, sweep/stats.h), so the GUI can
// draw the curves while the sweep runs and charts/sweep_charts.h draws
// them exactly as `viosim plot` does from the file.
#pragma once

#include <optional>
#include <vector>

#include "gui/charts/sweep_charts.h"
#include "scenarios/schema/viosim/results.pb.h"
#include "scenarios/sweep/points.h"

namespace viosim::gui {

// `points[i]` is the record of plan.points[i], if it has finished. As in
// sweep_charts.h, the last axis is x (its position in the grid for values
// that are not numbers, e.g. an enum) and with several axes each
// combination of the others is a curve of its own; skipped points are left out.
charts::SweepData sweep_data(const sweep::SweepPlan& plan,
                             const std::vector<std::optional<viosim::SweepPointResult>>& points);

}  // namespace viosim::gui
