// The pieces of one run, built from a PathConfig: the host (cores, the
// wire both ways, the external peer, the host NIC and the switch between it
// and the VMs) and, per VM, its vCPUs, guest OSes and whatever its backend
// adds (backend.h). Components register with the simulator as they are
// built and must outlive the run, so the assembly owns them all. Every
// connection made while building is recorded with hop(): the path graph is
// read back from that record, never drawn apart.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/e1000/e1000_device.h"
#include "models/guest/cpu_load.h"
#include "models/guest/e1000_driver.h"
#include "models/guest/guest_os.h"
#include "models/guest/nic_driver.h"
#include "models/guest/virtio_net_driver.h"
#include "models/host/dma_lines.h"
#include "models/host/host_thread.h"
#include "models/net/bridge_port.h"
#include "models/net/host_backlog.h"
#include "models/net/host_nic_tx.h"
#include "models/net/kernel_switch.h"
#include "models/net/tap.h"
#include "models/net/tap_steering.h"
#include "models/passthrough/iotlb.h"
#include "models/paths/path_config.h"
#include "models/paths/path_graph.h"
#include "models/traffic/flow_stats.h"
#include "models/vcpu/irqfd.h"

namespace viosim::models {

class Backend;
struct Assembly;

// One VM and its backend's pieces.
struct VmAssembly {
  VmAssembly(Assembly& host, uint32_t index);

  Assembly& host;
  const uint32_t index;
  const VmConfig& config;
  const Backend& backend;
  // One vCPU and guest OS per queue pair (vCPU i sends on queue pair i).
  std::vector<std::unique_ptr<VCpu>> vcpus;
  std::vector<std::unique_ptr<GuestOs>> oses;
  // Its vCPUs beyond the queue pairs' (no queue's interrupts), built when
  // something runs on them: a CPU load, or applications (then each has a
  // guest OS, sending on the queue its vCPU maps to, XPS).
  std::vector<std::unique_ptr<VCpu>> extra_vcpus;
  std::vector<std::unique_ptr<GuestOs>> extra_oses;
  // A CPU-bound VM's load on each vCPU.
  std::vector<std::unique_ptr<CpuLoad>> loads;
  // The guests whose vCPUs run the flows' applications: each queue pair's
  // (oses), or those config.app_vcpus names.
  std::vector<GuestOs*> app_guests() const;
  // Every vCPU's guest, vCPU i's at i (the queue pairs' first).
  std::vector<GuestOs*> guests() const;
  std::vector<std::unique_ptr<VirtioQueuePair>> queues;
  std::vector<std::unique_ptr<VirtioNetDriver>> drivers;
  std::vector<std::unique_ptr<PollModeForwarder>> forwarders;  // in place of drivers (a poll-mode VNF)
  std::vector<std::unique_ptr<TapQueue>> taps;
  std::unique_ptr<TapSteering> tap_steering;
  // The offloads its tap's reader set (TUNSETOFFLOAD): a virtio backend
  // sets checksum offload, and TSO when the guest negotiated guest_tso4;
  // E1000's QEMU reads the tap without a virtio header, so with neither.
  bool tap_csum = false;
  bool tap_tso = false;
  // Whether `p`, a GRO skb, must be cut into segments on its way into the tap.
  bool tap_segments(const Packet& p) const { return p.segs > 1 && !tap_tso; }
  std::unique_ptr<QemuVirtioNet> qemu;
  std::vector<std::unique_ptr<VhostNet>> vhosts;
  VhostUserPort* vhost_port = nullptr;  // its port on OVS-DPDK (vhost-user), owned by the host
  std::unique_ptr<E1000Device> e1000;
  std::unique_ptr<E1000Driver> e1000_driver;
  std::unique_ptr<Iotlb> iotlb;
  std::vector<std::unique_ptr<NicQueue>> hw_queues;
  std::vector<std::unique_ptr<NicDriver>> hw_drivers;
  ConnectionQueues hw_steering;  // connection -> hardware queue, by RSS
  std::vector<std::unique_ptr<std::function<void()>>> vfio_bodies;  // each remapped vector's handler loop
  // Whatever else a backend builds for this VM and nothing else needs to
  // name (its devices, its listeners): kept alive for the run.
  std::vector<std::shared_ptr<void>> backend_pieces;
  std::vector<core::Component*> nic_drivers;  // whichever drivers the VM runs, one per queue pair
  // Where a frame from the wire for this VM goes first (its backend sets
  // it: the host NIC's queues, or its own VF's).
  std::function<void(uint32_t packet)> from_wire;
  // The queue that takes a frame from the wire before it arrives (a
  // train's frames behind an arriving one), or nullptr. Set only where
  // that queue does exactly what it would have done at that time: the
  // kernel's NIC queues, a hardware queue (VF, bare metal) whose driver
  // is interrupt-driven, and a DPDK-polled NIC queue (vhost-user).
  std::function<EarlyTaker*(uint32_t packet)> early_taker;
  // A forwarder: packets of flows routed through it lost on their way in
  // (from the wire or the route's previous VM) and on their way out (to
  // the next VM or the wire), whole run, by place.
  std::array<uint64_t, kDropPlaces> route_drops_in{};
  std::array<uint64_t, kDropPlaces> route_drops_out{};
  // Packets it forwarded, whole run; and their transit (GuestOs::transit),
  // measured window.
  uint64_t forwarded() const;
  core::Histogram transit() const;

