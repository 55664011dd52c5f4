// OVS-DPDK as the host's switch for vhost-user VMs: its PMD threads, each
// polling the receive queues dealt to it, of the physical port and of every
// VM's vhost-user port (reference/mechanisms.md 13).
#pragma once

#include <cstdint>
#include <vector>

#include "models/paths/path_config.h"

namespace viosim::models {

struct Assembly;

// The PMD that polls each of `rxqs` receive queues (in port order: the
// physical port's, then each vhost-user port's) out of `pmds`, as
// pmd-rxq-assign deals them when the ports are added, before any cycles
// are measured: cycles sorts by measured cycles (all equal: port order)
// and deals serpentine, 1,2,3,3,2,1; roundrobin deals 1,2,3,1,2,3; group
// gives each to the least-loaded PMD, by its queue count while no load is
// known, the lowest first: 1,2,3,1,2,3.
std::vector<uint32_t> assign_rxqs(size_t rxqs, uint32_t pmds, PathConfig::OvsDpdk::RxqAssign how);

// Builds the PMDs for the host's vhost-user ports (once every VM's backend
// has added its port); nothing when no VM has one.
void build_ovs_dpdk(Assembly& host);

}  // namespace viosim::models
