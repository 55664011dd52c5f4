// What one run of one I/O path measured, after the warm-up: throughput,
// latency, drops, and the mechanisms' counts and CPU time, totalled and per
// packet through the VM's virtual NIC (each message crosses it once).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/host/cpu_category.h"
#include "models/kvm/exit_costs.h"
#include "models/tcp/tcp_sender.h"
#include "sim-core/histogram.h"

namespace viosim::models {

// One flow's figures. Latency, packets and bytes are of the measured window
// (after the warm-up); the conservation counts are of the whole run, warm-up
// included, so that offered = delivered + sum(drops) + in flight holds exactly.
struct FlowResults {
  std::string name;
  bool round_trip = false;     // latency kind: request-to-response at the client, else one way
  core::Histogram latency;     // picoseconds, measured window
  uint64_t packets = 0;        // delivered to the application in the window (responses for round trips)
  uint64_t bytes = 0;          // frame bytes of those
  // Conservation, whole run: packets the applications handed to a stack
  // (requests and responses both count), packets that reached their
  // application, packets still on the way at the end, and drops by place
  // (names as in the path graph: "tap", "vring", "socket", "nic_ring", ...),
  // sorted by place.
  uint64_t offered_packets = 0;
  uint64_t delivered_packets = 0;
  uint64_t in_flight_packets = 0;
  std::vector<std::pair<std::string, uint64_t>> drops_by_place;
  // Steady state: the end of the start-up transient of the flow's latency
  // series (MSER-5), in ms from the start of the run; negative when the
  // series is too short to say. `still_growing` when the flow's backlog was
  // still rising over the last part of the run.
  double transient_ms = -1;
  bool still_growing = false;
  // A TCP flow: its senders' figures and the payload bytes delivered in
  // order in the window.
  bool tcp = false;
  TcpSenderStats tcp_stats;
  uint64_t payload_bytes = 0;
  uint64_t tcp_skbs = 0;  // data skbs its receivers' TCP took (after GRO)

  uint64_t drops() const {
    uint64_t n = 0;
    for (const auto& d : drops_by_place) n += d.second;
    return n;
  }
};

// The OVS kernel datapath over a run's window (at namespace scope: clang
// cannot default-construct a nested struct with member initializers inside
// std::optional while its enclosing class is being defined).
struct OvsKernelResults {
  uint64_t hits = 0;          // frames switched on a megaflow hit, in the window
  uint64_t upcalls = 0;       // frames that missed, in the window
  uint64_t upcall_drops = 0;  // of those, lost on a full handler socket
  uint64_t installed = 0;     // megaflows the handler installed, in the window
  uint64_t megaflows = 0;     // in the table at the end
  double handler_busy = 0;    // share of the window the handler thread ran
};

struct PathResults {
  std::string backend;
  bool round_trip = false;     // latency is request-to-response at the client
  double window_s = 0;         // measured simulated time (run minus warm-up)
  double wall_s = 0;           // wall-clock seconds of the whole run
  uint64_t events = 0;
  std::string fingerprint;

  uint64_t sent = 0;           // packets the sources and clients sent
  uint64_t app_packets = 0;    // packets delivered to sinks and clients
  uint64_t app_bytes = 0;
  uint64_t nic_packets = 0;    // packets through the virtual NIC, both directions
  uint64_t drops = 0;
  uint64_t wire_frames = 0;    // frames the host put on the wire to the external peer
  core::Histogram latency;     // picoseconds, every flow pooled (see `flows` for each)
  std::vector<FlowResults> flows;  // in the scenario's order

