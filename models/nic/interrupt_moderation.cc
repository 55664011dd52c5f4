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
  if (!masked_ && pending_.frames > 0) next = std::max(now, fire_time(now, pending_));
  const ModerationDecision decision{next, next != deadline_};
  deadline_ = next;
  return decision;
}

ModerationDecision InterruptModerator::on_frame(core::Time now) {
  // While masked the NAPI poll owns the ring; its completion reports leftovers.
  if (masked_) return ModerationDecision{deadline_, false};
  if (pending_.frames == 0) pending_.first = now;
  pending_.last = now;
  ++pending_.frames;
  return reschedule(now);
}

void InterruptModerator::on_interrupt(core::Time now) {
  if (masked_ || pending_.frames == 0 || deadline_ != now) {
    throw std::logic_error("interrupt raised at " + core::to_string(now) +
                           " but none is due then (deadline " + core::to_string(deadline_) + ")");
  }
  masked_ = true;
  pending_ = Pending{};
  deadline_ = core::Time::max();
  last_interrupt_ = now;
  ++interrupts_;
  fired(now);
}

ModerationDecision InterruptModerator::on_rearm(core::Time now, uint64_t packets, uint64_t bytes,
                                                uint32_t unprocessed_frames) {
  masked_ = false;
  adapt(now, packets, bytes);
  if (unprocessed_frames > 0) {
    if (pending_.frames == 0) pending_.first = now;
    pending_.last = now;
    pending_.frames += unprocessed_frames;
  }
  return reschedule(now);
}

// ---- fixed -------------------------------------------------------------------

core::Time coalesce_fire_time(const CoalesceParams& params, core::Time now, core::Time first,
                              core::Time last, uint32_t frames) {
  if (params.rx_frames > 0 && frames >= params.rx_frames) return now;
  const core::Time start = params.timer == CoalesceTimer::kFromFirstFrame ? first : last;
  return std::max(now, start + params.rx_usecs);
}

FixedModerator::FixedModerator(const Config& config) : config_(config) {
  if (config_.rx_usecs < core::Duration::zero()) {
    throw std::invalid_argument("rx_usecs must not be negative");
  }
}

core::Time FixedModerator::fire_time(core::Time now, const Pending& pending) const {
  return coalesce_fire_time(config_, now, pending.first, pending.last, pending.frames);
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
      ring_itr_ = 0;
      break;
    }
    case IxgbeItrAlgorithm::kLatencyRange:
      // ixgbe_alloc_q_vector: an rx vector starts at 20K ints/s; the ring
      // container is zeroed, i.e. lowest_latency.
      itr_ = kIxgbe20kItr;
      ring_itr_ = static_cast<uint32_t>(IxgbeLatencyRange::kLowestLatency);
      break;
    case IxgbeItrAlgorithm::kAdaptive:
      itr_ = kIxgbe20kItr;
      ring_itr_ = kIxgbeItrAdaptiveMaxUsecs | kIxgbeItrAdaptiveLatency;
      break;
  }
}

core::Duration IxgbeItrModerator::interval() const {
  // ixgbe_write_eitr writes itr & IXGBE_MAX_EITR; the low 3 bits are dropped.
  return core::Microseconds((itr_ & kIxgbeMaxEitr) >> 2);
}

core::Time IxgbeItrModerator::fire_time(core::Time now, const Pending& /*pending*/) const {
  // EITR is a minimum gap between interrupts: the countdown starts when one
  // fires, and a cause seen after it expired fires at once.
  if (!has_fired()) return now;
  return std::max(now, last_interrupt() + interval());
}

void IxgbeItrModerator::adapt(core::Time now, uint64_t packets, uint64_t bytes) {
  switch (config_.algorithm) {
    case IxgbeItrAlgorithm::kStatic:
      break;
    case IxgbeItrAlgorithm::kLatencyRange:
      update_latency_range(packets, bytes);
      break;
    case IxgbeItrAlgorithm::kAdaptive:
      update_adaptive(now, packets, bytes);
      break;
  }
}

