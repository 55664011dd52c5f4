// Interrupt moderation for one NIC queue pair (one MSI-X vector): when to
// raise the interrupt for the receive frames and the transmit completions the
// NIC has written back. Four policies share one call protocol that a
// discrete-event NIC queue model drives:
//   FixedModerator    - ethtool rx-usecs / rx-frames, as mlx5 CQ moderation:
//                       each completion queue (rx, tx) fires once rx_frames
//                       are pending or rx_usecs passed.
//   IxgbeItrModerator - Intel EITR throttling (a minimum interval between
//                       interrupts) with ixgbe's adaptive ITR (ixgbe_update_itr
//                       + ixgbe_set_itr), either generation of the algorithm.
//   I40eItrModerator  - i40e's two ITRs (rx and tx causes of one vector, each
//                       a minimum interval) and its dynamic ITR
//                       (i40e_update_itr + i40e_update_enable_itr).
//   NetDimModerator   - Linux lib/dim net_dim: CQ moderation whose usec/frames
//                       profile is tuned from packet/byte/event rates, one
//                       net_dim per completion queue (mlx5e rx and tx DIM).
// Pure state machines: no simulator, no allocation per frame, integer time.
//
// Protocol (all times are the caller's simulated now, non-decreasing):
//   1. A frame (kRx) or a TX completion (kTx) is written back while the
//      interrupt is enabled:
//        d = m.on_frame(now, cause);  if (d.changed) (re)schedule the
//      interrupt event at d.fire_at (which may be now), or cancel it when
//      !d.due().
//   2. That event runs at t == m.deadline(): m.on_interrupt(t), raise the MSI.
//      The interrupt is then masked, as the hard-irq handler / auto-mask
//      (ixgbe EIAM) or an unarmed CQ (mlx5) leaves it; frames arriving while
//      masked are the NAPI poll's business and on_frame ignores them.
//   3. NAPI completes (napi_complete_done) at `now` having handled `work`
//      (rx frames and tx completions, with their bytes) since the previous
//      completion and re-enables the interrupt:
//        d = m.on_rearm(now, work, unprocessed);
//      Adaptive policies retune here, where the drivers do (ixgbe_poll calls
//      ixgbe_set_itr, i40e_napi_poll i40e_update_enable_itr; mlx5e_napi_poll
//      feeds net_dim). `unprocessed` rx frames that landed after the last
//      poll count as pending from `now`.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "sim-core/time.h"

namespace viosim::models {

// What the caller must do with its interrupt event after a call.
struct ModerationDecision {
  core::Time fire_at = core::Time::max();  // raise the interrupt then; max(): none due
  bool changed = false;                    // fire_at moved: reschedule (or cancel)
  bool due() const { return fire_at != core::Time::max(); }
};

// What the NIC wrote back: a received frame, or a transmit completion.
enum class IrqCause : uint8_t { kRx = 0, kTx = 1 };

// What one NAPI cycle handled, per ring of the queue pair.
struct NapiWork {
  uint64_t rx_packets = 0;
  uint64_t rx_bytes = 0;
  uint64_t tx_packets = 0;
  uint64_t tx_bytes = 0;
};

// What restarts the rx_usecs timer. Hardware CQs offer both (mlx5
// cq_period_mode); ethtool-style coalescing means the first.
enum class CoalesceTimer : uint8_t {
  kFromFirstFrame,  // rx_usecs after the first unsignalled frame
  kRestartOnFrame,  // rx_usecs after the newest frame (mlx5 START_FROM_CQE:
                    // a burst is signalled by count, its end by the timer)
};

// One count/timer threshold pair; shared by FixedModerator and net_dim.
struct CoalesceParams {
  core::Duration rx_usecs = core::Microseconds(16);  // mlx5e default 0x10 usec
  uint32_t rx_frames = 32;                           // mlx5e default 0x20; 0: no count limit
  CoalesceTimer timer = CoalesceTimer::kFromFirstFrame;
};
// rx_usecs 0 signals every frame at once, as ethtool's "no delay".
core::Time coalesce_fire_time(const CoalesceParams& params, core::Time now, core::Time first, core::Time last,
                              uint32_t frames);

class InterruptModerator {
 public:
  virtual ~InterruptModerator() = default;