  uint64_t exits = 0;
  std::array<uint64_t, kExitReasons> exits_by_reason{};
  uint64_t guest_interrupts = 0;  // raised by devices and IPIs (the guests' timers are apart)
  uint64_t timer_interrupts = 0;  // the guests' local timer interrupts (ticks and timers)
  uint64_t timer_writes = 0;      // their TSC-deadline programmings
  uint64_t line_transfers = 0;  // cache lines pulled between cores, every thread
  uint64_t dma_llc_loads = 0;   // NIC-written lines cores loaded from the LLC (DDIO)
  uint64_t dma_dram_loads = 0;  // and from memory
  uint64_t host_syscalls = 0;  // by the host threads of the path (VMM, workers, PMD)
  uint64_t context_switches = 0;
  uint64_t wakeups = 0;
  std::array<double, kCpuCategories> cpu_s{};  // per category, over all cores
  std::vector<std::array<double, kCpuCategories>> per_core_s;  // per core and category
  std::vector<double> per_core_polling_s;  // per core: of its busy time, busy-polling (Core::polling)
  struct QueueCounts {
    uint64_t frames = 0;      // frames the queue received
    uint64_t drops = 0;       // dropped on its full ring
    uint64_t interrupts = 0;  // its vector's interrupts
    uint64_t tx_frames = 0;   // frames the host sent through it
    uint64_t gro_merged = 0;  // frames its NAPI's GRO merged into an earlier frame's skb
  };
  std::vector<QueueCounts> per_queue;  // the host NIC's (or the VF's) receive queues
  struct VmQueueCounts {
    uint32_t vcpu_core = 0;   // where its interrupts are taken
    uint64_t rx_packets = 0;  // to the guest through it
    uint64_t tx_packets = 0;  // from the guest through it
    uint64_t interrupts = 0;  // its vectors' interrupts the driver handled
    uint64_t kicks = 0;       // doorbell writes (virtio kicks, VF tail writes)
    uint64_t rx_buffers = 0;  // receive buffers those packets filled (virtio: several each with mergeable buffers)
  };
  std::vector<VmQueueCounts> per_vm_queue;  // every VM's queue pairs, by its drivers, VM by VM
  // Each VM on the host, in the scenario's order.
  struct VmResults {
    std::string name;
    std::string backend;
    std::vector<uint32_t> vcpu_cores;
    std::array<double, kCpuCategories> vcpu_cpu_s{};  // its vCPU threads' time, by category
    uint64_t exits = 0;
    std::array<uint64_t, kExitReasons> exits_by_reason{};
    uint64_t interrupts = 0;  // injected into its vCPUs
    uint64_t ipis = 0;        // its vCPUs sent each other
    uint64_t preemptions = 0;  // of guest threads, by its guest's scheduler
    uint64_t nic_packets = 0;  // through its virtual NIC, both directions
    std::vector<VmQueueCounts> queues;
    std::vector<size_t>
        flows;  // indexes into `flows` of the flows that end in it (either end of a VM-to-VM one) or cross it
    // A forwarder (flows routed through it), whole run: packets it sent
    // back out, and those lost on their way into it and out of it, by
    // place (sorted).
    bool forwards = false;
    uint64_t forwarded = 0;
    core::Histogram transit;  // picoseconds, measured window: hand-over into it to its forward
    std::vector<std::pair<std::string, uint64_t>> drops_in, drops_out;
  };
  std::vector<VmResults> vms;
  // OVS-DPDK's PMD threads (vhost-user), each with the queues it polls.
  struct SwitchPmd {
    uint32_t core = 0;
    std::vector<std::string> rxqs;  // "nic0:q1", "web3:q0", in polling order
    double busy = 0;                // share of the window spent on bursts, not spinning
    uint64_t packets = 0;           // received from its queues in the window
    double empty_poll_share = 0;    // passes over its queues that found nothing
  };
  std::vector<SwitchPmd> switch_pmds;
  // The OVS kernel datapath (tap-based VMs with host.kernel_switch OVS).
  using OvsKernel = OvsKernelResults;
  std::optional<OvsKernel> ovs_kernel;
  double busy_cycles = 0;      // non-idle cycles over all cores
  // Mean one-way journey per hop (FlowStats::hop_name), by direction.
  std::array<std::array<double, 4>, 2> hop_mean_us{};
  std::array<uint64_t, 2> hop_packets{};
  uint64_t iotlb_hits = 0;     // passthrough: DMA translations (whole run)
  uint64_t iotlb_misses = 0;

  double throughput_pps() const { return window_s > 0 ? double(app_packets) / window_s : 0; }
  double throughput_gbps() const { return window_s > 0 ? double(app_bytes) * 8 / window_s / 1e9 : 0; }
  double per_packet(double v) const { return nic_packets > 0 ? v / double(nic_packets) : 0; }
};

}  // namespace viosim::models
