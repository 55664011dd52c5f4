// What `viosim plan` searches: one task per axis point of the scenario's
// sweep (the base point without one) and per backend it compares, each
// with its search space resolved (a rate's line rate at that point) and
// the criteria its probes must meet. A probe of a task at a value is the
// task's scenario with the value set, the plan and sweep left out, one
// replication's seed: a plain scenario, whose point file any later plan
// over the same scenario reuses.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "scenarios/plan/monotone_search.h"
#include "scenarios/plan/slo_check.h"
#include "scenarios/schema/viosim/scenario.pb.h"
#include "scenarios/search/searched_traffic.h"

namespace viosim::plan {

// A plan this scenario cannot answer (no line rate to start a rate search
// from, a maximum above it): the message names the plan field.
class PlanError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct PlanTask {
  size_t axis_point = 0;
  std::vector<std::string> axis_fields;  // the sweep's fields, as written
  std::vector<std::string> axis_values;  // as scenario text, one per axis
  std::string backend;
  viosim::Scenario scenario;  // that point, that backend alone, no sweep, no plan
  SearchSpace space;
  std::string field;                                        // the searched field (count objectives)
  std::shared_ptr<const search::SearchedTraffic> searched;  // rate objective
  std::vector<Criterion> criteria;
};

struct PlanTasks {
  std::string objective;                 // "most vm[web].count"
  std::string searched;                  // "vm[web].count", "total rate of probe, load (pkt/s)"
  std::vector<std::string> axis_fields;  // the sweep's fields
  std::vector<PlanTask> tasks;           // axis point after axis point, backends in order
};

// `scenario` is loaded, with a plan. Throws PlanError.
PlanTasks plan_tasks(const viosim::Scenario& scenario);

// The value as the scenario takes it: "12", "1488095.238".
std::string value_text(const PlanTask& task, double value);

// The probe's scenario at `value`, replication `replication` (its seed as a
// sweep derives it). Throws PlanError when the value does not apply.
viosim::Scenario probe_scenario(const PlanTask& task, double value, uint32_t replication);

}  // namespace viosim::plan
