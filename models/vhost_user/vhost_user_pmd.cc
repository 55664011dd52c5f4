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
                           VirtioQueuePair& queues, EventFd& rx_call, EventFd& tx_call,
                           std::vector<HostNicRx*> ports, PacketPool& pool, const HostNetCosts& host, const Config& config, ToWire to_wire)
    : core::Component(sim, name, parent),
      pmd_(&pmd),
      q_(&queues),
      rx_call_(&rx_call),
      tx_call_(&tx_call),
      ports_(std::move(ports)),
      pool_(&pool),
      host_(host),
      config_(config),
      to_wire_(std::move(to_wire)) {
  tx_burst_.reserve(config_.burst);
  rx_burst_.reserve(config_.burst);
  rx_tokens_.reserve(config_.burst);
}

void VhostUserPmd::init() {
  // rte_vhost_enable_guest_notification(vid, q, 0) on every vring at start.
  q_->tx.disable_notify();
  q_->rx.disable_notify();
  q_->on_tx_avail = [this] { pmd_->poke(); };
  q_->on_rx_avail = [this] { pmd_->poke(); };
  for (HostNicRx* port : ports_) port->set_poller(pmd_);
  pmd_->start([this] { iterate(); });
}

core::Cycles VhostUserPmd::copy(uint32_t packet) const {
  return host_.copy((*pool_)[packet].bytes, pmd_->core().clock());
}

void VhostUserPmd::iterate() {
  const PmdCosts& c = config_.costs;
  // One look at each queue: the guest's TX ring and the port's RX rings.
  core::Cycles cost = c.poll_queue * static_cast<int64_t>(1 + ports_.size());
  tx_burst_.clear();
  uint32_t token = 0;
  while (tx_burst_.size() < config_.burst && q_->tx.pop(token)) {
    tx_burst_.push_back(token);
    stamp((*pool_)[token], kStampBackend, now());
    trace_hop(*pmd_, (*pool_)[token], place::kPmdThread, "the PMD dequeued it from the TX vring (burst)");
    trace_copy(*pmd_, (*pool_)[token], "out of the guest's TX buffer");
    cost += c.dequeue_packet + copy(token) + c.switch_packet + c.nic_packet;
  }
  rx_burst_.clear();
  rx_tokens_.clear();
  uint32_t packet = 0;
  for (HostNicRx* port : ports_) {
    while (rx_burst_.size() < config_.burst && !port->empty()) {
      port->poll(packet);
      trace_hop(*pmd_, (*pool_)[packet], place::kPmdThread, "the PMD polled it from the NIC's RX queue (burst)");
      rx_burst_.push_back(packet);
      cost += c.nic_packet + c.switch_packet;
    }
  }
  // rte_vhost_enqueue_burst: guest buffers for as many as there are.
  uint32_t retries = 0;
  while (rx_tokens_.size() < rx_burst_.size()) {
    if (q_->rx.pop(token)) {
      rx_tokens_.push_back(token);
      trace_copy(*pmd_, (*pool_)[rx_burst_[rx_tokens_.size() - 1]], "into the guest's RX buffer");
      cost += c.enqueue_packet + copy(rx_burst_[rx_tokens_.size() - 1]);
      continue;
    }
    if (retries == config_.enqueue_retries) break;
    ++retries;
    cost += c.poll_queue;  // each retry looks at the ring again
  }
  if (!tx_burst_.empty()) cost += c.burst;
  if (!rx_burst_.empty()) cost += c.burst;
  if (tx_burst_.empty() && rx_burst_.empty()) {
    // Nothing found: spin until a ring gets work, then look again.
    pmd_->spin(CpuCategory::kPmd, core::Duration::max(), /*yield=*/false, [this] {
      pmd_->run(config_.costs.poll_queue * static_cast<int64_t>(1 + ports_.size()), CpuCategory::kPmd,
                [this] { iterate(); });
    });
    return;
  }
  ++iterations_;
  pmd_->run(cost, CpuCategory::kPmd, [this] { after_iteration(); });
}

void VhostUserPmd::after_iteration() {
  for (uint32_t p : tx_burst_) {
    ++tx_packets_;
    to_wire_(p);
    q_->tx.push_used(p, 0);
  }
  for (size_t i = 0; i < rx_burst_.size(); ++i) {
    if (i < rx_tokens_.size()) {
      ++rx_packets_;
      q_->rx_packet[rx_tokens_[i]] = rx_burst_[i];
      q_->rx.push_used(rx_tokens_[i], (*pool_)[rx_burst_[i]].bytes);
      stamp((*pool_)[rx_burst_[i]], kStampBackend, now());
      trace_hop(*pmd_, (*pool_)[rx_burst_[i]], place::kRxVring, "the PMD enqueued it into a guest buffer");
    } else {
      ++drops_;
      pool_->release(rx_burst_[i]);
    }
  }
  // vhost_vring_call_split once per burst and queue, when asked.
  notify_tx_ = !tx_burst_.empty() && q_->tx.should_notify();
  notify_rx_ = !rx_tokens_.empty() && q_->rx.should_notify();
  notify_then([this] { iterate(); });
}

void VhostUserPmd::notify_then(Continuation k) {
  if (notify_rx_) {
    notify_rx_ = false;
    ++calls_;
    pmd_->signal(*rx_call_, [this, k = std::move(k)]() mutable { notify_then(std::move(k)); });
    return;
  }
  if (notify_tx_) {
    notify_tx_ = false;
    ++calls_;
    pmd_->signal(*tx_call_, std::move(k));
    return;
  }
  k();
}

}  // namespace viosim::models
