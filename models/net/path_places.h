// The places of an I/O path: the vertices of its path graph
// (models/paths/path_graph.h) and where a traced packet's hops land
// (packet_trace.h). One list, so a hop in a trace always names a vertex a
// GUI can highlight.
#pragma once

#include <string>
#include <string_view>

namespace viosim::models::place {

// Guest.
inline constexpr char kApplication[] = "application";
inline constexpr char kGuestStack[] = "UDP/IP stack";
inline constexpr char kIpForward[] = "IP forwarding";                // a forwarding VM's kernel (ip_forward)
inline constexpr char kPollModeForwarder[] = "poll-mode forwarder";  // a forwarding VM's DPDK lcore (testpmd)
inline constexpr char kVirtioNetDriver[] = "virtio-net driver";
inline constexpr char kE1000Driver[] = "e1000 driver";
inline constexpr char kVfDriver[] = "VF driver";
inline constexpr char kNicDriver[] = "NIC driver";  // bare metal: the host's own driver
// Guest memory shared with the backend.
inline constexpr char kTxVring[] = "TX vring";
inline constexpr char kRxVring[] = "RX vring";
inline constexpr char kE1000RxRing[] = "e1000 RX ring";
// Backends.
inline constexpr char kQemuMainLoop[] = "QEMU main loop";
inline constexpr char kVhostWorker[] = "vhost worker";
inline constexpr char kPmdThread[] = "PMD thread";
inline constexpr char kE1000ModelVcpu[] = "e1000 model (vCPU thread)";
inline constexpr char kE1000ModelMainLoop[] = "e1000 model (main loop)";
// Host kernel.
inline constexpr char kSoftirq[] = "softirq (NAPI)";
inline constexpr char kRpsBacklog[] = "RPS backlog";  // a host core's, with host.nic.rps_cpus
inline constexpr char kBridge[] = "bridge";
inline constexpr char kOvsDatapath[] = "OVS datapath";        // the kernel module's megaflow table
inline constexpr char kOvsHandler[] = "ovs-vswitchd handler";  // upcalls
inline constexpr char kTapQueue[] = "tap queue";
// Device, wire and the machine at the other end.
inline constexpr char kHostNic[] = "host NIC";
inline constexpr char kWire[] = "wire";        // host to peer
inline constexpr char kWireIn[] = "wire in";   // peer to host
inline constexpr char kPeer[] = "peer";

// The owner of the places of the host process (flows with a `host` end):
// "host process: application", as a VM's carry the VM's name.
inline constexpr char kHostProcess[] = "host process";

// The host's own places, which every VM on it shares.
inline bool host_place(std::string_view place) {
  return place == kHostNic || place == kWire || place == kWireIn || place == kPeer || place == kSoftirq ||
         place == kRpsBacklog || place == kBridge || place == kOvsDatapath || place == kOvsHandler ||
         place == kPmdThread;  // OVS-DPDK's PMDs serve every vhost-user VM
}

// A place of VM `vm` on a host with several VMs: its own places carry its
// name ("web0: application"), the host's do not.
inline std::string in_vm(std::string_view vm, std::string_view place) {
  return host_place(place) ? std::string(place) : std::string(vm) + ": " + std::string(place);
}

}  // namespace viosim::models::place
