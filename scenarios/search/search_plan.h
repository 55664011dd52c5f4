// What `viosim search` runs: one search per axis point of the scenario's
// sweep (the base point when it has none) and per backend it compares,
// each with its bounds resolved (the line rate of that point's NICs when
// no maximum is given). Everything that can be refused is refused here,
// before any trial runs.
#pragma once

#include <string>
#include <vector>

#include "scenarios/schema/viosim/scenario.pb.h"
#include "scenarios/search/rate_search.h"

namespace viosim::search {

struct SearchOptions {
  std::vector<std::string> flows;  // empty: every open-loop flow
  SearchSettings settings;         // min_rate / max_rate used only when given
  bool max_given = false;
  bool min_given = false;
};

struct SearchTask {
  size_t axis_point = 0;
  std::vector<std::string> axis_values;  // as scenario text, one per axis
  std::string backend;                   // as the results name it
  viosim::Scenario scenario;             // that point, that backend alone, no sweep
  SearchSettings settings;               // bounds resolved for this point
  double mean_frame_bytes = 0;           // of the searched packets, for Gb/s
};

struct SearchPlan {
  std::vector<std::string> axis_fields;  // the sweep's field paths, as written
  std::vector<SearchTask> tasks;         // axis point after axis point, backends in order
};

// "at vm[web].count=4, vm[web].vcpus=2" for an axis point; empty without
// axes.
std::string point_text(const std::vector<std::string>& fields, const std::vector<std::string>& values);

// Throws SearchError (a message for the user): a flow that is not there
// or not open-loop, an axis that sets a searched rate, no line rate and no
// maximum, a maximum above the line rate, a minimum above the maximum.
SearchPlan plan_search(const viosim::Scenario& scenario, const SearchOptions& options);

}  // namespace viosim::search
