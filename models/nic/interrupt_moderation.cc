// The three moderation policies. Each adaptive step names the kernel
// function it follows; integer widths and rounding follow the kernel's so
// the same counts give the same settings.
#include "models/nic/interrupt_moderation.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace viosim::models {

// ---- protocol ----------------------------------------------------------------

ModerationDecision InterruptModerator::reschedule(core::Time now) {
  core::Time next = core::Time::max();
  if (!masked_ && pending_frames() > 0) next = std::max(now, fire_time(now, pending_[0], pending_[1]));
  const ModerationDecision decision{next, next != deadline_};
  deadline_ = next;
  return decision;
}

ModerationDecision InterruptModerator::on_frame(core::Time now, IrqCause cause) {
  // While masked the NAPI poll owns the ring; its completion reports leftovers.
  if (masked_) return ModerationDecision{deadline_, false};
  Pending& p = pending_[int(cause)];
  if (p.frames == 0) p.first = now;
  p.last = now;
  ++p.frames;
  return reschedule(now);
}

ModerationDecision InterruptModerator::on_held_frame(core::Time at, core::Time now) {
  const ModerationDecision d = on_frame(at);
  if (d.changed && d.due() && d.fire_at < now) {
    throw std::logic_error("a frame taken into account after it was written back moved the interrupt into the past");
  }
  return d;
}

uint32_t InterruptModerator::quiet_frames(IrqCause cause) const {
  if (masked_) return kAllQuiet;  // on_frame ignores them
  if (pending_frames() == 0) return 0;
  return quiet_pending(cause, pending_[int(cause)]);
}

uint32_t InterruptModerator::coalesce_quiet(const CoalesceParams& params, const Pending& same) {
  if (same.frames == 0 || params.timer == CoalesceTimer::kRestartOnFrame) return 0;
  if (params.rx_frames == 0) return kAllQuiet;
  return same.frames + 1 < params.rx_frames ? params.rx_frames - 1 - same.frames : 0;
}

void InterruptModerator::on_interrupt(core::Time now) {
  if (masked_ || pending_frames() == 0 || deadline_ != now) {
    throw std::logic_error("interrupt raised at " + core::to_string(now) +
                           " but none is due then (deadline " + core::to_string(deadline_) + ")");
  }
  masked_ = true;
  const Pending rx = pending_[0];
  const Pending tx = pending_[1];
  pending_[0] = Pending{};
  pending_[1] = Pending{};
  deadline_ = core::Time::max();
  last_interrupt_ = now;
  ++interrupts_;
  fired(now, rx, tx);
}

ModerationDecision InterruptModerator::on_rearm(core::Time now, const NapiWork& work, uint32_t unprocessed_frames,
                                                uint32_t unprocessed_completions) {
  masked_ = false;
  adapt(now, work);
  // What was written back after the poll looked: latched causes, pending
  // from now.
  const uint32_t left[2] = {unprocessed_frames, unprocessed_completions};
  for (int k = 0; k < 2; ++k) {
    if (left[k] == 0) continue;
    Pending& p = pending_[k];
    if (p.frames == 0) p.first = now;
    p.last = now;
    p.frames += left[k];
  }
  return reschedule(now);
}

// ---- shared by the policies ----------------------------------------------------

namespace {

// An Intel ITR written without adaptive moderation: ITR_REG_ALIGN rounds
// up to the 2 us grain; i40e and ice refuse more than 8160 us (I40E_MAX_ITR,
// ICE_ITR_MAX).
uint32_t intel_fixed_itr(core::Duration usecs, const char* driver) {
  const int64_t us = usecs.ps() / core::Microseconds(1).ps();
  if (us < 0 || us > static_cast<int64_t>(kI40eMaxItr)) {
    throw std::invalid_argument(std::string(driver) + " usecs " + core::to_string(usecs) + " is outside 0..8160 us");
  }
  return (static_cast<uint32_t>(us) + 1) & kI40eItrMask;
}

}  // namespace

// Completion-queue moderation (mlx5): each CQ's timer and count; the first
// due raises the channel's interrupt.
core::Time InterruptModerator::per_cq_fire_time(core::Time now, const CoalesceParams& rx_params,
                                                const CoalesceParams& tx_params, const Pending& rx, const Pending& tx) {
  core::Time t = core::Time::max();
  if (rx.frames > 0) t = std::min(t, coalesce_fire_time(rx_params, now, rx.first, rx.last, rx.frames));
  if (tx.frames > 0) t = std::min(t, coalesce_fire_time(tx_params, now, tx.first, tx.last, tx.frames));
  return t;
}

