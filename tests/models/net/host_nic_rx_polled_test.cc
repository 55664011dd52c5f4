// Frames handed to a DPDK-polled host NIC queue before they arrive
// (receive_early, as the wire does for a TCP train into a vhost-user host)
// are found by the poll-mode thread as if each had come at its time: the
// same frames taken at the same instants, the same drops, frame counts and
// DDIO loads. Only a frame that ends the poller's spin costs an event; one
// that comes while it is busy costs none.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "models/host/core.h"
#include "models/host/dma_lines.h"
#include "models/host/host_thread.h"
#include "models/net/host_nic_rx.h"
#include "sim-core/member_event.h"
#include "tests/support/train_frames.h"

namespace viosim::models {
namespace {

using testing::make_train_frames;
using testing::TrainFrame;
using testing::TrainOutcome;

// Two polled queues and one poll-mode thread that looks at each in turn,
// takes a burst from each, pays for it, and spins when both are empty,
// telling the queues so (as VhostUserPmd does).
class PolledHost : public core::Component {
 public:
  PolledHost(core::Simulator& sim, uint32_t ring, bool early, core::Cycles per_frame)
      : core::Component(sim, "host"), feeder_(pool_, early), per_frame_(per_frame) {
    CpuCosts costs;
    costs.cache.ddio_lines = 64;  // a few frames' worth: the ways evict
    ddio_ = std::make_unique<DdioWays>(sim, "ddio", this, costs.cache.ddio_lines);
    core_ = std::make_unique<Core>(sim, "core0", this, costs, 0);
    pmd_ = std::make_unique<HostThread>(sim, "pmd", this, *core_);
    for (uint32_t q = 0; q < 2; ++q) {
      HostNicRx::Config config;
      config.ring_size = ring;
      queues_.push_back(std::make_unique<HostNicRx>(sim, "rx" + std::to_string(q), this, config, HostNetCosts{}, pool_,
                                                    nullptr, HostNicRx::DeliverCost{}, HostNicRx::Deliver{},
                                                    ddio_.get()));
      queues_.back()->set_poller(pmd_.get());
    }
  }
  const core::ComponentSpec& spec() const override {
    static const core::ComponentSpec s{.type = "test.host", .help = "", .params = {}, .ports = {}, .stats = {}};
    return s;
  }

  void init() override {
    pmd_->start([this] { pass(); });
  }

  TrainOutcome run(const std::vector<TrainFrame>& arrivals) {
    feeder_.start(arrivals, next_);
    testing::run_with_reset_mid_train(sim(), arrivals, core::Time::zero() + core::Milliseconds(20));
    TrainOutcome o;
    o.taken = taken_;
    for (const auto& q : queues_) o.counts.insert(o.counts.end(), {q->drops(), q->counter_value("frames")});
    o.counts.insert(o.counts.end(), {ddio_->llc_loads(), ddio_->dram_loads(), spins_});
    o.events = sim().events_executed();
    o.offered = arrivals.size();
    return o;
  }