  // A name for one of this VM's pieces: the first VM's keep the names a
  // one-VM host always had (their random streams stay as they were);
  // another VM's are prefixed with "vm<index>_". `vm_name("_tap0")` is
  // "vm<index>_tap0" for every VM.
  std::string own(const std::string& base) const;
  std::string vm_name(const std::string& suffix) const { return "vm" + std::to_string(index) + suffix; }

  uint32_t pairs() const { return static_cast<uint32_t>(oses.size()); }
  bool polls() const { return config.forwarding == VmConfig::Forwarding::kPollMode; }
  uint32_t backend_core(uint32_t i) const;
  // The vector of queue pair `i`'s rx or tx queue and the vCPU it reaches.
  uint32_t rx_vector(uint32_t i) const;
  uint32_t tx_vector(uint32_t i) const;
  VCpu& irq_vcpu(uint32_t i) const { return *vcpus[config.shared_vector ? 0 : i]; }
  GuestOs& irq_os(uint32_t i) const { return *oses[config.shared_vector ? 0 : i]; }
  // A call eventfd injecting `vector` into `vcpu` through KVM's irqfd.
  EventFd& call(const std::string& name, VCpu& vcpu, uint32_t vector);
  // How a device's MSI-X message for `vector` of queue pair `i` reaches
  // its vCPU: posted by VT-d (no exit), or remapped: the host takes the
  // interrupt on an IRQ core and its handler (`handler`, VFIO's or
  // vhost-vdpa's) signals an eventfd whose irqfd injects it.
  std::function<void()> device_msi(uint32_t i, uint32_t vector, const std::string& handler);
  // The guests' XPS maps (config.xps), once every queue pair's driver is
  // built.
  void build_xps();
  void build_tx_queues();
  // RPS's maps and tables by receive queue: the devices in queue order,
  // once the backend has made them.
  void bind_rps_queues();
  std::shared_ptr<RpsSteering> rps;  // the VM's RPS / RFS, when on
  // The guest's queue pair for each connection: RSS over the host NIC's key
  // and an indirection table spread over this VM's queue pairs.
  ConnectionQueues rss_steering() const;

  // This VM's port on the host's bridge (tap-based backends): a frame
  // written to its tap goes to the tap of the VM on this host it is for,
  // or out of the host NIC.
  // `writer` (in `where`) is the backend place that writes the tap.
  BridgePort bridge_port(const std::string& writer, const std::string& where);

