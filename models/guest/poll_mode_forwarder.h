// A poll-mode forwarder in the guest: one DPDK forwarding lcore (testpmd in
// io mode) on its own vCPU, driving one virtio-net queue pair with the
// virtio PMD (drivers/net/virtio). The PMD negotiates no EVENT_IDX and sets
// VRING_AVAIL_F_NO_INTERRUPT on both rings, so the backend never
// interrupts it; it kicks only when the backend has not set
// VRING_USED_F_NO_NOTIFY (a polling vhost-user switch always has). Each
// loop: rx_burst takes up to `burst` (at most 64) used receive buffers and refills them
// at once, tx_burst puts the packets on the TX ring (reclaiming used TX
// descriptors once fewer than tx_free_thresh are free) and frees those it
// has no room for, testpmd's fwd_dropped. An rx_burst that finds nothing
// spins until the backend publishes used receive buffers: the vCPU is busy
// 100 % either way. (reference/mechanisms.md 7.1; DPDK virtio_recv_pkts,
// virtio_xmit_pkts, app/test-pmd/iofwd.c.)
#pragma once

#include <vector>

#include "models/host/held_continuation.h"
#include "models/packet/packet.h"
#include "models/vcpu/vcpu.h"
#include "models/virtio/virtio_queue_pair.h"

namespace viosim::models {

class PollModeForwarder final : public core::Component {
 public:
  struct Costs {
    core::Cycles burst{250};     // a non-empty loop: the rx and tx burst calls, bulk mbuf alloc
    core::Cycles rx_packet{60};  // virtio_recv_pkts per packet: used entry, mbuf, refill
    core::Cycles tx_packet{60};  // virtio_xmit_pkts per packet: the descriptor
    core::Cycles tx_free{50};    // virtio_xmit_cleanup per reclaimed descriptor: the mbuf freed
  };
  static constexpr uint32_t kMaxRxBurst = 64;  // VIRTIO_MBUF_BURST_SZ: the PMD's cap per rx_burst call
  struct Config {
    uint32_t burst = 32;           // testpmd --burst (MAX_PKT_BURST); rx_burst returns at most kMaxRxBurst
    uint32_t tx_free_thresh = 32;  // DPDK's DEFAULT_TX_FREE_THRESH
    Costs costs;
  };

  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  PollModeForwarder(core::Simulator& sim, std::string_view name, core::Component* parent, VCpu& vcpu,
                    VirtioQueuePair& queues, PacketPool& pool, const Config& config);

  void init() override;

  uint64_t forwarded_in_run() const { return forwarded_in_run_; }  // since the start, warm-up included
  // As GuestOs::transit: from the host's hand-over into the VM to tx_burst.
  const core::Histogram& transit() const { return transit_.histogram(); }
  uint64_t tx_drops() const { return tx_drops_.value(); }

 private:
  void loop();
  void transmit();
  void kick_then(Virtqueue& ring, const VirtioQueuePair::Doorbell& doorbell, EventFd& fd, const char* what,
                 Continuation k);

  VCpu* vcpu_;
  VirtioQueuePair* q_;
  PacketPool* pool_;
  Config config_;
  std::vector<uint32_t> burst_;
  HeldContinuation task_;  // the lcore's task, which never ends
  core::Counter rx_{this, "rx_packets"};
  core::Counter tx_{this, "tx_packets"};
  core::Counter forwarded_{this, "forwarded"};
  core::Counter tx_drops_{this, "tx_drops"};
  core::Counter kicks_{this, "kicks"};
  uint64_t forwarded_in_run_ = 0;
  core::HistogramStat transit_{this, "transit"};
};

}  // namespace viosim::models
