// The sweep's tidy CSV files. Rows follow point order, never completion
// order, and numbers use one fixed format, so the files are byte-identical
// whatever the number of workers or ranks that produced the points.
//
// points.csv: one row per point (axis point x backend x replication): every
//   swept field (column named by its field path as written in the axis),
//   backend, replication, seed, status (ok / skipped), latency_kind, then
//   the result figures, fingerprint and point_id.
// aggregate.csv: one row per axis point and backend: the swept fields,
//   backend, status, replications (n), then for each figure its mean,
//   ci95_low and ci95_high (empty for n = 1).
#pragma once

#include <string>
#include <vector>

#include "scenarios/schema/viosim/results.pb.h"
#include "scenarios/sweep/points.h"

namespace viosim::sweep {

// `records[i]` is the record of plan.points[i].
std::string points_csv(const SweepPlan& plan, const std::vector<viosim::SweepPointResult>& records);
std::string aggregate_csv(const SweepPlan& plan, const std::vector<viosim::SweepPointResult>& records);

// "%.10g": the one number format of both files.
std::string csv_number(double value);

}  // namespace viosim::sweep
