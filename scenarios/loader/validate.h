// Phase two of loading: the semantic rules a parser cannot check. Every rule
// runs and every problem is reported, each at the field it concerns; rules
// must cope with any values, since ranges are checked in the same pass.
#pragma once

#include "scenarios/loader/issue.h"
#include "scenarios/schema/viosim/host.pb.h"
#include "scenarios/schema/viosim/scenario.pb.h"

namespace viosim::scenarios {

// A scenario after defaults were filled in (see resolve.h).
Issues validate_scenario(const viosim::Scenario& scenario);

// A host profile file: every cost set, each in range.
Issues validate_profile(const viosim::HostProfile& profile);

// The parts, in their own files.
void validate_host_and_vms(const viosim::Scenario& scenario, Issues* issues);
// What needs APICv without it, in a host's or a profile's virtualization.
void check_virtualization(const viosim::Virtualization& virtualization, const std::string& path, Issues* issues);
void validate_traffic(const viosim::Scenario& scenario, Issues* issues);
void validate_sweep(const viosim::Scenario& scenario, Issues* issues);
void validate_plan(const viosim::Scenario& scenario, Issues* issues);

// "cores 0-7", "only core 0": the cores a host has, for messages.
std::string cores_text(uint32_t cores);

}  // namespace viosim::scenarios