  ModerationDecision on_frame(core::Time now, IrqCause cause = IrqCause::kRx);
  // A received frame written back at `at` that its queue takes into
  // account only `now` (held back among quiet_frames): throws
  // std::logic_error if it moved the interrupt before now after all.
  ModerationDecision on_held_frame(core::Time at, core::Time now);
  // Throws std::logic_error unless an interrupt is due exactly at `now`: a
  // stale event means the caller missed a `changed` decision.
  void on_interrupt(core::Time now);
  ModerationDecision on_rearm(core::Time now, const NapiWork& work, uint32_t unprocessed_frames = 0,
                              uint32_t unprocessed_completions = 0);
  // A cycle that handled only received frames.
  ModerationDecision on_rearm(core::Time now, uint64_t packets, uint64_t bytes, uint32_t unprocessed_frames = 0) {
    return on_rearm(now, NapiWork{packets, bytes, 0, 0}, unprocessed_frames);
  }

  core::Time deadline() const { return deadline_; }
  bool masked() const { return masked_; }
  // How many more frames of `cause`, each written back no earlier than the
  // last call and no later than the deadline, would leave the deadline
  // where it is: a caller may then take them without an event at each
  // (their on_frame calls made later, in order, before its next call of
  // any other kind). Every frame while masked; none while nothing is
  // pending (the first one schedules the interrupt); otherwise the policy
  // says. kAllQuiet: any number.
  static constexpr uint32_t kAllQuiet = ~0u;
  uint32_t quiet_frames(IrqCause cause) const;
  uint32_t pending_frames() const { return pending_[0].frames + pending_[1].frames; }
  uint64_t interrupts() const { return interrupts_; }

 protected:
  // Frames (or completions) of one cause written back and not yet signalled.
  struct Pending {
    core::Time first;  // the oldest
    core::Time last;   // the newest
    uint32_t frames = 0;
  };
  // When to signal what is pending (at least one cause has frames), at or
  // after `now`.
  virtual core::Time fire_time(core::Time now, const Pending& rx, const Pending& tx) const = 0;
  // A NAPI cycle ended: retune from what it handled. Runs before pending
  // frames are re-evaluated, so a new setting applies to them.
  virtual void adapt(core::Time /*now*/, const NapiWork& /*work*/) {}
  // An interrupt was raised for what was pending (the causes with frames).
  virtual void fired(core::Time /*now*/, const Pending& /*rx*/, const Pending& /*tx*/) {}
  // quiet_frames while unmasked with something pending; `same` is what is
  // pending of the frame's cause. None, unless the policy knows better.
  virtual uint32_t quiet_pending(IrqCause /*cause*/, const Pending& /*same*/) const { return 0; }
  // CQ moderation's answer: a timer from the first frame moves for no
  // later frame, the count moves it at the rx_frames-th.
  static uint32_t coalesce_quiet(const CoalesceParams& params, const Pending& same);

  bool has_fired() const { return interrupts_ > 0; }
  core::Time last_interrupt() const { return last_interrupt_; }
  // CQ moderation (mlx5): each pending CQ due by its own thresholds.
  static core::Time per_cq_fire_time(core::Time now, const CoalesceParams& rx_params, const CoalesceParams& tx_params,
                                     const Pending& rx, const Pending& tx);
  // Intel ITRs: each pending cause due its gap after the last interrupt.
  core::Time per_cause_gap(core::Time now, const Pending& rx, const Pending& tx, core::Duration rx_gap,
                           core::Duration tx_gap) const;

 private:
  ModerationDecision reschedule(core::Time now);

