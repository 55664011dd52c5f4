// What limits an answer: the host's cores ranked by the work they did
// (busy minus busy-polling, averaged over the replications), each named by
// what runs on it (a VM's vCPU, a switch PMD, or the host threads by their
// leading categories), and the drops by place.
#pragma once

#include <string>
#include <vector>

#include "scenarios/schema/viosim/plan_report.pb.h"
#include "scenarios/schema/viosim/results.pb.h"

namespace viosim::plan {

// "37 %" for 0.37: a share as the plan's texts print it.
std::string percent(double share);

// At most `count` cores with any work, most loaded first (ties: lower core).
std::vector<viosim::PlanResource> busiest_cores(const std::vector<viosim::BackendResult>& replications, size_t count);

// Every place's drops over the replications, most first (ties: by name).
std::vector<viosim::PlaceCount> drops_by_place(const std::vector<viosim::BackendResult>& replications);

}  // namespace viosim::plan