  // Shared pieces backends build from.
  // Tap queues (one per queue pair) behind the host's bridge, read by
  // `reader` (in `reader_where`); frames for this VM come in through the
  // host NIC's kernel queues.
  void build_taps(const std::string& reader, const std::string& reader_where);
  // The guest's virtio-net driver and a queue pair per vCPU.
  void build_virtio_queues();
  // Hardware queues (an SR-IOV VF's when `vf`, else the host NIC's on bare
  // metal), one per queue pair, with their drivers; frames for this VM
  // reach them from the wire (the NIC's embedded switch).
  void build_hardware_queues(bool vf);
  // The guest stack's hops through its NIC driver `device` (in `where`).
  void guest_stack_hops(const std::string& device, const std::string& where);
  // Assembly::hop for this VM's pieces: with several VMs on the host, a
  // place of the VM's own (not the host NIC, the switch, the wire or the
  // peer) carries the VM's name, so that each VM is drawn apart.
  void hop(const std::string& from, const std::string& from_where, const std::string& to, const std::string& to_where,
           const std::string& how);

  static constexpr uint32_t kRxVector = 35;
  static constexpr uint32_t kTxVector = 36;

 private:
  friend struct Assembly;
  void build_guest();
};

struct Assembly {
  // Builds the host and every VM, each VM's backend's pieces, then the
  // wire into the host: once built, `graph` holds the wiring and the
  // simulator is ready to run. `tracer` (may be null) sees the pieces from
  // their construction on.
  explicit Assembly(const PathConfig& c, core::TraceWriter* tracer = nullptr);
  ~Assembly();

  const PathConfig& config;
  core::Simulator sim;
  PacketPool pool;
  PathGraph graph;  // the wiring, as it was made
  std::vector<std::unique_ptr<Core>> cores;
  std::vector<uint32_t> gso_out;  // the segments software GSO just cut
  std::vector<std::unique_ptr<HostThread>> threads;
  // The LLC ways the host's NICs write received frames into (DDIO).
  std::unique_ptr<DdioWays> ddio;
  std::vector<std::unique_ptr<FlowStats>> flows;
  std::unique_ptr<Wire> to_peer, from_peer;
  // The NIC's second port's link (P2P flows), when one is used.
  std::unique_ptr<Wire> to_peer1, from_peer1;
  std::unique_ptr<ExternalPeer> peer;
  std::vector<std::unique_ptr<EventFd>> calls;
  std::vector<std::unique_ptr<Irqfd>> irqfds;
  std::vector<std::unique_ptr<VmAssembly>> vms;
  // OVS-DPDK (ovs_dpdk.h): the vhost-user ports the VMs added and the PMD
  // threads that serve them.
  std::vector<std::unique_ptr<VhostUserPort>> vhost_ports;
  std::vector<std::unique_ptr<VhostUserPmd>> switch_pmds;
  // The host NIC's receive queues behind RSS (made by the first VM whose
  // backend needs them: in interrupt mode with the kernel's bridge behind,
  // or polled by DPDK), and the frames the kernel sent through it.
  std::unique_ptr<MultiQueueRx> nic_rx;
  bool nic_rx_polled = false;
  // The kernel's switch between the host NIC and the taps (made with the
  // first tap-based VM), and the NIC's port on it.
  std::unique_ptr<KernelSwitch> kernel_switch;
  uint32_t nic_switch_port = 0;
  // RPS in the host kernel (host.nic.rps_cpus): the map, and a backlog on
  // each of its cores (in the map's order).
  std::unique_ptr<HostRps> host_rps;
  std::vector<std::unique_ptr<HostBacklog>> host_backlogs;
  // The host process of the flows with a `host` end: the guest's stack
  // and applications on a host core (a native vCPU), whose frames go
  // through the kernel's switch (its local port) to and from the taps.
  struct HostProcess;
  std::unique_ptr<HostProcess> host_process;
  // The host kernel's transmit queues of the NIC (made with its receive
  // queues), one per queue pair, and the pair each connection is sent on.
  std::vector<std::unique_ptr<HostNicTx>> nic_tx;
  ConnectionQueues host_txq;  // connection -> host NIC queue pair it is sent on

