// Checking a sweep point by point, reporting each distinct problem once.
#include "scenarios/loader/check_points.h"

#include <cctype>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "scenarios/loader/buildable.h"
#include "scenarios/loader/field_path.h"
#include "scenarios/loader/sweep_expand.h"
#include "scenarios/loader/validate.h"
#include "scenarios/schema/viosim/vm.pb.h"

namespace viosim::scenarios {
namespace {

std::string describe(const sweep::AxisGrid& grid, size_t point) {
  std::string out;
  for (size_t a = 0; a < grid.fields.size(); ++a) {
    out += (a ? ", " : "") + grid.fields[a] + "=" + grid.points[point][a];
  }
  return out;
}

// The shape of a message, its numbers left out: "offers 10.1 Gb/s" and
// "offers 10.8 Gb/s" are one problem at two points.
std::string shape(const std::string& message) {
  std::string out;
  for (size_t i = 0; i < message.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(message[i]))) {
      while (i + 1 < message.size() && (std::isdigit(static_cast<unsigned char>(message[i + 1])) ||
                                        message[i + 1] == '.' || message[i + 1] == 'e' || message[i + 1] == '+')) {
        ++i;
      }
      out += '#';
    } else {
      out += message[i];
    }
  }
  return out;
}

struct Seen {
  size_t first_point = 0;
  size_t points = 0;
  size_t last_point = static_cast<size_t>(-1);
};

}  // namespace

Issues check_point(const viosim::Scenario& scenario) {
  Issues issues = validate_scenario(scenario);
  if (issues.empty()) issues = build_issues(scenario);
  return issues;
}

Issues check_sweep_points(const viosim::Scenario& scenario) {
  sweep::AxisGrid grid;
  try {
    grid = sweep::expand_axes(scenario);
  } catch (const sweep::SweepError& e) {
    return {{"sweep", e.what()}};
  }
  // The canonical path of each swept field, to place its problems at its axis.
  std::map<std::string, std::string> axis_of;
  {
    viosim::Scenario scratch = scenario;
    for (int a = 0; a < scenario.sweep().axis_size(); ++a) {
      std::string error;
      if (auto target = resolve_path(&scratch, scenario.sweep().axis(a).field(), /*create=*/true, &error)) {
        const std::string axis = "sweep.axis[" + std::to_string(a) + "]";
        axis_of.emplace(target->path, axis + (scenario.sweep().axis(a).has_range() ? ".range" : ".values"));
      }
    }
  }
  std::vector<std::pair<Issue, Seen>> found;  // in order of first appearance
  std::map<std::pair<std::string, std::string>, size_t> index;
  for (size_t p = 0; p < grid.points.size(); ++p) {
    viosim::Scenario at_point;
    try {
      at_point = sweep::scenario_at(scenario, grid, p);
    } catch (const sweep::SweepError& e) {
      return {{"sweep", e.what()}};
    }
    Issues issues = check_point(at_point);
    for (Issue& issue : issues) {
      auto [it, fresh] = index.emplace(std::pair{issue.path, shape(issue.message)}, found.size());
      if (fresh) found.push_back({std::move(issue), Seen{p, 0}});
      Seen& seen = found[it->second].second;
      if (seen.last_point != p) {
        ++seen.points;
        seen.last_point = p;
      }
    }
  }
  Issues out;
  for (auto& [issue, seen] : found) {
    std::string where = "at sweep point " + describe(grid, seen.first_point);
    if (seen.points > 1) {
      where += " (and " + std::to_string(seen.points - 1) + " more of the " + std::to_string(grid.points.size()) +
               " points)";
    }
    const auto axis = axis_of.find(issue.path);
    const std::string path = axis != axis_of.end() ? axis->second : issue.path.empty() ? "sweep" : issue.path;
    out.push_back({path, where + ": " + issue.message});
  }
  return out;
}

}  // namespace viosim::scenarios