// Legacy ixgbe_update_itr + ixgbe_set_itr (before commit b4ded8327fea). The
// vector's rx and tx ring containers are one here: the TX completions a
// host queue pair cleaned count with the frames it received (ixgbe keeps two
// containers and takes the larger range of the two).
void IxgbeItrModerator::update_latency_range(uint64_t packets, uint64_t bytes) {
  auto range = static_cast<IxgbeLatencyRange>(ring_itr_);
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
    ring_itr_ = static_cast<uint32_t>(range);
  }

  uint32_t target = itr_;
  switch (range) {
    case IxgbeLatencyRange::kLowestLatency: target = kIxgbe100kItr; break;
    case IxgbeLatencyRange::kLowLatency: target = kIxgbe20kItr; break;
    case IxgbeLatencyRange::kBulkLatency: target = kIxgbe12kItr; break;
  }
  if (target != itr_) {
    // "exponential smoothing": the interrupt rate moves 10% of the way to
    // the target's rate per update.
    itr_ = static_cast<uint32_t>((10ull * target * itr_) / (9ull * target + itr_));
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

// ixgbe_update_itr + ixgbe_set_itr since commit b4ded8327fea. The tx
// container has no ring here, so it keeps its initial 126 us | latency and
// never wins the min() in ixgbe_set_itr.
void IxgbeItrModerator::update_adaptive(core::Time now, uint64_t packets, uint64_t bytes) {
  const int64_t jiffies = now.ps() / config_.jiffy.ps();
  const uint32_t current_us = itr_ >> 2;
  uint32_t itr;
  if (jiffies > next_update_) {
    // Over a jiffy since the last update: traffic too sparse to measure, so
    // take the lowest-latency setting.
    itr = kIxgbeItrAdaptiveMinUsecs | kIxgbeItrAdaptiveLatency;
  } else if (packets == 0) {
    // Nothing on this ring: creep up and keep the mode.
    itr = std::min(current_us + kIxgbeItrAdaptiveMinInc, kIxgbeItrAdaptiveMaxUsecs) +
          (ring_itr_ & kIxgbeItrAdaptiveLatency);
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
  ring_itr_ = itr;
  next_update_ = jiffies + 1;

  // ixgbe_set_itr: drop the mode flag, back to register units.
  const uint32_t new_itr = (ring_itr_ & ~kIxgbeItrAdaptiveLatency) << 2;
  if (new_itr != itr_) itr_ = new_itr;
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

NetDimModerator::NetDimModerator(const Config& config)
    : profiles_(config.profiles),
      mode_(config.mode),
      dim_(config.profiles.empty() ? 5 : static_cast<uint8_t>(std::min<size_t>(config.profiles.size(), 255)),
           config.start_profile) {
  if (profiles_.empty()) {
    const auto& table =
        mode_ == DimPeriodMode::kStartFromCqe ? kNetDimRxCqeProfiles : kNetDimRxEqeProfiles;
    profiles_.assign(table.begin(), table.end());
  }
  if (profiles_.size() > 255) throw std::invalid_argument("net_dim profile table over 255 entries");
  apply_profile();
}

void NetDimModerator::apply_profile() {
  const DimProfile& p = profile();
  params_.rx_usecs = core::Microseconds(p.usec);
  params_.rx_frames = p.pkts;
  params_.timer = mode_ == DimPeriodMode::kStartFromCqe ? CoalesceTimer::kRestartOnFrame
                                                        : CoalesceTimer::kFromFirstFrame;
}

core::Time NetDimModerator::fire_time(core::Time now, const Pending& pending) const {
  return coalesce_fire_time(params_, now, pending.first, pending.last, pending.frames);
}

// mlx5e_completion_event counts each interrupt in cq->event_ctr.
void NetDimModerator::fired(core::Time /*now*/) { ++event_ctr_; }

// mlx5e_handle_rx_dim: sample the counters at NAPI completion, feed net_dim,
// and apply a new profile at once (the driver defers it to a work item).
void NetDimModerator::adapt(core::Time now, uint64_t packets, uint64_t bytes) {
  pkt_ctr_ += static_cast<uint32_t>(packets);
  byte_ctr_ += static_cast<uint32_t>(bytes);
  const DimSample sample{now, pkt_ctr_, byte_ctr_, event_ctr_};
  if (dim_.update(sample)) {
    apply_profile();
    dim_.profile_applied();
  }
}

// ---- choosing one --------------------------------------------------------------

std::unique_ptr<InterruptModerator> make_interrupt_moderator(const InterruptModerationConfig& config) {
  switch (config.mode) {
    case ModerationMode::kFixed: return std::make_unique<FixedModerator>(config.fixed);
    case ModerationMode::kIxgbe: return std::make_unique<IxgbeItrModerator>(config.ixgbe);
    case ModerationMode::kNetDim: return std::make_unique<NetDimModerator>(config.dim);
  }
  throw std::invalid_argument("unknown interrupt moderation mode");
}

}  // namespace viosim::models