  // Records a connection just made: packets go from place `from` (in
  // `from_where`: "guest", "host kernel", "QEMU", "device", ...) to `to`
  // by `how`. Places are models/net/path_places.h's names, the ones traced
  // packets name too.
  void hop(const std::string& from, const std::string& from_where, const std::string& to, const std::string& to_where,
           const std::string& how);

  Core& core(uint32_t i);
  HostThread& thread(const std::string& name, uint32_t core_index);
  // The VM on this host a packet goes to: for a flow with the external
  // peer, the flow's VM (copy) when the packet comes from the wire, none
  // when it leaves a VM; for a VM-to-VM flow, the destination VM's copy
  // (for a response, the client's).
  // For a flow through forwarding VMs, the next VM of its route, none
  // after the last.
  VmAssembly* destination(uint32_t packet) {
    const Packet& p = pool[packet];
    const FlowConfig& f = config.flows[p.flow];
    if (f.p2p()) return nullptr;
    if (f.through_vms()) return p.hop < f.via.size() ? via_vm(p, p.hop) : nullptr;
    if (!f.vm_to_vm()) return p.to_guest ? vms[f.vm + p.conn % f.copies].get() : nullptr;
    if (reverse(p)) return vms[f.vm + p.conn % f.copies].get();
    return vms[f.dst_vm + p.conn % f.dst_copies].get();
  }
  // The VM a packet leaving a VM comes from.
  VmAssembly& source(uint32_t packet) {
    const Packet& p = pool[packet];
    const FlowConfig& f = config.flows[p.flow];
    if (f.through_vms()) {
      if (p.hop == 0) throw std::logic_error("a packet no VM forwarded yet was taken for one leaving a VM");
      return *via_vm(p, p.hop - 1u);
    }
    if (f.vm_to_vm() && reverse(p)) return *vms[f.dst_vm + p.conn % f.dst_copies];
    return *vms[f.vm + p.conn % f.copies];
  }
  // The VM at step `k` of a routed packet's way (a response goes the
  // route backwards): its connection's copy.
  VmAssembly* via_vm(const Packet& p, size_t k) {
    const std::vector<FlowConfig::Via>& via = config.flows[p.flow].via;
    const FlowConfig::Via& v = via[reverse(p) ? via.size() - 1 - k : k];
    return vms[v.vm + p.conn % v.copies].get();
  }
  // The VM a packet arriving at the host is for.
  VmAssembly& vm_of(uint32_t packet) {
    VmAssembly* vm = destination(packet);
    if (vm == nullptr) throw std::logic_error("a packet leaving the host was taken for an arriving one");
    return *vm;
  }
  // A packet leaving a VM for the host process (a flow with a `host` end).
  bool to_host(uint32_t packet) const {
    const Packet& p = pool[packet];
    return !p.to_guest && config.flows[p.flow].host_end;
  }
  // Whether a VM's own places carry its name: with several VMs, or beside
  // the host process (whose places carry "host process").
  bool named_vms() const { return vms.size() > 1 || config.host_app.has_value(); }
  // A packet leaving a VM crosses the host into another VM: from here it
  // is on its way into a guest, its journey timed from this point as one
  // from the wire is from its arrival (the sender's part shows as
  // "remote").
  void cross(uint32_t packet) {
    Packet& p = pool[packet];
    if (p.to_guest) return;
    p.to_guest = true;
    p.stamped = 0;
    stamp(p, kStampWire, sim.now());
  }
  // The port a frame from the host NIC leaves by, as nic_out sends it:
  // none for a VM on this host (the NIC's switch turns it around).
  Wire* port_for(uint32_t packet) {
    if (const FlowConfig& f = config.flows[pool[packet].flow]; f.p2p()) {
      Packet out = pool[packet];
      out.to_guest = false;
      return p2p_port_in(out) == 0 ? to_peer1.get() : to_peer.get();
    }
    return destination(packet) != nullptr ? nullptr : to_peer.get();
  }
  // How long until the frame's port takes it into a transmit buffer of
  // `buffer` bytes (a NIC queue's fetch waits that long); zero for a frame
  // the NIC turns around.
  core::Duration port_room(uint32_t packet, uint32_t buffer) {
    Wire* port = port_for(packet);
    return port != nullptr ? port->wait_for_room(pool[packet].bytes, buffer) : core::Duration::zero();
  }
  // The host NIC's port: the wire, or, for a VM on this host, the NIC's
  // embedded switch turning the frame around into that VM's way in from
  // the wire (a VF's queues, or the host NIC's own for the kernel or
  // DPDK).
  void nic_out(uint32_t packet) {
    if (config.flows[pool[packet].flow].p2p()) {
      pool[packet].to_guest = false;  // it leaves the host
      port_for(packet)->send(packet);
      return;
    }
    if (VmAssembly* to = destination(packet)) {
      cross(packet);
      if (pool[packet].segs > 1 && pool.tcp(packet).gso_size != 0) {
        // TSO: the NIC cuts the skb into frames as it sends it, and its
        // switch turns each frame around.
        std::vector<uint32_t> frames;
        pool.segment(packet, kTcpFrameOverhead, frames);
        for (const uint32_t f : frames) to->from_wire(f);
        return;
      }
      to->from_wire(packet);
      return;
    }
    to_peer->send(packet);
  }