// Intel ITRs: each cause throttles on its own ITR index, counted from the
// vector's last interrupt; the first cause due raises it.
core::Time InterruptModerator::per_cause_gap(core::Time now, const Pending& rx, const Pending& tx,
                                             core::Duration rx_gap, core::Duration tx_gap) const {
  if (!has_fired()) return now;
  core::Time t = core::Time::max();
  if (rx.frames > 0) t = std::min(t, last_interrupt_ + rx_gap);
  if (tx.frames > 0) t = std::min(t, last_interrupt_ + tx_gap);
  return std::max(now, t);
}

// ---- fixed -------------------------------------------------------------------

core::Time coalesce_fire_time(const CoalesceParams& params, core::Time now, core::Time first,
                              core::Time last, uint32_t frames) {
  if (params.rx_frames > 0 && frames >= params.rx_frames) return now;
  const core::Time start = params.timer == CoalesceTimer::kFromFirstFrame ? first : last;
  return std::max(now, start + params.rx_usecs);
}

FixedModerator::FixedModerator(const Config& rx, const Config& tx) : config_(rx), tx_config_(tx) {
  if (config_.rx_usecs < core::Duration::zero() || tx_config_.rx_usecs < core::Duration::zero()) {
    throw std::invalid_argument("rx_usecs must not be negative");
  }
}

core::Time FixedModerator::fire_time(core::Time now, const Pending& rx, const Pending& tx) const {
  return per_cq_fire_time(now, config_, tx_config_, rx, tx);
}

// ---- ixgbe -------------------------------------------------------------------

IxgbeItrModerator::IxgbeItrModerator(const Config& config) : config_(config) {
  if (config_.jiffy <= core::Duration::zero()) throw std::invalid_argument("jiffy must be positive");
  switch (config_.algorithm) {
    case IxgbeItrAlgorithm::kStatic: {
      // ixgbe_set_coalesce: rx_itr_setting = usecs << 2, refused above
      // IXGBE_MAX_EITR >> 2.
      const int64_t usecs = config_.rx_usecs.ps() / core::Microseconds(1).ps();
      if (usecs < 0 || usecs > static_cast<int64_t>(kIxgbeMaxEitr >> 2)) {
        throw std::invalid_argument("ixgbe rx_usecs " + core::to_string(config_.rx_usecs) +
                                    " is outside 0..1022 us");
      }
      itr_ = static_cast<uint32_t>(usecs) << 2;
      break;
    }
    case IxgbeItrAlgorithm::kLatencyRange:
      // ixgbe_alloc_q_vector: a queue pair's vector starts at 20K ints/s;
      // the ring containers are zeroed, i.e. lowest_latency.
      itr_ = kIxgbe20kItr;
      for (RingContainer& rc : ring_) rc.itr = static_cast<uint32_t>(IxgbeLatencyRange::kLowestLatency);
      break;
    case IxgbeItrAlgorithm::kAdaptive:
      itr_ = kIxgbe20kItr;
      for (RingContainer& rc : ring_) rc.itr = kIxgbeItrAdaptiveMaxUsecs | kIxgbeItrAdaptiveLatency;
      break;
  }
}

core::Duration IxgbeItrModerator::interval() const {
  // ixgbe_write_eitr writes itr & IXGBE_MAX_EITR; the low 3 bits are dropped.
  return core::Microseconds((itr_ & kIxgbeMaxEitr) >> 2);
}

core::Time IxgbeItrModerator::fire_time(core::Time now, const Pending& /*rx*/, const Pending& /*tx*/) const {
  // EITR is a minimum gap between interrupts, whatever the cause: the
  // countdown starts when one fires, and a cause seen after it expired fires
  // at once.
  if (!has_fired()) return now;
  return std::max(now, last_interrupt() + interval());
}

