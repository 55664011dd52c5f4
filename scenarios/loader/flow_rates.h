// What an open-loop flow puts on a host NIC: its frames' mean size, its
// packet rate, the NIC it crosses. Shared by the validator (rates that fit
// the wire) and the rate search (the line rate it starts from).
#pragma once

#include "scenarios/schema/viosim/scenario.pb.h"

namespace viosim::scenarios {

// The endpoint across the wire, as flows name it.
inline constexpr char kExternal[] = "external";

// Preamble and start-of-frame delimiter (8 B) and the inter-frame gap (12 B).
inline constexpr double kWireOverheadBytes = 20;

// Mean frame size of an open-loop flow; 0 when it cannot be told.
double mean_frame_bytes(const viosim::OpenLoop& load);

// An open-loop flow's packets per second, one direction, one copy of its
// VM (rate_mbps converted at the mean frame size); 0 when it cannot be told.
double open_loop_pps(const viosim::OpenLoop& load);

// A flow routed through forwarding VMs (`via` or `chain`).
bool routed_through_vms(const viosim::Flow& flow);
// P2P: from "external" back to it through the host's switch alone.
bool is_p2p(const viosim::Flow& flow);

// A flow that carries frames both ways: request/response, or a
// bidirectional load.
bool two_way(const viosim::Flow& flow);
// Whether frames of some flow enter (`into`) or leave the VM: as an
// endpoint, or on a route it forwards on.
bool frames_cross_vm(const viosim::Scenario& s, const viosim::Vm& vm, bool into);

// The host NIC a flow to or from "external" crosses (its VM's uplink; for
// P2P the VMs' uplink, the first VM's), or nullptr: a flow between VMs or
// with the host, or a name not found.
const viosim::Nic* flow_uplink(const viosim::Scenario& s, const viosim::Flow& flow);

// Copies of vm[v] on the host: chains x length when a flow's `chain` is
// made of it, else its count.
uint32_t vm_copies(const viosim::Scenario& s, int v);

// Copies of the VM at the flow's VM end (vm.count; 1 when there is none):
// each copy runs the flow as written.
uint32_t flow_copies(const viosim::Scenario& s, const viosim::Flow& flow);

}  // namespace viosim::scenarios
