// Resolution: turning what a user wrote into the complete scenario a run
// uses. Every unset field gets its schema default, computed defaults are
// filled in (NIC names, uplinks), and the host profile's
// costs are merged under the scenario's overrides, so a resolved scenario
// stands on its own and resolving it again changes nothing.
#pragma once

#include <vector>

#include <google/protobuf/message.h>

#include "scenarios/loader/diagnostic.h"
#include "scenarios/loader/source_map.h"
#include "scenarios/schema/viosim/scenario.pb.h"

namespace viosim::scenarios {

// Sets every unset scalar that has a schema default and creates every unset
// singular sub-message that has defaults somewhere below it, recursively. A oneof with nothing set gets the one
// member that has a default, if any; other oneofs stay unset (a flow's load
// is the user's choice).
void fill_defaults(google::protobuf::Message* message);

// A VM's interrupts where it sets none: what the host offers, what needs
// APICv (VT-d posting, IPIv) only with the VM's `apicv`.
viosim::Interrupts default_interrupts(const viosim::Virtualization& offered, bool apicv);

// fill_defaults, then the computed defaults and the host profile. Profile
// problems are reported where `host.profile` was written.
bool resolve_scenario(viosim::Scenario* scenario, const SourceMap& map, std::vector<Diagnostic>* diagnostics);

}  // namespace viosim::scenarios
