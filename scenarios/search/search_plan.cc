#include "scenarios/search/search_plan.h"

#include "scenarios/loader/sweep_expand.h"
#include "scenarios/search/searched_traffic.h"

namespace viosim::search {

std::string point_text(const std::vector<std::string>& fields, const std::vector<std::string>& values) {
  std::string text;
  for (size_t a = 0; a < fields.size(); ++a) text += (a == 0 ? "at " : ", ") + fields[a] + "=" + values[a];
  return text;
}

SearchPlan plan_search(const viosim::Scenario& scenario, const SearchOptions& options) {
  SearchPlan plan;
  for (const viosim::Axis& axis : scenario.sweep().axis()) {
    if (axis.field().find("open_loop.rate") != std::string::npos) {
      throw SearchError("the sweep's axis " + axis.field() +
                        " sets a flow's rate, which the search varies itself; sweep other fields");
    }
  }
  sweep::AxisGrid grid;
  try {
    grid = sweep::expand_axes(scenario);
  } catch (const sweep::SweepError& e) {
    throw SearchError(e.what());
  }
  plan.axis_fields = grid.fields;
  for (size_t p = 0; p < grid.points.size(); ++p) {
    viosim::Scenario at;
    try {
      at = scenario.sweep().axis_size() > 0 ? sweep::scenario_at(scenario, grid, p) : scenario;
    } catch (const sweep::SweepError& e) {
      throw SearchError(e.what());
    }
    std::string here = point_text(plan.axis_fields, grid.points[p]);
    if (!here.empty()) here += ": ";
    const SearchedTraffic traffic(at, options.flows);
    SearchSettings s = options.settings;
    const double line = traffic.line_rate_pps();
    if (!options.max_given) {
      if (line == 0) {
        throw SearchError(here +
                          "the searched flows cross no host NIC, so there is no line rate to start from; "
                          "give --max-rate-pps");
      }
      s.max_rate = line;
    } else if (line > 0 && s.max_rate > line * (1 + 1e-9)) {
      throw SearchError(here + "--max-rate-pps " + rate_text(s.max_rate) + " is above " + rate_text(line) +
                        ", the line rate of the searched flows' host NICs (frames plus 20 B of preamble and "
                        "gap each)");
    }
    if (!options.min_given) s.min_rate = s.max_rate / 1000;
    if (s.min_rate > s.max_rate) {
      throw SearchError(here + "--min-rate-pps " + rate_text(s.min_rate) + " is above the highest rate, " +
                        rate_text(s.max_rate));
    }
    for (viosim::Backend backend : sweep::run_backends(at)) {
      SearchTask task;
      task.axis_point = p;
      task.axis_values = grid.points[p];
      task.backend = viosim::Backend_Name(backend);
      task.scenario = at;
      if (at.compare().backend_size() > 0) sweep::run_only(&task.scenario, backend);
      task.settings = s;
      task.mean_frame_bytes = traffic.mean_frame_bytes();
      plan.tasks.push_back(std::move(task));
    }
  }
  return plan;
}

}  // namespace viosim::search
