// The builder's answer as validation issues.
#include "scenarios/loader/buildable.h"

#include <map>
#include <stdexcept>
#include <utility>
#include <vector>

#include "scenarios/builder/path_builder.h"
#include "scenarios/loader/sweep_expand.h"

namespace viosim::scenarios {

Issues build_issues(const viosim::Scenario& scenario) {
  const std::vector<viosim::Backend> backends = sweep::run_backends(scenario);
  // (path, message) -> the backends that have it, in first-seen order.
  std::vector<std::pair<Issue, std::vector<viosim::Backend>>> found;
  auto add = [&found](Issue issue, viosim::Backend backend) {
    for (auto& [seen, where] : found) {
      if (seen.path == issue.path && seen.message == issue.message) {
        where.push_back(backend);
        return;
      }
    }
    found.push_back({std::move(issue), {backend}});
  };
  for (viosim::Backend backend : backends) {
    try {
      build_path_config(scenario, model_backend(backend));
    } catch (const NotModelled& e) {
      add({e.path(), e.what()}, backend);
    } catch (const std::invalid_argument& e) {
      add({"", std::string("the models cannot run this: ") + e.what()}, backend);
    }
  }
  Issues issues;
  for (auto& [issue, where] : found) {
    if (where.size() < backends.size()) {
      std::string names;
      for (viosim::Backend b : where) names += (names.empty() ? "" : ", ") + viosim::Backend_Name(b);
      issue.message = "on " + names + ": " + issue.message;
    }
    issues.push_back(std::move(issue));
  }
  return issues;
}

}  // namespace viosim::scenarios
