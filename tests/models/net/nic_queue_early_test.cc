// Frames handed to a hardware NIC queue (a VF, bare metal's NIC) before
// they arrive (receive_early, as the wire does for a TCP train) are taken
// as if each had come at its time: the same buffers, IOTLB translations,
// write-backs, interrupts, drops and DDIO hits, under every moderation
// policy, with two queues sharing the IOTLB and the DDIO ways, a driver
// that refills late, and transmits through the same IOTLB meanwhile. Only
// the events are fewer.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <tuple>
#include <vector>

#include "models/host/core.h"
#include "models/host/dma_lines.h"
#include "models/host/host_thread.h"
#include "models/net/nic_queue.h"
#include "models/passthrough/iotlb.h"
#include "sim-core/member_event.h"
#include "sim-core/rng.h"
#include "tests/support/train_frames.h"

namespace viosim::models {
namespace {

using testing::make_train_frames;
using testing::TrainFrame;
using testing::TrainOutcome;

// Two queues of one device: one IOTLB (4 KiB pages, 16 entries: misses),
// the host's DDIO ways; per queue a driver whose NAPI runs 3 us after the
// interrupt, reaps everything, refills only half of it (the rest at the
// next poll: the ring runs dry in long trains) and re-arms; and a sender
// posting a frame every 7 us.
class VfHost : public core::Component {
 public:
  VfHost(core::Simulator& sim, const InterruptModerationConfig& moderation, bool early)
      : core::Component(sim, "vf_host"), feeder_(pool_, early), iotlb_(16, 4096) {
    ddio_ = std::make_unique<DdioWays>(sim, "ddio", this, 64);
    core_ = std::make_unique<Core>(sim, "core0", this, CpuCosts{}, 0);
    driver_ = std::make_unique<HostThread>(sim, "driver", this, *core_);
    iotlb_.set_before_lookup([this] { ddio_->settle(); });
    for (uint32_t q = 0; q < 2; ++q) {
      NicQueue::Config config;
      config.rx_ring = 64;
      config.moderation = moderation;
      queues_.push_back(std::make_unique<NicQueue>(
          sim, "q" + std::to_string(q), this, config, pool_, &iotlb_, [this](uint32_t p) { pool_.deliver(p); },
          [this, q] { napi_[q]->schedule_after(core::Microseconds(3)); }, ddio_.get()));
      napi_.push_back(std::make_unique<core::MemberEvent>(this, "napi" + std::to_string(q), [this, q] { poll(q); }));
      owed_.push_back(0);
    }
  }
  const core::ComponentSpec& spec() const override {
    static const core::ComponentSpec s{.type = "test.vf_host", .help = "", .params = {}, .ports = {}, .stats = {}};
    return s;
  }
  void init() override {
    for (const auto& q : queues_) q->rx_post(40);
  }

  TrainOutcome run(const std::vector<TrainFrame>& frames) {
    feeder_.start(frames, next_);
    send_.schedule_at(core::Time::zero() + core::Microseconds(7));
    testing::run_with_reset_mid_train(sim(), frames, core::Time::zero() + core::Milliseconds(12));
    TrainOutcome o;
    o.taken = reaped_;
    for (const auto& q : queues_) {
      o.counts.insert(o.counts.end(),
                      {q->drops(), q->interrupts(), q->counter_value("rx_frames"), q->counter_value("tx_frames")});
    }
    o.counts.insert(o.counts.end(), {iotlb_.hits(), iotlb_.misses(), ddio_->llc_loads(), ddio_->dram_loads()});
    o.events = sim().events_executed();
    o.offered = frames.size();
    return o;
  }

