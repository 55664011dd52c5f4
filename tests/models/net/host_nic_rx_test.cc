// Host NAPI: each poll takes at most the weight (64); a softirq run
// (net_rx_action) ends after the netdev budget (300) or its time limit
// (2 ms) with work left, counted as time_squeeze, and the work goes on in
// the next run; nothing is lost.
#include "models/net/host_nic_rx.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "models/host/core.h"
#include "models/host/dma_lines.h"
#include "models/host/host_thread.h"
#include "models/traffic/flow.h"

namespace viosim::models {
namespace {

struct Bench {
  // `ddio_lines` > 0: frames and descriptors are written through DDIO
  // ways of that many lines, and the driver's loads cost what they do.
  explicit Bench(HostNetCosts costs = {}, core::Duration jiffy = core::Milliseconds(4),
                 HostNicRx::DeliverCost deliver_cost = {}, uint64_t ddio_lines = 0) {
    if (ddio_lines > 0) ddio_ = std::make_unique<DdioWays>(sim, "ddio", nullptr, ddio_lines);
    core_ = std::make_unique<Core>(sim, "core0", nullptr, CpuCosts{}, 0);
    softirq_ = std::make_unique<HostThread>(sim, "softirq", nullptr, *core_);
    HostNicRx::Config config;
    config.ring_size = 4096;
    config.moderation.mode = ModerationMode::kFixed;
    config.moderation.fixed.rx_usecs = core::Duration::zero();
    config.moderation.fixed.rx_frames = 1;
    config.jiffy = jiffy;
    rx = std::make_unique<HostNicRx>(
        sim, "rx0", nullptr, config, costs, pool, softirq_.get(), std::move(deliver_cost),
        [this](uint32_t p, HostThread&) {
          ++delivered;
          delivered_at = sim.now();
          skb_segments.push_back(pool[p].segs);
          pool.deliver(p);
        },
        ddio_.get());
  }
  // A TCP data segment of one connection, `seq` in MSS units.
  uint32_t segment(uint32_t seq) {
    Packet& p = pool.alloc();
    p.tcp_data = true;
    p.bytes = kMss + kTcpFrameOverhead;
    TcpHeader& h = pool.tcp(p.id);
    h = TcpHeader{};
    h.seq = uint64_t{seq} * kMss;
    h.len = kMss;
    return p.id;
  }
  static constexpr uint32_t kMss = 1448;
  // `n` frames land in the ring at once, then the run goes to the end.
  void burst(uint32_t n) {
    sim.run_until(core::Time::zero() + core::Microseconds(10));  // the softirq thread is up and asleep
    for (uint32_t i = 0; i < n; ++i) rx->receive(pool.alloc().id);
    sim.run_until(core::Time::zero() + core::Milliseconds(200));
  }