// ixgbe_poll -> ixgbe_set_itr: update the tx container, then the rx one, and
// program the vector from both.
void IxgbeItrModerator::adapt(core::Time now, const NapiWork& work) {
  RingContainer& tx = ring_[int(IrqCause::kTx)];
  RingContainer& rx = ring_[int(IrqCause::kRx)];
  switch (config_.algorithm) {
    case IxgbeItrAlgorithm::kStatic:
      break;
    case IxgbeItrAlgorithm::kLatencyRange: {
      update_latency_range(tx, work.tx_packets, work.tx_bytes);
      update_latency_range(rx, work.rx_packets, work.rx_bytes);
      // The larger range of the two picks the target rate.
      uint32_t target = itr_;
      switch (static_cast<IxgbeLatencyRange>(std::max(rx.itr, tx.itr))) {
        case IxgbeLatencyRange::kLowestLatency:
          target = kIxgbe100kItr;
          break;
        case IxgbeLatencyRange::kLowLatency:
          target = kIxgbe20kItr;
          break;
        case IxgbeLatencyRange::kBulkLatency:
          target = kIxgbe12kItr;
          break;
      }
      if (target != itr_) {
        // "exponential smoothing": the interrupt rate moves 10% of the way
        // to the target's rate per update.
        itr_ = static_cast<uint32_t>((10ull * target * itr_) / (9ull * target + itr_));
      }
      break;
    }
    case IxgbeItrAlgorithm::kAdaptive: {
      const int64_t jiffies = now.ps() / config_.jiffy.ps();
      update_adaptive(tx, jiffies, work.tx_packets, work.tx_bytes);
      update_adaptive(rx, jiffies, work.rx_packets, work.rx_bytes);
      // The smaller delay of the two, without the mode flag, in register units.
      itr_ = (std::min(rx.itr, tx.itr) & ~kIxgbeItrAdaptiveLatency) << 2;
      break;
    }
  }
}

// Legacy ixgbe_update_itr (before commit b4ded8327fea): a container's
// latency_range from its bytes per microsecond of the interval in force.
void IxgbeItrModerator::update_latency_range(RingContainer& rc, uint64_t packets, uint64_t bytes) const {
  auto range = static_cast<IxgbeLatencyRange>(rc.itr);
  const uint32_t timepassed_us = itr_ >> 2;  // the interval in force, not the wall time
  if (packets != 0 && timepassed_us != 0) {
    const uint64_t bytes_perint = bytes / timepassed_us;  // bytes per usec
    switch (range) {
      case IxgbeLatencyRange::kLowestLatency:
        if (bytes_perint > 10) range = IxgbeLatencyRange::kLowLatency;
        break;
      case IxgbeLatencyRange::kLowLatency:
        if (bytes_perint > 20) {
          range = IxgbeLatencyRange::kBulkLatency;
        } else if (bytes_perint <= 10) {
          range = IxgbeLatencyRange::kLowestLatency;
        }
        break;
      case IxgbeLatencyRange::kBulkLatency:
        if (bytes_perint <= 20) range = IxgbeLatencyRange::kLowLatency;
        break;
    }
    rc.itr = static_cast<uint32_t>(range);
  }
}

namespace {

// The adjust_by_size tail of ixgbe_update_itr: the driver's piecewise fit of
// 256 x (170 x (size + 24)) / (size + 640) us, halved in latency mode, then
// scaled for the link speed and rounded up to the 2 us step.
uint32_t ixgbe_itr_by_size(uint32_t itr, uint64_t packets, uint64_t bytes,
                           uint32_t link_speed_mbps) {
  uint64_t avg_wire_size = bytes / packets;
  if (avg_wire_size <= 60) {
    avg_wire_size = 5120;  // 50K ints/s
  } else if (avg_wire_size <= 316) {
    avg_wire_size = avg_wire_size * 40 + 2720;
  } else if (avg_wire_size <= 1084) {
    avg_wire_size = avg_wire_size * 15 + 11452;
  } else if (avg_wire_size < 1968) {
    avg_wire_size = avg_wire_size * 5 + 22420;
  } else {
    avg_wire_size = 32256;  // 8K ints/s plateau
  }
  if (itr & kIxgbeItrAdaptiveLatency) avg_wire_size >>= 1;  // twice the rate

  uint64_t divisor = kIxgbeItrAdaptiveMinInc * 256;  // 10G, 100M, default
  if (link_speed_mbps == 2500 || link_speed_mbps == 1000 || link_speed_mbps == 10) {
    avg_wire_size = std::min<uint64_t>(avg_wire_size, 8064);
    divisor = kIxgbeItrAdaptiveMinInc * 64;
  }
  return itr + static_cast<uint32_t>((avg_wire_size + divisor - 1) / divisor) *
                   kIxgbeItrAdaptiveMinInc;
}

}  // namespace

