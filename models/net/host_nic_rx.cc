// Host NIC receive queue: ring, throttled interrupt, NAPI in the softirq.
#include "models/net/host_nic_rx.h"

#include <algorithm>
#include <stdexcept>

namespace viosim::models {

namespace {
constexpr uint32_t kTxWorkLimit = 256;  // IXGBE_DEFAULT_TX_WORK: TX completions cleaned per poll
}  // namespace

const core::ComponentSpec& HostNicRx::model_spec() {
  static const core::ComponentSpec spec{
      .type = "net.host_nic_rx",
      .help = "one host NIC rx queue: ring, ixgbe-style throttled interrupt, NAPI (weight 64, budget 300) or polled",
      .params = {{"rx_ring_size", core::Unit::kPackets, "512", "descriptors"},
                 {"moderation", core::Unit::kNone, "fixed", "fixed rx-usecs/rx-frames, ixgbe ITR or net_dim"},
                 {"napi_weight", core::Unit::kPackets, "64", "frames per NAPI poll"},
                 {"netdev_budget", core::Unit::kPackets, "300", "frames per softirq run"},
                 {"netdev_budget_usecs", core::Unit::kMicroseconds, "2000", "time limit of a softirq run"}},
      .ports = {},
      .stats = {
          {"frames", core::StatKind::kCounter, core::Unit::kPackets, "frames received into the ring"},
          {"drops", core::StatKind::kCounter, core::Unit::kPackets, "frames dropped on a full ring"},
          {"napi_polls", core::StatKind::kCounter, core::Unit::kCount, "NAPI poll calls (each at most the weight)"},
          {"gro_merged", core::StatKind::kCounter, core::Unit::kPackets,
           "frames GRO merged into the skb of an earlier frame of their connection"},
          {"tx_cleaned", core::StatKind::kCounter, core::Unit::kPackets,
           "TX completions cleaned in NAPI (frames the host sent through this queue pair)"},
          {"time_squeeze", core::StatKind::kCounter, core::Unit::kCount,
           "net_rx_action runs that ended on the budget or time limit with work left"},
          {"interrupts", core::StatKind::kCounter, core::Unit::kCount, "interrupts raised"}}};
  return spec;
}

HostNicRx::HostNicRx(core::Simulator& sim, std::string_view name, core::Component* parent, const Config& config,
                     const HostNetCosts& costs, PacketPool& pool, HostThread* softirq, DeliverCost deliver_cost,
                     Deliver deliver, DdioWays* ddio)
    : core::Component(sim, name, parent),
      config_(config),
      costs_(costs),
      softirq_(softirq),
      deliver_cost_(std::move(deliver_cost)),
      deliver_(std::move(deliver)),
      lines_(config.ring_size, ddio),
      moderator_(make_interrupt_moderator(config.moderation)),
      gro_(pool),
      pool_(&pool),
      ddio_(ddio) {}

void HostNicRx::init() {
  if (softirq_ != nullptr) softirq_->start([this] { softirq_->sleep([this] { napi_poll(); }); });
}

void HostNicRx::receive(uint32_t packet) {
  catch_up();
  land(packet, now());
}

void HostNicRx::land(uint32_t packet, core::Time at) {
  if (ring_.size() >= config_.ring_size) {
    ++drops_;
    pool_->drop(packet, DropPlace::kNicRing, at);
    return;
  }
  ring_.push_back(packet);
  lines_.written((*pool_)[packet].bytes);
  count(0, at);  // when it landed
  if (poller_ != nullptr) {
    poller_waits_ = false;  // poked: it looks at its queues next
    poller_->poke();
  } else if (softirq_ != nullptr) {
    apply(moderator_->on_held_frame(at, now()));
  }
}

void HostNicRx::receive_early(uint32_t packet, core::Time arrives) {
  if (!takes_early() || arrives <= now()) {
    throw std::logic_error(name() + ": a frame handed over early to a queue that cannot hold it, or not early");
  }
  if (!land_event_) {
    land_event_ = std::make_unique<core::MemberEvent>(this, "frame_lands", [this] {
      catch_up();
      plan_early();  // a frame a full ring dropped made no moderator call
    });
  }
  if (ddio_ != nullptr) ddio_->hold(this, arrives);
  // A landing event already planned stays right for a frame behind it
  // (a busy poller's plan is none: plan_early).
  if (!hold_in_order(early_, {arrives, packet}) || !land_event_->pending()) plan_early();
}

void HostNicRx::land_due() {
  if (ddio_ != nullptr) ddio_->settle();  // every device's writes due by now, this queue's among them
  while (!early_.empty() && early_.front().at <= now()) make_next();
}

void HostNicRx::make_next() {
  const HeldFrame f = early_.front();
  early_.pop_front();
  land(f.packet, f.at);
  if (early_.empty()) plan_early();  // land() planned the rest
}

void HostNicRx::plan_early() {
  if (!land_event_) return;
  // Polled: the first frame lands in an event only for a spinning poller
  // (a busy one finds it when it next looks).
  const uint32_t quiet = early_.empty() || poller_ != nullptr ? 0 : moderator_->quiet_frames(IrqCause::kRx);
  if (poller_ != nullptr && !poller_waits_) {
    land_event_->cancel();
    return;
  }
  if (early_.empty() || quiet >= early_.size()) {
    land_event_->cancel();
    return;
  }
  const core::Time at = std::max(early_[quiet].at, now());  // mid-way through a catch-up: the rest comes first
  if (!land_event_->pending() || land_event_->when() != at) land_event_->schedule_at(at);
}

void HostNicRx::transmitted(uint32_t bytes) {
  if (softirq_ == nullptr) return;
  catch_up();
  ++tx_pending_;
  tx_pending_bytes_ += bytes;
  if (!tx_reports_.reported()) return;  // cleaned by the next poll
  // While the ended poll hands up GRO's skbs the vector is still masked:
  // the cause waits for the re-arm, as the NIC latches it.
  if (flushing_) ++tx_reported_in_flush_;
  apply(moderator_->on_frame(now(), IrqCause::kTx));
}

bool HostNicRx::poll(uint32_t& packet) {
  catch_up();
  if (ring_.empty()) return false;
  lines_.load(0, CpuCategory::kPmd);
  take(packet);
  return true;
}

void HostNicRx::take(uint32_t& packet) {
  packet = ring_.front();
  ring_.pop_front();
  lines_.taken();
}

void HostNicRx::apply(const ModerationDecision& d) {
  if (d.changed) {
    if (d.due()) {
      irq_.schedule_at(d.fire_at);
    } else {
      irq_.cancel();
    }
  }
  if (!early_.empty()) plan_early();
}

void HostNicRx::fire() {
  catch_up();
  // A frame of this very picosecond landed first, as the wire's arrival
  // would have come first, and moved the interrupt (a timer each frame
  // restarts): it fires when now due.
  if (moderator_->deadline() != now()) return;
  moderator_->on_interrupt(now());  // masked until NAPI completes
  if (!early_.empty()) plan_early();
  ++interrupts_;
  if (sim().tracer()) softirq_->trace_instant(CauseKind::kInterrupt, "NIC queue interrupt (MSI-X): NAPI scheduled");
  budget_left_ = config_.netdev_budget;
  run_started_ = now();
  hard_irq_due_ = true;
  softirq_->wake(nullptr);
}

void HostNicRx::napi_poll() {
  catch_up();
  const core::Clock& clock = softirq_->core().clock();
  const bool first = hard_irq_due_;
  hard_irq_due_ = false;
  const bool starts = !in_poll_;
  in_poll_ = true;
  // The driver's poll takes up to the weight; net_rx_action checks its
  // budget after each poll, so the last poll of a run may overshoot it.
  batch_ = std::min<uint32_t>(config_.napi_weight - poll_taken_, static_cast<uint32_t>(ring_.size()));
  // ixgbe_poll cleans the TX ring first, up to its work limit, outside the
  // NAPI budget.
  tx_batch_ = starts ? std::min<uint32_t>(kTxWorkLimit, tx_pending_) : 0;
  core::Cycles cost = (first ? costs_.nic_irq : core::Cycles(0)) + (starts ? costs_.napi_poll : core::Cycles(0)) +
                      costs_.nic_tx_clean_packet * tx_batch_ + costs_.nic_rx_packet * batch_;
  for (uint32_t i = 0; i < batch_; ++i)
    lines_.load(i, CpuCategory::kHostKernel);  // the driver's descriptor and header loads
  skbs_.clear();
  batch_bytes_ = 0;
  gro_segments_ = 0;
  const int64_t jiffy = jiffies();
  for (uint32_t i = 0; i < batch_; ++i) gro_frame(i, jiffy);
  cost = cost + costs_.gro_segment * gro_segments_ + up_cost();  // after the GRO pass: what it sends up
  poll_taken_ += batch_;
  if (starts) ++polls_;
  const core::Duration pass = clock.to_duration(cost);
  softirq_->run_for(pass + read_on(pass), CpuCategory::kHostKernel, [this] {
    catch_up();  // what arrived during the poll, before it takes its batch
    uint32_t requeued = 0;
    if (tx_batch_ > 0) {
      const uint64_t bytes = tx_pending_bytes_ * tx_batch_ / tx_pending_;
      tx_pending_ -= tx_batch_;
      tx_pending_bytes_ -= bytes;
      tx_cleaned_.add(tx_batch_);
      napi_work_.tx_packets += tx_batch_;
      napi_work_.tx_bytes += bytes;
      if (tx_cleaned_by_) requeued = tx_cleaned_by_(tx_batch_);
    }
    for (uint32_t i = 0; i < batch_; ++i) {
      uint32_t packet = 0;
      take(packet);
    }
    napi_work_.rx_packets += batch_;
    napi_work_.rx_bytes += batch_bytes_;
    for (uint32_t p : skbs_) deliver_(p, *softirq_);
    run_qdisc(requeued);
  });
}

core::Duration HostNicRx::read_on(core::Duration pass) {
  // What would end the pass here with an effect of its own: a TX clean
  // (the qdisc it wakes), something going up, a ring it did not empty.
  if (early_.empty() || !known_until_ || tx_batch_ > 0 || !skbs_.empty() || batch_ != ring_.size() ||
      !moderator_->masked() || !softirq_->owes_lines_only(CpuCategory::kHostKernel) || softirq_->core().threads() > 1) {
    return core::Duration::zero();
  }
  const core::Time known_until = known_until_();
  const core::Clock& clock = softirq_->core().clock();
  core::Duration more;  // beyond `pass`: its loads, then the next passes
  core::Duration owed = softirq_->owed_line_time();
  for (;;) {
    // This pass ends; the next takes what landed by then.
    const core::Time end = now() + pass + more + owed;
    if (end >= known_until) break;  // an unknown frame could land in time for the next pass
    uint32_t landed = 0;
    while (landed < early_.size() && early_[landed].at <= end) ++landed;
    // The pass takes up to the weight; the rest waits in the ring for the
    // next poll (landed all the same: their writes come before its loads).
    const uint32_t n = std::min<uint32_t>(landed, config_.napi_weight - poll_taken_);
    if (n == 0 || ring_.size() + landed > config_.ring_size) break;
    bool held = true;  // by GRO: nothing of the pass goes up before the next
    for (uint32_t k = 0; k < n; ++k) held = held && gro_holds(early_[k].packet);
    if (!held) break;
    softirq_->pay_owed_lines_in_step();
    more += owed;
    const uint32_t from = batch_;
    later_at_ = end;
    for (uint32_t k = 0; k < landed; ++k) {
      const HeldFrame f = early_.front();
      early_.pop_front();
      land(f.packet, f.at);
    }
    batch_ += n;
    poll_taken_ += n;
    if (ddio_ != nullptr) ddio_->count_loads_at(end);
    for (uint32_t i = from; i < batch_; ++i) lines_.load(i, CpuCategory::kHostKernel);
    if (ddio_ != nullptr) ddio_->count_loads_at(core::Time::zero());
    const int64_t jiffy = jiffies(end);
    const uint32_t segments = gro_segments_;
    for (uint32_t i = from; i < batch_; ++i) gro_frame(i, jiffy);
    later_at_ = core::Time::max();
    more += clock.to_duration(costs_.nic_rx_packet * n + costs_.gro_segment * (gro_segments_ - segments) + up_cost());
    owed = softirq_->owed_line_time();
    if (!skbs_.empty() || !softirq_->owes_lines_only(CpuCategory::kHostKernel)) break;
  }
  plan_early();
  return more;
}

core::Cycles HostNicRx::up_cost() const {
  core::Cycles cost{0};
  if (deliver_cost_) {
    for (uint32_t p : skbs_) cost = cost + deliver_cost_(p);
  }
  return cost;
}

void HostNicRx::gro_frame(uint32_t i, int64_t jiffy) {
  const uint32_t p = ring_[i];
  batch_bytes_ += (*pool_)[p].bytes;
  if (!gro_holds(p)) {
    skbs_.push_back(p);  // GRO_NORMAL: up at once
    return;
  }
  ++gro_segments_;
  if (gro_.receive(this, p, skbs_, jiffy)) {
    ring_[i] = kMerged;
    count(1, later_at_);  // when its pass would have run
  }
}

void HostNicRx::run_qdisc(uint32_t taken) {
  if (taken == 0) {
    end_poll();
    return;
  }
  // The woken queue's qdisc_run (NET_TX, after this NET_RX round): the
  // frames reach the ring once the core has dequeued and posted them.
  const core::Clock& clock = softirq_->core().clock();
  softirq_->run_for(clock.to_duration(costs_.nic_xmit_packet * taken), CpuCategory::kHostKernel, [this] {
    tx_flush_();
    run_qdisc(tx_cleaned_by_(0));
  });
}

void HostNicRx::end_poll() {
  catch_up();
  if (!ring_.empty() && poll_taken_ < config_.napi_weight) {
    napi_poll();  // the clean loop goes on: these frames landed while it ran
    return;
  }
  // A poll that took its whole weight returns it (the drivers' clean
  // loops stop at the budget without looking further), and so does a TX
  // clean cut short by its work limit: NAPI polls again.
  // What net_rx_action counts against its budget: the frames, or the
  // whole weight for a TX clean cut short.
  const uint32_t used = tx_pending_ > 0 ? std::max(poll_taken_, config_.napi_weight) : poll_taken_;
  poll_ended(poll_taken_ >= config_.napi_weight || !ring_.empty() || tx_pending_ > 0, used);
}

void HostNicRx::poll_ended(bool repoll, uint32_t used) {
  skbs_.clear();
  gro_.end_poll(this, repoll, config_.jiffy, jiffies(), skbs_);
  if (skbs_.empty()) {
    after_poll(repoll, used);
    return;
  }
  flushing_ = true;
  softirq_->run_for(softirq_->core().clock().to_duration(up_cost()), CpuCategory::kHostKernel, [this, repoll, used] {
    for (uint32_t p : skbs_) deliver_(p, *softirq_);
    flushing_ = false;
    after_poll(repoll, used);
  });
}

void HostNicRx::after_poll(bool repoll, uint32_t used) {
  catch_up();
  const uint32_t reported = tx_reported_in_flush_;
  tx_reported_in_flush_ = 0;
  in_poll_ = false;
  poll_taken_ = 0;
  budget_left_ -= std::min(budget_left_, used);
  if (repoll) {
    if (budget_left_ == 0 || now() - run_started_ >= config_.netdev_budget_time) {
      // net_rx_action out of budget or time with work left: time_squeeze,
      // the softirq is raised again and ksoftirqd carries on.
      ++time_squeeze_;
      budget_left_ = config_.netdev_budget;
      run_started_ = now();
      softirq_->cond_resched([this] { napi_poll(); });  // ksoftirqd's loop: cond_resched() between runs
      return;
    }
    napi_poll();
    return;
  }
  // napi_complete_done: unmask; adaptive policies retune here. Frames
  // and reported TX completions that came while GRO's skbs went up wait
  // for the interrupt.
  apply(moderator_->on_rearm(now(), napi_work_, static_cast<uint32_t>(ring_.size()), reported));
  napi_work_ = NapiWork{};
  softirq_->sleep([this] { napi_poll(); });
}

}  // namespace viosim::models
