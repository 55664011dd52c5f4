// The plan's search assumes that each SLO figure gets worse as its knob
// asks more (more VMs, a higher rate, fewer cores). Where the probes show
// a figure getting materially better instead, the answer stands on a
// tipping point (interrupt moderation that adapts to the rate changing
// mode, say): a value the search did not try may pass or fail against the
// trend, and a small change of the scenario can move the answer far. This
// finds those places among the probes run, without running more.
#pragma once

#include <string>
#include <vector>

#include "scenarios/schema/viosim/plan_report.pb.h"

namespace viosim::plan {

// A figure counts as better only beyond both probes' 95 % intervals and by
// more than this share of the earlier one.
inline constexpr double kTrendTolerance = 0.05;

// One line per criterion whose figure improves somewhere as the knob asks
// more (`most`: as the value rises; else as it falls), naming the largest
// such improvement. Refused probes (no figures) and figures that measure
// nothing (a starved or overloaded flow's: PlanFigure.unmeasured) are left
// out.
std::vector<std::string> trend_warnings(const viosim::PlanAnswer& answer, bool most);

}  // namespace viosim::plan
