// Sweep expansion, second half: axis points x compared backends x
// replications become the sweep's points, in a fixed order (axis point,
// then backend in compare order, then replication). Each point is one
// resolved scenario run for one backend: the base with the axis values set,
// `compare` holding that backend only, no sweep, and the replication's seed.
//
// Seeds: replication 0 runs the scenario's own seed, so a one-replication
// sweep point reproduces `viosim run --set ...` exactly. Replication r >= 1
// runs the r-th output of a splitmix64 generator seeded with the scenario
// seed (splitmix64 of seed + r * 0x9e3779b97f4a7c15), which spreads
// neighbouring seeds apart and never depends on the number of points.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scenarios/schema/viosim/results.pb.h"
#include "scenarios/schema/viosim/scenario.pb.h"
#include "scenarios/loader/sweep_expand.h"

namespace viosim::sweep {

struct SweepPoint {
  size_t axis_point = 0;  // row of SweepPlan::grid.points
  std::string backend;    // Backend enum name
  uint32_t replication = 0;
  uint64_t seed = 0;
  std::string id;         // point_id of the resolved scenario
};

struct SweepPlan {
  viosim::Scenario base;  // resolved, sweep included
  AxisGrid grid;
  uint32_t replications = 1;
  std::vector<SweepPoint> points;  // in point order
};

uint64_t replication_seed(uint64_t seed, uint32_t replication);

// Expands `base`, a scenario the loader accepted: the loader has checked
// every (axis point, backend) as a scenario of its own, with the rules and
// the builder (scenarios/loader/check_points.h).
// Expansion problems throw SweepError.
SweepPlan plan_sweep(const viosim::Scenario& base);

// The resolved scenario of point `index`: rebuilt on demand, since a large
// sweep would not fit in memory as scenarios.
viosim::Scenario point_scenario(const SweepPlan& plan, size_t index);

// "vm[vm0].nic.queues=2, traffic.flow[rr].open_loop.rate_pps=1e6"; "" without axes.
std::string describe_axis_point(const SweepPlan& plan, size_t axis_point);

// The point file record of a point, without results yet.
viosim::SweepPointResult point_record(const SweepPlan& plan, size_t index);

}  // namespace viosim::sweep
