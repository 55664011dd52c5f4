#include "scenarios/plan/plan_tasks.h"

#include <cmath>
#include <cstdio>

#include "scenarios/loader/field_path.h"
#include "scenarios/loader/sweep_expand.h"
#include "scenarios/search/search_plan.h"
#include "scenarios/sweep/points.h"

namespace viosim::plan {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out;
}

// The rate objective's bounds at one axis point.
SearchSpace rate_space(const viosim::PlanRate& rate, const search::SearchedTraffic& traffic, const std::string& here) {
  SearchSpace s;
  s.integer = false;
  s.most = true;
  s.precision = rate.precision();
  const double line = traffic.line_rate_pps();
  if (rate.has_max_rate_pps()) {
    s.max = rate.max_rate_pps();
    if (line > 0 && s.max > line * (1 + 1e-9)) {
      throw PlanError(here + "plan.highest_rate.max_rate_pps " + search::rate_text(s.max) + " is above " +
                      search::rate_text(line) + ", the line rate of the searched flows' host NICs");
    }
  } else if (line == 0) {
    throw PlanError(here +
                    "plan.highest_rate: the searched flows cross no host NIC, so there is no line rate to "
                    "start from; give max_rate_pps");
  } else {
    s.max = line;
  }
  s.min = rate.has_min_rate_pps() ? rate.min_rate_pps() : s.max / 1000;
  if (s.min > s.max) {
    throw PlanError(here + "plan.highest_rate.min_rate_pps " + search::rate_text(s.min) +
                    " is above the highest rate, " + search::rate_text(s.max));
  }
  return s;
}

}  // namespace

PlanTasks plan_tasks(const viosim::Scenario& scenario) {
  const viosim::Plan& plan = scenario.plan();
  PlanTasks out;
  sweep::AxisGrid grid;
  try {
    grid = sweep::expand_axes(scenario);
  } catch (const sweep::SweepError& e) {
    throw PlanError(e.what());
  }
  out.axis_fields = grid.fields;
  std::vector<std::string> rate_flows(plan.highest_rate().flow().begin(), plan.highest_rate().flow().end());
  for (size_t p = 0; p < grid.points.size(); ++p) {
    viosim::Scenario at;
    try {
      at = scenario.sweep().axis_size() > 0 ? sweep::scenario_at(scenario, grid, p) : scenario;
    } catch (const sweep::SweepError& e) {
      throw PlanError(e.what());
    }
    at.clear_sweep();
    at.clear_question();
    std::string here = search::point_text(grid.fields, grid.points[p]);
    if (!here.empty()) here += ": ";
    PlanTask base;
    base.axis_point = p;
    base.axis_fields = grid.fields;
    base.axis_values = grid.points[p];
    base.criteria = slo_criteria(plan);
    if (plan.has_highest_rate()) {
      std::shared_ptr<const search::SearchedTraffic> traffic;
      try {
        traffic = std::make_shared<const search::SearchedTraffic>(at, rate_flows);
      } catch (const search::SearchError& e) {
        throw PlanError(here + "plan.highest_rate: " + e.what());
      }
      base.space = rate_space(plan.highest_rate(), *traffic, here);
      base.searched = traffic;
      base.criteria.insert(base.criteria.begin(), searched_loss_criterion(plan.highest_rate().loss_ratio()));
      out.objective = "highest_rate";
      out.searched = "total rate of " + join(traffic->flow_names()) + " (pkt/s)";
    } else {
      const viosim::PlanCount& count = plan.has_most() ? plan.most() : plan.fewest();
      base.space.integer = true;
      base.space.most = plan.has_most();
      base.space.min = double(count.min());
      base.space.max = double(count.max());
      base.field = count.field();
      out.objective = std::string(plan.has_most() ? "most " : "fewest ") + count.field();
      out.searched = count.field();
    }
    for (viosim::Backend backend : sweep::run_backends(at)) {
      PlanTask task = base;
      task.backend = viosim::Backend_Name(backend);
      task.scenario = at;
      if (at.compare().backend_size() > 0) sweep::run_only(&task.scenario, backend);
      out.tasks.push_back(std::move(task));
    }
  }
  return out;
}

std::string value_text(const PlanTask& task, double value) {
  if (task.space.integer) return std::to_string(static_cast<long long>(std::llround(value)));
  return search::rate_text(value);
}

viosim::Scenario probe_scenario(const PlanTask& task, double value, uint32_t replication) {
  viosim::Scenario s = task.searched ? task.searched->at_rate(task.scenario, value) : task.scenario;
  if (!task.searched) {
    std::string error;
    auto target = scenarios::resolve_path(&s, task.field, /*create=*/true, &error);
    if (target && target->field->is_repeated() && target->index < 0) {
      // A list by its length: its first n entries.
      const auto* reflection = target->parent->GetReflection();
      const int n = static_cast<int>(std::llround(value));
      if (n < 1 || n > reflection->FieldSize(*target->parent, target->field)) {
        throw PlanError("plan field " + task.field + " has fewer than " + value_text(task, value) + " entries");
      }
      while (reflection->FieldSize(*target->parent, target->field) > n) {
        reflection->RemoveLast(target->parent, target->field);
      }
    } else if (!target || !scenarios::set_from_text(*target, value_text(task, value), &error)) {
      throw PlanError("plan field " + task.field + " = " + value_text(task, value) + ": " + error);
    }
  }
  s.set_seed(sweep::replication_seed(task.scenario.seed(), replication));
  return s;
}

}  // namespace viosim::plan
