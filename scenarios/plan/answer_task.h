// One task of a plan answered: the monotone search over its knob, each
// probe replicated until every criterion is decided (or the cap says
// undecided), and the report of the answer: the value, the first value
// beyond it that did not pass and why, the SLO figures, the busiest cores
// there and at the next value, and every probe.
#pragma once

#include <functional>
#include <string>

#include "scenarios/plan/plan_tasks.h"
#include "scenarios/plan/probe_runner.h"
#include "scenarios/schema/viosim/plan.pb.h"
#include "scenarios/schema/viosim/plan_report.pb.h"

namespace viosim::plan {

// `log` (may be empty) hears one line per probe. Throws what the runner
// throws.
viosim::PlanAnswer answer_task(const PlanTask& task, const viosim::Plan& plan, ProbeRunner& runner,
                               const std::function<void(const std::string&)>& log);

}  // namespace viosim::plan