  core::Simulator sim;
  PacketPool pool;
  std::unique_ptr<DdioWays> ddio_;
  std::unique_ptr<Core> core_;
  std::unique_ptr<HostThread> softirq_;
  std::unique_ptr<HostNicRx> rx;
  uint64_t delivered = 0;
  core::Time delivered_at;
  std::vector<uint16_t> skb_segments;  // of each skb delivered, in order
};

TEST(HostNapi, PollsTakeTheWeightAndRunsStopAtTheBudget) {
  Bench b;
  b.burst(1000);
  EXPECT_EQ(b.delivered, 1000u);
  EXPECT_EQ(b.rx->interrupts(), 1u);          // masked until NAPI completes
  EXPECT_EQ(b.rx->polls(), 16u);              // ceil(1000 / 64): every poll a full weight but the last
  EXPECT_EQ(b.rx->time_squeeze(), 3u);        // 5 polls (320 >= 300) per run, three times
}

TEST(HostNapi, RunsStopAtTheTimeLimit) {
  HostNetCosts slow;
  slow.nic_rx_packet = core::Cycles(200'000);  // ~67 us a frame at 3 GHz: a poll of 64 takes > 2 ms
  Bench b(slow);
  b.burst(200);  // under the packet budget
  EXPECT_EQ(b.delivered, 200u);
  EXPECT_EQ(b.rx->polls(), 4u);
  EXPECT_EQ(b.rx->time_squeeze(), 3u);  // every poll but the last outlasts the 2 ms
}

// TX completions of frames the host sent: one interrupt, cleaned in NAPI
// at most 256 a poll, each once.
TEST(HostNapi, TxCompletionsAreCleanedAtMost256APoll) {
  Bench b;
  b.sim.run_until(core::Time::zero() + core::Microseconds(10));
  for (int i = 0; i < 600; ++i) b.rx->transmitted(64);
  b.sim.run_until(core::Time::zero() + core::Milliseconds(5));
  EXPECT_EQ(b.rx->tx_cleaned(), 600u);
  EXPECT_EQ(b.rx->interrupts(), 1u);
  EXPECT_EQ(b.rx->polls(), 3u);  // 256 + 256 + 88
  EXPECT_EQ(b.delivered, 0u);
}

// The driver's clean loop reads each descriptor as it goes, so frames
// landing while a poll runs are that poll's: GRO keeps merging them, and
// what it holds goes up only when the poll ends (here on an empty ring,
// napi_complete_done). Segments arriving every 0.2 us, each costing the
// softirq 0.4 us: one interrupt, one poll, one skb.
TEST(HostNapi, FramesLandingDuringAPollJoinItsGroSkbs) {
  Bench b;
  b.sim.run_until(core::Time::zero() + core::Microseconds(10));
  for (uint32_t i = 0; i < 40; ++i) {
    b.sim.run_until(core::Time::zero() + core::Microseconds(10) + core::Nanoseconds(200) * i);
    b.rx->receive(b.segment(i));
  }
  b.sim.run_until(core::Time::zero() + core::Milliseconds(5));
  EXPECT_EQ(b.rx->interrupts(), 1u);
  EXPECT_EQ(b.rx->polls(), 1u);
  EXPECT_EQ(b.skb_segments, std::vector<uint16_t>({40}));
  EXPECT_EQ(b.rx->gro_merged(), 39u);
}

// The frames of a train the wire handed over early are known before they
// land, so the passes that would take them one after another (each what
// landed during the last) run in one step. 120 segments every 0.42 us,
// each costing the softirq 0.4 us: the backlog the interrupt's wake-up
// left shrinks a frame or so a pass. The same skbs at the same instants
// as with every frame on time, with a step a poll (and one to hand GRO's
// skbs up) where it took one a pass. With the driver's loads costed too
// (each pass pays its own, overlapped over its own frames), and without;
// the counts since a reset mid-train the same too.
TEST(HostNapi, PassesOverATrainHandedOverEarlyRunInOneStep) {
  struct Outcome {
    std::vector<uint16_t> skbs;
    core::Time delivered_at;
    uint64_t polls = 0, interrupts = 0, events = 0;
    std::vector<uint64_t> counts;  // since a statistics reset mid-train
  };
  auto run = [](bool early, uint64_t ddio_lines) {
    Bench b({}, core::Milliseconds(4), {}, ddio_lines);
    b.rx->set_known_until([] { return core::Time::max(); });  // the train is the only traffic
    const core::Time t0 = core::Time::zero() + core::Microseconds(10);
    b.sim.run_until(t0);
    std::vector<uint32_t> segments;
    for (uint32_t i = 0; i < 120; ++i) segments.push_back(b.segment(i));
    const uint64_t before = b.sim.events_executed();
    // The statistics reset mid-train, as the warm-up's (what is due settles
    // first): what a pass run ahead counts falls in the window it would have.
    const core::Time reset = t0 + core::Nanoseconds(420 * 30 + 7);
    bool was_reset = false;
    auto reset_stats = [&] {
      b.sim.run_until(reset);
      for (core::Component* c : b.sim.components()) c->settle();
      for (core::Component* c : b.sim.components()) c->reset_stats();
      was_reset = true;
    };
    for (uint32_t i = 0; i < 120; ++i) {
      const core::Time at = t0 + core::Nanoseconds(420) * i;
      if (i == 0 || !early) {
        if (at > reset && !was_reset) reset_stats();
        b.sim.run_until(at);
        b.rx->receive(segments[i]);
      } else {
        b.rx->receive_early(segments[i], at);
      }
    }
    if (!was_reset) reset_stats();
    b.sim.run_until(t0 + core::Milliseconds(5));
    b.sim.finish();
    std::vector<uint64_t> counts = {b.rx->counter_value("frames"), b.rx->gro_merged()};
    if (b.ddio_) counts.insert(counts.end(), {b.ddio_->llc_loads(), b.ddio_->dram_loads()});
    return Outcome{b.skb_segments,    b.delivered_at, b.rx->polls(), b.rx->interrupts(),
                   b.sim.events_executed() - before, counts};
  };
  for (const uint64_t ddio_lines : {uint64_t{0}, uint64_t{1} << 16}) {
    SCOPED_TRACE(ddio_lines);
    const Outcome on_time = run(false, ddio_lines);
    const Outcome early = run(true, ddio_lines);
    EXPECT_EQ(on_time.skbs, std::vector<uint16_t>({45, 19, 45, 11}));  // two polls on their weight, 64 KB skbs
    EXPECT_EQ(early.skbs, on_time.skbs);
    EXPECT_EQ(early.delivered_at, on_time.delivered_at);
    EXPECT_EQ(early.polls, on_time.polls);
    EXPECT_EQ(early.interrupts, on_time.interrupts);
    EXPECT_EQ(early.counts, on_time.counts);
    EXPECT_GE(on_time.events, 3 * early.events);
  }
}

// A poll that takes its whole weight ends with NAPI still scheduled
// (__napi_poll): below HZ 1000 GRO hands up everything it holds, from 1000
// only what it has held since an earlier jiffy. 100 segments at once: the
// first poll takes 64, a full skb (45 segments, the 64 KB limit) and 19
// held; the second the other 36.
TEST(HostNapi, APollOnItsWeightFlushesGroBelowHz1000AndKeepsYoungSkbsFrom1000) {
  for (const int hz : {250, 1000}) {
    Bench b({}, core::Milliseconds(1000 / hz));
    b.sim.run_until(core::Time::zero() + core::Microseconds(10));
    for (uint32_t i = 0; i < 100; ++i) b.rx->receive(b.segment(i));
    b.sim.run_until(core::Time::zero() + core::Milliseconds(5));
    SCOPED_TRACE(hz);
    EXPECT_EQ(b.rx->polls(), 2u);
    if (hz == 250) {
      EXPECT_EQ(b.skb_segments, std::vector<uint16_t>({45, 19, 36}));
    } else {
      EXPECT_EQ(b.skb_segments, std::vector<uint16_t>({45, 45, 10}));
    }
  }
}

// A TX completion written back while an ended poll hands GRO's skbs up
// (the vector still masked) is latched: the re-arm raises the interrupt
// and the next poll cleans it, though no frame follows.
TEST(HostNapi, ATxCompletionDuringTheGroFlushIsNotLost) {
  const auto deliver_cost = [](uint32_t) { return core::Cycles(30'000); };  // 10 us at 3 GHz
  auto burst = [](Bench& b) {
    b.sim.run_until(core::Time::zero() + core::Microseconds(10));
    for (uint32_t i = 0; i < 10; ++i) b.rx->receive(b.segment(i));
  };
  // Where the flush step ends: when its one skb is delivered.
  Bench probe({}, core::Milliseconds(4), deliver_cost);
  burst(probe);
  probe.sim.run_until(core::Time::zero() + core::Milliseconds(1));
  ASSERT_EQ(probe.skb_segments, std::vector<uint16_t>({10}));
  const core::Time flush_ends = probe.delivered_at;

  Bench b({}, core::Milliseconds(4), deliver_cost);
  burst(b);
  b.sim.run_until(flush_ends - core::Microseconds(5));
  ASSERT_EQ(b.delivered, 0u) << "mid-flush";
  b.rx->transmitted(64);
  b.sim.run_until(core::Time::zero() + core::Milliseconds(5));
  EXPECT_EQ(b.rx->tx_cleaned(), 1u);
  EXPECT_EQ(b.rx->interrupts(), 2u);
}

}  // namespace
}  // namespace viosim::models