 private:
  void poll(uint32_t q) {
    // As the guest's NAPI: the driver's loads of the written-back lines
    // are made by a thread on core 0 (socket 0: the DDIO ways serve it).
    const RunningThread saved = running_thread;
    running_thread = RunningThread{driver_.get(), 0, 0, 0};
    NicQueue& queue = *queues_[q];
    uint32_t packet = 0;
    NapiWork work;
    while (queue.rx_reap(packet)) {
      reaped_.emplace_back(q, feeder_.tag(packet), (now() - core::Time::zero()).ps());
      pool_.deliver(packet);
      ++work.rx_packets;
      work.rx_bytes += 1514;
    }
    uint64_t bytes = 0;
    work.tx_packets = queue.tx_reap(bytes);
    work.tx_bytes = bytes;
    const uint32_t refill = owed_[q] + static_cast<uint32_t>(work.rx_packets);
    queue.rx_post(refill / 2);
    owed_[q] = refill - refill / 2;
    queue.rearm(work);
    running_thread = saved;
  }
  void send() {
    NicQueue& queue = *queues_[sent_++ % 2];
    if (queue.tx_post(feeder_.alloc(0))) queue.tx_doorbell();
    send_.schedule_after(core::Microseconds(7));
  }

  PacketPool pool_;
  testing::TrainFeeder feeder_;
  Iotlb iotlb_;
  std::unique_ptr<DdioWays> ddio_;
  std::unique_ptr<Core> core_;
  std::unique_ptr<HostThread> driver_;  // whose loads the driver's poll makes (it never runs)
  std::vector<std::unique_ptr<NicQueue>> queues_;
  std::vector<std::unique_ptr<core::MemberEvent>> napi_;
  std::vector<uint32_t> owed_;
  std::vector<std::tuple<uint32_t, uint32_t, int64_t>> reaped_;
  uint32_t sent_ = 0;
  core::MemberEvent next_{this, "arrival", [this] { feeder_.arrive(queues_, next_); }};
  core::MemberEvent send_{this, "send", [this] { send(); }};
};

TrainOutcome run_vf(const InterruptModerationConfig& moderation, bool early, uint64_t seed) {
  core::Simulator sim;
  VfHost host(sim, moderation, early);
  return host.run(make_train_frames(seed, 250, 50, 30'000));
}

TEST(NicQueueEarly, TrainsHandedOverEarlyAreTakenAsIfOnTime) {
  std::vector<std::pair<const char*, InterruptModerationConfig>> policies;
  InterruptModerationConfig c;
  c.mode = ModerationMode::kFixed;
  c.fixed.rx_usecs = core::Microseconds(6);
  c.fixed.rx_frames = 12;
  policies.push_back({"fixed_count", c});
  c.fixed.timer = CoalesceTimer::kRestartOnFrame;
  policies.push_back({"fixed_restart", c});
  // Write-backs 485 ns apart (a train's frames, no IOTLB miss between)
  // meet the timer's deadline to the picosecond. (Not with a timer each
  // frame restarts: there a write-back and a transmit completion of one
  // picosecond reach the moderator in another order than on time, see
  // NicQueue::receive_early.)
  c.fixed.timer = CoalesceTimer::kFromFirstFrame;
  c.fixed.rx_usecs = core::Nanoseconds(485 * 6);
  c.fixed.rx_frames = 0;
  policies.push_back({"fixed_timer_tie", c});
  c = {};
  c.mode = ModerationMode::kIxgbe;
  policies.push_back({"ixgbe", c});
  c.mode = ModerationMode::kIce;
  policies.push_back({"ice", c});
  c.mode = ModerationMode::kI40e;
  c.tx_report_stride = 4;
  policies.push_back({"i40e", c});
  c.mode = ModerationMode::kNetDim;
  c.tx_report_stride = 1;
  policies.push_back({"net_dim", c});
  for (const auto& [name, config] : policies) {
    for (const uint64_t seed : {3u, 4u}) {
      SCOPED_TRACE(std::string(name) + " seed " + std::to_string(seed));
      const TrainOutcome on_time = run_vf(config, false, seed);
      const TrainOutcome early = run_vf(config, true, seed);
      ASSERT_GT(on_time.taken.size(), 1000u);
      EXPECT_EQ(early.taken, on_time.taken);
      EXPECT_EQ(early.counts, on_time.counts);
      EXPECT_LT(on_time.taken.size(), on_time.offered);      // the late refills dropped some
      EXPECT_GT(on_time.counts[9], 0u);                      // IOTLB misses
      EXPECT_GT(on_time.counts[10], 0u);                     // loads the DDIO ways served
      EXPECT_GT(on_time.counts[11], 0u);                     // and loads they had let go
      EXPECT_LT(early.events, on_time.events);
    }
  }
}

}  // namespace
}  // namespace viosim::models
