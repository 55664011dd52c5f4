// The guest's qdiscs: see qdisc.h. fq_codel follows fq_codel_enqueue,
// fq_codel_dequeue and fq_codel_drop; CoDel follows codel_dequeue,
// codel_should_drop, codel_Newton_step and codel_control_law, in CoDel's
// time unit (ns >> 10) and with its 16-bit reciprocal square root.
#include "models/net/qdisc.h"

namespace viosim::models {

namespace {
constexpr int kCodelShift = 10;            // CODEL_SHIFT: codel time is ns >> 10
constexpr int kRecInvSqrtShift = 32 - 16;  // REC_INV_SQRT_SHIFT
// CoDel's clock is the guest's ktime since boot, and the guest booted long
// before the run: its state's zeros (drop_next 0) are then far in the
// past, as in a running system, not within 16 intervals of the first drop.
constexpr int64_t kUptimeNs = int64_t{100} * 1'000'000'000;

int64_t codel_time(core::Time t) { return (t.ps() / 1000 + kUptimeNs) >> kCodelShift; }
int64_t codel_time(core::Duration d) { return (d.ps() / 1000) >> kCodelShift; }
}  // namespace

Qdisc::Qdisc(const QdiscConfig& config, PacketPool& pool, const std::vector<FlowConfig>& flows, uint64_t seed,
             core::Counter* drops)
    : config_(config), pool_(&pool), counter_(drops) {
  if (config_.kind != QdiscConfig::Kind::kFqCodel) return;
  const uint32_t n = config_.fq_flows;
  buckets_ = ConnectionQueues(flows, [seed, n](const FlowTuple& t) { return hash_queue(t, seed, n); });
  flows_.resize(n);
}

void Qdisc::drop(uint32_t packet) {
  ++drops_;
  if (counter_ != nullptr) ++*counter_;
  if (on_drop_) on_drop_((*pool_)[packet]);
  pool_->drop(packet, config_.drop_place);
}

void Qdisc::enqueue(uint32_t packet, core::Time now) {
  switch (config_.kind) {
    case QdiscConfig::Kind::kNoqueue:
      drop(packet);
      return;
    case QdiscConfig::Kind::kPfifoFast:
      if (fifo_.size() >= config_.txqueuelen) {
        drop(packet);  // pfifo_fast_enqueue: qdisc_drop at the tail
        return;
      }
      fifo_.push_back(packet);
      ++packets_;
      return;
    case QdiscConfig::Kind::kFqCodel:
      fq_enqueue(packet, now);
      return;
  }
}

bool Qdisc::dequeue(core::Time now, uint32_t& packet) {
  if (config_.kind == QdiscConfig::Kind::kFqCodel) return fq_dequeue(now, packet);
  if (fifo_.empty()) return false;
  packet = fifo_.front();
  fifo_.pop_front();
  --packets_;
  return true;
}

// ---- fq_codel ------------------------------------------------------------------

void Qdisc::fq_enqueue(uint32_t packet, core::Time now) {
  const uint32_t idx = buckets_.of((*pool_)[packet]);
  Flow& f = flows_[idx];
  f.packets.push_back(Held{packet, now});
  const uint32_t bytes = (*pool_)[packet].bytes;
  f.backlog += bytes;
  backlog_ += bytes;
  ++packets_;
  if (f.list == Flow::List::kNone) {
    f.list = Flow::List::kNew;
    new_flows_.push_back(idx);
    f.deficit = config_.fq_quantum;
  }
  // Over the limit: drop from the fattest queue (which may be this one).
  if (packets_ > config_.fq_limit) fq_drop_fattest();
}

void Qdisc::fq_drop_fattest() {
  uint32_t idx = 0;
  uint64_t max_backlog = 0;
  for (uint32_t i = 0; i < flows_.size(); ++i) {
    if (flows_[i].backlog > max_backlog) {
      max_backlog = flows_[i].backlog;
      idx = i;
    }
  }
  // "Our goal is to drop half of this fat flow backlog", at most a batch.
  const uint64_t threshold = max_backlog >> 1;
  Flow& f = flows_[idx];
  uint64_t len = 0;
  uint32_t i = 0;
  do {
    const Held h = f.packets.front();
    f.packets.pop_front();
    len += (*pool_)[h.packet].bytes;
    --packets_;
    drop(h.packet);
  } while (++i < config_.fq_drop_batch && len < threshold && !f.packets.empty());
  f.count += i;  // "Tell codel to increase its signal strength also"
  f.backlog -= len;
  backlog_ -= len;
}

bool Qdisc::fq_dequeue(core::Time now, uint32_t& packet) {
  const int64_t t = codel_time(now);
  for (;;) {
    core::RingBuffer<uint32_t>* head = &new_flows_;
    if (head->empty()) {
      head = &old_flows_;
      if (head->empty()) return false;
    }
    const uint32_t idx = head->front();
    Flow& f = flows_[idx];
    if (f.deficit <= 0) {
      f.deficit += config_.fq_quantum;
      head->pop_front();
      f.list = Flow::List::kOld;
      old_flows_.push_back(idx);
      continue;
    }
    if (!codel_dequeue(f, t, packet)) {
      // An emptied queue: a new one passes through the old list once (to
      // prevent starvation), an old one leaves.
      head->pop_front();
      if (head == &new_flows_ && !old_flows_.empty()) {
        f.list = Flow::List::kOld;
        old_flows_.push_back(idx);
      } else {
        f.list = Flow::List::kNone;
      }
      continue;
    }
    f.deficit -= (*pool_)[packet].bytes;
    return true;
  }
}

// dequeue_func: the head of the queue, out of its backlog.
bool Qdisc::codel_head(Flow& f, Held& h) {
  if (f.packets.empty()) return false;
  h = f.packets.front();
  f.packets.pop_front();
  const uint32_t bytes = (*pool_)[h.packet].bytes;
  f.backlog -= bytes;
  backlog_ -= bytes;
  --packets_;
  return true;
}

bool Qdisc::codel_should_drop(Flow& f, const Held* h, int64_t now) {
  if (h == nullptr) {
    f.first_above_time = 0;
    return false;
  }
  const int64_t sojourn = now - codel_time(h->enqueued);
  if (sojourn < codel_time(config_.codel_target) || backlog_ <= config_.mtu_bytes) {
    f.first_above_time = 0;  // went below: stay below for at least an interval
    return false;
  }
  if (f.first_above_time == 0) {
    f.first_above_time = now + codel_time(config_.codel_interval);
    return false;
  }
  return now > f.first_above_time;
}

void Qdisc::codel_newton_step(Flow& f) {
  const uint32_t invsqrt = uint32_t{f.rec_inv_sqrt} << kRecInvSqrtShift;
  const uint32_t invsqrt2 = static_cast<uint32_t>((uint64_t{invsqrt} * invsqrt) >> 32);
  uint64_t val = (uint64_t{3} << 32) - uint64_t{f.count} * invsqrt2;
  val >>= 2;  // avoid overflow in the multiply that follows
  val = (val * invsqrt) >> (32 - 2 + 1);
  f.rec_inv_sqrt = static_cast<uint16_t>(val >> kRecInvSqrtShift);
}

// t + interval / sqrt(count), by reciprocal_scale.
int64_t Qdisc::codel_control_law(int64_t t, const Flow& f) const {
  const uint64_t scale = uint64_t{f.rec_inv_sqrt} << kRecInvSqrtShift;
  return t + static_cast<int64_t>((static_cast<uint64_t>(codel_time(config_.codel_interval)) * scale) >> 32);
}

bool Qdisc::codel_dequeue(Flow& f, int64_t now, uint32_t& packet) {
  Held h{};
  bool have = codel_head(f, h);
  if (!have) {
    f.dropping = false;
    return false;
  }
  bool drop_it = codel_should_drop(f, &h, now);
  if (f.dropping) {
    if (!drop_it) {
      f.dropping = false;  // sojourn time below target: leave dropping state
    } else if (now >= f.drop_next) {
      // Time for the next drop; a large backlog may call for several now.
      while (f.dropping && now >= f.drop_next) {
        ++f.count;
        codel_newton_step(f);
        drop(h.packet);
        have = codel_head(f, h);
        if (!codel_should_drop(f, have ? &h : nullptr, now)) {
          f.dropping = false;
        } else {
          f.drop_next = codel_control_law(f.drop_next, f);
        }
      }
    }
  } else if (drop_it) {
    drop(h.packet);
    have = codel_head(f, h);
    codel_should_drop(f, have ? &h : nullptr, now);
    f.dropping = true;
    // Went above target again soon after the last dropping state: start
    // from the drop rate that controlled the queue then.
    const uint32_t delta = f.count - f.lastcount;
    if (delta > 1 && now - f.drop_next < 16 * codel_time(config_.codel_interval)) {
      f.count = delta;
      codel_newton_step(f);
    } else {
      f.count = 1;
      f.rec_inv_sqrt = static_cast<uint16_t>(~0u >> kRecInvSqrtShift);
    }
    f.lastcount = f.count;
    f.drop_next = codel_control_law(now, f);
  }
  if (!have) return false;
  packet = h.packet;
  return true;
}

}  // namespace viosim::models
