// A host NIC's driver class as the models know it, the coalescing defaults
// it resolves to, and the rules its settings must follow.
#pragma once

#include <string>

#include "models/nic/driver_moderation.h"
#include "scenarios/loader/issue.h"
#include "scenarios/schema/viosim/host.pb.h"

namespace viosim::scenarios {

models::NicDriverKind driver_kind(viosim::NicDriver driver);
// The coalescing settings in force (all but the jiffy): the scenario's,
// else the driver's defaults, the tx side the scenario's rx_usecs /
// rx_frames (one setting per queue pair) or the driver's own tx defaults.
// Computed where used, not written at resolve, so that a sweep over the
// driver gets each driver's.
models::NicCoalescing coalescing_of(const viosim::Nic& nic);
// Whether the host's driver runs BQL on its transmit queues: the
// scenario's host.nic.bql, else on for every class but I40E (whose WB_STRIDE
// write-backs are not modelled). Computed where used, as coalescing is.
inline bool host_bql(const viosim::Nic& nic) { return nic.has_bql() ? nic.bql() : nic.driver() != viosim::I40E; }
// Line rates the class cannot drive and ethtool -C settings its driver refuses.
void check_nic_driver(const viosim::Nic& nic, const std::string& path, Issues* issues);

}  // namespace viosim::scenarios
