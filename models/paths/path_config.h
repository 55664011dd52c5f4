// Everything one run of one I/O path needs, as plain model configuration:
// the backend, the host's costs and topology, the guest, the NIC and wire,
// the external peer and the flows. The scenario builder fills it from a
// validated scenario; tests fill it directly.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/e1000/e1000_device.h"
#include "models/guest/guest_costs.h"
#include "models/guest/nic_driver.h"
#include "models/guest/poll_mode_forwarder.h"
#include "models/guest/virtio_net_driver.h"
#include "models/host/cpu_costs.h"
#include "models/net/external_peer.h"
#include "models/net/host_net_costs.h"
#include "models/net/host_nic_rx.h"
#include "models/net/host_nic_tx.h"
#include "models/net/kernel_switch.h"
#include "models/net/multi_queue_rx.h"
#include "models/net/nic_queue.h"
#include "models/net/qdisc.h"
#include "models/net/wire.h"
#include "models/paths/path_snapshot.h"
#include "models/qemu/qemu_virtio_net.h"
#include "models/traffic/flow.h"
#include "models/vcpu/vcpu.h"
#include "models/vhost/vhost_net.h"
#include "models/vhost_user/vhost_user_pmd.h"
#include "sim-core/trace.h"

namespace viosim::models {

enum class PathBackend : uint8_t { kE1000, kVirtioUserspace, kVhostNet, kVhostUser, kPassthrough, kBareMetal, kVdpa };

// The backend's scenario name ("VHOST_NET"), from the registration list
// (backend.h); "?" for none.
std::string_view backend_name(PathBackend b);

// One VM on the host: its backend, vCPUs and their cores, its NIC's queues
// and the guest inside (costs from the host profile, per VM so that a
// sweep or a test may vary one).
struct VmConfig {
  std::string name = "vm0";  // the scenario's name for it (results, graph); pieces are named by index
  // A backend of its own, which the run's compared backend does not change
  // (a passthrough VM beside vhost-net ones); empty: PathConfig::backend.
  std::optional<PathBackend> fixed_backend;
  uint32_t vcpu_core = 2;     // the VM's vCPU thread
  uint32_t backend_core = 4;  // QEMU main loop or vhost worker
  // A multi-queue VM: vCPU i on vcpu_cores[i] (vcpu_core when empty; its
  // count is the VM's vCPUs), queue_pairs of them each with a queue pair
  // (virtio) or VF queue, and the backend's threads on backend_cores (the
  // vhost worker of queue pair i on entry i mod size; empty:
  // backend_core). A vhost-user VM's threads are the host's switch's
  // (PathConfig::ovs).
  std::vector<uint32_t> vcpu_cores;
  // A CPU-bound application on every vCPU (a noisy neighbour; the VM runs
  // no flows): `busy` of work, then `idle` halted, over and over.
  struct Load {
    core::Duration busy;
    core::Duration idle;
  };
  std::optional<Load> cpu_load;
  // The cores of its vCPUs beyond the queue pairs', which exist when
  // something runs on them (a CPU load, or applications).
  std::vector<uint32_t> extra_vcpu_cores;
  // The vCPUs its flows' applications run on (GuestOs::set_app_guests);
  // empty: each queue pair's vCPU, for what its queue receives.
  std::vector<uint32_t> app_vcpus;
  uint32_t queue_pairs = 1;
  std::vector<uint32_t> backend_cores;
  // One MSI-X vector for all of a virtio device's queues (too few vectors),
  // its interrupts on vCPU 0; else a vector per queue, queue i's on vCPU i.
  bool shared_vector = false;
  VCpu::Config vcpu;

  // A forwarding VM (a VNF): the flows routed through it (FlowConfig::via)
  // go back out of its NIC. kKernel: its kernel's IP forwarding; kPollMode:
  // a DPDK forwarding lcore per queue pair (PollModeForwarder) in place of
  // the virtio-net driver, queue pair i's on vcpu_cores[i].
  enum class Forwarding : uint8_t { kNone, kKernel, kPollMode };
  Forwarding forwarding = Forwarding::kNone;
  PollModeForwarder::Config poll_mode;

  // Guest.
  SocketConfig socket;  // each flow's socket in the guest (or on bare metal)
  bool gro = true;      // GRO on its network devices' NAPI polls
  RpsConfig rps;        // RPS / RFS in the guest (or on bare metal)
  // XPS: queue pair q's sending vCPUs, by q (empty: vCPU i on queue i).
  std::vector<std::vector<uint32_t>> xps;
  QdiscConfig qdisc;  // each transmit queue's
  bool bql = false;
  GuestCosts guest;
  VirtioNetDriver::Config driver;
  uint16_t queue_size = 256;
  bool event_idx = true;
  bool packed_ring = false;  // VIRTIO_F_RING_PACKED (refused where the backend lacks it)
  bool in_order = false;     // VIRTIO_F_IN_ORDER (refused where the backend lacks it)
  bool mrg_rxbuf = true;     // VIRTIO_NET_F_MRG_RXBUF (off: big packets with guest_tso4, else small buffers)
  bool guest_tso4 = true;    // VIRTIO_NET_F_GUEST_TSO4: the tap takes GRO skbs whole
  bool host_tso4 = true;     // VIRTIO_NET_F_HOST_TSO4: the guest sends TSO skbs (where the backend offers it)

