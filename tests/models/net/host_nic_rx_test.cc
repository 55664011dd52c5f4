// Host NAPI: each poll takes at most the weight (64); a softirq run
// (net_rx_action) ends after the netdev budget (300) or its time limit
// (2 ms) with work left, counted as time_squeeze, and the work goes on in
// the next run; nothing is lost.
#include "models/net/host_nic_rx.h"

#include <gtest/gtest.h>

#include <memory>

#include "models/host/core.h"
#include "models/host/host_thread.h"

namespace viosim::models {
namespace {

struct Bench {
  explicit Bench(HostNetCosts costs = {}) {
    core_ = std::make_unique<Core>(sim, "core0", nullptr, CpuCosts{}, 0);
    softirq_ = std::make_unique<HostThread>(sim, "softirq", nullptr, *core_);
    HostNicRx::Config config;
    config.ring_size = 4096;
    config.moderation.mode = ModerationMode::kFixed;
    config.moderation.fixed.rx_usecs = core::Duration::zero();
    config.moderation.fixed.rx_frames = 1;
    rx = std::make_unique<HostNicRx>(sim, "rx0", nullptr, config, costs, pool, softirq_.get(), HostNicRx::DeliverCost{},
                                     [this](uint32_t p, HostThread&) {
                                       ++delivered;
                                       pool.deliver(p);
                                     });
  }
  // `n` frames land in the ring at once, then the run goes to the end.
  void burst(uint32_t n) {
    sim.run_until(core::Time::zero() + core::Microseconds(10));  // the softirq thread is up and asleep
    for (uint32_t i = 0; i < n; ++i) rx->receive(pool.alloc().id);
    sim.run_until(core::Time::zero() + core::Milliseconds(200));
  }

  core::Simulator sim;
  PacketPool pool;
  std::unique_ptr<Core> core_;
  std::unique_ptr<HostThread> softirq_;
  std::unique_ptr<HostNicRx> rx;
  uint64_t delivered = 0;
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

}  // namespace
}  // namespace viosim::models
