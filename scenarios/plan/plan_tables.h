// A plan's report as files and as the text `viosim plan` prints:
//   plan.json   the PlanReport (plan_report.proto; 64-bit integers are
//               strings, as protobuf's JSON printer writes them)
//   plan.csv    one row per axis point and backend: the answer, the next
//               value and why it failed, the busiest core there and here
//   probes.csv  one row per probe and criterion: the value, the figure's
//               mean and 95 % interval, the verdicts
#pragma once

#include <string>

#include "scenarios/schema/viosim/plan_report.pb.h"

namespace viosim::plan {

std::string plan_json(const viosim::PlanReport& report);
std::string plan_csv(const viosim::PlanReport& report);
std::string probes_csv(const viosim::PlanReport& report);

// One screen: the question, then per answer its value, what broke beyond
// it, and the busiest cores.
std::string plan_text(const viosim::PlanReport& report);

}  // namespace viosim::plan
