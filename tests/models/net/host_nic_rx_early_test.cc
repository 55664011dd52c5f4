// Frames handed to a host NIC queue before they arrive (receive_early, as
// the wire does for a TCP train) land as if each had come at its time:
// the same deliveries at the same instants, the same interrupts, polls,
// drops and DDIO hits, under every moderation policy, with two queues
// sharing the DDIO ways and TX completions interleaved. Only the events
// are fewer.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <tuple>
#include <vector>

#include "models/host/core.h"
#include "models/host/dma_lines.h"
#include "models/host/host_thread.h"
#include "models/net/host_nic_rx.h"
#include "sim-core/member_event.h"
#include "sim-core/rng.h"
#include "tests/support/train_frames.h"

namespace viosim::models {
namespace {

using testing::make_train_frames;
using testing::TrainFrame;
using testing::TrainOutcome;

class TrainHost : public core::Component {
 public:
  TrainHost(core::Simulator& sim, const InterruptModerationConfig& moderation, uint32_t ring, bool early)
      : core::Component(sim, "host"), feeder_(pool_, early) {
    CpuCosts costs;
    costs.cache.ddio_lines = 64;  // a few frames' worth: the ways evict
    ddio_ = std::make_unique<DdioWays>(sim, "ddio", this, costs.cache.ddio_lines);
    for (uint32_t q = 0; q < 2; ++q) {
      cores_.push_back(std::make_unique<Core>(sim, "core" + std::to_string(q), this, costs, q));
      softirqs_.push_back(std::make_unique<HostThread>(sim, "softirq" + std::to_string(q), this, *cores_[q]));
      HostNicRx::Config config;
      config.ring_size = ring;
      config.moderation = moderation;
      HostNetCosts net;
      net.nic_rx_packet = core::Cycles(1500);  // a poll of a train outlasts some of its frames
      queues_.push_back(std::make_unique<HostNicRx>(
          sim, "rx" + std::to_string(q), this, config, net, pool_, softirqs_[q].get(), HostNicRx::DeliverCost{},
          [this, q](uint32_t p, HostThread&) {
            delivered_.emplace_back(q, feeder_.tag(p), (now() - core::Time::zero()).ps());
            pool_.deliver(p);
          },
          ddio_.get()));
    }
  }
  const core::ComponentSpec& spec() const override {
    static const core::ComponentSpec s{.type = "test.host", .help = "", .params = {}, .ports = {}, .stats = {}};
    return s;
  }

  TrainOutcome run(const std::vector<TrainFrame>& arrivals, const std::vector<core::Time>& completions) {
    for (const core::Time t : completions) {
      tx_.push_back(std::make_unique<core::MemberEvent>(this, "tx", [this] { queues_[0]->transmitted(1514); }));
      tx_.back()->schedule_at(t);
    }
    feeder_.start(arrivals, next_);
    testing::run_with_reset_mid_train(sim(), arrivals, core::Time::zero() + core::Milliseconds(20));
    TrainOutcome o;
    o.taken = delivered_;
    for (const auto& q : queues_) {
      o.counts.insert(o.counts.end(), {q->interrupts(), q->polls(), q->drops(), q->counter_value("frames"),
                                       q->tx_cleaned(), q->time_squeeze()});
    }
    o.counts.insert(o.counts.end(), {ddio_->llc_loads(), ddio_->dram_loads()});
    o.events = sim().events_executed();
    o.offered = arrivals.size();
    return o;
  }