  bool masked_ = false;
  Pending pending_[2];  // by IrqCause
  core::Time deadline_ = core::Time::max();
  core::Time last_interrupt_;
  uint64_t interrupts_ = 0;
};

// ---- fixed (mlx5-style CQ moderation) --------------------------------------

// Each completion queue (rx, tx) with its thresholds (ethtool -C rx-usecs,
// rx-frames and tx-usecs, tx-frames); the tx CQ's timer may count
// differently (mlx5e: tx CQs count from the EQE).
class FixedModerator final : public InterruptModerator {
 public:
  using Config = CoalesceParams;
  // Throws for negative usecs.
  explicit FixedModerator(const Config& rx) : FixedModerator(rx, rx) {}
  FixedModerator(const Config& rx, const Config& tx);
  const Config& config() const { return config_; }

 private:
  core::Time fire_time(core::Time now, const Pending& rx, const Pending& tx) const override;
  uint32_t quiet_pending(IrqCause cause, const Pending& same) const override {
    return coalesce_quiet(cause == IrqCause::kRx ? config_ : tx_config_, same);
  }
  Config config_;
  Config tx_config_;
};

// ---- ixgbe EITR + adaptive ITR ---------------------------------------------

// q_vector->itr is microseconds << 2; the register keeps bits 3..11
// (IXGBE_MAX_EITR 0x0FF8), i.e. a 2 us grain up to 1022 us.
inline constexpr uint32_t kIxgbeMaxEitr = 0x0FF8;
inline constexpr uint32_t kIxgbe100kItr = 40;   // IXGBE_100K_ITR: 10 us
inline constexpr uint32_t kIxgbe20kItr = 200;   // IXGBE_20K_ITR: 50 us (rx vector start)
inline constexpr uint32_t kIxgbe12kItr = 336;   // IXGBE_12K_ITR: 84 us
inline constexpr uint32_t kIxgbe8kItr = 500;    // IXGBE_8K_ITR: 125 us
// The adaptive algorithm's ring_container->itr: usecs | mode flag (ixgbe.h).
inline constexpr uint32_t kIxgbeItrAdaptiveMinInc = 2;
inline constexpr uint32_t kIxgbeItrAdaptiveMinUsecs = 10;
inline constexpr uint32_t kIxgbeItrAdaptiveMaxUsecs = 126;
inline constexpr uint32_t kIxgbeItrAdaptiveLatency = 0x80;
inline constexpr uint32_t kIxgbeItrAdaptiveBulk = 0x00;

enum class IxgbeItrAlgorithm : uint8_t {
  // ethtool rx-usecs > 1: a fixed EITR of rx_usecs (0 = no throttling).
  kStatic,
  // rx-usecs 1 before commit b4ded8327fea (early 2018): three latency_range
  // states chosen by bytes per microsecond of the current interval, mapped
  // to 100K / 20K / 12K ints/s (bulk was IXGBE_8K_ITR before commit
  // 8ac34f10a5ea), with ixgbe_set_itr's exponential smoothing of the rate.
  kLatencyRange,
  // rx-usecs 1 since commit b4ded8327fea "ixgbe: Update adaptive ITR
  // algorithm" (2018) through current mainline, including the 2019 fix that
  // bounds the 1G/2.5G result (cap 8064, "< 1968"): latency or bulk mode,
  // 10..126 us, sized from packets per update and the average frame size.
  kAdaptive,
};

// The legacy algorithm's states (enum latency_range in ixgbe_main.c).
enum class IxgbeLatencyRange : uint8_t { kLowestLatency = 0, kLowLatency = 1, kBulkLatency = 2 };

class IxgbeItrModerator final : public InterruptModerator {
 public:
  struct Config {
    IxgbeItrAlgorithm algorithm = IxgbeItrAlgorithm::kAdaptive;
    core::Duration rx_usecs = core::Microseconds(50);  // kStatic only; at most 1022 us
    // 10G (and 100M) vs 1G / 2.5G / 10M pick different scalings in kAdaptive.
    uint32_t link_speed_mbps = 10000;
    // One jiffy: kAdaptive resets to 10 us latency mode when 2 jiffy ticks
    // pass between updates (time_after(jiffies, next_update)). HZ=1000.
    core::Duration jiffy = core::Milliseconds(1);
  };
  explicit IxgbeItrModerator(const Config& config);  // throws for bad rx_usecs / jiffy

