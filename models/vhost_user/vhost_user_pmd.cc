// The PMD loop: dequeue from the guest, enqueue to the guest, call only when
// asked, spin otherwise.
#include "models/vhost_user/vhost_user_pmd.h"

#include "models/net/packet_trace.h"

namespace viosim::models {

const core::ComponentSpec& VhostUserPmd::model_spec() {
  static const core::ComponentSpec spec{
      .type = "vhost_user.pmd",
      .help = "vhost-user poll-mode thread: bursts of 32, guest kicks off, calls by eventfd_write, 8 retries",
      .params = {{"burst", core::Unit::kPackets, "32", "MAX_PKT_BURST"},
                 {"enqueue_retries", core::Unit::kCount, "8", "retries of a full guest RX ring before dropping"}},
      .ports = {},
      .stats = {{"tx_packets", core::StatKind::kCounter, core::Unit::kPackets, "guest packets sent to the port"},
                {"rx_packets", core::StatKind::kCounter, core::Unit::kPackets, "packets enqueued to the guest"},
                {"drops", core::StatKind::kCounter, core::Unit::kPackets, "packets dropped on a full guest ring"},
                {"calls", core::StatKind::kCounter, core::Unit::kCount, "call eventfd writes (guest interrupts)"},
                {"busy_iterations", core::StatKind::kCounter, core::Unit::kCount, "loop iterations that found work"}}};
  return spec;
}

VhostUserPmd::VhostUserPmd(core::Simulator& sim, std::string_view name, core::Component* parent, HostThread& pmd,
                           std::vector<GuestQueue> polled, GuestQueue rx_target, std::vector<HostNicRx*> ports,
                           PacketPool& pool, const HostNetCosts& host, const Config& config, ToWire to_wire)
    : core::Component(sim, name, parent),
      pmd_(&pmd),
      guest_(std::move(polled)),
      rx_target_(rx_target),
      ports_(std::move(ports)),
      pool_(&pool),
      host_(host),
      config_(config),
      to_wire_(std::move(to_wire)) {
  tx_burst_.resize(guest_.size());
  for (auto& b : tx_burst_) b.reserve(config_.burst);
  notify_tx_.assign(guest_.size(), false);
  rx_burst_.reserve(config_.burst);
  rx_tokens_.reserve(config_.burst);
}

void VhostUserPmd::init() {
  // rte_vhost_enable_guest_notification(vid, q, 0) on every vring at start.
  // Several PMDs may share a ring (more PMDs than guest queues): each is
  // poked.
  auto also_poke = [this](std::function<void()>& hook) {
    hook = [previous = std::move(hook), this] {
      if (previous) previous();
      pmd_->poke();
    };
  };
  for (GuestQueue& g : guest_) {
    g.rings->tx.disable_notify();
    also_poke(g.rings->on_tx_avail);
  }
  rx_target_.rings->rx.disable_notify();
  also_poke(rx_target_.rings->on_rx_avail);
  for (HostNicRx* port : ports_) port->set_poller(pmd_);
  pmd_->start([this] { iterate(); });
}

core::Cycles VhostUserPmd::copy(uint32_t packet) const {
  return host_.copy((*pool_)[packet].bytes, pmd_->core().clock());
}

// One look at each queue: the guests' TX rings and the port's RX rings.
core::Cycles VhostUserPmd::empty_look() const {
  return config_.costs.poll_queue * static_cast<int64_t>(guest_.size() + ports_.size());
}

void VhostUserPmd::iterate() {
  const PmdCosts& c = config_.costs;
  core::Cycles cost = empty_look();
  bool any_tx = false;
  uint32_t token = 0;
  for (size_t g = 0; g < guest_.size(); ++g) {
    std::vector<uint32_t>& burst = tx_burst_[g];
    burst.clear();
    while (burst.size() < config_.burst && guest_[g].rings->tx.pop(token)) {
      burst.push_back(token);
      stamp((*pool_)[token], kStampBackend, now());
      trace_hop(*pmd_, (*pool_)[token], place::kPmdThread, "the PMD dequeued it from the TX vring (burst)");
      trace_copy(*pmd_, (*pool_)[token], "out of the guest's TX buffer");
      cost += c.dequeue_packet + copy(token) + c.switch_packet + c.nic_packet;
    }
    if (!burst.empty()) {
      cost += c.burst;
      any_tx = true;
    }
  }
  rx_burst_.clear();
  rx_tokens_.clear();
  uint32_t packet = 0;
  uint32_t bursts = 0;  // non-empty port bursts, each enqueued with its own retries
  for (HostNicRx* port : ports_) {
    const size_t before = rx_burst_.size();
    while (rx_burst_.size() - before < config_.burst && !port->empty()) {
      port->poll(packet);
      trace_hop(*pmd_, (*pool_)[packet], place::kPmdThread, "the PMD polled it from the NIC's RX queue (burst)");
      rx_burst_.push_back(packet);
      cost += c.nic_packet + c.switch_packet;
    }
    if (rx_burst_.size() > before) ++bursts;
  }
  // rte_vhost_enqueue_burst: guest buffers for as many as there are. (The
  // guest cannot refill meanwhile, so once a ring is out of buffers the
  // later bursts find none either: what is enqueued is a prefix.)
  VirtioQueuePair* rx_q = rx_target_.rings;
  uint32_t retries = 0;
  while (rx_tokens_.size() < rx_burst_.size()) {
    if (rx_q->rx.pop(token)) {
      rx_tokens_.push_back(token);
      trace_copy(*pmd_, (*pool_)[rx_burst_[rx_tokens_.size() - 1]], "into the guest's RX buffer");
      cost += c.enqueue_packet + copy(rx_burst_[rx_tokens_.size() - 1]);
      continue;
    }
    if (retries == config_.enqueue_retries * bursts) break;
    ++retries;
    cost += c.poll_queue;  // each retry looks at the ring again
  }
  cost += c.burst * static_cast<int64_t>(bursts);
  if (!any_tx && rx_burst_.empty()) {
    // Nothing found: spin until a ring gets work, then look again.
    pmd_->spin(CpuCategory::kPmd, core::Duration::max(), /*yield=*/false, [this] {
      pmd_->run(empty_look(), CpuCategory::kPmd, [this] { iterate(); });
    });
    return;
  }
  ++iterations_;
  pmd_->run(cost, CpuCategory::kPmd, [this] { after_iteration(); });
}

void VhostUserPmd::after_iteration() {
  for (size_t g = 0; g < guest_.size(); ++g) {
    for (uint32_t p : tx_burst_[g]) {
      ++tx_packets_;
      to_wire_(p);
      guest_[g].rings->tx.push_used(p, 0);
    }
  }
  VirtioQueuePair* rx_q = rx_target_.rings;
  for (size_t i = 0; i < rx_burst_.size(); ++i) {
    if (i < rx_tokens_.size()) {
      ++rx_packets_;
      rx_q->rx_packet[rx_tokens_[i]] = rx_burst_[i];
      rx_q->rx.push_used(rx_tokens_[i], (*pool_)[rx_burst_[i]].bytes);
      stamp((*pool_)[rx_burst_[i]], kStampBackend, now());
      trace_hop(*pmd_, (*pool_)[rx_burst_[i]], place::kRxVring, "the PMD enqueued it into a guest buffer");
    } else {
      ++drops_;
      pool_->drop(rx_burst_[i], DropPlace::kVring);
    }
  }
  // vhost_vring_call_split once per burst and queue, when asked.
  for (size_t g = 0; g < guest_.size(); ++g) {
    notify_tx_[g] = !tx_burst_[g].empty() && guest_[g].rings->tx.should_notify();
  }
  notify_rx_ = !rx_tokens_.empty() && rx_q->rx.should_notify();
  notify_then(0, [this] { iterate(); });
}

void VhostUserPmd::notify_then(size_t next_tx, Continuation k) {
  if (notify_rx_) {
    notify_rx_ = false;
    ++calls_;
    pmd_->signal(*rx_target_.rx_call, [this, next_tx, k = std::move(k)]() mutable { notify_then(next_tx, std::move(k)); });
    return;
  }
  for (size_t g = next_tx; g < guest_.size(); ++g) {
    if (!notify_tx_[g]) continue;
    notify_tx_[g] = false;
    ++calls_;
    pmd_->signal(*guest_[g].tx_call, [this, g, k = std::move(k)]() mutable { notify_then(g + 1, std::move(k)); });
    return;
  }
  k();
}

}  // namespace viosim::models
