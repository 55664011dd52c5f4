// The TCP sender and receiver as one connection over a bottleneck link.
#include <gtest/gtest.h>

#include <memory>
#include <utility>

#include "tests/models/tcp/tcp_loop.h"

namespace viosim::models {
namespace {

using testing::TcpLoop;

// A 10 Gb/s link with 50 us each way and a queue that never fills.
constexpr TcpLoop::Link kTenGig{.rate_bps = 10e9, .delay = core::Microseconds(50), .queue = 100000};

// The segment at `seq` is lost its first `times` sends.
void drop_first_sends(TcpLoop& loop, uint64_t seq, int times) {
  loop.drop = [seq, left = times](uint64_t at, bool) mutable { return at == seq && left-- > 0; };
}

uint32_t c_initial_cwnd() { return TcpConfig{}.initial_cwnd; }

TcpConfig config_without_hystart() {
  TcpConfig c;
  c.hystart = false;
  return c;
}

TEST(TcpConnection, SlowStartDoublesTheWindowEveryRoundTrip) {
  TcpConfig c = config_without_hystart();
  c.rmem_default = c.rmem_max;  // a receive buffer that never limits the window
  TcpLoop loop(c, 0, {.rate_bps = 100e9, .delay = core::Microseconds(50), .queue = 100000});
  // Once the receiver's window stops growing it ACKs every second segment:
  // a round's odd last one waits for the next round's first, and its
  // growth comes a round late.
  for (uint32_t k = 1; k <= 5; ++k) {
    loop.run_until(core::Time::zero() + core::Microseconds(100 * k + 50));
    EXPECT_LE(loop.sender.cwnd(), 10u << k) << "round " << k;
    EXPECT_GE(loop.sender.cwnd(), (10u << k) - k) << "round " << k;
  }
  EXPECT_EQ(loop.sender.stats(loop.now()).retransmits, 0u);
}

// A TSO skb: half the first window, then 64 KB once the window and the
// pacing rate allow; a slow stream's skbs hold about 1 ms of it.
TEST(TcpConnection, TsoSkbsAreSizedByWindowAndPacingRate) {
  const TcpConfig c;
  TcpLoop fast(c, 0, kTenGig);
  EXPECT_EQ(fast.sender.tso_segs(), c.initial_cwnd / 2);
  fast.run_until(core::Time::zero() + core::Milliseconds(20));
  EXPECT_EQ(fast.sender.tso_segs(), 65'536 / c.mss);
  // 10 Mb/s over a 10 ms round trip: a window of about ten segments, a
  // pacing rate near 1.5 MB/s, so 1 ms of it is a segment or two, and
  // the RTT's share of 64 KB (64 KB >> 19) is nothing.
  TcpLoop slow(c, 0, {.rate_bps = 10e6, .delay = core::Milliseconds(5), .queue = 100000});
  slow.run_until(core::Time::zero() + core::Milliseconds(2000));
  EXPECT_LE(slow.sender.tso_segs(), 4u);
  EXPECT_GE(slow.sender.tso_segs(), 2u);
}

TEST(TcpConnection, HyStartLeavesSlowStartNearTheBandwidthDelayProduct) {
  TcpLoop loop(TcpConfig{}, 0, kTenGig);
  loop.run_until(core::Time::zero() + core::Milliseconds(20));
  const double bdp = 10e9 * 100e-6 / 8 / 1526;  // segments in flight that fill the link
  EXPECT_LT(loop.sender.ssthresh(), 4 * bdp);
  EXPECT_GT(loop.sender.ssthresh(), bdp / 4);
  EXPECT_EQ(loop.sender.stats(loop.now()).retransmits, 0u);
  EXPECT_EQ(loop.link_drops, 0u);
}

TEST(TcpConnection, OneLostSegmentIsResentByFastRetransmit) {
  const TcpConfig c = config_without_hystart();
  const uint64_t lost = 50 * uint64_t{c.mss};
  TcpLoop loop(c, 400 * uint64_t{c.mss}, kTenGig);
  drop_first_sends(loop, lost, 1);
  uint32_t cwnd_before = 0;
  loop.on_ack = [&](core::Time) {
    if (loop.sender.state() == TcpSender::State::kOpen && loop.sender.stats(loop.now()).recoveries == 0) {
      cwnd_before = loop.sender.cwnd();
    }
  };
  loop.run_until(core::Time::zero() + core::Milliseconds(100));
  const TcpSenderStats& s = loop.sender.stats(loop.now());
  EXPECT_TRUE(loop.sender.done());
  EXPECT_EQ(loop.delivered, 400 * uint64_t{c.mss});
  EXPECT_EQ(s.retransmits, 1u);
  EXPECT_EQ(s.recoveries, 1u);
  EXPECT_EQ(s.timeouts, 0u);
  // CUBIC's multiplicative decrease: ssthresh is 0.7 of the window at the loss.
  EXPECT_NEAR(double(loop.sender.ssthresh()), 0.7 * cwnd_before, 2.0);
}

TEST(TcpConnection, ALostTailIsResentByTheLossProbeNotTheTimeout) {
  const TcpConfig c;
  const uint64_t bytes = 20 * uint64_t{c.mss};
  TcpLoop loop(c, bytes, kTenGig);
  drop_first_sends(loop, bytes - c.mss, 1);
  // With one segment out the probe waits 2 SRTT + 200 ms (or the RTO's
  // time, if sooner), with more 2 SRTT + 2 ms: a probe either way.
  loop.run_until(core::Time::zero() + core::Milliseconds(250));
  const TcpSenderStats& s = loop.sender.stats(loop.now());
  EXPECT_TRUE(loop.sender.done());
  EXPECT_EQ(s.probes, 1u);
  EXPECT_EQ(s.timeouts, 0u);
}

// Near the end of a transfer nothing is sent after the retransmission, so
// nothing can show it lost: the RTO (at least 200 ms) resends it.
TEST(TcpConnection, ALostRetransmissionAtTheTailWaitsForTheTimeout) {
  const TcpConfig c = config_without_hystart();
  const uint64_t lost = 30 * uint64_t{c.mss};
  TcpLoop loop(c, 40 * uint64_t{c.mss}, kTenGig);
  drop_first_sends(loop, lost, 2);
  loop.run_until(core::Time::zero() + core::Milliseconds(150));
  EXPECT_FALSE(loop.sender.done()) << "the RTO is at least 200 ms";
  loop.run_until(core::Time::zero() + core::Milliseconds(400));
  const TcpSenderStats& s = loop.sender.stats(loop.now());
  EXPECT_TRUE(loop.sender.done());
  EXPECT_EQ(s.timeouts, 1u);
  EXPECT_EQ(loop.delivered, 40 * uint64_t{c.mss});
}

TEST(TcpConnection, ABottleneckQueueCausesLossesAndTheStreamKeepsTheLinkBusy) {
  TcpLoop loop(TcpConfig{}, 0, {.rate_bps = 1e9, .delay = core::Microseconds(100), .queue = 64});
  loop.run_until(core::Time::zero() + core::Milliseconds(100));
  const uint64_t warm = loop.delivered;
  loop.sender.reset_stats(loop.now());
  loop.run_until(core::Time::zero() + core::Milliseconds(1100));
  const TcpSenderStats& s = loop.sender.stats(loop.now());
  const double goodput_bps = 8.0 * double(loop.delivered - warm) / 1.0;
  const double payload_share = 1448.0 / (1448 + 78);
  EXPECT_LE(goodput_bps, 1e9 * payload_share * 1.0001);  // never above the line rate
  EXPECT_GT(goodput_bps, 0.8e9 * payload_share);
  EXPECT_GT(loop.link_drops, 0u);
  EXPECT_GT(s.recoveries, 0u);
  EXPECT_EQ(s.timeouts, 0u);
  EXPECT_GT(s.cwnd_max, 64u);
}

TEST(TcpReceiver, AcksEverySecondSegmentOnceTheWindowIsOpenAndDelaysALoneOne) {
  const TcpConfig c;
  TcpReceiver r(c);
  core::Time t;
  uint64_t seq = 0;
  auto feed = [&] {
    TcpHeader h;
    h.seq = seq;
    h.len = c.mss;
    seq += c.mss;
    t += core::Microseconds(1);
    const auto a = r.on_segment(h, 0, t);
    r.on_read(c.mss, t);
    return a;
  };
  // Quick ACKs: half the initial window's segments, then one for each
  // segment that opens the window (tcp_grow_window), until it reaches
  // the free buffer (about 64 KB of the initial 128 KB).
  uint32_t quick = 0;
  for (; quick < 64; ++quick) {
    feed();
    if (!r.ack_due()) break;
    r.make_ack();
  }
  EXPECT_GE(quick, std::min(c.max_quickacks, c.initial_rcv_wnd() / (2 * c.mss)));
  EXPECT_LT(quick, 64u);
  EXPECT_GE(r.window(), c.rmem_default / 2 - 2 * c.mss);  // the free buffer when the last segment came
  EXPECT_FALSE(r.ack_due());
  EXPECT_EQ(r.delack_at(), t + c.delack_min);
  feed();
  EXPECT_TRUE(r.ack_due()) << "two full segments unacknowledged";
  const TcpHeader ack = r.make_ack();
  EXPECT_EQ(ack.ack, seq);
  EXPECT_EQ(r.delack_at(), core::Time::max());
}

// Data after a silence longer than the receiver's RTO is acknowledged at
// once again (tcp_event_data_recv: the sender apparently did not restart
// its window), where after a shorter one a lone segment waits for the
// delayed ACK.
TEST(TcpReceiver, AfterASilenceLongerThanTheRtoDataIsAcknowledgedQuicklyAgain) {
  const TcpConfig c;
  TcpReceiver r(c);
  core::Time t;
  uint64_t seq = 0;
  auto lone = [&](core::Duration gap) {
    TcpHeader h;
    h.seq = seq;
    h.len = c.mss;
    seq += c.mss;
    t += gap;
    r.on_segment(h, 0, t);
    r.on_read(c.mss, t);
  };
  int quick = 0;  // the quick ACKs of the start used up
  for (; quick < 256; ++quick) {
    lone(core::Microseconds(1));
    if (!r.ack_due()) break;
    r.make_ack();
  }
  ASSERT_LT(quick, 256);
  r.make_ack();
  lone(core::Milliseconds(150));
  EXPECT_FALSE(r.ack_due()) << "150 ms: under the RTO";
  r.make_ack();
  lone(c.rto_min + core::Milliseconds(10));
  EXPECT_TRUE(r.ack_due()) << "over the RTO: quick ACKs again";
  r.make_ack();
  lone(core::Microseconds(1));
  EXPECT_TRUE(r.ack_due()) << "and for the segments after it";
}

// Request/response: a reply sent within the ACK timeout of the request
// puts the connection in ping-pong mode, where a lone segment waits for
// the reply to carry its ACK even with quick ACKs left; the reply's ACK
// cancels the delayed one; a delayed ACK that fires ends the mode.
TEST(TcpReceiver, AReplySoonAfterARequestEntersPingPongModeAndALateOneLeavesIt) {
  const TcpConfig c;
  TcpReceiver r(c);
  core::Time t;
  uint64_t seq = 0;
  auto request = [&] {
    TcpHeader h;
    h.seq = seq;
    h.len = 100;
    seq += 100;
    r.on_segment(h, 0, t);
    r.on_read(100, t);
  };
  request();
  EXPECT_TRUE(r.ack_due()) << "a quick ACK: not yet interactive";
  r.make_ack();
  t += core::Microseconds(30);
  r.data_sent(t);
  EXPECT_TRUE(r.pingpong());
  t += core::Microseconds(30);
  request();
  EXPECT_FALSE(r.ack_due()) << "the reply will carry it";
  EXPECT_EQ(r.delack_at(), t + c.delack_min);
  const uint64_t acks = r.acks_sent();
  const TcpHeader riding = r.data_ack(t);
  EXPECT_EQ(riding.ack, seq);
  EXPECT_EQ(r.delack_at(), core::Time::max());
  EXPECT_EQ(r.acks_sent(), acks) << "not a pure ACK";
  // No reply this time: the delayed ACK fires and the mode ends.
  t += core::Microseconds(30);
  request();
  t = r.delack_at();
  r.timers_fired(t);
  r.make_ack();
  EXPECT_FALSE(r.pingpong());
  // A reply later than the ACK timeout does not make it interactive.
  t += core::Microseconds(10);
  request();
  r.make_ack();
  t += c.delack_min;
  r.data_sent(t);
  EXPECT_FALSE(r.pingpong());
}

TEST(TcpReceiver, AHoleIsReportedBySackAndFillingItReleasesWhatWaited) {
  const TcpConfig c;
  TcpReceiver r(c);
  auto seg = [&](uint32_t i) {
    TcpHeader h;
    h.seq = uint64_t{i} * c.mss;
    h.len = c.mss;
    return r.on_segment(h, i, core::Time::zero());
  };
  seg(0);
  seg(1);
  EXPECT_TRUE(seg(3).ready.empty());
  EXPECT_TRUE(seg(4).ready.empty());
  EXPECT_TRUE(r.ack_due());
  const TcpHeader ack = r.make_ack();
  EXPECT_EQ(ack.ack, 2u * c.mss);
  ASSERT_EQ(ack.sacks, 1);
  EXPECT_EQ(ack.sack[0].start, 1u * c.mss);
  EXPECT_EQ(ack.sack[0].end, 3u * c.mss);
  const auto filled = seg(2);
  EXPECT_EQ(filled.ready, (std::vector<TcpReceiver::Ready>{{2, c.mss}, {3, c.mss}, {4, c.mss}}));
  EXPECT_EQ(r.rcv_nxt(), 5u * c.mss);
  EXPECT_TRUE(r.ack_due());
  EXPECT_TRUE(seg(1).duplicate);
}

// A receiver whose window is the free buffer: data still unread would
// shrink the window, so the second segment's ACK waits for the read, which
// sends it (tcp_cleanup_rbuf).
TEST(TcpReceiver, UnreadDataDefersTheAckToTheApplicationsRead) {
  TcpConfig c;
  c.rmem_max = c.rmem_default;  // no autotuning: the window stops at the free buffer
  TcpReceiver r(c);
  core::Time t;
  uint64_t seq = 0;
  auto feed = [&] {
    TcpHeader h;
    h.seq = seq;
    h.len = c.mss;
    seq += c.mss;
    t += core::Microseconds(1);
    r.on_segment(h, 0, t);
  };
  // Open the window up to the free buffer, reading as it comes.
  for (int i = 0; i < 64 && (i < 2 || r.ack_due()); ++i) {
    if (r.ack_due()) r.make_ack();
    feed();
    r.on_read(c.mss, t);
  }
  r.make_ack();
  const uint64_t read_before = seq;
  feed();
  feed();
  EXPECT_FALSE(r.ack_due()) << "two segments unread: the window would shrink";
  EXPECT_NE(r.delack_at(), core::Time::max());
  EXPECT_TRUE(r.on_read(seq - read_before, t)) << "the read sends the held ACK";
  EXPECT_TRUE(r.ack_due());
  EXPECT_EQ(r.make_ack().ack, seq);
}

// Out of order, the first three duplicate ACKs for one rcv_nxt go at once;
// then SACK compression holds them, up to 44, for at most 1 ms.
TEST(TcpReceiver, DuplicateAcksBeyondTheThirdAreCompressed) {
  TcpConfig c;
  c.rmem_default = c.rmem_max = 1 << 20;  // no autotuning, and a window for 44 held segments
  TcpReceiver r(c);
  core::Time t;
  auto seg = [&](uint32_t i) {
    TcpHeader h;
    h.seq = uint64_t{i} * c.mss;
    h.len = c.mss;
    t += core::Microseconds(1);
    r.on_segment(h, i, t);
  };
  // In order until the window is open and the quick ACKs are spent.
  uint32_t n = 0;
  for (; n < 1000; ++n) {
    seg(n);
    r.on_read(c.mss, t);
    if (!r.ack_due() && n > 20) break;
    if (r.ack_due()) r.make_ack();
  }
  ASSERT_LT(n, 1000u);
  r.make_ack();
  const uint64_t hole = uint64_t{n + 1} * c.mss;
  // Segment n + 1 is lost; the next three are answered at once.
  for (uint32_t i = n + 2; i <= n + 4; ++i) {
    seg(i);
    ASSERT_TRUE(r.ack_due()) << i;
    EXPECT_EQ(r.make_ack().ack, hole);
  }
  seg(n + 5);
  EXPECT_FALSE(r.ack_due());
  const core::Time timer = r.delack_at();
  EXPECT_GE(timer, t);
  EXPECT_LE(timer, t + c.comp_sack_delay);
  uint32_t i = n + 6;
  for (; i < n + 6 + c.comp_sack_nr && !r.ack_due(); ++i) seg(i);
  EXPECT_TRUE(r.ack_due()) << "the 44 held ones go with the next";
  EXPECT_EQ(i, n + 6 + c.comp_sack_nr);
  const TcpHeader ack = r.make_ack();
  EXPECT_EQ(ack.ack, hole);
  ASSERT_GE(ack.sacks, 1);
  EXPECT_EQ(ack.ack + ack.sack[0].end, uint64_t{i} * c.mss) << "the SACK reaches the latest segment";
  EXPECT_EQ(r.delack_at(), core::Time::max());
}

// What GRO merges can overlap what arrived before: only the new bytes
// count, and held segments a later arrival covers are let go.
TEST(TcpReceiver, OverlappingArrivalsAreTrimmedAndCoveredOnesDiscarded) {
  const TcpConfig c;
  TcpReceiver r(c);
  auto range = [&](uint32_t from, uint32_t to, uint32_t id) {
    TcpHeader h;
    h.seq = uint64_t{from} * c.mss;
    h.len = (to - from) * c.mss;
    return r.on_segment(h, id, core::Time::zero());
  };
  range(0, 1, 0);
  range(2, 3, 1);                                                   // held
  EXPECT_EQ(range(2, 4, 2).discarded, (std::vector<uint32_t>{1}));  // covers it
  const auto a = range(0, 3, 3);                                    // overlaps segment 0 and the held [2, 4)
  EXPECT_EQ(a.ready, (std::vector<TcpReceiver::Ready>{{3, 2 * c.mss}, {2, c.mss}}));
  EXPECT_EQ(r.rcv_nxt(), 4u * c.mss);
}

TEST(TcpConnection, RerunsAreIdentical) {
  auto run = [] {
    TcpLoop loop(TcpConfig{}, 0, {.rate_bps = 1e9, .delay = core::Microseconds(100), .queue = 64});
    loop.run_until(core::Time::zero() + core::Milliseconds(200));
    const TcpSenderStats& s = loop.sender.stats(loop.now());
    return std::tuple(loop.delivered, s.retransmits, s.recoveries, loop.sender.cwnd());
  };
  EXPECT_EQ(run(), run());
}

TEST(TcpConnection, ALostRetransmissionOvertakenBySegmentsSentAfterItGoesAgainWithoutTheTimeout) {
  const TcpConfig c = config_without_hystart();
  const uint64_t lost = 30 * uint64_t{c.mss};
  TcpLoop loop(c, 2000 * uint64_t{c.mss}, kTenGig);
  drop_first_sends(loop, lost, 2);
  loop.run_until(core::Time::zero() + core::Milliseconds(50));
  const TcpSenderStats& s = loop.sender.stats(loop.now());
  EXPECT_TRUE(loop.sender.done());
  EXPECT_EQ(s.timeouts, 0u);
  EXPECT_EQ(s.retransmits, 2u);
}

// Recovery cut ssthresh for this window; the RTOs that follow while the
// hole is still open (from Recovery, then backing off in Loss) do not cut
// it again (tcp_enter_loss cuts once per window).
TEST(TcpConnection, TimeoutsInsideARecoveredWindowKeepItsCut) {
  const TcpConfig c = config_without_hystart();
  const uint64_t lost = 30 * uint64_t{c.mss};
  TcpLoop loop(c, 40 * uint64_t{c.mss}, kTenGig);
  drop_first_sends(loop, lost, 3);
  uint32_t cut = 0;
  loop.on_ack = [&](core::Time) {
    if (cut == 0 && loop.sender.state() == TcpSender::State::kRecovery) cut = loop.sender.ssthresh();
  };
  loop.run_until(core::Time::zero() + core::Milliseconds(2000));
  const TcpSenderStats& s = loop.sender.stats(loop.now());
  EXPECT_TRUE(loop.sender.done());
  EXPECT_EQ(s.recoveries, 1u);
  EXPECT_EQ(s.timeouts, 2u);
  ASSERT_GT(cut, 0u);
  EXPECT_EQ(loop.sender.ssthresh(), cut);
}

// Two segments SACKed above a hole are too few for dupthresh; RACK calls
// it lost once it has been out a quarter of the minimum RTT longer than
// the segment delivered after it (its reordering timer, plus 2 ms), and
// fast recovery resends it: no probe, no timeout.
TEST(TcpConnection, RackFindsAHoleThatDupthreshCannot) {
  const TcpConfig c = config_without_hystart();
  const uint64_t lost = 17 * uint64_t{c.mss};
  TcpLoop loop(c, 20 * uint64_t{c.mss}, kTenGig);
  drop_first_sends(loop, lost, 1);
  loop.run_until(core::Time::zero() + core::Milliseconds(1));
  EXPECT_FALSE(loop.sender.done()) << "the reordering timer waits 2 ms at least";
  loop.run_until(core::Time::zero() + core::Milliseconds(5));
  const TcpSenderStats& s = loop.sender.stats(loop.now());
  EXPECT_TRUE(loop.sender.done());
  EXPECT_EQ(s.recoveries, 1u);
  EXPECT_EQ(s.probes, 0u);
  EXPECT_EQ(s.timeouts, 0u);
  EXPECT_EQ(s.retransmits, 1u);
}

// A hole with too few SACKed segments above it and nothing new to send:
// one loss probe, then the RTO resends the hole (not probe after probe).
TEST(TcpConnection, AProbeThatRepairsNothingLeavesTheHoleToTheTimeout) {
  const TcpConfig c = config_without_hystart();
  const uint64_t lost = 17 * uint64_t{c.mss};
  TcpLoop loop(c, 19 * uint64_t{c.mss}, kTenGig);
  drop_first_sends(loop, lost, 1);
  loop.run_until(core::Time::zero() + core::Milliseconds(500));
  const TcpSenderStats& s = loop.sender.stats(loop.now());
  EXPECT_TRUE(loop.sender.done());
  EXPECT_LE(s.probes, 1u);
  EXPECT_EQ(loop.delivered, 19 * uint64_t{c.mss});
}

// RFC 2861 as Linux does it (tcp_slow_start_after_idle_check,
// tcp_cwnd_restart): new data after an idle period longer than the RTO
// starts again from the initial window, halved once per further RTO of
// idleness but never below it, and ssthresh keeps three quarters of the
// old window so that slow start climbs back quickly. A shorter pause, or
// the sysctl off, keeps the window.
TEST(TcpConnection, AnIdlePeriodLongerThanTheRtoRestartsTheWindow) {
  auto grown = [](bool restart) {
    TcpConfig c;
    c.slow_start_after_idle = restart;
    c.rmem_default = c.rmem_max;
    auto loop = std::make_unique<TcpLoop>(c, 0, kTenGig);
    loop->sender.app_writes();
    loop->write_at(core::Time::zero(), 8'000'000);
    loop->run_until(core::Time::zero() + core::Milliseconds(50));
    return loop;
  };
  {
    std::unique_ptr<TcpLoop> loop = grown(true);
    ASSERT_EQ(loop->sender.acked(), 8'000'000u);
    const uint32_t before = loop->sender.cwnd();
    ASSERT_GT(before, 40u);
    const core::Duration rto = loop->sender.rto();
    EXPECT_GT(rto, core::Milliseconds(200));
    // A pause shorter than the RTO: the window stays.
    loop->write_at(loop->now() + core::Milliseconds(150), 14'480);
    loop->run_until(loop->now() + core::Milliseconds(150));
    EXPECT_EQ(loop->sender.cwnd(), before);
    loop->run_until(loop->now() + core::Milliseconds(10));
    const uint32_t after_short = loop->sender.cwnd();
    const uint32_t ssthresh = loop->sender.ssthresh();
    // 2.5 RTOs idle: two halvings (at 1.5 and 2.5 RTOs), floored at 10.
    loop->write_at(loop->now() + rto * 5 / 2, 14'480);
    loop->run_until(loop->now() + rto * 5 / 2);
    EXPECT_EQ(loop->sender.cwnd(), std::max(after_short / 4, c_initial_cwnd()));
    EXPECT_EQ(loop->sender.ssthresh(), std::max(ssthresh, (after_short >> 1) + (after_short >> 2)));
    // Ten RTOs: the initial window.
    loop->run_until(loop->now() + core::Milliseconds(10));
    loop->write_at(loop->now() + rto * 10, 14'480);
    loop->run_until(loop->now() + rto * 10);
    EXPECT_EQ(loop->sender.cwnd(), c_initial_cwnd());
  }
  {
    std::unique_ptr<TcpLoop> loop = grown(false);
    const uint32_t before = loop->sender.cwnd();
    loop->write_at(loop->now() + core::Seconds(2), 14'480);
    loop->run_until(loop->now() + core::Seconds(2));
    EXPECT_EQ(loop->sender.cwnd(), before) << "net.ipv4.tcp_slow_start_after_idle = 0";
  }
}

// A pause shorter than the RTO keeps the window, and CUBIC's epoch moves
// by the pause (cubictcp_cwnd_event, CA_EVENT_TX_START): its curve resumes
// where it stopped, so after a loss (W_max above the window, the curve's
// K seconds away) a 40 ms and a 150 ms pause give the same growth.
// Without the move the longer pause would put the window 110 ms further
// along the curve.
TEST(TcpConnection, APauseDoesNotAdvanceCubicsCurve) {
  auto after_pause = [](core::Duration pause) {
    TcpConfig c;
    c.rmem_default = c.rmem_max;
    TcpLoop loop(c, 0, {.rate_bps = 1e9, .delay = core::Milliseconds(1), .queue = 100000});
    drop_first_sends(loop, uint64_t{10'000} * c.mss, 1);  // one loss: W_max set, K seconds away
    loop.sender.app_writes();
    loop.write_at(core::Time::zero(), 20'000'000);
    while (loop.sender.acked() < 20'000'000u && loop.now() < core::Time::zero() + core::Seconds(3)) {
      loop.run_until(loop.now() + core::Microseconds(100));
    }
    EXPECT_EQ(loop.sender.acked(), 20'000'000u);
    const uint64_t recoveries = loop.sender.stats(loop.now()).recoveries;
    EXPECT_GT(recoveries, 0u);
    const uint32_t before = loop.sender.cwnd();
    loop.write_at(loop.now() + pause, 60'000'000);
    loop.run_until(loop.now() + pause);
    EXPECT_EQ(loop.sender.cwnd(), before) << "shorter than the RTO: no restart";
    loop.run_until(loop.now() + core::Milliseconds(100));
    EXPECT_EQ(loop.sender.stats(loop.now()).recoveries, recoveries) << "no loss yet";
    return std::pair{before, loop.sender.cwnd()};
  };
  const auto [short_before, short_after] = after_pause(core::Milliseconds(40));
  const auto [long_before, long_after] = after_pause(core::Milliseconds(150));
  EXPECT_EQ(short_before, long_before);
  EXPECT_GT(short_after, short_before) << "the window grows after the pause";
  EXPECT_EQ(long_after, short_after);
}

}  // namespace
}  // namespace viosim::models