  // The throttle interval the register holds now.
  core::Duration interval() const;
  uint32_t itr_register() const { return itr_; }  // q_vector->itr (us << 2)
  // kAdaptive: the ring containers' itr (usecs | kIxgbeItrAdaptiveLatency).
  uint32_t adaptive_itr(IrqCause ring = IrqCause::kRx) const { return ring_[int(ring)].itr; }
  bool latency_mode(IrqCause ring = IrqCause::kRx) const {
    return (ring_[int(ring)].itr & kIxgbeItrAdaptiveLatency) != 0;
  }
  // kLatencyRange: a container's state.
  IxgbeLatencyRange latency_range(IrqCause ring = IrqCause::kRx) const {
    return static_cast<IxgbeLatencyRange>(ring_[int(ring)].itr);
  }

 private:
  // q_vector->rx and ->tx (struct ixgbe_ring_container). A run starts
  // with the NIC long idle, its last update over a jiffy ago.
  struct RingContainer {
    uint32_t itr = 0;
    int64_t next_update = -1;  // in jiffies
  };
  core::Time fire_time(core::Time now, const Pending& rx, const Pending& tx) const override;
  // EITR is one gap for every cause: once anything is pending, no frame moves it.
  uint32_t quiet_pending(IrqCause /*cause*/, const Pending& /*same*/) const override { return kAllQuiet; }
  void adapt(core::Time now, const NapiWork& work) override;
  void update_adaptive(RingContainer& rc, int64_t jiffies, uint64_t packets, uint64_t bytes) const;
  void update_latency_range(RingContainer& rc, uint64_t packets, uint64_t bytes) const;

  Config config_;
  uint32_t itr_;           // q_vector->itr
  RingContainer ring_[2];  // by IrqCause
};

// ---- i40e ITR + dynamic ITR ------------------------------------------------

// i40e_txrx.h: ITR values in usecs, 2 us register grain.
inline constexpr uint32_t kI40eItrMask = 0x1FFE;
inline constexpr uint32_t kI40eMaxItr = 8160;    // I40E_MAX_ITR
inline constexpr uint32_t kI40eItr20k = 50;      // I40E_ITR_20K: the rx and tx defaults
inline constexpr uint32_t kI40eItrAdaptiveMinInc = 0x0002;
inline constexpr uint32_t kI40eItrAdaptiveMinUsecs = 0x0002;
inline constexpr uint32_t kI40eItrAdaptiveMaxUsecs = 0x007e;
inline constexpr uint32_t kI40eItrAdaptiveLatency = 0x8000;
inline constexpr uint32_t kI40eItrAdaptiveBulk = 0x0000;
inline constexpr uint32_t kI40eItrCountdownStart = 3;  // ITR_COUNTDOWN_START

class I40eItrModerator final : public InterruptModerator {
 public:
  struct Config {
    bool adaptive = true;  // adaptive-rx and adaptive-tx (the driver's default)
    // Both ITRs without adaptive (rounded up to the 2 us grain).
    core::Duration usecs = core::Microseconds(kI40eItr20k);
    uint32_t link_speed_mbps = 10000;  // picks i40e_itr_divisor
    core::Duration jiffy = core::Milliseconds(4);
  };
  explicit I40eItrModerator(const Config& config);  // throws for bad usecs / jiffy

  // The ITR in force for a cause (current_itr, usecs).
  core::Duration interval(IrqCause cause) const;
  // The adaptive target (usecs | kI40eItrAdaptiveLatency).
  uint32_t target_itr(IrqCause cause) const { return rc_[int(cause)].target_itr; }
  uint32_t current_itr(IrqCause cause) const { return rc_[int(cause)].current_itr; }
  uint32_t countdown() const { return itr_countdown_; }