// ixgbe_update_itr since commit b4ded8327fea, for one ring container.
void IxgbeItrModerator::update_adaptive(RingContainer& rc, int64_t jiffies, uint64_t packets, uint64_t bytes) const {
  const uint32_t current_us = itr_ >> 2;
  uint32_t itr;
  if (jiffies > rc.next_update) {
    // Over a jiffy since the last update: traffic too sparse to measure, so
    // take the lowest-latency setting.
    itr = kIxgbeItrAdaptiveMinUsecs | kIxgbeItrAdaptiveLatency;
  } else if (packets == 0) {
    // Nothing on this ring: creep up and keep the mode.
    itr =
        std::min(current_us + kIxgbeItrAdaptiveMinInc, kIxgbeItrAdaptiveMaxUsecs) + (rc.itr & kIxgbeItrAdaptiveLatency);
  } else if (packets < 4 && bytes < 9000) {
    // Too little to go on: assume a latency-bound flow.
    itr = ixgbe_itr_by_size(kIxgbeItrAdaptiveLatency, packets, bytes, config_.link_speed_mbps);
  } else if (packets < 48) {
    // Delay slightly too short: lengthen it a little.
    itr = std::min(current_us + kIxgbeItrAdaptiveMinInc, kIxgbeItrAdaptiveMaxUsecs);
  } else if (packets < 96) {
    itr = current_us;  // "goldilocks": keep it
  } else if (packets < 256) {
    itr = std::max(itr_ >> 3, kIxgbeItrAdaptiveMinUsecs);  // overshoot: halve it
  } else {
    itr = ixgbe_itr_by_size(kIxgbeItrAdaptiveBulk, packets, bytes, config_.link_speed_mbps);
  }
  rc.itr = itr;
  rc.next_update = jiffies + 1;
}

// ---- i40e -------------------------------------------------------------------

I40eItrModerator::I40eItrModerator(const Config& config) : config_(config) {
  if (config_.jiffy <= core::Duration::zero()) throw std::invalid_argument("jiffy must be positive");
  uint32_t itr = kI40eItr20k;  // I40E_ITR_RX_DEF / I40E_ITR_TX_DEF without the dynamic flag
  if (!config_.adaptive) itr = intel_fixed_itr(config_.usecs, "i40e");
  // i40e_vsi_configure_msix: target and current from the setting. A run
  // starts with the NIC long idle, not at link-up: its last update was over
  // a jiffy ago, so the first one falls back to the defaults (Rx lowest
  // latency, Tx highest) rather than climbing from 50 us bulk.
  for (RingContainer& rc : rc_) rc = RingContainer{itr, itr, -1};
}

core::Duration I40eItrModerator::interval(IrqCause cause) const {
  return core::Microseconds(rc_[int(cause)].current_itr & kI40eItrMask);
}

core::Time I40eItrModerator::fire_time(core::Time now, const Pending& rx, const Pending& tx) const {
  return per_cause_gap(now, rx, tx, interval(IrqCause::kRx), interval(IrqCause::kTx));
}

// i40e_itr_divisor: the ITR scales with the link speed.
uint32_t I40eItrModerator::itr_divisor() const {
  const uint32_t mbps = config_.link_speed_mbps;
  if (mbps >= 40000) return kI40eItrAdaptiveMinInc * 1024;
  if (mbps >= 20000) return kI40eItrAdaptiveMinInc * 512;
  if (mbps <= 1000) return kI40eItrAdaptiveMinInc * 32;
  return kI40eItrAdaptiveMinInc * 256;  // 10G and the default
}

