// Rules about a plan: an objective that names something to vary, an integer
// field the sweep does not also sweep, bounds that go up, SLOs on flows
// that exist, replications that can decide. Whether the scenario is valid
// at each value the plan tries is known only when it tries it: a value the
// rules refuse (more VMs than cores) is where the answer stops, and the
// plan says so.
#include <set>

#include "scenarios/loader/field_path.h"
#include "scenarios/loader/suggest.h"
#include "scenarios/loader/validate.h"
#include "scenarios/loader/validate_ranges.h"

namespace viosim::scenarios {
namespace {

using google::protobuf::FieldDescriptor;

std::vector<std::string> flow_names(const viosim::Scenario& s) {
  std::vector<std::string> names;
  for (const viosim::Flow& f : s.traffic().flow()) names.push_back(f.name());
  return names;
}

const viosim::Flow* find_flow(const viosim::Scenario& s, const std::string& name) {
  for (const viosim::Flow& f : s.traffic().flow()) {
    if (f.name() == name) return &f;
  }
  return nullptr;
}

bool is_integer(const FieldDescriptor* field) {
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
      return true;
    default:
      return false;
  }
}

void check_count(const viosim::Scenario& s, const viosim::PlanCount& count, const std::string& path, Issues* issues) {
  if (count.field().empty()) {
    issues->push_back({path, path + " names no field to vary; e.g. field: \"vm[web].count\""});
    return;
  }
  viosim::Scenario scratch = s;
  std::string error;
  auto target = resolve_path(&scratch, count.field(), /*create=*/false, &error);
  if (!target) {
    issues->push_back({path + ".field", "plan field \"" + count.field() + "\": " + error});
    return;
  }
  const FieldDescriptor* field = target->field;
  if (!is_integer(field)) {
    issues->push_back({path + ".field", "plan field \"" + count.field() + "\" is not an integer; " + path +
                                            " searches a count (a VM's count, cores, queues)"});
    return;
  }
  // A whole list of integers (PMD cores) is searched by its length: the
  // value n keeps its first n entries.
  const bool list = field->is_repeated() && target->index < 0;
  const int entries = list ? target->parent->GetReflection()->FieldSize(*target->parent, field) : 0;
  if (target->path.rfind("plan", 0) == 0 || target->path.rfind("sweep", 0) == 0) {
    issues->push_back({path + ".field", "a plan cannot search " + target->path});
    return;
  }
  for (int a = 0; a < s.sweep().axis_size(); ++a) {
    std::string ignored;
    auto axis = resolve_path(&scratch, s.sweep().axis(a).field(), /*create=*/false, &ignored);
    // The field itself, or one entry of a list the plan searches by length.
    if (axis && (axis->path == target->path || axis->path.rfind(target->path + "[", 0) == 0)) {
      issues->push_back({path + ".field", "sweep.axis[" + std::to_string(a) + "] already sweeps " + axis->path +
                                              "; the plan searches " + target->path + ", so drop the axis"});
      return;
    }
  }
  if (!count.has_max()) {
    issues->push_back({path, path + " has no max; give the largest value to try"});
    return;
  }
  if (count.max() <= count.min()) {
    issues->push_back(
        {path + ".max", path + ".max (" + std::to_string(count.max()) + ") is " +
                            (count.max() == count.min() ? "its min too: nothing would vary"
                                                        : "below its min (" + std::to_string(count.min()) + ")")});
    return;
  }
  if (list) {
    if (count.min() < 1) issues->push_back({path + ".min", "a list is searched by its length, from 1 entry"});
    if (count.max() > static_cast<uint32_t>(entries)) {
      issues->push_back({path + ".max", target->path + " has " + std::to_string(entries) +
                                            " entries; the plan tries its first n, so max can be at most " +
                                            std::to_string(entries)});
    }
    return;
  }
  for (auto [value, where] : {std::pair{count.min(), ".min"}, std::pair{count.max(), ".max"}}) {
    if (auto problem = range_problem(field, double(value), target->path)) issues->push_back({path + where, *problem});
  }
}

void check_rate(const viosim::Scenario& s, const viosim::PlanRate& rate, const std::string& path, Issues* issues) {
  std::set<std::string> seen;
  for (int i = 0; i < rate.flow_size(); ++i) {
    const std::string at = path + ".flow[" + std::to_string(i) + "]";
    const viosim::Flow* flow = find_flow(s, rate.flow(i));
    if (flow == nullptr) {
      issues->push_back({at, "no flow \"" + rate.flow(i) + "\"" + did_you_mean(rate.flow(i), flow_names(s))});
    } else if (!flow->has_open_loop()) {
      issues->push_back(
          {at, "flow \"" + rate.flow(i) + "\" is not open-loop; a rate is searched over open-loop flows"});
    } else if (!seen.insert(rate.flow(i)).second) {
      issues->push_back({at, "flow \"" + rate.flow(i) + "\" is named twice"});
    }
  }
  if (rate.flow_size() == 0) {
    bool any = false;
    for (const viosim::Flow& f : s.traffic().flow()) any = any || f.has_open_loop();
    if (!any) issues->push_back({path, "the scenario has no open-loop flow whose rate " + path + " could search"});
  }
  if (rate.has_min_rate_pps() && rate.has_max_rate_pps() && rate.min_rate_pps() >= rate.max_rate_pps()) {
    issues->push_back({path + ".min_rate_pps", rate.min_rate_pps() == rate.max_rate_pps()
                                                   ? "min_rate_pps equals max_rate_pps: nothing would vary"
                                                   : "min_rate_pps is above max_rate_pps"});
  }
  // An axis on a searched flow's rate would only change the shares: the
  // plan sets their total.
  viosim::Scenario scratch = s;
  for (int a = 0; a < s.sweep().axis_size(); ++a) {
    std::string ignored;
    auto axis = resolve_path(&scratch, s.sweep().axis(a).field(), /*create=*/false, &ignored);
    if (!axis) continue;
    for (int f = 0; f < s.traffic().flow_size(); ++f) {
      const viosim::Flow& flow = s.traffic().flow(f);
      const bool searched = rate.flow_size() == 0 ? flow.has_open_loop() : seen.count(flow.name()) > 0;
      const std::string prefix = "traffic.flow[" + std::to_string(f) + "].open_loop.rate_";
      if (!searched || axis->path.rfind(prefix, 0) != 0) continue;
      issues->push_back({"sweep.axis[" + std::to_string(a) + "].field",
                         "sweep.axis[" + std::to_string(a) + "] sets the rate of flow \"" + flow.name() + "\", which " +
                             path + " searches; sweep other fields"});
    }
  }
}

}  // namespace