 private:
  // struct i40e_ring_container.
  struct RingContainer {
    uint32_t target_itr = 0;
    uint32_t current_itr = 0;
    int64_t next_update = 0;  // in jiffies
  };
  core::Time fire_time(core::Time now, const Pending& rx, const Pending& tx) const override;
  // A cause already pending is due its gap after the last interrupt, however many more come.
  uint32_t quiet_pending(IrqCause /*cause*/, const Pending& same) const override {
    return same.frames > 0 ? kAllQuiet : 0;
  }
  void adapt(core::Time now, const NapiWork& work) override;
  void update_itr(IrqCause cause, int64_t jiffies, uint64_t packets, uint64_t bytes);
  uint32_t itr_divisor() const;

  Config config_;
  RingContainer rc_[2];  // by IrqCause
  uint32_t itr_countdown_ = 0;
};

// ---- net_dim ---------------------------------------------------------------

struct DimProfile {
  uint16_t usec;
  uint16_t pkts;
  friend bool operator==(const DimProfile&, const DimProfile&) = default;
};
// lib/dim/net_dim.c rx_profile[]: NET_DIM_RX_EQE_PROFILES and
// NET_DIM_RX_CQE_PROFILES (NET_DIM_DEFAULT_RX_CQ_PKTS_FROM_EQE = 256).
inline constexpr std::array<DimProfile, 5> kNetDimRxEqeProfiles = {
    {{1, 256}, {8, 256}, {64, 256}, {128, 256}, {256, 256}}};
inline constexpr std::array<DimProfile, 5> kNetDimRxCqeProfiles = {
    {{2, 256}, {8, 128}, {16, 64}, {32, 64}, {64, 64}}};
// tx_profile[]: NET_DIM_TX_EQE_PROFILES (NET_DIM_DEFAULT_TX_CQ_PKTS_FROM_EQE
// = 128) and NET_DIM_TX_CQE_PROFILES.
inline constexpr std::array<DimProfile, 5> kNetDimTxEqeProfiles = {
    {{1, 128}, {8, 128}, {32, 128}, {64, 128}, {128, 128}}};
inline constexpr std::array<DimProfile, 5> kNetDimTxCqeProfiles = {{{5, 128}, {8, 64}, {16, 32}, {32, 32}, {64, 32}}};
inline constexpr uint8_t kNetDimDefaultProfile = 1;  // NET_DIM_DEF_PROFILE_{EQE,CQE}
inline constexpr uint16_t kDimNevents = 64;          // DIM_NEVENTS

// struct dim_sample: free-running counters (u32 packets/bytes, u16 events).
struct DimSample {
  core::Time time;
  uint32_t pkt_ctr = 0;
  uint32_t byte_ctr = 0;
  uint16_t event_ctr = 0;
};
// struct dim_stats, per millisecond.
struct DimStats {
  int64_t ppms = 0;
  int64_t bpms = 0;
  int64_t epms = 0;
};

// The net_dim algorithm (lib/dim/net_dim.c + lib/dim/dim.c): every
// DIM_NEVENTS events compare the rates with the previous window; keep
// stepping while throughput is "better" (bytes, then packets per ms up, or
// events per ms down, by more than 10%), turn when it is not, park on a top,
// and after 2 x profiles steps in a row park "tired" for as many windows.
class NetDim {
 public:
  enum class State : uint8_t { kStartMeasure, kMeasureInProgress, kApplyNewProfile };
  enum class TuneState : uint8_t { kParkingOnTop, kParkingTired, kGoingRight, kGoingLeft };

  // Throws std::invalid_argument unless 1 <= num_profiles and start < num_profiles.
  explicit NetDim(uint8_t num_profiles = 5, uint8_t start_profile = kNetDimDefaultProfile);

