// A vhost-user backend's poll-mode thread (OVS-DPDK / testpmd style), pinned
// to its own core and busy 100 % of the time: each iteration dequeues a
// burst of at most 32 from the guest's TX ring and sends it to the physical
// port, and takes a burst of at most 32 from the port's RX ring and enqueues
// it into the guest's RX ring, retrying a full ring up to 8 times before
// dropping. Guest kicks stay disabled for good (no TX exits); a guest
// interrupt is an eventfd_write on the call fd (a system call, with the
// irqfd injection inline) only when the event index asks for one. Empty
// polls are modelled by what they find: the thread spins until a ring gets
// work, then pays one empty iteration before finding it.
#pragma once

#include <functional>
#include <vector>

#include "models/host/host_thread.h"
#include "models/net/host_net_costs.h"
#include "models/net/host_nic_rx.h"
#include "models/packet/packet.h"
#include "models/virtio/virtio_queue_pair.h"

namespace viosim::models {

struct PmdCosts {
  core::Cycles poll_queue{120};    // one empty look at a queue (avail idx / NIC descriptor)
  core::Cycles burst{300};         // per non-empty burst: bulk mbuf alloc/free, shadow used flush
  core::Cycles dequeue_packet{250};  // desc_to_mbuf (copy extra)
  core::Cycles enqueue_packet{250};  // mbuf_to_desc (copy extra)
  core::Cycles switch_packet{150};   // the switching decision (OVS datapath lookup)
  core::Cycles nic_packet{60};       // physical port rx/tx descriptor work
};

class VhostUserPmd final : public core::Component {
 public:
  struct Config {
    uint32_t burst = 32;        // MAX_PKT_BURST / NETDEV_MAX_BURST
    uint32_t enqueue_retries = 8;  // vhost-tx-retries-max
    PmdCosts costs;
  };
  using ToWire = std::function<void(uint32_t packet)>;

  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  // A vhost-user queue pair this PMD serves: its rings and its call fds.
  struct GuestQueue {
    VirtioQueuePair* rings = nullptr;
    EventFd* rx_call = nullptr;
    EventFd* tx_call = nullptr;
  };

  // Polls the guest TX rings of `polled` and the NIC `ports` (a burst of
  // up to `burst` from each); what it receives goes into `rx_target`'s RX
  // ring (OVS gives each PMD thread its own transmit queue on a vhost-user
  // port, mapped onto the guest's queues).
  VhostUserPmd(core::Simulator& sim, std::string_view name, core::Component* parent, HostThread& pmd,
               std::vector<GuestQueue> polled, GuestQueue rx_target, std::vector<HostNicRx*> ports, PacketPool& pool,
               const HostNetCosts& host, const Config& config, ToWire to_wire);

  void init() override;
  uint64_t drops() const { return drops_.value(); }

 private:
  void iterate();
  void after_iteration();
  void notify_then(size_t next_tx, Continuation k);
  core::Cycles copy(uint32_t packet) const;
  core::Cycles empty_look() const;

  HostThread* pmd_;
  std::vector<GuestQueue> guest_;  // polled for TX
  GuestQueue rx_target_;
  std::vector<HostNicRx*> ports_;  // the physical port's receive queues it polls
  PacketPool* pool_;
  HostNetCosts host_;
  Config config_;
  ToWire to_wire_;
  std::vector<std::vector<uint32_t>> tx_burst_;  // per guest queue
  std::vector<uint32_t> rx_burst_;
  std::vector<uint32_t> rx_tokens_;
  std::vector<bool> notify_tx_;
  bool notify_rx_ = false;
  core::Counter tx_packets_{this, "tx_packets"};
  core::Counter rx_packets_{this, "rx_packets"};
  core::Counter drops_{this, "drops"};
  core::Counter calls_{this, "calls"};
  core::Counter iterations_{this, "busy_iterations"};
};

}  // namespace viosim::models
