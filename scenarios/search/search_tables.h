// The tables `viosim search -o DIR` writes: search.csv (one row per axis
// point and backend: the rates found) and trials.csv (every trial), each
// with a column per swept field, named by its path, first. Numbers use the
// sweep tables' one format.
#pragma once

#include <string>
#include <vector>

#include "scenarios/schema/viosim/results.pb.h"
#include "scenarios/search/search_plan.h"

namespace viosim::search {

// One task's outcome.
struct TaskResult {
  SearchResult result;
  std::vector<viosim::BackendResult> trial_results;  // by trial, as run
  std::string failure;                               // a trial failed: why
  bool skipped = false;                              // this build cannot run the backend
};

std::string search_csv(const SearchPlan& plan, const std::vector<TaskResult>& results);
std::string trials_csv(const SearchPlan& plan, const std::vector<TaskResult>& results);

}  // namespace viosim::search