  // net_dim(): true when the profile index changed; the caller then applies
  // it and calls profile_applied() (the driver's dim work does this).
  bool update(const DimSample& end);
  void profile_applied() { state_ = State::kStartMeasure; }
  // The window's first sample time; restart_measure() drops the window.
  core::Time window_start() const { return start_sample_.time; }
  void restart_measure() { state_ = State::kStartMeasure; }

  uint8_t profile_ix() const { return profile_ix_; }
  State state() const { return state_; }
  TuneState tune_state() const { return tune_state_; }
  uint8_t steps_left() const { return steps_left_; }
  uint8_t steps_right() const { return steps_right_; }
  uint8_t tired() const { return tired_; }

  // dim_calc_stats: false when no whole microsecond passed.
  static bool calc_stats(const DimSample& start, const DimSample& end, DimStats& out);

 private:
  enum class StatsResult : uint8_t { kWorse, kSame, kBetter };
  enum class StepResult : uint8_t { kStepped, kTooTired, kOnEdge };

  static StatsResult compare(const DimStats& curr, const DimStats& prev);
  bool decide(const DimStats& curr);
  StepResult step();
  void exit_parking();
  bool on_top() const;
  void turn();
  void park_on_top();
  void park_tired();

  uint8_t num_profiles_;
  State state_ = State::kStartMeasure;
  TuneState tune_state_ = TuneState::kParkingOnTop;
  uint8_t profile_ix_;
  uint8_t steps_right_ = 0;
  uint8_t steps_left_ = 0;
  uint8_t tired_ = 0;
  DimStats prev_stats_;
  DimSample start_sample_;
};

// net_dim's profile CQ period modes.
enum class DimPeriodMode : uint8_t {
  kStartFromEqe,  // mode 0: timer counted from the first pending frame here
  kStartFromCqe,  // mode 1: timer restarted by every frame (mlx5 picks this when supported)
};

// One net_dim per completion queue, as mlx5e runs rx DIM and tx DIM on a
// channel's two CQs; each counts the interrupts raised while it had
// completions as its events.
class NetDimModerator final : public InterruptModerator {
 public:
  struct Config {
    DimPeriodMode mode = DimPeriodMode::kStartFromEqe;     // the rx CQ's
    DimPeriodMode tx_mode = DimPeriodMode::kStartFromEqe;  // mlx5e: tx CQs count from the EQE
    std::vector<DimProfile> profiles;                      // empty: the net_dim rx table of `mode`
    std::vector<DimProfile> tx_profiles;                   // empty: the net_dim tx table of `tx_mode`
    uint8_t start_profile = kNetDimDefaultProfile;
  };
  explicit NetDimModerator(const Config& config);  // throws for a bad table or index

  const DimProfile& profile(IrqCause cq = IrqCause::kRx) const { return cq_[int(cq)].profile(); }
  const CoalesceParams& params(IrqCause cq = IrqCause::kRx) const { return cq_[int(cq)].params; }
  const NetDim& dim(IrqCause cq = IrqCause::kRx) const { return cq_[int(cq)].dim; }

 private:
  struct Cq {
    Cq(std::vector<DimProfile> table, DimPeriodMode mode, uint8_t start);
    const DimProfile& profile() const { return profiles[dim.profile_ix()]; }
    void apply_profile();
    DimPeriodMode mode;
    std::vector<DimProfile> profiles;
    NetDim dim;
    CoalesceParams params;
    // The driver's counters that samples read (they wrap like the kernel's).
    uint32_t pkt_ctr = 0;
    uint32_t byte_ctr = 0;
    uint16_t event_ctr = 0;
  };
  core::Time fire_time(core::Time now, const Pending& rx, const Pending& tx) const override;
  uint32_t quiet_pending(IrqCause cause, const Pending& same) const override {
    return coalesce_quiet(cq_[int(cause)].params, same);
  }
  void adapt(core::Time now, const NapiWork& work) override;
  void fired(core::Time now, const Pending& rx, const Pending& tx) override;

