// A host NIC's driver class as the models know it, the coalescing defaults
// it resolves to, and the rules its settings must follow.
#pragma once

#include <string>

#include "models/nic/driver_moderation.h"
#include "scenarios/loader/issue.h"
#include "scenarios/schema/viosim/host.pb.h"

namespace viosim::scenarios {

models::NicDriverKind driver_kind(viosim::NicDriver driver);
// Sets rx_usecs and rx_frames the scenario left out to the driver's.
void resolve_coalescing(viosim::Nic* nic);
// Line rates the class cannot drive and ethtool -C settings its driver refuses.
void check_nic_driver(const viosim::Nic& nic, const std::string& path, Issues* issues);

}  // namespace viosim::scenarios