// i40e_update_itr for one ring container.
void I40eItrModerator::update_itr(IrqCause cause, int64_t jiffies, uint64_t packets, uint64_t bytes) {
  RingContainer& rc = rc_[int(cause)];
  const bool is_rx = cause == IrqCause::kRx;
  // Rx defaults to low latency and pushes the delay up; Tx defaults to high
  // latency and pulls it down.
  uint32_t itr =
      is_rx ? kI40eItrAdaptiveMinUsecs | kI40eItrAdaptiveLatency : kI40eItrAdaptiveMaxUsecs | kI40eItrAdaptiveLatency;
  const auto capped = [](uint32_t v) {
    if ((v & kI40eItrMask) > kI40eItrAdaptiveMaxUsecs) v = (v & kI40eItrAdaptiveLatency) + kI40eItrAdaptiveMaxUsecs;
    return v;
  };
  bool by_size = false;
  if (jiffies > rc.next_update) {
    // No update for over a jiffy: too slow (or NAPI-bound) to measure.
  } else if (itr_countdown_ > 0) {
    // An ITR was written in the last few interrupts: its early interrupts
    // skew the counts, so keep the target.
    itr = rc.target_itr;
  } else {
    bool done = false;
    if (is_rx) {
      // 1-3 small frames while Tx is latency-bound: latency driven.
      if (packets > 0 && packets < 4 && bytes < 9000 &&
          (rc_[int(IrqCause::kTx)].target_itr & kI40eItrAdaptiveLatency)) {
        itr = kI40eItrAdaptiveLatency;
        by_size = done = true;
      }
    } else if (packets < 4) {
      // Tx and Rx both at the maximum bulk delay with Tx seeing a few
      // completions at a time: latency driven (the default above).
      if (rc.target_itr == kI40eItrAdaptiveMaxUsecs &&
          (rc_[int(IrqCause::kRx)].target_itr & kI40eItrMask) == kI40eItrAdaptiveMaxUsecs) {
        done = true;
      }
    } else if (packets > 32) {
      rc.target_itr &= ~kI40eItrAdaptiveLatency;  // over 32 completions: bulk
    }
    if (!done) {
      if (packets < 56) {
        // The delay is only slightly too short (or another ring did the
        // work): lengthen it a step.
        itr = capped(rc.target_itr + kI40eItrAdaptiveMinInc);
      } else if (packets <= 256) {
        itr = std::min(rc_[0].current_itr, rc_[1].current_itr) & kI40eItrMask;
        if (packets > 112) {
          // Overshoot: halve the delay.
          itr = std::max((itr / 2) & kI40eItrMask, kI40eItrAdaptiveMinUsecs);
        }
      } else {
        itr = kI40eItrAdaptiveBulk;
        by_size = true;
      }
    }
  }
  if (by_size) {
    // The driver's fit of (170 x (size + 24)) / (size + 640) us, 256 times
    // too large, halved in latency mode and scaled for the link speed.
    uint64_t avg_wire_size = bytes / packets;
    if (avg_wire_size <= 60) {
      avg_wire_size = 4096;
    } else if (avg_wire_size <= 380) {
      avg_wire_size = avg_wire_size * 40 + 1696;
    } else if (avg_wire_size <= 1084) {
      avg_wire_size = avg_wire_size * 15 + 11452;
    } else if (avg_wire_size <= 1980) {
      avg_wire_size = avg_wire_size * 5 + 22420;
    } else {
      avg_wire_size = 32256;
    }
    if (itr & kI40eItrAdaptiveLatency) avg_wire_size /= 2;
    const uint64_t divisor = itr_divisor();
    itr = capped(itr + static_cast<uint32_t>((avg_wire_size + divisor - 1) / divisor) * kI40eItrAdaptiveMinInc);
  }
  rc.target_itr = itr;
  rc.next_update = jiffies + 1;
}

// i40e_napi_poll -> i40e_update_enable_itr: update both containers, then
// write at most one ITR, by priority: an Rx decrease, a Tx decrease or the
// larger increase, an Rx increase; otherwise count the countdown down.
void I40eItrModerator::adapt(core::Time now, const NapiWork& work) {
  if (!config_.adaptive) return;
  const int64_t jiffies = now.ps() / config_.jiffy.ps();
  update_itr(IrqCause::kTx, jiffies, work.tx_packets, work.tx_bytes);
  update_itr(IrqCause::kRx, jiffies, work.rx_packets, work.rx_bytes);
  RingContainer& rx = rc_[int(IrqCause::kRx)];
  RingContainer& tx = rc_[int(IrqCause::kTx)];
  const auto delta = [](const RingContainer& rc) {
    return static_cast<int32_t>(rc.target_itr) - static_cast<int32_t>(rc.current_itr);
  };
  if (rx.target_itr < rx.current_itr) {
    rx.current_itr = rx.target_itr;
    itr_countdown_ = kI40eItrCountdownStart;
  } else if (tx.target_itr < tx.current_itr || delta(rx) < delta(tx)) {
    tx.current_itr = tx.target_itr;
    itr_countdown_ = kI40eItrCountdownStart;
  } else if (rx.current_itr != rx.target_itr) {
    rx.current_itr = rx.target_itr;
    itr_countdown_ = kI40eItrCountdownStart;
  } else if (itr_countdown_ > 0) {
    --itr_countdown_;
  }
}