void validate_plan(const viosim::Scenario& s, Issues* issues) {
  if (!s.has_plan()) return;
  const viosim::Plan& plan = s.plan();
  switch (plan.objective_case()) {
    case viosim::Plan::kMost:
      check_count(s, plan.most(), "plan.most", issues);
      break;
    case viosim::Plan::kFewest:
      check_count(s, plan.fewest(), "plan.fewest", issues);
      break;
    case viosim::Plan::kHighestRate:
      check_rate(s, plan.highest_rate(), "plan.highest_rate", issues);
      break;
    case viosim::Plan::OBJECTIVE_NOT_SET:
      issues->push_back({"plan",
                         "a plan needs an objective: most { field: .. max: .. }, fewest { .. } or "
                         "highest_rate { }"});
      break;
  }
  if (plan.slo_size() == 0 && plan.objective_case() != viosim::Plan::kHighestRate &&
      plan.objective_case() != viosim::Plan::OBJECTIVE_NOT_SET) {
    issues->push_back({"plan",
                       "this plan has no slo: every value would pass; give at least one, e.g. "
                       "slo { flow: \"NAME\" p99_us_max: 100 }"});
  }
  for (int i = 0; i < plan.slo_size(); ++i) {
    const viosim::Slo& slo = plan.slo(i);
    const std::string at = "plan.slo[" + std::to_string(i) + "]";
    if (slo.flow().empty()) {
      issues->push_back({at, at + " names no flow"});
    } else if (find_flow(s, slo.flow()) == nullptr) {
      issues->push_back({at + ".flow", "no flow \"" + slo.flow() + "\"" + did_you_mean(slo.flow(), flow_names(s))});
    }
    if (slo.bound_case() == viosim::Slo::BOUND_NOT_SET) {
      issues->push_back({at, at + " has no bound; give one of p50_us_max, p99_us_max, p999_us_max, mean_us_max, "
                                  "loss_max, throughput_pps_min, throughput_gbps_min"});
    }
  }
  if (plan.max_replications() < plan.min_replications()) {
    issues->push_back({"plan.max_replications", "max_replications (" + std::to_string(plan.max_replications()) +
                                                    ") is below min_replications (" +
                                                    std::to_string(plan.min_replications()) + ")"});
  }
  if (s.sweep().replications() > 1) {
    issues->push_back({"sweep.replications",
                       "a plan replicates each probe itself (plan.min_replications, "
                       "max_replications); leave sweep.replications at 1"});
  }
}

}  // namespace viosim::scenarios
