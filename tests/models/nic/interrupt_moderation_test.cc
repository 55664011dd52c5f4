// Interrupt moderation, checked by hand: the fixed policy fires on the frame
// count and on the timer; ixgbe's EITR throttles, and its adaptive ITR (both
// generations) moves to the low-latency interval under sparse small frames
// and to the bulk interval under heavy large-frame load; net_dim steps its
// profile both ways, turns, and parks.
#include "models/nic/interrupt_moderation.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "tests/support/sim_time.h"

namespace viosim::models {
namespace {

using core::Microseconds;
using core::Milliseconds;
using core::Time;

// `n` interrupts, each for a frame at `t` and a NAPI cycle 2 us after it
// that took 16 full-size frames; the next frame 20 us after the interrupt.
Time receive_cycles(InterruptModerator& m, Time t, int n) {
  for (int i = 0; i < n; ++i) {
    const auto d = m.on_frame(t);
    m.on_interrupt(d.fire_at);
    m.on_rearm(d.fire_at + Microseconds(2), 16, 16 * 1500);
    t = d.fire_at + Microseconds(20);
  }
  return t;
}

// ---- fixed -----------------------------------------------------------------

FixedModerator fixed(int64_t usecs, uint32_t frames,
                     CoalesceTimer timer = CoalesceTimer::kFromFirstFrame) {
  return FixedModerator(CoalesceParams{Microseconds(usecs), frames, timer});
}

TEST(CoalescingFixedTest, FiresWhenFrameThresholdIsReached) {
  FixedModerator m = fixed(100, 4);
  auto d = m.on_frame(at_us(0));
  EXPECT_TRUE(d.changed);
  EXPECT_EQ(d.fire_at, at_us(100));
  EXPECT_FALSE(m.on_frame(at_us(1)).changed);
  EXPECT_FALSE(m.on_frame(at_us(2)).changed);
  d = m.on_frame(at_us(3));  // the 4th frame
  EXPECT_TRUE(d.changed);
  EXPECT_EQ(d.fire_at, at_us(3));
  EXPECT_EQ(m.pending_frames(), 4u);
  m.on_interrupt(at_us(3));
  EXPECT_TRUE(m.masked());
  EXPECT_EQ(m.pending_frames(), 0u);
  EXPECT_EQ(m.interrupts(), 1u);
  EXPECT_FALSE(m.deadline() != Time::max());
}

TEST(CoalescingFixedTest, FiresWhenTimerExpiresFromFirstFrame) {
  FixedModerator m = fixed(16, 32);
  EXPECT_EQ(m.on_frame(at_us(5)).fire_at, at_us(21));
  const auto d = m.on_frame(at_us(15));  // the timer does not restart
  EXPECT_FALSE(d.changed);
  EXPECT_EQ(d.fire_at, at_us(21));
  m.on_interrupt(at_us(21));
  EXPECT_EQ(m.interrupts(), 1u);
}

TEST(CoalescingFixedTest, RestartOnFrameTimerFollowsTheNewestFrame) {
  FixedModerator m = fixed(16, 32, CoalesceTimer::kRestartOnFrame);
  EXPECT_EQ(m.on_frame(at_us(5)).fire_at, at_us(21));
  const auto d = m.on_frame(at_us(15));
  EXPECT_TRUE(d.changed);
  EXPECT_EQ(d.fire_at, at_us(31));
}

TEST(CoalescingFixedTest, ZeroUsecsSignalsEveryFrameAtOnce) {
  FixedModerator m = fixed(0, 0);
  EXPECT_EQ(m.on_frame(at_us(7)).fire_at, at_us(7));
}

TEST(CoalescingFixedTest, MaskedUntilRearmThenLeftoversWaitForTheTimer) {
  FixedModerator m = fixed(10, 8);
  m.on_frame(at_us(0));
  m.on_interrupt(at_us(10));
  // NAPI owns the ring: frames now do not schedule anything.
  const auto ignored = m.on_frame(at_us(12));
  EXPECT_FALSE(ignored.changed);
  EXPECT_FALSE(ignored.due());
  // Completion with nothing left: nothing due.
  auto d = m.on_rearm(at_us(20), 2, 3000);
  EXPECT_FALSE(d.due());
  EXPECT_FALSE(m.masked());
  // Completion that left 3 frames behind: they count from the rearm.
  m.on_frame(at_us(30));
  m.on_interrupt(at_us(40));
  d = m.on_rearm(at_us(45), 1, 60, 3);
  EXPECT_TRUE(d.changed);
  EXPECT_EQ(d.fire_at, at_us(55));
  EXPECT_EQ(m.pending_frames(), 3u);
}

TEST(CoalescingFixedTest, CompletionsLeftAtRearmArePending) {
  FixedModerator m = fixed(16, 32);
  m.on_frame(at_us(0));
  m.on_interrupt(at_us(16));
  // Two TX completions were written back after the poll looked: the
  // interrupt re-arms with them pending, due 16 us on.
  const auto d = m.on_rearm(at_us(20), NapiWork{1, 64, 0, 0}, 0, 2);
  EXPECT_TRUE(d.changed);
  EXPECT_EQ(d.fire_at, at_us(36));
  EXPECT_EQ(m.pending_frames(), 2u);
}

TEST(CoalescingFixedTest, StaleInterruptIsAnError) {
  FixedModerator m = fixed(10, 8);
  EXPECT_THROW(m.on_interrupt(at_us(0)), std::logic_error);  // nothing pending
  m.on_frame(at_us(0));
  EXPECT_THROW(m.on_interrupt(at_us(9)), std::logic_error);  // not yet due
  EXPECT_THROW(FixedModerator(CoalesceParams{Microseconds(-1), 1}), std::invalid_argument);
}

TEST(CoalescingFactoryTest, BuildsEachMode) {
  InterruptModerationConfig config;
  config.mode = ModerationMode::kFixed;
  EXPECT_NE(dynamic_cast<FixedModerator*>(make_interrupt_moderator(config).get()), nullptr);
  config.mode = ModerationMode::kIxgbe;
  EXPECT_NE(dynamic_cast<IxgbeItrModerator*>(make_interrupt_moderator(config).get()), nullptr);
  config.mode = ModerationMode::kNetDim;
  EXPECT_NE(dynamic_cast<NetDimModerator*>(make_interrupt_moderator(config).get()), nullptr);
}

// ---- ixgbe -------------------------------------------------------------------

IxgbeItrModerator ixgbe(IxgbeItrAlgorithm algorithm, uint32_t link_mbps = 10000) {
  IxgbeItrModerator::Config config;
  config.algorithm = algorithm;
  config.link_speed_mbps = link_mbps;
  return IxgbeItrModerator(config);
}

// One NAPI cycle: a frame arrives at `t`, the interrupt fires when allowed,
// NAPI finishes 1 us later having handled `packets` frames of `size` bytes.
// Returns the time the interrupt fired.
Time cycle(IxgbeItrModerator& m, Time t, uint64_t packets, uint64_t size) {
  const auto d = m.on_frame(t);
  m.on_interrupt(d.fire_at);
  m.on_rearm(d.fire_at + Microseconds(1), packets, packets * size);
  return d.fire_at;
}

TEST(ItrIxgbeTest, StaticEitrIsAMinimumGapBetweenInterrupts) {
  IxgbeItrModerator::Config config;
  config.algorithm = IxgbeItrAlgorithm::kStatic;
  config.rx_usecs = Microseconds(50);
  IxgbeItrModerator m(config);
  EXPECT_EQ(m.interval(), Microseconds(50));
  EXPECT_EQ(m.on_frame(at_us(0)).fire_at, at_us(0));  // nothing fired yet: at once
  m.on_interrupt(at_us(0));
  m.on_rearm(at_us(5), 1, 64);
  EXPECT_EQ(m.on_frame(at_us(10)).fire_at, at_us(50));  // throttled
  m.on_interrupt(at_us(50));
  m.on_rearm(at_us(60), 1, 64);
  EXPECT_EQ(m.on_frame(at_us(200)).fire_at, at_us(200));  // gap already long enough
  // Leftovers at rearm inside the gap wait for its end.
  m.on_interrupt(at_us(200));
  EXPECT_EQ(m.on_rearm(at_us(210), 5, 320, 2).fire_at, at_us(250));
}

TEST(ItrIxgbeTest, StaticEitrHasTheRegisterGrainAndRange) {
  IxgbeItrModerator::Config config;
  config.algorithm = IxgbeItrAlgorithm::kStatic;
  config.rx_usecs = Microseconds(51);  // itr 204 & 0xff8 = 200
  EXPECT_EQ(IxgbeItrModerator(config).interval(), Microseconds(50));
  config.rx_usecs = Microseconds(0);
  EXPECT_EQ(IxgbeItrModerator(config).interval(), Microseconds(0));
  config.rx_usecs = Microseconds(1023);
  EXPECT_THROW(IxgbeItrModerator{config}, std::invalid_argument);
}

TEST(ItrIxgbeTest, AdaptiveStartsAt20kInterruptsPerSecond) {
  const IxgbeItrModerator m = ixgbe(IxgbeItrAlgorithm::kAdaptive);
  EXPECT_EQ(m.itr_register(), kIxgbe20kItr);
  EXPECT_EQ(m.interval(), Microseconds(50));
}

TEST(ItrIxgbeTest, AdaptiveSparseSmallFramesGoToLowLatency) {
  IxgbeItrModerator m = ixgbe(IxgbeItrAlgorithm::kAdaptive);
  // One 64-byte frame per interrupt, 100 us apart (same jiffy window):
  // latency mode, 64 * 40 + 2720 = 5280, halved 2640, ceil(2640 / 512) * 2 = 12 us.
  Time t = at_us(0);
  for (int i = 0; i < 5; ++i) {
    cycle(m, t, 1, 64);
    t += Microseconds(100);
  }
  EXPECT_TRUE(m.latency_mode());
  EXPECT_EQ(m.adaptive_itr(), kIxgbeItrAdaptiveLatency | 12u);
  EXPECT_EQ(m.interval(), Microseconds(12));
}

TEST(ItrIxgbeTest, AdaptiveIdleGapFallsBackToMinimumLatency) {
  IxgbeItrModerator m = ixgbe(IxgbeItrAlgorithm::kAdaptive);
  // A run starts with the NIC long idle: the first update falls back.
  cycle(m, at_us(0), 300, 1500);
  EXPECT_TRUE(m.latency_mode());
  EXPECT_EQ(m.interval(), Microseconds(kIxgbeItrAdaptiveMinUsecs));
  cycle(m, at_us(100), 300, 1500);  // then bulk
  EXPECT_FALSE(m.latency_mode());
  // Next completion more than a jiffy after the last update.
  cycle(m, Time::zero() + Milliseconds(5), 1, 1500);
  EXPECT_TRUE(m.latency_mode());
  EXPECT_EQ(m.interval(), Microseconds(kIxgbeItrAdaptiveMinUsecs));
}

TEST(ItrIxgbeTest, AdaptiveHeavyLargeFramesGoToBulk) {
  IxgbeItrModerator m = ixgbe(IxgbeItrAlgorithm::kAdaptive);
  // 256+ frames per update: bulk mode sized from the average frame.
  // 1500 B: 1500 * 5 + 22420 = 29920 -> ceil(29920 / 512) * 2 = 118 us.
  Time t = at_us(0);
  for (int i = 0; i < 5; ++i) {
    t = cycle(m, t, 300, 1500) + Microseconds(2);
  }
  EXPECT_FALSE(m.latency_mode());
  EXPECT_EQ(m.interval(), Microseconds(118));
  // Jumbo frames hit the 8K ints/s plateau: 32256 / 512 * 2 = 126 us, the maximum.
  cycle(m, t + Microseconds(200), 300, 9000);
  EXPECT_EQ(m.interval(), Microseconds(kIxgbeItrAdaptiveMaxUsecs));
}

TEST(ItrIxgbeTest, AdaptiveSlowLinksUseTheCappedScale) {
  IxgbeItrModerator m = ixgbe(IxgbeItrAlgorithm::kAdaptive, 1000);
  // min(29920, 8064) = 8064 -> ceil(8064 / 128) * 2 = 126 us.
  cycle(m, at_us(0), 300, 1500);  // the idle start's fallback
  cycle(m, at_us(100), 300, 1500);
  EXPECT_EQ(m.interval(), Microseconds(126));
}

TEST(ItrIxgbeTest, AdaptiveMidRangeCountsNudgeTheInterval) {
  IxgbeItrModerator m = ixgbe(IxgbeItrAlgorithm::kAdaptive);
  cycle(m, at_us(0), 1, 64);        // the idle start's fallback (10 us)
  cycle(m, at_us(100), 300, 1500);  // bulk, 118 us
  cycle(m, at_us(200), 60, 1000);   // 48..95: keep 118 us
  EXPECT_EQ(m.interval(), Microseconds(118));
  cycle(m, at_us(400), 20, 1000);  // 4..47: +2 us
  EXPECT_EQ(m.interval(), Microseconds(120));
  // 96..255: halve (itr >> 3 = 60 us).
  cycle(m, at_us(600), 100, 1000);
  EXPECT_EQ(m.interval(), Microseconds(60));
  cycle(m, at_us(800), 100, 1000);  // 30 us
  // 15 us, which the register's 8-unit grain (itr & 0x0FF8) holds as 14.
  cycle(m, at_us(900), 100, 1000);
  EXPECT_EQ(m.interval(), Microseconds(14));
  cycle(m, at_us(1000), 100, 1000);  // 7 us -> clamped to 10
  EXPECT_EQ(m.interval(), Microseconds(10));
}

TEST(ItrIxgbeTest, AdaptiveVectorTakesTheShorterDelayOfItsRings) {
  IxgbeItrModerator m = ixgbe(IxgbeItrAlgorithm::kAdaptive);
  cycle(m, at_us(0), 1, 64);  // the idle start's fallback
  // The tx ring cleans 300 full-size completions (bulk, 118 us) while the rx
  // ring sees one small frame (latency mode, 12 us). ixgbe_set_itr takes the
  // min() with the mode flag (0x80) still on, so a bulk ring wins: 118 us.
  const auto d = m.on_frame(at_us(100), IrqCause::kTx);
  m.on_interrupt(d.fire_at);
  m.on_rearm(d.fire_at + Microseconds(1), NapiWork{1, 64, 300, 300 * 1500});
  EXPECT_EQ(m.adaptive_itr(IrqCause::kTx), 118u);
  EXPECT_EQ(m.adaptive_itr(IrqCause::kRx), kIxgbeItrAdaptiveLatency | 12u);
  EXPECT_EQ(m.interval(), Microseconds(118));
  // Both in latency mode: the shorter delay.
  m.on_frame(at_us(300), IrqCause::kTx);
  m.on_interrupt(at_us(300));
  m.on_rearm(at_us(301), NapiWork{1, 64, 2, 128});
  EXPECT_EQ(m.interval(), Microseconds(12));
}

// ---- i40e ------------------------------------------------------------------

I40eItrModerator i40e(uint32_t link_mbps = 10000) {
  I40eItrModerator::Config config;
  config.link_speed_mbps = link_mbps;
  config.jiffy = Milliseconds(4);
  return I40eItrModerator(config);
}

// One interrupt for an rx frame, then NAPI completing with `work`.
Time cycle(I40eItrModerator& m, Time t, const NapiWork& work) {
  const auto d = m.on_frame(t);
  m.on_interrupt(d.fire_at);
  m.on_rearm(d.fire_at + Microseconds(1), work);
  return d.fire_at;
}

TEST(ItrI40eTest, EachCauseThrottlesOnItsOwnItr) {
  I40eItrModerator::Config config;
  config.adaptive = false;
  config.usecs = Microseconds(51);  // up to the 2 us grain
  I40eItrModerator m(config);
  EXPECT_EQ(m.interval(IrqCause::kRx), Microseconds(52));
  EXPECT_EQ(m.on_frame(at_us(0)).fire_at, at_us(0));  // nothing fired yet
  m.on_interrupt(at_us(0));
  m.on_rearm(at_us(1), NapiWork{1, 64, 0, 0});
  EXPECT_EQ(m.on_frame(at_us(10), IrqCause::kTx).fire_at, at_us(52));
  m.on_interrupt(at_us(52));
  m.on_rearm(at_us(53), NapiWork{0, 0, 1, 64});
  EXPECT_EQ(m.on_frame(at_us(200)).fire_at, at_us(200));  // the gap has passed
  config.usecs = Microseconds(8161);
  EXPECT_THROW(I40eItrModerator{config}, std::invalid_argument);
}

TEST(ItrI40eTest, AnIdleNicStartsInLatencyModeOneItrWriteAtATime) {
  I40eItrModerator m = i40e();
  EXPECT_EQ(m.interval(IrqCause::kRx), Microseconds(kI40eItr20k));
  EXPECT_EQ(m.interval(IrqCause::kTx), Microseconds(kI40eItr20k));
  // A request/response on a NIC long idle: the first update falls back to
  // Rx 2 us and Tx 126 us, both in latency mode. The comparisons keep the
  // flag, so both are increases; the larger (Tx) is written first.
  cycle(m, at_us(0), NapiWork{1, 64, 1, 64});
  EXPECT_EQ(m.target_itr(IrqCause::kRx), kI40eItrAdaptiveLatency | kI40eItrAdaptiveMinUsecs);
  EXPECT_EQ(m.target_itr(IrqCause::kTx), kI40eItrAdaptiveLatency | kI40eItrAdaptiveMaxUsecs);
  EXPECT_EQ(m.interval(IrqCause::kTx), Microseconds(kI40eItrAdaptiveMaxUsecs));
  EXPECT_EQ(m.interval(IrqCause::kRx), Microseconds(kI40eItr20k));
  EXPECT_EQ(m.countdown(), kI40eItrCountdownStart);
  // While the countdown runs the targets hold; the Rx write goes next.
  cycle(m, at_us(100), NapiWork{1, 64, 1, 64});
  EXPECT_EQ(m.interval(IrqCause::kRx), Microseconds(kI40eItrAdaptiveMinUsecs));
  EXPECT_EQ(m.countdown(), kI40eItrCountdownStart);
  // Three interrupts without a write count it down; the next update sizes
  // Rx from its 64-byte frames: 64 * 40 + 1696 = 4256, halved 2128,
  // ceil(2128 / 512) * 2 = 10 us at 10 Gb/s.
  Time t = at_us(200);
  for (int i = 0; i < 3; ++i) t = cycle(m, t, NapiWork{1, 64, 1, 64}) + Microseconds(100);
  EXPECT_EQ(m.countdown(), 0u);
  EXPECT_EQ(m.interval(IrqCause::kRx), Microseconds(kI40eItrAdaptiveMinUsecs));
  cycle(m, t, NapiWork{1, 64, 1, 64});
  EXPECT_EQ(m.target_itr(IrqCause::kRx), kI40eItrAdaptiveLatency | 10u);
  EXPECT_EQ(m.interval(IrqCause::kRx), Microseconds(10));
}

TEST(ItrI40eTest, RequestResponseStaysInLatencyMode) {
  I40eItrModerator m = i40e();
  Time t = at_us(0);
  for (int i = 0; i < 400; ++i) t = cycle(m, t, NapiWork{1, 64, 1, 64}) + Microseconds(40);
  EXPECT_EQ(m.target_itr(IrqCause::kTx), kI40eItrAdaptiveLatency | kI40eItrAdaptiveMaxUsecs);
  EXPECT_EQ(m.target_itr(IrqCause::kRx), kI40eItrAdaptiveLatency | 10u);
  EXPECT_EQ(m.interval(IrqCause::kRx), Microseconds(10));
  // 40 Gb/s scales it down: ceil(2128 / 2048) * 2 = 4 us.
  I40eItrModerator fast = i40e(40000);
  t = at_us(0);
  for (int i = 0; i < 400; ++i) t = cycle(fast, t, NapiWork{1, 64, 1, 64}) + Microseconds(40);
  EXPECT_EQ(fast.interval(IrqCause::kRx), Microseconds(4));
}

TEST(ItrI40eTest, BulkAndIdleGaps) {
  I40eItrModerator m = i40e();
  // Over 256 full-size frames: bulk, 1500 * 5 + 22420 = 29920,
  // ceil(29920 / 512) * 2 = 118 us, written (a decrease) once the idle
  // start's two writes and their countdown have passed.
  Time t = at_us(0);
  for (int i = 0; i < 6; ++i) t = cycle(m, t, NapiWork{300, 300 * 1500, 0, 0}) + Microseconds(100);
  EXPECT_EQ(m.target_itr(IrqCause::kRx), 118u);
  EXPECT_EQ(m.interval(IrqCause::kRx), Microseconds(118));
  // A cycle more than a jiffy after the last update: Rx falls back to its
  // lowest-latency setting (2 us | latency), an increase with the flag on,
  // written at once (Tx is already at its fallback).
  cycle(m, Time::zero() + Milliseconds(20), NapiWork{1, 64, 0, 0});
  EXPECT_EQ(m.target_itr(IrqCause::kRx), kI40eItrAdaptiveLatency | kI40eItrAdaptiveMinUsecs);
  EXPECT_EQ(m.interval(IrqCause::kRx), Microseconds(2));
}

// ---- ice -------------------------------------------------------------------

TEST(IceDimTest, StartsAtTheDefaultProfileWithTheDynamicRateLimit) {
  IceDimModerator m(IceDimModerator::Config{});
  EXPECT_EQ(m.interval(IrqCause::kRx), Microseconds(8));
  EXPECT_EQ(m.interval(IrqCause::kTx), Microseconds(8));
  EXPECT_EQ(m.rate_limit(), Microseconds(kIceDynamicIntrlUsecs));
  IceDimModerator::Config fixed_config;
  fixed_config.adaptive = false;
  fixed_config.usecs = Microseconds(3);  // up to the 2 us grain
  IceDimModerator fixed(fixed_config);
  EXPECT_EQ(fixed.interval(IrqCause::kRx), Microseconds(4));
  EXPECT_EQ(fixed.rate_limit(), Microseconds(0));
  fixed_config.usecs = Microseconds(8161);
  EXPECT_THROW(IceDimModerator{fixed_config}, std::invalid_argument);
}

TEST(IceDimTest, NetDimPicksTheCausesItrAndTheRateLimitHoldsItOff) {
  IceDimModerator m(IceDimModerator::Config{});
  Time t = at_us(0);
  // As for mlx5's CQ: 65 interrupt + NAPI cycles close the first window,
  // throughput beats the empty reference and the rx ring steps to index 0:
  // ice's 2 us.
  t = receive_cycles(m, t, 65);
  EXPECT_EQ(m.dim(IrqCause::kRx).profile_ix(), 0);
  EXPECT_EQ(m.interval(IrqCause::kRx), Microseconds(2));
  // A frame right after an interrupt waits for the 4 us rate limit, not
  // the 2 us ITR.
  const auto d = m.on_frame(t);
  m.on_interrupt(d.fire_at);
  m.on_rearm(d.fire_at + Microseconds(1), NapiWork{1, 64, 0, 0});
  EXPECT_EQ(m.on_frame(d.fire_at + Microseconds(1)).fire_at, d.fire_at + Microseconds(4));
}

TEST(ItrIxgbeLegacyTest, SmoothsTowardLowestLatencyUnderSparseSmallFrames) {
  IxgbeItrModerator m = ixgbe(IxgbeItrAlgorithm::kLatencyRange);
  // 64 B per 50 us interval = 1 B/us <= 10: lowest_latency, target 40.
  // First smoothing step: 10 * 40 * 200 / (9 * 40 + 200) = 142 -> 136 in the
  // register = 34 us.
  cycle(m, at_us(0), 1, 64);
  EXPECT_EQ(m.latency_range(), IxgbeLatencyRange::kLowestLatency);
  EXPECT_EQ(m.itr_register(), 142u);
  EXPECT_EQ(m.interval(), Microseconds(34));
  Time t = at_us(100);
  for (int i = 0; i < 100; ++i) {
    cycle(m, t, 1, 64);
    t += Microseconds(100);
  }
  EXPECT_EQ(m.itr_register(), kIxgbe100kItr);
  EXPECT_EQ(m.interval(), Microseconds(10));
}

TEST(ItrIxgbeLegacyTest, ClimbsToBulkUnderHeavyLargeFrames) {
  IxgbeItrModerator m = ixgbe(IxgbeItrAlgorithm::kLatencyRange);
  Time t = at_us(0);
  t = cycle(m, t, 64, 1500) + Microseconds(2);  // 1920 B/us > 10: low_latency
  EXPECT_EQ(m.latency_range(), IxgbeLatencyRange::kLowLatency);
  EXPECT_EQ(m.interval(), Microseconds(50));  // 20K target = current: unchanged
  t = cycle(m, t, 64, 1500) + Microseconds(2);  // > 20: bulk_latency
  EXPECT_EQ(m.latency_range(), IxgbeLatencyRange::kBulkLatency);
  EXPECT_EQ(m.itr_register(), 208u);  // 10 * 336 * 200 / (9 * 336 + 200)
  for (int i = 0; i < 300; ++i) t = cycle(m, t, 64, 1500) + Microseconds(2);
  EXPECT_EQ(m.latency_range(), IxgbeLatencyRange::kBulkLatency);
  // The integer smoothing stalls below IXGBE_12K_ITR (336 = 84 us): at 326,
  // 10 * 336 * 326 / (3024 + 326) = 326.9 rounds back to 326, which the
  // register holds as 320 = 80 us.
  EXPECT_EQ(m.itr_register(), 326u);
  EXPECT_EQ(m.interval(), Microseconds(80));
}

// ---- net_dim -------------------------------------------------------------------

// Feeds net_dim one 64-event window per call, 1 ms long, with `bytes` in it;
// after a profile change it restarts the measurement at the same point, as
// the driver's next NAPI completion would.
class DimFeeder {
 public:
  explicit DimFeeder(NetDim& dim) : dim_(dim) { dim_.update(sample()); }
  bool window(uint32_t bytes, uint16_t events = kDimNevents) {
    time_ += Milliseconds(1);
    events_ = static_cast<uint16_t>(events_ + events);
    bytes_ += bytes;
    packets_ += bytes / 1000;
    const bool changed = dim_.update(sample());
    if (changed) {
      dim_.profile_applied();
      dim_.update(sample());
    }
    return changed;
  }