 private:
  PacketPool pool_;
  testing::TrainFeeder feeder_;
  std::unique_ptr<DdioWays> ddio_;
  std::vector<std::unique_ptr<Core>> cores_;
  std::vector<std::unique_ptr<HostThread>> softirqs_;
  std::vector<std::unique_ptr<HostNicRx>> queues_;
  std::vector<std::unique_ptr<core::MemberEvent>> tx_;
  std::vector<std::tuple<uint32_t, uint32_t, int64_t>> delivered_;
  core::MemberEvent next_{this, "arrival", [this] { feeder_.arrive(queues_, next_); }};
};

TrainOutcome run_trains(const InterruptModerationConfig& moderation, uint32_t ring, bool early, uint64_t seed) {
  core::Simulator sim;
  TrainHost host(sim, moderation, ring, early);
  std::vector<core::Time> completions;
  core::Rng rng(seed + 99);
  for (int k = 0; k < 200; ++k) {
    completions.push_back(core::Time::zero() + core::Nanoseconds(static_cast<int64_t>(rng.below(10'000'000))) +
                          core::Duration::from_ps(3));
  }
  return host.run(make_train_frames(seed, 300, 60, 40'000), completions);
}

struct ModerationPolicy {
  const char* name;
  InterruptModerationConfig config;
};

std::vector<ModerationPolicy> moderation_policies() {
  std::vector<ModerationPolicy> out;
  InterruptModerationConfig c;
  c.mode = ModerationMode::kFixed;
  c.fixed.rx_usecs = core::Microseconds(8);
  c.fixed.rx_frames = 16;
  out.push_back({"fixed_count", c});
  c.fixed.rx_frames = 0;
  out.push_back({"fixed_timer", c});
  c.fixed.timer = CoalesceTimer::kRestartOnFrame;
  c.fixed.rx_frames = 32;
  out.push_back({"fixed_restart", c});
  // Deadlines at the very picosecond of a train's next frame (a frame
  // every 485 ns): the frame comes first, on time or early.
  c.fixed.rx_usecs = core::Nanoseconds(485);
  c.fixed.rx_frames = 0;
  out.push_back({"fixed_restart_tie", c});
  c.fixed.timer = CoalesceTimer::kFromFirstFrame;
  c.fixed.rx_usecs = core::Nanoseconds(485 * 6);
  out.push_back({"fixed_timer_tie", c});
  c = {};
  c.mode = ModerationMode::kIxgbe;
  out.push_back({"ixgbe", c});
  c.mode = ModerationMode::kI40e;
  out.push_back({"i40e", c});
  c.mode = ModerationMode::kIce;
  out.push_back({"ice", c});
  c.mode = ModerationMode::kNetDim;
  out.push_back({"net_dim", c});
  return out;
}

TEST(HostNicRxEarly, TrainsHandedOverEarlyLandAsIfOnTime) {
  for (const ModerationPolicy& p : moderation_policies()) {
    for (const uint32_t ring : {4096u, 24u}) {  // the small ring drops
      for (const uint64_t seed : {1u, 2u}) {
        SCOPED_TRACE(std::string(p.name) + " ring " + std::to_string(ring) + " seed " + std::to_string(seed));
        const TrainOutcome on_time = run_trains(p.config, ring, false, seed);
        const TrainOutcome early = run_trains(p.config, ring, true, seed);
        ASSERT_GT(on_time.taken.size(), 1000u);
        EXPECT_EQ(early.taken, on_time.taken);
        EXPECT_EQ(early.counts, on_time.counts);
        EXPECT_LT(early.events, on_time.events);
        if (ring == 24) {
          EXPECT_LT(on_time.taken.size(), on_time.offered);  // drops happened
        }
      }
    }
  }
}

// Interrupt moderation's promise: after quiet_frames(c) says q, q more
// frames of that cause, each no earlier than the last call and no later
// than the deadline, leave the deadline where it is.
TEST(InterruptModeration, QuietFramesDoNotMoveTheDeadline) {
  for (const ModerationPolicy& p : moderation_policies()) {
    SCOPED_TRACE(p.name);
    core::Rng rng(7);
    std::unique_ptr<InterruptModerator> m = make_interrupt_moderator(p.config);
    core::Time now = core::Time::zero();
    uint32_t checked = 0;
    for (int step = 0; step < 20'000; ++step) {
      now += core::Nanoseconds(static_cast<int64_t>(rng.below(3'000)));
      if (m->deadline() <= now && m->deadline() != core::Time::max()) {
        now = m->deadline();
        m->on_interrupt(now);
        continue;
      }
      if (m->masked()) {
        if (rng.below(4) == 0) m->on_rearm(now, NapiWork{rng.below(64), rng.below(90'000), 0, 0});
        continue;
      }
      const auto cause = static_cast<IrqCause>(rng.below(2));
      const uint32_t quiet = m->quiet_frames(cause);
      const core::Time deadline = m->deadline();
      if (quiet > 0 && deadline != core::Time::max()) {
        // Up to a few of the quiet frames, at times up to the deadline.
        const uint32_t n = std::min<uint32_t>(quiet, 1 + static_cast<uint32_t>(rng.below(40)));
        for (uint32_t k = 0; k < n; ++k) {
          const core::Duration left = deadline - now;
          now += core::Duration::from_ps(static_cast<int64_t>(
              rng.below(static_cast<uint32_t>(std::min<int64_t>(left.ps() / 4 + 1, 1'000'000'000)))));
          EXPECT_FALSE(m->on_frame(now, cause).changed);
          ++checked;
        }
        continue;
      }
      m->on_frame(now, cause);
    }
    // A timer restarted by each frame has none quiet; the rest have many.
    if (p.config.mode == ModerationMode::kFixed && p.config.fixed.timer == CoalesceTimer::kRestartOnFrame) {
      EXPECT_EQ(checked, 0u);
    } else {
      EXPECT_GT(checked, 100u);
    }
  }
}

}  // namespace
}  // namespace viosim::models
