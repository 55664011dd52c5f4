// The PMD loop: a pass over the assigned queues, a burst from each that has
// work, each burst switched and flushed before the next queue; a pass that
// finds nothing spins.
#include "models/vhost_user/vhost_user_pmd.h"

#include <algorithm>

#include "models/net/packet_trace.h"

namespace viosim::models {

const core::ComponentSpec& VhostUserPmd::model_spec() {
  static const core::ComponentSpec spec{
      .type = "vhost_user.pmd",
      .help = "OVS-DPDK PMD thread: polls its rxqs in turn, bursts of 32, guest kicks off, calls by eventfd_write",
      .params = {{"burst", core::Unit::kPackets, "32", "NETDEV_MAX_BURST"},
                 {"enqueue_retries", core::Unit::kCount, "8", "retries of a full guest RX ring before dropping"}},
      .ports = {},
      .stats = {
          {"rx_packets", core::StatKind::kCounter, core::Unit::kPackets, "packets received from its rxqs"},
          {"tx_packets", core::StatKind::kCounter, core::Unit::kPackets, "packets sent out of the physical port"},
          {"vhost_tx_packets", core::StatKind::kCounter, core::Unit::kPackets,
           "packets enqueued into a guest's RX ring"},
          {"drops", core::StatKind::kCounter, core::Unit::kPackets, "packets dropped on a full guest ring"},
          {"calls", core::StatKind::kCounter, core::Unit::kCount, "call eventfd writes (guest interrupts)"},
          {"busy_iterations", core::StatKind::kCounter, core::Unit::kCount, "passes over its rxqs that found work"}}};
  return spec;
}

VhostUserPmd::VhostUserPmd(core::Simulator& sim, std::string_view name, core::Component* parent, HostThread& pmd,
                           uint32_t index, std::vector<Rxq> rxqs, PacketPool& pool, const HostNetCosts& host,
                           const Config& config, Route route, ToWire to_wire)
    : core::Component(sim, name, parent),
      pmd_(&pmd),
      index_(index),
      rxqs_(std::move(rxqs)),
      pool_(&pool),
      host_(host),
      config_(config),
      route_(std::move(route)),
      to_wire_(std::move(to_wire)) {
  burst_.reserve(config_.burst);
}

void VhostUserPmd::init() {
  // rte_vhost_enable_guest_notification(vid, q, 0) on every vring it polls.
  for (const Rxq& q : rxqs_) {
    if (q.nic != nullptr) {
      q.nic->set_poller(pmd_);
      continue;
    }
    VirtioQueuePair& rings = *q.port->queues[q.queue].rings;
    rings.tx.disable_notify();
    rings.rx.disable_notify();  // no refill kicks either (the TX ring's poller stands for the queue pair)
    rings.on_tx_avail = [previous = std::move(rings.on_tx_avail), this] {
      if (previous) previous();
      pmd_->poke();
    };
  }
  stats_from_ = now();
  pmd_->start([this] { pass(); });
}

void VhostUserPmd::on_reset_stats() {
  stats_from_ = now();
  spun_ = core::Duration::zero();
  empty_passes_ = 0;
}

core::Cycles VhostUserPmd::copy(uint32_t packet) const {
  return host_.copy((*pool_)[packet].bytes, pmd_->core().clock());
}

core::Cycles VhostUserPmd::empty_pass() const { return config_.costs.poll_queue * static_cast<int64_t>(rxqs_.size()); }

uint64_t VhostUserPmd::empty_passes() const {
  uint64_t n = empty_passes_;
  if (pmd_->state() == HostThread::State::kSpinning) {
    const core::Duration pass = pmd_->core().clock().to_duration(empty_pass());
    const core::Duration open = now() - std::max(spin_start_, stats_from_);
    if (pass > core::Duration::zero()) n += static_cast<uint64_t>(open.ps() / pass.ps());
  }
  return n;
}

double VhostUserPmd::busy_share() const {
  const core::Duration window = now() - stats_from_;
  if (window <= core::Duration::zero()) return 0;
  core::Duration spun = spun_;
  if (pmd_->state() == HostThread::State::kSpinning) spun = spun + (now() - std::max(spin_start_, stats_from_));
  return 1.0 - std::min(1.0, double(spun.ps()) / double(window.ps()));
}

// A pass starts owing the empty looks that ended the previous one; they
// are paid with its first burst.
void VhostUserPmd::pass() {
  next_ = 0;
  carried_ = pending_;
  found_ = false;
  poll_next();
}

void VhostUserPmd::poll_next() {
  while (next_ < rxqs_.size()) {
    const Rxq& q = rxqs_[next_++];
    if (!has_work(q)) {
      pending_ = pending_ + config_.costs.poll_queue;
      continue;
    }
    take_burst(q);
    return;
  }
  if (found_) {
    pass();  // the rest of this pass's looks are owed by the next
    return;
  }
  // Nothing anywhere: pay the looks owed from the last busy pass, then
  // spin (this pass's looks are the spin's first) until a queue gets work.
  pending_ = core::Cycles(0);
  if (carried_ > core::Cycles(0)) {
    pmd_->run(carried_, CpuCategory::kPmd, [this] { spin(); });
    return;
  }
  spin();
}

void VhostUserPmd::nics_wait(bool waits) {
  for (const Rxq& q : rxqs_) {
    if (q.nic != nullptr) q.nic->poller_waits(waits);
  }
}

bool VhostUserPmd::has_work(const Rxq& q) {
  return q.nic != nullptr ? !q.nic->empty() : q.port->queues[q.queue].rings->tx.avail_pending() != 0;
}

void VhostUserPmd::spin() {
  // Work that came while the owed looks ran (a poke then finds no spin to
  // end): the loop goes round again instead.
  if (std::any_of(rxqs_.begin(), rxqs_.end(), has_work)) {
    pass();
    return;
  }
  // What the last burst's ring stores owe is PMD work, not polling.
  if (pmd_->owes_lines()) {
    pmd_->run(core::Cycles(0), CpuCategory::kPmd, [this] { spin(); });
    return;
  }
  ++empty_passes_;  // the pass that found nothing
  // What the spin adds to the PMD's polling time is time on its core: a
  // PMD preempted by a thread sharing that core does not poll meanwhile.
  spin_start_ = now();
  spin_used_from_ = pmd_->usage()[static_cast<size_t>(CpuCategory::kPmd)];
  // Frames the wire handed its NIC queues ahead of their arrival: the
  // first to arrive now ends the spin (one that comes while it is busy
  // waits for its next look, with no event).
  nics_wait(true);
  pmd_->spin(CpuCategory::kPmd, core::Duration::max(), /*yield=*/false, [this] {
    nics_wait(false);
    const core::Duration used = pmd_->usage()[static_cast<size_t>(CpuCategory::kPmd)];
    const core::Duration spun = spin_start_ <= stats_from_ ? used : used - spin_used_from_;
    if (spun > core::Duration::zero()) {
      spun_ = spun_ + spun;
      const core::Duration pass_time = pmd_->core().clock().to_duration(empty_pass());
      if (pass_time > core::Duration::zero()) empty_passes_ += static_cast<uint64_t>(spun.ps() / pass_time.ps());
    }
    // The loop goes on from the top: the looks up to the queue with work
    // are that pass's, paid with its burst.
    pass();
  });
}

VhostUserPmd::Output& VhostUserPmd::output_for(const VhostUserPort* port) {
  for (size_t i = 0; i < used_outputs_; ++i) {
    if (outputs_[i].port == port) return outputs_[i];
  }
  if (used_outputs_ == outputs_.size()) outputs_.emplace_back();
  Output& o = outputs_[used_outputs_++];
  o.port = port;
  o.packets.clear();
  o.tokens.clear();
  return o;
}

// One burst from queue `q`: received, classified, and the guest RX rings
// of the ports it goes to filled as far as they have buffers.
void VhostUserPmd::take_burst(const Rxq& q) {
  const PmdCosts& c = config_.costs;
  if (!found_) ++busy_passes_;
  found_ = true;
  burst_from_ = &q;
  burst_.clear();
  used_outputs_ = 0;
  core::Cycles cost = pending_ + c.burst;
  pending_ = core::Cycles(0);
  uint32_t packet = 0;
  if (q.nic != nullptr) {
    while (burst_.size() < config_.burst && q.nic->poll(packet)) {
      trace_hop(*pmd_, (*pool_)[packet], place::kPmdThread, "the PMD polled it from the NIC's RX queue (burst)");
      burst_.push_back(packet);
      cost = cost + c.nic_packet + c.switch_packet;
    }
  } else {
    Virtqueue& tx = q.port->queues[q.queue].rings->tx;
    tx.begin_burst();  // rte_vhost_dequeue_burst
    while (burst_.size() < config_.burst && tx.pop(packet)) {
      burst_.push_back(packet);
      stamp((*pool_)[packet], kStampBackend, now());
      trace_hop(*pmd_, (*pool_)[packet], place::kPmdThread, "the PMD dequeued it from the TX vring (burst)");
      trace_copy(*pmd_, (*pool_)[packet], "out of the guest's TX buffer");
      cost = cost + c.dequeue_packet + copy(packet) + c.switch_packet;
    }
  }
  rx_.add(burst_.size());
  for (uint32_t p : burst_) output_for(route_(p)).packets.push_back(p);
  // Each output batch: the physical port's descriptors, or
  // rte_vhost_enqueue_burst into the guest's RX ring with buffers for as
  // many as it has. netdev_dpdk_vhost_send retries what is left only after
  // an attempt that enqueued some, and stops at one that enqueued none
  // (the guest cannot refill meanwhile, so the retry after a partial
  // enqueue is the one that finds none): what is enqueued is a prefix.
  uint32_t token = 0;
  for (size_t i = 0; i < used_outputs_; ++i) {
    Output& o = outputs_[i];
    if (o.port == nullptr) {
      cost = cost + c.nic_packet * static_cast<int64_t>(o.packets.size());
      continue;
    }
    VirtioQueuePair& ring = rx_ring(*o.port);
    for (uint32_t attempt = 0; o.tokens.size() < o.packets.size(); ++attempt) {
      const size_t before = o.tokens.size();
      ring.rx.begin_burst();  // rte_vhost_enqueue_burst
      while (o.tokens.size() < o.packets.size() && ring.rx.pop(token)) {
        const uint32_t p = o.packets[o.tokens.size()];
        o.tokens.push_back(token);
        trace_copy(*pmd_, (*pool_)[p], "into the guest's RX buffer");
        cost = cost + c.enqueue_packet + copy(p);
      }
      if (o.tokens.size() == o.packets.size()) break;
      if (o.tokens.size() == before) {
        cost = cost + c.poll_queue;  // an attempt that found no buffer: no retry
        break;
      }
      if (attempt == config_.enqueue_retries) break;
    }
  }
  pmd_->run(cost, CpuCategory::kPmd, [this] { finish_burst(); });
}

void VhostUserPmd::finish_burst() {
  calls_due_.clear();
  const Rxq& q = *burst_from_;
  if (q.port != nullptr) {
    const VhostUserQueue& from = q.port->queues[q.queue];
    // In order, DPDK returns a packed ring's dequeued burst with one used
    // descriptor (vhost_shadow_dequeue_*_packed_inorder, then
    // vhost_flush_dequeue_shadow_packed at the burst's end); its split ring writes one
    // element per buffer either way.
    Virtqueue& tx = from.rings->tx;
    const bool one_entry = tx.config().layout == Virtqueue::Layout::kPacked;
    if (one_entry) tx.begin_used_batch();
    for (uint32_t p : burst_) tx.push_used(p, 0);
    if (one_entry) tx.end_used_batch();
    if (tx.should_notify()) calls_due_.push_back(from.tx_call);
  }
  for (size_t i = 0; i < used_outputs_; ++i) {
    Output& o = outputs_[i];
    if (o.port == nullptr) {
      for (uint32_t p : o.packets) {
        ++tx_wire_;
        to_wire_(p);
      }
      continue;
    }
    VirtioQueuePair& ring = rx_ring(*o.port);
    for (size_t k = 0; k < o.packets.size(); ++k) {
      const uint32_t p = o.packets[k];
      if (k < o.tokens.size()) {
        ++tx_vhost_;
        ring.rx_packet[o.tokens[k]] = p;
        ring.rx.push_used(o.tokens[k], (*pool_)[p].bytes);
        stamp((*pool_)[p], kStampBackend, now());
        trace_hop(*pmd_, (*pool_)[p], place::kRxVring, "the PMD enqueued it into a guest buffer");
      } else {
        ++drops_;
        pool_->drop(p, DropPlace::kVring);
      }
    }
    if (!o.tokens.empty()) ring.rx_published();
    // vhost_vring_call_split once per burst and ring, when asked.
    if (!o.tokens.empty() && ring.rx.should_notify()) {
      calls_due_.push_back(o.port->queues[index_ % o.port->queues.size()].rx_call);
    }
  }
  notify_then(0, [this] { poll_next(); });
}

void VhostUserPmd::notify_then(size_t next, Continuation k) {
  if (next == calls_due_.size()) {
    k();
    return;
  }
  ++calls_;
  pmd_->signal(*calls_due_[next], [this, next, k = std::move(k)]() mutable { notify_then(next + 1, std::move(k)); });
}

}  // namespace viosim::models