  Cq cq_[2];  // by IrqCause
};

// ---- ice: net_dim over ITRs --------------------------------------------------

// ice_main.c (Linux 6.1): the ITR each net_dim profile index selects.
inline constexpr std::array<uint16_t, 5> kIceRxProfileItr = {2, 8, 16, 62, 126};
inline constexpr std::array<uint16_t, 5> kIceTxProfileItr = {2, 8, 40, 128, 256};
inline constexpr uint8_t kIceDimDefaultProfile = 1;   // ICE_DIM_DEFAULT_PROFILE_IX
inline constexpr uint32_t kIceDynamicIntrlUsecs = 4;  // ice_set_q_vector_intrl with a dynamic ITR

// ice's rx and tx ring containers each run net_dim over the vector's
// interrupt count (q_vector->total_events) and their packets and bytes;
// a new profile writes that cause's ITR (a least gap since the vector's
// last interrupt, as on i40e). With a dynamic ITR the vector's interrupt
// rate limit (INTRL) is 4 us; a window older than 1 s restarts.
class IceDimModerator final : public InterruptModerator {
 public:
  struct Config {
    bool adaptive = true;
    core::Duration usecs = core::Microseconds(50);  // both ITRs without adaptive (2 us grain)
  };
  explicit IceDimModerator(const Config& config);  // throws for bad usecs

  core::Duration interval(IrqCause cause) const { return core::Microseconds(itr_[int(cause)]); }
  core::Duration rate_limit() const { return core::Microseconds(intrl_); }
  const NetDim& dim(IrqCause cause) const { return dim_[int(cause)]; }

 private:
  core::Time fire_time(core::Time now, const Pending& rx, const Pending& tx) const override;
  // A cause already pending is due its gap (and the rate limit), however many more come.
  uint32_t quiet_pending(IrqCause /*cause*/, const Pending& same) const override {
    return same.frames > 0 ? kAllQuiet : 0;
  }
  void adapt(core::Time now, const NapiWork& work) override;
  void fired(core::Time now, const Pending& rx, const Pending& tx) override;

  Config config_;
  NetDim dim_[2];
  uint32_t itr_[2];
  uint32_t intrl_ = 0;
  uint32_t pkt_ctr_[2] = {0, 0};
  uint32_t byte_ctr_[2] = {0, 0};
  uint16_t total_events_ = 0;
};

// ---- choosing one ----------------------------------------------------------

enum class ModerationMode : uint8_t { kFixed, kIxgbe, kI40e, kIce, kNetDim };
struct InterruptModerationConfig {
  ModerationMode mode = ModerationMode::kFixed;
  FixedModerator::Config fixed;
  std::optional<FixedModerator::Config> fixed_tx;  // none: as `fixed`
  IxgbeItrModerator::Config ixgbe;
  I40eItrModerator::Config i40e;
  IceDimModerator::Config ice;
  NetDimModerator::Config dim;
  // The driver asks the NIC to report a transmitted frame (the descriptor's
  // RS bit: a write-back and a TX interrupt cause) for every Nth
  // single-descriptor frame. i40e and iavf: WB_STRIDE 4 (i40e_tx_map); the
  // frames in between complete silently and are cleaned by the next poll.
  // ixgbe, ice and mlx5 report every frame.
  uint32_t tx_report_stride = 1;
};
std::unique_ptr<InterruptModerator> make_interrupt_moderator(const InterruptModerationConfig& config);

// The transmit side of a queue as its driver asks for reports
// (tx_report_stride): whether the frame just sent is one the NIC reports,
// raising a TX interrupt cause; the others are cleaned by the next poll.
class TxReports {
 public:
  explicit TxReports(uint32_t stride) : stride_(stride) {}
  bool reported() {
    if (++unreported_ < stride_) return false;
    unreported_ = 0;
    return true;
  }

 private:
  uint32_t stride_;
  uint32_t unreported_ = 0;  // frames sent since the last one that asked for a report
};

}  // namespace viosim::models