  // Backends.
  QemuVirtioNet::Config qemu;
  VhostNet::Config vhost;
  E1000Device::Config e1000;
  // The e1000 driver's InterruptThrottleRate (0 off, 1 or 3 dynamic, else
  // a fixed rate in interrupts/s).
  uint32_t e1000_itr_setting = 3;

  // Passthrough (SR-IOV VF) and bare metal: the hardware queue and its
  // driver; with passthrough, DMA through the IOMMU and posted interrupts
  // (VT-d) or remapped ones (host IRQ, VFIO, irqfd).
  NicQueue::Config hw_queue;
  NicDriver::Config hw_driver;
  bool vtd_posted = true;
  // QEMU's virtio-pci page-per-vq: each queue's notify address on a page
  // of its own, which vhost-vdpa can map to the device's doorbell page so
  // that a kick is a posted write with no exit.
  bool page_per_vq = false;
  uint32_t iotlb_entries = 64;
  uint64_t iommu_page_bytes = 4096;
};

struct PathConfig {
  PathBackend backend = PathBackend::kVhostNet;  // the one this run compares (its results' name)
  uint64_t seed = 1;
  core::Duration duration = core::Milliseconds(100);
  core::Duration warmup = core::Milliseconds(10);

  // Host.
  uint32_t cores = 8;
  uint32_t irq_core = 6;      // the host NIC queue's interrupt and softirq (and VFIO's)
  // A multi-queue host NIC: its receive queues, the core each one's vector
  // and softirq run on (queue i on irq_cores[i mod size]; empty: irq_core),
  // and RSS: the key and the indirection table (empty: entry i -> i mod queues).
  uint32_t nic_queues = 1;
  std::vector<uint32_t> irq_cores;
  std::vector<uint8_t> rss_key;
  std::vector<uint16_t> rss_indirection;
  uint32_t rss_entries = 128;
  CpuCosts cpu;
  HostNetCosts host_net;
  // OVS-DPDK, the switch of the vhost-user VMs (and owner of the host NIC
  // then): a PMD thread on each of pmd_cores (empty: the first vhost-user
  // VM's backend_cores), each polling the receive queues dealt to it, of
  // the physical port and of every vhost-user port, as pmd-rxq-assign
  // deals them when the ports are added (no cycles measured yet).
  struct OvsDpdk {
    enum class RxqAssign : uint8_t { kCycles, kRoundRobin, kGroup };
    std::vector<uint32_t> pmd_cores;
    RxqAssign rxq_assign = RxqAssign::kCycles;
    VhostUserPmd::Config pmd;
  } ovs;

  // The kernel's switch of the tap-based VMs: the Linux bridge or OVS's
  // kernel datapath, whose upcalls a handler thread takes on handler_core.
  KernelSwitchConfig kernel_switch;
  uint32_t handler_core = 6;
  // The core of the host process that flows with a `host` end run in (the
  // same stack and applications as a guest's, on a host core), if any.
  std::optional<uint32_t> host_app;

  // The VMs (each flow names one of them by index).
  std::vector<VmConfig> vms{1};
  VmConfig& vm(size_t i = 0) { return vms.at(i); }
  const VmConfig& vm(size_t i = 0) const { return vms.at(i); }
  PathBackend backend_of(size_t vm_index) const { return vms.at(vm_index).fixed_backend.value_or(backend); }

  // Host NIC, wire, peer, traffic.
  HostNicRx::Config nic;
  HostNicTx::Config nic_tx;  // the host kernel's transmit queues
  // RPS on the host: the cores whose backlogs take what the NIC's queues
  // receive (empty: none), each queue's map of them, and their limit.
  std::vector<uint32_t> host_rps_cpus;               // the cores with a backlog, ascending
  std::vector<std::vector<uint32_t>> host_rps_maps;  // by receive queue: its rps_cpus, ascending (empty: no RPS)
  uint32_t host_max_backlog = 1000;
  Wire::Config wire;
  ExternalPeer::Config peer;
  std::vector<FlowConfig> flows;

  // A Chrome/Perfetto trace of [trace_from, trace_to] when trace_path is set.
  std::string trace_path;
  core::Time trace_from;
  core::Time trace_to;
  // Any other trace sink (an in-memory recording), with its own window;
  // not owned; used instead of trace_path when set.
  core::TraceWriter* trace = nullptr;

  // Told of every packet that reaches its application (FlowStats'
  // observer): the packet and when. May be empty.
  std::function<void(const Packet&, core::Time at)> on_delivery;
  // Told of every packet lost, where, and when. May be empty.
  std::function<void(const Packet&, DropPlace place, core::Time at)> on_drop;
  // Asked after each slice of the run (see progress) with the time reached: true ends
  // the run there (its results then cover less). May be empty.
  std::function<bool(core::Time now)> stop;

  // Called with the fraction of simulated time done after each slice of the
  // run (a slice is a hundredth of it, at most 1 ms simulated), from the
  // simulating thread; may be empty.
  std::function<void(double fraction)> progress;
  // Called after each slice too, with the run's figures so far; may be empty.
  std::function<void(const PathSnapshot&)> snapshot;
  // Checked before each slice: once it reads true the run throws Cancelled
  // (models/paths/cancelled.h). May be null.
  const std::atomic<bool>* cancel = nullptr;
  // The wires hand frames to the receivers that take them before they
  // arrive (Wire::set_early): fewer events, the same results. False (for
  // the tests that check so): every frame arrives in an event of its own.
  bool early_frames = true;
};

}  // namespace viosim::models