// ---- net_dim -----------------------------------------------------------------

NetDim::NetDim(uint8_t num_profiles, uint8_t start_profile)
    : num_profiles_(num_profiles), profile_ix_(start_profile) {
  if (num_profiles_ == 0 || start_profile >= num_profiles_) {
    throw std::invalid_argument("net_dim needs a start profile inside a non-empty table");
  }
}

bool NetDim::calc_stats(const DimSample& start, const DimSample& end, DimStats& out) {
  // ktime_us_delta truncates to whole microseconds into a u32.
  const auto delta_us = static_cast<uint32_t>((end.time - start.time).ps() / 1'000'000);
  if (delta_us == 0) return false;
  const uint32_t npkts = end.pkt_ctr - start.pkt_ctr;  // BIT_GAP(32, ...)
  const uint32_t nbytes = end.byte_ctr - start.byte_ctr;
  const auto div_round_up = [](uint64_t n, uint64_t d) { return static_cast<int64_t>((n + d - 1) / d); };
  out.ppms = div_round_up(uint64_t{npkts} * 1000, delta_us);
  out.bpms = div_round_up(uint64_t{nbytes} * 1000, delta_us);
  // DIM_NEVENTS, not the events counted: a window always spans that many.
  out.epms = div_round_up(uint64_t{kDimNevents} * 1000, delta_us);
  return true;
}

namespace {
// IS_SIGNIFICANT_DIFF: more than 10% away from the reference.
bool significant(int64_t val, int64_t ref) {
  const int64_t diff = val > ref ? val - ref : ref - val;
  return (100 * diff) / ref > 10;
}
}  // namespace

// net_dim_stats_compare: bytes first, then packets, then (fewer) events.
NetDim::StatsResult NetDim::compare(const DimStats& curr, const DimStats& prev) {
  if (prev.bpms == 0) return curr.bpms ? StatsResult::kBetter : StatsResult::kSame;
  if (significant(curr.bpms, prev.bpms)) {
    return curr.bpms > prev.bpms ? StatsResult::kBetter : StatsResult::kWorse;
  }
  if (prev.ppms == 0) return curr.ppms ? StatsResult::kBetter : StatsResult::kSame;
  if (significant(curr.ppms, prev.ppms)) {
    return curr.ppms > prev.ppms ? StatsResult::kBetter : StatsResult::kWorse;
  }
  if (prev.epms == 0) return StatsResult::kSame;
  if (significant(curr.epms, prev.epms)) {
    return curr.epms < prev.epms ? StatsResult::kBetter : StatsResult::kWorse;
  }
  return StatsResult::kSame;
}

// net_dim_step
NetDim::StepResult NetDim::step() {
  if (tired_ == num_profiles_ * 2) return StepResult::kTooTired;
  switch (tune_state_) {
    case TuneState::kParkingOnTop:
    case TuneState::kParkingTired:
      break;
    case TuneState::kGoingRight:
      if (profile_ix_ == num_profiles_ - 1) return StepResult::kOnEdge;
      ++profile_ix_;
      ++steps_right_;
      break;
    case TuneState::kGoingLeft:
      if (profile_ix_ == 0) return StepResult::kOnEdge;
      --profile_ix_;
      ++steps_left_;
      break;
  }
  ++tired_;
  return StepResult::kStepped;
}

// net_dim_exit_parking
void NetDim::exit_parking() {
  tune_state_ = profile_ix_ ? TuneState::kGoingLeft : TuneState::kGoingRight;
  step();
}

// dim_on_top: one step back after more than one step the other way.
bool NetDim::on_top() const {
  switch (tune_state_) {
    case TuneState::kParkingOnTop:
    case TuneState::kParkingTired:
      return true;
    case TuneState::kGoingRight:
      return steps_left_ > 1 && steps_right_ == 1;
    case TuneState::kGoingLeft:
      return steps_right_ > 1 && steps_left_ == 1;
  }
  return false;
}

// dim_turn
void NetDim::turn() {
  switch (tune_state_) {
    case TuneState::kParkingOnTop:
    case TuneState::kParkingTired:
      break;
    case TuneState::kGoingRight:
      tune_state_ = TuneState::kGoingLeft;
      steps_left_ = 0;
      break;
    case TuneState::kGoingLeft:
      tune_state_ = TuneState::kGoingRight;
      steps_right_ = 0;
      break;
  }
}

