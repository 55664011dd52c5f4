// One PMD thread of OVS-DPDK, the host switch of vhost-user VMs (pinned to
// its own core and busy 100 % of the time). It polls the receive queues
// assigned to it in turn: queues of the physical port (the host NIC's) and
// of vhost-user ports (a guest's TX ring). A queue with work gives a burst
// of at most 32; each packet is classified (the datapath lookup) and sent
// out of its port: the physical port, or a vhost-user port, whose guest RX
// ring this PMD's transmit queue maps to (a full ring is retried up to 8
// times after an enqueue that got some in, then the rest is dropped).
// Output is flushed after each burst (tx-flush-interval 0). Guest kicks
// stay disabled for good (no TX exits); a guest interrupt is an eventfd_write on the call fd (a system call, the
// irqfd injection inline) only when the event index asks for one. Empty
// polls are modelled by what they find: a pass over the queues that finds
// nothing spins until a queue gets work, and the pass then starting pays
// its looks up to that queue.
// (lib/dpif-netdev.c pmd_thread_main, dp_netdev_process_rxq_port;
// reference/mechanisms.md 13.)
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "models/host/host_thread.h"
#include "models/net/host_net_costs.h"
#include "models/net/host_nic_rx.h"
#include "models/packet/packet.h"
#include "models/virtio/virtio_queue_pair.h"

namespace viosim::models {

struct PmdCosts {
  core::Cycles poll_queue{120};      // one empty look at a queue (avail idx / NIC descriptor)
  core::Cycles burst{300};           // per non-empty burst: bulk mbuf alloc/free, shadow used flush
  core::Cycles dequeue_packet{250};  // desc_to_mbuf (copy extra)
  core::Cycles enqueue_packet{250};  // mbuf_to_desc (copy extra)
  core::Cycles switch_packet{150};   // the switching decision (OVS datapath lookup)
  core::Cycles nic_packet{60};       // physical port rx/tx descriptor work
};

// A vhost-user port: one VM's queue pairs, each with its rings and call
// fds.
struct VhostUserQueue {
  VirtioQueuePair* rings = nullptr;
  EventFd* rx_call = nullptr;
  EventFd* tx_call = nullptr;
};
struct VhostUserPort {
  std::string name;  // the VM's
  std::vector<VhostUserQueue> queues;
};

class VhostUserPmd final : public core::Component {
 public:
  struct Config {
    uint32_t burst = 32;           // NETDEV_MAX_BURST
    uint32_t enqueue_retries = 8;  // vhost-tx-retries-max
    PmdCosts costs;
  };
  // A receive queue the PMD polls: a physical port queue (`nic`) or queue
  // `queue` of vhost-user port `port` (its guest's TX ring).
  struct Rxq {
    HostNicRx* nic = nullptr;
    const VhostUserPort* port = nullptr;
    uint32_t queue = 0;
    std::string name;  // "nic0:q1", "web0:q0"
  };
  // Where a packet goes out: a vhost-user port, or null for the physical
  // port (the wire).
  using Route = std::function<const VhostUserPort*(uint32_t packet)>;
  using ToWire = std::function<void(uint32_t packet)>;

  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  // PMD number `index` (its transmit queue id on every port) on thread
  // `pmd`, polling `rxqs` in turn.
  VhostUserPmd(core::Simulator& sim, std::string_view name, core::Component* parent, HostThread& pmd, uint32_t index,
               std::vector<Rxq> rxqs, PacketPool& pool, const HostNetCosts& host, const Config& config, Route route,
               ToWire to_wire);

  void init() override;
  void on_reset_stats() override;

  uint64_t drops() const { return drops_.value(); }
  const std::vector<Rxq>& rxqs() const { return rxqs_; }
  const HostThread& thread() const { return *pmd_; }
  // Packets it received from its queues since the statistics reset.
  uint64_t packets() const { return rx_.value(); }
  // Passes over its queues that found work, and those that found none.
  uint64_t busy_passes() const { return busy_passes_.value(); }
  uint64_t empty_passes() const;
  // The share of time since the statistics reset it spent on work (not
  // spinning over empty queues).
  double busy_share() const;

 private:
  struct Output {
    const VhostUserPort* port = nullptr;  // null: the wire
    std::vector<uint32_t> packets;
    std::vector<uint32_t> tokens;  // the guest RX buffers they got
  };
  void pass();
  void poll_next();
  void spin();
  // Tells its NIC queues that it spins (true) or no longer does.
  void nics_wait(bool waits);
  static bool has_work(const Rxq& q);
  void take_burst(const Rxq& q);
  void finish_burst();
  void notify_then(size_t next, Continuation k);
  Output& output_for(const VhostUserPort* port);
  core::Cycles copy(uint32_t packet) const;
  core::Cycles empty_pass() const;
  VirtioQueuePair& rx_ring(const VhostUserPort& port) const { return *port.queues[index_ % port.queues.size()].rings; }

  HostThread* pmd_;
  uint32_t index_;
  std::vector<Rxq> rxqs_;
  PacketPool* pool_;
  HostNetCosts host_;
  Config config_;
  Route route_;
  ToWire to_wire_;
  // The pass in progress: the next queue to look at and the empty looks
  // not yet paid for; the burst being processed and its outputs.
  size_t next_ = 0;
  core::Cycles pending_{0};
  core::Cycles carried_{0};  // of pending_, owed from the previous pass
  bool found_ = false;
  const Rxq* burst_from_ = nullptr;
  std::vector<uint32_t> burst_;
  std::vector<Output> outputs_;  // reused; `used_outputs_` of them in use
  size_t used_outputs_ = 0;
  std::vector<EventFd*> calls_due_;
  // Spinning over empty queues, for the busy share and the empty passes.
  core::Time spin_start_;
  core::Duration spin_used_from_;  // the thread's polling time when the spin began
  core::Duration spun_;
  core::Time stats_from_;
  uint64_t empty_passes_ = 0;
  core::Counter rx_{this, "rx_packets"};
  core::Counter tx_wire_{this, "tx_packets"};
  core::Counter tx_vhost_{this, "vhost_tx_packets"};
  core::Counter drops_{this, "drops"};
  core::Counter calls_{this, "calls"};
  core::Counter busy_passes_{this, "busy_iterations"};
};

}  // namespace viosim::models