 private:
  DimSample sample() const { return DimSample{time_, packets_, bytes_, events_}; }
  NetDim& dim_;
  Time time_;
  uint32_t packets_ = 0;
  uint32_t bytes_ = 0;
  uint16_t events_ = 0;
};

TEST(DimTest, CalcStatsPerMillisecond) {
  DimStats s;
  const DimSample start{at_us(0), 10, 100, 0};
  const DimSample end{at_us(2000), 10 + 3001, 100 + 1'500'000, 64};
  ASSERT_TRUE(NetDim::calc_stats(start, end, s));
  EXPECT_EQ(s.ppms, 1501);  // DIV_ROUND_UP(3001 * 1000, 2000)
  EXPECT_EQ(s.bpms, 750'000);
  EXPECT_EQ(s.epms, 32);
  EXPECT_FALSE(NetDim::calc_stats(start, DimSample{Time::zero() + core::Nanoseconds(999)}, s));
  // Counters wrap like the kernel's u32.
  ASSERT_TRUE(NetDim::calc_stats(DimSample{at_us(0), 0xfffffff0u, 0, 0},
                                 DimSample{at_us(1000), 0x10u, 0, 64}, s));
  EXPECT_EQ(s.ppms, 32);
}

TEST(DimTest, WaitsForDimNevents) {
  NetDim dim;
  DimFeeder feed(dim);
  EXPECT_EQ(dim.state(), NetDim::State::kMeasureInProgress);
  EXPECT_FALSE(feed.window(1'000'000, kDimNevents - 1));
  EXPECT_EQ(dim.profile_ix(), kNetDimDefaultProfile);
  EXPECT_EQ(dim.tune_state(), NetDim::TuneState::kParkingOnTop);
}

TEST(DimTest, StepsLeftThenTurnsRightAndParksAtTheEdge) {
  NetDim dim;  // 5 profiles, start at 1, parked on top
  DimFeeder feed(dim);
  // First window beats the empty reference: leave parking toward index 0.
  EXPECT_TRUE(feed.window(1'000'000));
  EXPECT_EQ(dim.profile_ix(), 0);
  EXPECT_EQ(dim.tune_state(), NetDim::TuneState::kGoingLeft);
  // Throughput drops by more than 10%: turn and step right.
  EXPECT_TRUE(feed.window(500'000));
  EXPECT_EQ(dim.profile_ix(), 1);
  EXPECT_EQ(dim.tune_state(), NetDim::TuneState::kGoingRight);
  // Each window better than the last: keep stepping right to the last profile.
  EXPECT_TRUE(feed.window(600'000));
  EXPECT_EQ(dim.profile_ix(), 2);
  EXPECT_TRUE(feed.window(720'000));
  EXPECT_TRUE(feed.window(870'000));
  EXPECT_EQ(dim.profile_ix(), 4);
  // No profile further right: park on top.
  EXPECT_FALSE(feed.window(1'050'000));
  EXPECT_EQ(dim.profile_ix(), 4);
  EXPECT_EQ(dim.tune_state(), NetDim::TuneState::kParkingOnTop);
  // Parked: the same rate keeps it there...
  EXPECT_FALSE(feed.window(1'050'000));
  EXPECT_EQ(dim.tune_state(), NetDim::TuneState::kParkingOnTop);
  // ...a significant change sends it back left.
  EXPECT_TRUE(feed.window(400'000));
  EXPECT_EQ(dim.profile_ix(), 3);
  EXPECT_EQ(dim.tune_state(), NetDim::TuneState::kGoingLeft);
}

TEST(DimTest, ParksOnTopAfterOvershootingBack) {
  NetDim dim(5, 2);
  DimFeeder feed(dim);
  EXPECT_TRUE(feed.window(1'000'000));  // exit parking: left to 1
  EXPECT_TRUE(feed.window(1'200'000));  // better: left to 0
  EXPECT_EQ(dim.profile_ix(), 0);
  EXPECT_EQ(dim.steps_left(), 2);
  EXPECT_TRUE(feed.window(900'000));  // worse: turn, right to 1
  EXPECT_EQ(dim.profile_ix(), 1);
  // Better again after one step back from two the other way: a top.
  EXPECT_FALSE(feed.window(1'100'000));
  EXPECT_EQ(dim.tune_state(), NetDim::TuneState::kParkingOnTop);
  EXPECT_EQ(dim.profile_ix(), 1);
}

TEST(DimTest, TiredAfterTwiceTheProfilesInSteps) {
  NetDim dim(5, 1);
  DimFeeder feed(dim);
  // Every window 20% worse than the last: it turns each time, zig-zagging
  // 0, 1, 0, 1 ... without ever looking like a top or reaching an edge.
  uint32_t bytes = 1'000'000;
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(feed.window(bytes)) << i;
    EXPECT_EQ(dim.profile_ix(), i % 2 == 0 ? 0 : 1);
    bytes = bytes * 4 / 5;
  }
  // The 11th step would exceed 2 x 5: park tired for 10 windows.
  EXPECT_FALSE(feed.window(bytes));
  EXPECT_EQ(dim.tune_state(), NetDim::TuneState::kParkingTired);
  EXPECT_EQ(dim.tired(), 10);
  for (int i = 0; i < 9; ++i) EXPECT_FALSE(feed.window(bytes)) << i;
  EXPECT_TRUE(feed.window(bytes));  // the 10th leaves parking: 1 -> 0
  EXPECT_EQ(dim.profile_ix(), 0);
  EXPECT_EQ(dim.tune_state(), NetDim::TuneState::kGoingLeft);
}

TEST(DimModeratorTest, UsesTheNetDimRxTables) {
  NetDimModerator eqe(NetDimModerator::Config{});
  EXPECT_EQ(eqe.profile(), (DimProfile{8, 256}));
  EXPECT_EQ(eqe.params().rx_usecs, Microseconds(8));
  EXPECT_EQ(eqe.params().timer, CoalesceTimer::kFromFirstFrame);
  EXPECT_EQ(eqe.on_frame(at_us(3)).fire_at, at_us(11));

  NetDimModerator::Config cqe_config;
  cqe_config.mode = DimPeriodMode::kStartFromCqe;
  NetDimModerator cqe(cqe_config);
  EXPECT_EQ(cqe.profile(), (DimProfile{8, 128}));
  EXPECT_EQ(cqe.params().timer, CoalesceTimer::kRestartOnFrame);

  NetDimModerator::Config bad;
  bad.start_profile = 5;
  EXPECT_THROW(NetDimModerator{bad}, std::invalid_argument);
}

TEST(DimModeratorTest, TheTxCqHasItsOwnTableAndTimer) {
  NetDimModerator::Config config;
  config.mode = DimPeriodMode::kStartFromCqe;
  NetDimModerator m(config);
  // mlx5e: tx CQs count from the EQE, on net_dim's tx table (8 us / 128).
  EXPECT_EQ(m.profile(IrqCause::kTx), (DimProfile{8, 128}));
  EXPECT_EQ(m.params(IrqCause::kTx).timer, CoalesceTimer::kFromFirstFrame);
  EXPECT_EQ(m.on_frame(at_us(0), IrqCause::kTx).fire_at, at_us(8));
  EXPECT_FALSE(m.on_frame(at_us(5), IrqCause::kTx).changed);  // the EQE timer does not restart
  EXPECT_EQ(m.on_frame(at_us(6)).fire_at, at_us(8));          // the rx CQ (6 + 8) is later
}

TEST(CoalescingFixedTest, TheTxCqMayCountFromItsFirstCompletion) {
  FixedModerator m(CoalesceParams{Microseconds(8), 32, CoalesceTimer::kRestartOnFrame},
                   CoalesceParams{Microseconds(8), 32, CoalesceTimer::kFromFirstFrame});
  EXPECT_EQ(m.on_frame(at_us(0), IrqCause::kTx).fire_at, at_us(8));
  EXPECT_EQ(m.on_frame(at_us(1)).fire_at, at_us(8));  // rx at 9 is later
  EXPECT_FALSE(m.on_frame(at_us(4), IrqCause::kTx).changed);
  EXPECT_EQ(m.pending_frames(), 3u);
}

TEST(DimModeratorTest, EachCqCountsOnlyItsOwnEvents) {
  NetDimModerator m(NetDimModerator::Config{});
  Time t = at_us(0);
  // 65 receive-only interrupts close the rx CQ's window (as below); the tx
  // CQ saw no completion event and has not even started measuring.
  t = receive_cycles(m, t, 65);
  EXPECT_EQ(m.dim(IrqCause::kRx).profile_ix(), 0);
  EXPECT_EQ(m.dim(IrqCause::kTx).profile_ix(), kNetDimDefaultProfile);
  EXPECT_EQ(m.dim(IrqCause::kTx).tune_state(), NetDim::TuneState::kParkingOnTop);
}

TEST(DimModeratorTest, RetunesTheCqFromInterruptsAndCompletions) {
  NetDimModerator m(NetDimModerator::Config{});
  Time t = at_us(0);
  // 65 interrupt + completion cycles: the first completion starts the
  // window, the 65th closes it after 64 events; throughput beats the empty
  // reference, so net_dim leaves parking toward index 0 (1 us).
  t = receive_cycles(m, t, 65);
  EXPECT_EQ(m.interrupts(), 65u);
  EXPECT_EQ(m.dim().profile_ix(), 0);
  EXPECT_EQ(m.profile(), (DimProfile{1, 256}));
  EXPECT_EQ(m.params().rx_usecs, Microseconds(1));
  EXPECT_EQ(m.on_frame(t).fire_at, t + Microseconds(1));
}

}  // namespace
}  // namespace viosim::models