// dim_park_on_top
void NetDim::park_on_top() {
  steps_right_ = 0;
  steps_left_ = 0;
  tired_ = 0;
  tune_state_ = TuneState::kParkingOnTop;
}

// dim_park_tired: keeps `tired` as the number of windows to sit out.
void NetDim::park_tired() {
  steps_right_ = 0;
  steps_left_ = 0;
  tune_state_ = TuneState::kParkingTired;
}

// net_dim_decision
bool NetDim::decide(const DimStats& curr) {
  const TuneState prev_state = tune_state_;
  const uint8_t prev_ix = profile_ix_;
  switch (tune_state_) {
    case TuneState::kParkingOnTop:
      if (compare(curr, prev_stats_) != StatsResult::kSame) exit_parking();
      break;
    case TuneState::kParkingTired:
      --tired_;
      if (tired_ == 0) exit_parking();
      break;
    case TuneState::kGoingRight:
    case TuneState::kGoingLeft:
      if (compare(curr, prev_stats_) != StatsResult::kBetter) turn();
      if (on_top()) {
        park_on_top();
        break;
      }
      switch (step()) {
        case StepResult::kOnEdge: park_on_top(); break;
        case StepResult::kTooTired: park_tired(); break;
        case StepResult::kStepped: break;
      }
      break;
  }
  // While parked on top the reference window stays the one that got us there.
  if (prev_state != TuneState::kParkingOnTop || tune_state_ != TuneState::kParkingOnTop) {
    prev_stats_ = curr;
  }
  return profile_ix_ != prev_ix;
}

// net_dim
bool NetDim::update(const DimSample& end) {
  switch (state_) {
    case State::kMeasureInProgress: {
      const auto nevents = static_cast<uint16_t>(end.event_ctr - start_sample_.event_ctr);
      if (nevents < kDimNevents) return false;
      DimStats curr;
      if (!calc_stats(start_sample_, end, curr)) return false;
      if (decide(curr)) {
        state_ = State::kApplyNewProfile;
        return true;
      }
      [[fallthrough]];
    }
    case State::kStartMeasure:
      start_sample_ = end;
      state_ = State::kMeasureInProgress;
      return false;
    case State::kApplyNewProfile:
      return false;
  }
  return false;
}

NetDimModerator::Cq::Cq(std::vector<DimProfile> table, DimPeriodMode mode, uint8_t start)
    : mode(mode), profiles(std::move(table)), dim(static_cast<uint8_t>(std::min<size_t>(profiles.size(), 255)), start) {
  if (profiles.size() > 255) throw std::invalid_argument("net_dim profile table over 255 entries");
  apply_profile();
}

void NetDimModerator::Cq::apply_profile() {
  const DimProfile& p = profile();
  params.rx_usecs = core::Microseconds(p.usec);
  params.rx_frames = p.pkts;
  params.timer = mode == DimPeriodMode::kStartFromCqe ? CoalesceTimer::kRestartOnFrame : CoalesceTimer::kFromFirstFrame;
}

namespace {
std::vector<DimProfile> dim_table(const std::vector<DimProfile>& given, const std::array<DimProfile, 5>& dflt) {
  return given.empty() ? std::vector<DimProfile>(dflt.begin(), dflt.end()) : given;
}
}  // namespace

NetDimModerator::NetDimModerator(const Config& config)
    : cq_{Cq(dim_table(config.profiles,
                       config.mode == DimPeriodMode::kStartFromCqe ? kNetDimRxCqeProfiles : kNetDimRxEqeProfiles),
             config.mode, config.start_profile),
          Cq(dim_table(config.tx_profiles,
                       config.tx_mode == DimPeriodMode::kStartFromCqe ? kNetDimTxCqeProfiles : kNetDimTxEqeProfiles),
             config.tx_mode, config.start_profile)} {}

core::Time NetDimModerator::fire_time(core::Time now, const Pending& rx, const Pending& tx) const {
  return per_cq_fire_time(now, cq_[0].params, cq_[1].params, rx, tx);
}

// mlx5e_completion_event counts each event of a CQ in cq->event_ctr.
void NetDimModerator::fired(core::Time /*now*/, const Pending& rx, const Pending& tx) {
  if (rx.frames > 0) ++cq_[0].event_ctr;
  if (tx.frames > 0) ++cq_[1].event_ctr;
}