  // dev_queue_xmit in the host kernel: out of the NIC by the transmit
  // queue the frame's connection hashes to.
  void kernel_xmit(uint32_t packet) { nic_tx[host_txq.of(pool[packet])]->xmit(packet); }
  // tun_net_xmit into `vm`'s tap from the host's switch (run by `by`): a
  // GSO skb the tap cannot take whole is cut into segments first
  // (validate_xmit_skb), and what that costs, each segment a checksum
  // pass where the tap has no checksum offload either.
  void tap_push(VmAssembly& vm, uint32_t packet, HostThread& by, const std::string& how);
  // `csum_partial`: the sender left the checksum to the device (the
  // host's stack, a virtio guest's offload); a tap without checksum
  // offload fills it in software (skb_checksum_help), a frame from the
  // wire comes whole.
  core::Cycles tap_xmit_cost(const VmAssembly& vm, uint32_t packet, const core::Clock& clock, bool csum_partial) const;
  // The host NIC's queues for the kernel: interrupts and NAPI on the IRQ
  // cores, then the bridge, which hands each frame to its VM's tap (made
  // once; every tap-based VM shares it).
  void kernel_nic_rx();
  // The host NIC's queues left to DPDK's polling (made once).
  MultiQueueRx& polled_nic_rx();
  // The wire into the host NIC (made once): each frame goes to its VM's
  // from_wire. A backend whose device takes frames straight from the NIC's
  // switch (a VF, vDPA) makes it.
  void wire_in();
  // The kernel's switch (made once) and the place it is drawn as.
  KernelSwitch& tap_switch();
  const char* switch_place() const;

 private:
  friend struct VmAssembly;
  void build_host();
  void build_flows();
  // The NIC port a P2P frame comes in by: its flow's, or the other for a
  // response (which goes back the way its request came).
  int p2p_port_in(const Packet& p) const { return config.flows[p.flow].p2p_in ^ (reverse(p) ? 1 : 0); }
  // A frame from the wire for no VM (P2P): into the host switch's NIC
  // queues.
  void host_in(uint32_t packet);
  void make_nic_rx(bool polled, HostNicRx::DeliverCost deliver_cost, HostNicRx::Deliver deliver);
  HostProcess& make_host_process();
};

// Names keep the single-queue path's (queue 0, vCPU 0) so that its
// components draw the same random streams as before multi-queue.
std::string indexed(const std::string& base, uint32_t i, const std::string& suffix_for_others);

}  // namespace viosim::models
