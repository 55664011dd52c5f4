// testpmd's io forwarding loop over the virtio PMD: rx_burst, refill,
// tx_burst, kick only when the backend asks.
#include "models/guest/poll_mode_forwarder.h"

#include <algorithm>

#include "models/guest/virtio_notify.h"
#include "models/net/packet_trace.h"
#include "models/net/path_places.h"

namespace viosim::models {

const core::ComponentSpec& PollModeForwarder::model_spec() {
  static const core::ComponentSpec spec{
      .type = "guest.poll_mode_forwarder",
      .help = "DPDK testpmd io forwarding on one virtio queue pair: polled bursts, no interrupts, kicks when asked",
      .params = {{"burst", core::Unit::kPackets, "32", "packets per rx_burst (testpmd --burst)"},
                 {"tx_free_thresh", core::Unit::kCount, "32",
                  "free TX descriptors below which used ones are reclaimed"}},
      .ports = {},
      .stats = {{"rx_packets", core::StatKind::kCounter, core::Unit::kPackets, "packets taken from the RX ring"},
                {"tx_packets", core::StatKind::kCounter, core::Unit::kPackets, "packets put on the TX ring"},
                {"forwarded", core::StatKind::kCounter, core::Unit::kPackets, "packets sent back out"},
                {"tx_drops", core::StatKind::kCounter, core::Unit::kPackets,
                 "packets freed for want of TX descriptors (fwd_dropped)"},
                {"kicks", core::StatKind::kCounter, core::Unit::kCount, "doorbell writes the backend asked for"},
                {"transit", core::StatKind::kHistogram, core::Unit::kPicoseconds,
                 "from the host's hand-over into the VM to tx_burst"}}};
  return spec;
}

PollModeForwarder::PollModeForwarder(core::Simulator& sim, std::string_view name, core::Component* parent, VCpu& vcpu,
                                     VirtioQueuePair& queues, PacketPool& pool, const Config& config)
    : core::Component(sim, name, parent), vcpu_(&vcpu), q_(&queues), pool_(&pool), config_(config) {
  burst_.reserve(config_.burst);
}

void PollModeForwarder::init() {
  // virtio_dev_rx_queue_setup_finish: every receive buffer posted;
  // virtio_dev_start: VRING_AVAIL_F_NO_INTERRUPT on both rings.
  for (uint32_t token = 0; token < q_->rx.size(); ++token) q_->rx.add(token);
  q_->rx.disable_cb();
  q_->tx.disable_cb();
  q_->on_rx_used = [this] { vcpu_->poke_guest(); };
  // The lcore's loop, which never returns (rte_eal_remote_launch).
  vcpu_->post(vcpu_->add_thread("lcore"), [this](Continuation done) {
    task_.hold(std::move(done), name(), "its forwarding loop");
    loop();
  });
}

void PollModeForwarder::loop() {
  Virtqueue& rx = q_->rx;
  burst_.clear();
  uint32_t token = 0, len = 0;
  // virtio_recv_pkts returns at most VIRTIO_MBUF_BURST_SZ (64) per call.
  const size_t most = std::min<uint32_t>(config_.burst, kMaxRxBurst);
  while (burst_.size() < most && rx.get_used(token, len)) {
    const uint32_t packet = q_->rx_packet[token];
    stamp((*pool_)[packet], kStampDevice, now());
    trace_hop(vcpu_->thread(), (*pool_)[packet], place::kPollModeForwarder,
              "the forwarding lcore took it from the RX vring (rx_burst)");
    burst_.push_back(packet);
    rx.add(token);  // a fresh mbuf in its place at once
  }
  if (burst_.empty()) {
    // Empty rx_bursts until the backend publishes used buffers.
    vcpu_->guest_spin(CpuCategory::kGuestUser, [this] { loop(); });
    return;
  }
  rx_.add(burst_.size());
  if (q_->on_rx_avail) q_->on_rx_avail();
  const Costs& c = config_.costs;
  vcpu_->guest(c.burst + c.rx_packet * static_cast<int64_t>(burst_.size()), CpuCategory::kGuestUser, [this] {
    kick_then(q_->rx, q_->rx_doorbell, q_->rx_kick, "kick rx (buffers refilled)", [this] { transmit(); });
  });
}

void PollModeForwarder::transmit() {
  Virtqueue& tx = q_->tx;
  uint32_t reclaimed = 0;
  auto reclaim = [&tx, &reclaimed] {
    uint32_t token = 0, len = 0;
    while (tx.get_used(token, len)) ++reclaimed;
  };
  if (tx.num_free() < config_.tx_free_thresh) reclaim();  // virtio_xmit_cleanup
  uint32_t sent = 0;
  for (uint32_t packet : burst_) {
    Packet& p = (*pool_)[packet];
    const std::optional<core::Duration> transit = forward_out(p, now());
    if (tx.num_free() == 0) reclaim();
    if (!tx.add(packet, 1)) {
      ++tx_drops_;
      pool_->drop(packet, DropPlace::kTxRing);
      continue;
    }
    ++sent;
    if (transit) transit_.record(*transit);
    ++forwarded_;
    ++forwarded_in_run_;
    stamp(p, kStampDevice, now());
    trace_hop(vcpu_->thread(), p, place::kTxVring, "the forwarding lcore put it on the TX vring (tx_burst)");
  }
  tx_.add(sent);
  if (sent > 0 && q_->on_tx_avail) q_->on_tx_avail();
  const Costs& c = config_.costs;
  vcpu_->guest(c.tx_packet * static_cast<int64_t>(burst_.size()) + c.tx_free * reclaimed, CpuCategory::kGuestUser,
               [this, sent] {
                 if (sent == 0) {
                   loop();
                   return;
                 }
                 kick_then(q_->tx, q_->tx_doorbell, q_->tx_kick, "kick tx", [this] { loop(); });
               });
}

// virtqueue_kick_prepare: without EVENT_IDX, a kick unless the backend set
// VRING_USED_F_NO_NOTIFY (split) or its event flags to DISABLE (packed).
void PollModeForwarder::kick_then(Virtqueue& ring, const VirtioQueuePair::Doorbell& doorbell, EventFd& fd,
                                  const char* what, Continuation k) {
  if (ring.kick_prepare() || ring.take_forced_kick()) {
    ++kicks_;
    if (sim().tracer()) vcpu_->thread().trace_instant(CauseKind::kKick, what);
    virtio_notify(*vcpu_, CpuCategory::kGuestUser, doorbell, fd, std::move(k));
    return;
  }
  k();
}

}  // namespace viosim::models
