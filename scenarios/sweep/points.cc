// Building and checking the points of a sweep.
#include "scenarios/sweep/points.h"

#include <map>

#include "scenarios/loader/field_path.h"
#include "scenarios/loader/loader.h"
#include "scenarios/sweep/point_id.h"
#include "sim-core/rng.h"

namespace viosim::sweep {
namespace {

viosim::Scenario with_axis_values(const SweepPlan& plan, size_t axis_point) {
  return scenario_at(plan.base, plan.grid, axis_point);
}

std::vector<std::string> point_backends(const viosim::Scenario& s) {
  std::vector<std::string> out;
  for (viosim::Backend b : run_backends(s)) out.push_back(viosim::Backend_Name(b));
  return out;
}

void set_backend(viosim::Scenario* s, const std::string& backend) {
  viosim::Backend value{};
  if (!viosim::Backend_Parse(backend, &value)) throw SweepError("unknown backend " + backend);
  run_only(s, value);
}

}  // namespace

uint64_t replication_seed(uint64_t seed, uint32_t replication) {
  if (replication == 0) return seed;
  uint64_t state = seed + (replication - 1) * 0x9e3779b97f4a7c15ull;
  return core::splitmix64(state);
}

SweepPlan plan_sweep(const viosim::Scenario& base) {
  SweepPlan plan;
  plan.base = base;
  plan.grid = expand_axes(base);
  plan.replications = std::max<uint32_t>(1, base.sweep().replications());
  for (size_t p = 0; p < plan.grid.points.size(); ++p) {
    const viosim::Scenario at_point = with_axis_values(plan, p);
    for (const std::string& backend : point_backends(at_point)) {
      viosim::Scenario s = at_point;
      set_backend(&s, backend);
      for (uint32_t r = 0; r < plan.replications; ++r) {
        SweepPoint& point = plan.points.emplace_back();
        point.axis_point = p;
        point.backend = backend;
        point.replication = r;
        point.seed = replication_seed(at_point.seed(), r);
        s.set_seed(point.seed);
        point.id = point_id(scenarios::to_textproto(s), viosim_version());
      }
    }
  }
  return plan;
}

viosim::Scenario point_scenario(const SweepPlan& plan, size_t index) {
  const SweepPoint& point = plan.points.at(index);
  viosim::Scenario s = with_axis_values(plan, point.axis_point);
  set_backend(&s, point.backend);
  s.set_seed(point.seed);
  return s;
}

std::string describe_axis_point(const SweepPlan& plan, size_t axis_point) {
  std::string out;
  const std::vector<std::string>& values = plan.grid.points[axis_point];
  for (size_t a = 0; a < values.size(); ++a) out += (a ? ", " : "") + plan.grid.fields[a] + "=" + values[a];
  return out;
}

viosim::SweepPointResult point_record(const SweepPlan& plan, size_t index) {
  const SweepPoint& point = plan.points.at(index);
  viosim::SweepPointResult record;
  record.set_point_id(point.id);
  record.set_viosim_version(std::string(viosim_version()));
  const std::vector<std::string>& values = plan.grid.points[point.axis_point];
  for (size_t a = 0; a < values.size(); ++a) {
    viosim::SweepAxisValue* v = record.add_axis();
    v->set_field(plan.grid.fields[a]);
    v->set_value(values[a]);
  }
  record.set_backend(point.backend);
  record.set_replication(point.replication);
  record.set_seed(point.seed);
  return record;
}

}  // namespace viosim::sweep