 private:
  // A burst of up to 8 from each queue, paid per frame: slower than the
  // wire's 485 ns between a train's frames, long trains back up (and the
  // small ring drops); faster, the poller catches up and spins mid-train.
  void pass() {
    uint32_t frames = 0;
    for (uint32_t q = 0; q < queues_.size(); ++q) {
      uint32_t p = 0;
      for (uint32_t n = 0; n < 8 && queues_[q]->poll(p); ++n, ++frames) {
        taken_.emplace_back(q, feeder_.tag(p), (now() - core::Time::zero()).ps());
        pool_.deliver(p);
      }
    }
    if (frames > 0) {
      pmd_->run(core::Cycles(200) + per_frame_ * frames, CpuCategory::kPmd, [this] { pass(); });
      return;
    }
    ++spins_;
    for (const auto& q : queues_) q->poller_waits(true);
    pmd_->spin(CpuCategory::kPmd, core::Duration::max(), /*yield=*/false, [this] {
      for (const auto& q : queues_) q->poller_waits(false);
      pass();
    });
  }
  PacketPool pool_;
  testing::TrainFeeder feeder_;
  core::Cycles per_frame_;
  std::unique_ptr<DdioWays> ddio_;
  std::unique_ptr<Core> core_;
  std::unique_ptr<HostThread> pmd_;
  std::vector<std::unique_ptr<HostNicRx>> queues_;
  std::vector<std::tuple<uint32_t, uint32_t, int64_t>> taken_;
  uint64_t spins_ = 0;
  core::MemberEvent next_{this, "arrival", [this] { feeder_.arrive(queues_, next_); }};
};

TrainOutcome run_polled(uint32_t ring, bool early, uint64_t seed, core::Cycles per_frame) {
  core::Simulator sim;
  PolledHost host(sim, ring, early, per_frame);
  return host.run(make_train_frames(seed, 300, 60, 40'000));
}

TEST(HostNicRxPolled, TrainsHandedOverEarlyAreTakenAsIfOnTime) {
  // At 3 GHz: 500 ns a frame (busy as the next arrives) and 200 ns (it
  // catches up and spins until the next).
  for (const core::Cycles per_frame : {core::Cycles(1'500), core::Cycles(600)}) {
    for (const uint32_t ring : {4096u, 24u}) {  // the small ring drops
      for (const uint64_t seed : {1u, 2u, 3u}) {
        SCOPED_TRACE("per frame " + std::to_string(per_frame.count()) + " ring " + std::to_string(ring) + " seed " +
                     std::to_string(seed));
        const TrainOutcome on_time = run_polled(ring, false, seed, per_frame);
        const TrainOutcome early = run_polled(ring, true, seed, per_frame);
        ASSERT_GT(on_time.taken.size(), 1000u);
        EXPECT_EQ(early.taken, on_time.taken);
        EXPECT_EQ(early.counts, on_time.counts);
        EXPECT_LT(early.events, on_time.events);
        if (per_frame == core::Cycles(1'500)) {
          // Most of a train's frames come while the poller is busy with
          // the ones before: far fewer events, not just fewer.
          EXPECT_LT(early.events * 3, on_time.events * 2);
          if (ring == 24) {
            EXPECT_GT(on_time.counts[0] + on_time.counts[2], 0u);  // the queues dropped, after the reset
          }
        }
      }
    }
  }
}

// A queue told that its poller spins lands the first frame held in an
// event at its arrival (which pokes the poller); one whose poller is busy
// holds it, with no event, and a look after its arrival finds it there.
TEST(HostNicRxPolled, OnlyASpinningPollerGetsAnEventAtTheArrival) {
  for (const bool spinning : {false, true}) {
    SCOPED_TRACE(spinning ? "spinning" : "busy");
    core::Simulator sim;
    CpuCosts costs;
    Core core(sim, "core0", nullptr, costs, 0);
    HostThread poller(sim, "pmd", nullptr, core);  // never started: a poke changes nothing
    PacketPool pool;
    HostNicRx rx(sim, "rx0", nullptr, HostNicRx::Config{}, HostNetCosts{}, pool, nullptr, HostNicRx::DeliverCost{},
                 HostNicRx::Deliver{});
    rx.set_poller(&poller);
    ASSERT_TRUE(rx.takes_early());
    const core::Time at = core::Time::zero() + core::Microseconds(1);
    Packet& p = pool.alloc();
    p.bytes = 64;
    rx.poller_waits(spinning);
    rx.receive_early(p.id, at);
    EXPECT_TRUE(rx.empty());  // not arrived yet
    sim.run_until(at + core::Nanoseconds(1));
    EXPECT_EQ(sim.events_executed(), spinning ? 1u : 0u);
    EXPECT_EQ(rx.counter_value("frames"), spinning ? 1u : 0u);  // landed, or still held
    EXPECT_FALSE(rx.empty());                                   // arrived either way
    uint32_t taken = 0;
    ASSERT_TRUE(rx.poll(taken));
    EXPECT_EQ(taken, p.id);
    EXPECT_EQ(rx.counter_value("frames"), 1u);
  }
}

}  // namespace
}  // namespace viosim::models