// mlx5e_handle_rx_dim / mlx5e_handle_tx_dim: sample each CQ's counters at
// NAPI completion, feed its net_dim, and apply a new profile at once (the
// driver defers it to a work item).
void NetDimModerator::adapt(core::Time now, const NapiWork& work) {
  const uint64_t packets[2] = {work.rx_packets, work.tx_packets};
  const uint64_t bytes[2] = {work.rx_bytes, work.tx_bytes};
  for (int k = 0; k < 2; ++k) {
    Cq& cq = cq_[k];
    cq.pkt_ctr += static_cast<uint32_t>(packets[k]);
    cq.byte_ctr += static_cast<uint32_t>(bytes[k]);
    const DimSample sample{now, cq.pkt_ctr, cq.byte_ctr, cq.event_ctr};
    if (cq.dim.update(sample)) {
      cq.apply_profile();
      cq.dim.profile_applied();
    }
  }
}

// ---- ice -----------------------------------------------------------------------

IceDimModerator::IceDimModerator(const Config& config)
    : config_(config),
      dim_{NetDim(kIceRxProfileItr.size(), kIceDimDefaultProfile),
           NetDim(kIceTxProfileItr.size(), kIceDimDefaultProfile)} {
  if (config_.adaptive) {
    // ice_init_moderation: the default profile's ITRs, and the 4 us rate
    // limit ice_set_q_vector_intrl sets for a dynamic ITR.
    itr_[0] = kIceRxProfileItr[kIceDimDefaultProfile];
    itr_[1] = kIceTxProfileItr[kIceDimDefaultProfile];
    intrl_ = kIceDynamicIntrlUsecs;
  } else {
    itr_[0] = itr_[1] = intel_fixed_itr(config_.usecs, "ice");
  }
}

core::Time IceDimModerator::fire_time(core::Time now, const Pending& rx, const Pending& tx) const {
  const core::Time t = per_cause_gap(now, rx, tx, interval(IrqCause::kRx), interval(IrqCause::kTx));
  // The rate limit holds every cause off as long.
  return has_fired() ? std::max(t, last_interrupt() + rate_limit()) : t;
}

// ice_msix_clean_rings counts every interrupt of the vector.
void IceDimModerator::fired(core::Time /*now*/, const Pending& /*rx*/, const Pending& /*tx*/) { ++total_events_; }

// ice_napi_poll -> ice_net_dim: a sample per dynamic container (tx, then
// rx), a stale window (1,000 ms or more) restarted; a new profile index
// writes that container's ITR at once (the driver's dim work item does).
void IceDimModerator::adapt(core::Time now, const NapiWork& work) {
  if (!config_.adaptive) return;
  const uint64_t packets[2] = {work.rx_packets, work.tx_packets};
  const uint64_t bytes[2] = {work.rx_bytes, work.tx_bytes};
  for (int k : {1, 0}) {
    pkt_ctr_[k] += static_cast<uint32_t>(packets[k]);
    byte_ctr_[k] += static_cast<uint32_t>(bytes[k]);
    NetDim& dim = dim_[k];
    if (now - dim.window_start() >= core::Milliseconds(1000)) dim.restart_measure();
    if (dim.update(DimSample{now, pkt_ctr_[k], byte_ctr_[k], total_events_})) {
      itr_[k] = (k == 0 ? kIceRxProfileItr : kIceTxProfileItr)[dim.profile_ix()];
      dim.profile_applied();
    }
  }
}

// ---- choosing one --------------------------------------------------------------

std::unique_ptr<InterruptModerator> make_interrupt_moderator(const InterruptModerationConfig& config) {
  switch (config.mode) {
    case ModerationMode::kFixed:
      return std::make_unique<FixedModerator>(config.fixed, config.fixed_tx.value_or(config.fixed));
    case ModerationMode::kIxgbe: return std::make_unique<IxgbeItrModerator>(config.ixgbe);
    case ModerationMode::kI40e:
      return std::make_unique<I40eItrModerator>(config.i40e);
    case ModerationMode::kIce:
      return std::make_unique<IceDimModerator>(config.ice);
    case ModerationMode::kNetDim: return std::make_unique<NetDimModerator>(config.dim);
  }
  throw std::invalid_argument("unknown interrupt moderation mode");
}

}  // namespace viosim::models
