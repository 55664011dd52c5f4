#include "scenarios/plan/answer_task.h"

#include <map>
#include <set>

#include "scenarios/loader/check_points.h"
#include "scenarios/plan/binding.h"
#include "scenarios/plan/monotone_search.h"
#include "scenarios/plan/trend_check.h"

namespace viosim::plan {
namespace {

std::vector<viosim::BackendResult> results_of(const std::vector<ReplicationRun>& runs) {
  std::vector<viosim::BackendResult> out;
  for (const ReplicationRun& r : runs) {
    if (r.result) out.push_back(*r.result);
  }
  return out;
}

void set_figure(viosim::PlanFigure* f, const Criterion& c, const Decision& d) {
  f->set_criterion(c.text);
  f->set_mean(d.mean);
  if (d.ci95_low) f->set_ci95_low(*d.ci95_low);
  if (d.ci95_high) f->set_ci95_high(*d.ci95_high);
  f->set_verdict(verdict_name(d.verdict));
  f->set_reason(d.reason);
  f->set_bound(c.bound);
  f->set_at_most(c.at_most);
  f->set_unmeasured(d.unmeasured);
}

// Runs one probe: its validity, then replications until decided.
Verdict run_probe(const PlanTask& task, const viosim::Plan& plan, double value, ProbeRunner& runner,
                  viosim::PlanProbe* p, std::vector<ReplicationRun>* runs) {
  p->set_value(value);
  p->set_value_text(value_text(task, value));
  const scenarios::Issues issues = scenarios::check_point(probe_scenario(task, value, 0));
  if (!issues.empty()) {
    p->set_verdict(verdict_name(Verdict::kRefused));
    p->set_reason(issues.front().path + ": " + issues.front().message);
    p->set_replications(0);
    return Verdict::kRefused;
  }
  *runs = runner.run(task, value, 0, plan.min_replications());
  Verdict verdict = Verdict::kUndecided;
  std::vector<Decision> decisions;
  for (;;) {
    for (const ReplicationRun& r : *runs) {
      if (r.result) continue;
      p->set_verdict(verdict_name(Verdict::kRefused));
      p->set_reason("the backend was skipped: " + r.skipped_reason);
      p->set_replications(static_cast<uint32_t>(runs->size()));
      return Verdict::kRefused;
    }
    decisions.clear();
    verdict = Verdict::kPass;
    for (const Criterion& c : task.criteria) {
      std::vector<Observation> seen;
      for (const ReplicationRun& r : *runs) seen.push_back(observe(c, *r.result, task.searched.get(), value));
      decisions.push_back(decide(c, seen));
      const Verdict v = decisions.back().verdict;
      if (v == Verdict::kFail) verdict = Verdict::kFail;
      if (v == Verdict::kUndecided && verdict == Verdict::kPass) verdict = Verdict::kUndecided;
    }
    if (verdict != Verdict::kUndecided || runs->size() >= plan.max_replications()) break;
    const uint32_t n = static_cast<uint32_t>(runs->size());
    std::vector<ReplicationRun> more = runner.run(task, value, n, n + 1);
    runs->insert(runs->end(), more.begin(), more.end());
  }
  p->set_verdict(verdict_name(verdict));
  p->set_replications(static_cast<uint32_t>(runs->size()));
  for (size_t i = 0; i < task.criteria.size(); ++i) {
    set_figure(p->add_figures(), task.criteria[i], decisions[i]);
    if (decisions[i].verdict == Verdict::kFail && p->reason().empty()) {
      p->set_reason(task.criteria[i].text + ": " + figure_text(decisions[i]) +
                    (decisions[i].reason.empty() ? "" : "; " + decisions[i].reason));
    }
    if (decisions[i].verdict == Verdict::kUndecided && verdict == Verdict::kUndecided && p->reason().empty()) {
      const std::string why = decisions[i].reason.empty() ? "straddles the bound" : decisions[i].reason;
      p->set_reason(task.criteria[i].text + ": " + figure_text(decisions[i]) + " " + why + " after " +
                    std::to_string(runs->size()) + " replications");
    }
  }
  std::set<std::string> warned;
  for (const ReplicationRun& r : *runs) {
    p->add_point_ids(r.point_id);
    for (const std::string& w : r.warnings) {
      if (warned.insert(w).second) p->add_warnings(w);
    }
  }
  return verdict;
}

}  // namespace

viosim::PlanAnswer answer_task(const PlanTask& task, const viosim::Plan& plan, ProbeRunner& runner,
                               const std::function<void(const std::string&)>& log) {
  viosim::PlanAnswer answer;
  for (size_t a = 0; a < task.axis_fields.size(); ++a) {
    viosim::SweepAxisValue* v = answer.add_axis();
    v->set_field(task.axis_fields[a]);
    v->set_value(task.axis_values[a]);
  }
  answer.set_backend(task.backend);
  std::map<double, std::vector<ReplicationRun>> runs_at;
  std::map<double, int> probe_at;
  uint32_t runs = 0;
  const SearchOutcome outcome = search_monotone(task.space, [&](double value) {
    viosim::PlanProbe* p = answer.add_probes();
    std::vector<ReplicationRun> runs_here;
    const Verdict v = run_probe(task, plan, value, runner, p, &runs_here);
    runs += static_cast<uint32_t>(runs_here.size());
    runs_at[value] = std::move(runs_here);
    probe_at[value] = answer.probes_size() - 1;
    if (log) {
      log(task.backend + " at " + p->value_text() + ": " + p->verdict() + " (" + std::to_string(p->replications()) +
          " runs)" + (p->reason().empty() ? "" : ": " + p->reason()));
      for (const std::string& w : p->warnings()) log("warning: " + task.backend + " at " + p->value_text() + ": " + w);
    }
    return v;
  });
  answer.set_status(status_name(outcome.status));
  answer.set_runs(runs);
  for (const std::string& w : trend_warnings(answer, task.space.most)) {
    answer.add_warnings(w);
    if (log) log("warning: " + task.backend + ": " + w);
  }
  if (outcome.answer) {
    answer.set_value(*outcome.answer);
    answer.set_value_text(value_text(task, *outcome.answer));
    const viosim::PlanProbe& at = answer.probes(probe_at.at(*outcome.answer));
    *answer.mutable_at_answer() = at.figures();
    for (const viosim::PlanResource& r : busiest_cores(results_of(runs_at.at(*outcome.answer)), 8)) {
      *answer.add_binding() = r;
    }
  }
  if (outcome.next) {
    answer.set_next_value(*outcome.next);
    answer.set_next_value_text(value_text(task, *outcome.next));
    const viosim::PlanProbe& next = answer.probes(probe_at.at(*outcome.next));
    answer.set_next_verdict(next.verdict());
    answer.set_next_reason(next.reason());
    const std::vector<viosim::BackendResult> there = results_of(runs_at.at(*outcome.next));
    for (const viosim::PlanResource& r : busiest_cores(there, 8)) *answer.add_next_binding() = r;
    for (const viosim::PlaceCount& d : drops_by_place(there)) *answer.add_next_drops_by_place() = d;
  }
  return answer;
}

}  // namespace viosim::plan
