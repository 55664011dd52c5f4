// Cache-line hand-offs between cores, checked by hand: a line another core
// wrote costs the topology's transfer once and then nothing until it is
// written again; a store pays to invalidate the farthest copy; a virtqueue
// between two cores moves a hand-counted number of lines per packet.
#include "models/host/shared_lines.h"

#include <gtest/gtest.h>

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/host/eventfd.h"
#include "models/host/host_thread.h"
#include "models/virtio/split_virtqueue.h"
#include "models/virtio/virtqueue.h"
#include "sim-core/member_event.h"
#include "tests/models/host/line_script.h"

namespace viosim::models {
namespace {

using core::Duration;
using core::Nanoseconds;
using line_test::kStep;
using line_test::Script;
using line_test::topology;

TEST(SharedLines, ALineAnotherCoreWroteCostsOneTransferThenNothingUntilRewritten) {
  // Cores 0 and 1 on socket 0, 2 and 3 on socket 1.
  Script s(topology(4, 2, 1));
  SharedLines lines(1);
  auto rd = [&](uint32_t c) { return Script::Access{c, [&] { lines.read(0, CpuCategory::kVhost); }}; };
  auto wr = [&](uint32_t c) { return Script::Access{c, [&] { lines.write(0, CpuCategory::kVhost); }}; };
  const std::vector<Duration> paid = s.run({
      wr(0),  // first touch: nobody held it
      rd(1),  // pulled from core 0: same socket
      rd(1),  // hit
      rd(0),  // core 0 kept its copy
      wr(0),  // takes ownership: core 1's copy invalidated
      rd(1),  // misses again
      rd(2),  // from the nearest holder, on the other socket
      wr(1),  // invalidates cores 0 (same socket) and 2 (other socket): the farther counts
      wr(1),  // sole owner: free
  });
  const std::vector<Duration> expected = {Duration::zero(), Nanoseconds(50),  Duration::zero(),
                                          Duration::zero(), Nanoseconds(50),  Nanoseconds(50),
                                          Nanoseconds(130), Nanoseconds(130), Duration::zero()};
  EXPECT_EQ(paid, expected);
  EXPECT_EQ(s.transfers(0), 1u);
  EXPECT_EQ(s.transfers(1), 3u);
  EXPECT_EQ(s.transfers(2), 1u);
}

TEST(SharedLines, SmtSiblingsAreNumberedHalfTheCoresApart) {
  // Two physical cores with two threads each: 0 and 2 are siblings.
  const CacheTopology t = topology(4, 1, 2);
  EXPECT_EQ(t.transfer(0, 2), Nanoseconds(8));
  EXPECT_EQ(t.transfer(1, 3), Nanoseconds(8));
  EXPECT_EQ(t.transfer(0, 1), Nanoseconds(50));
  EXPECT_EQ(t.transfer(0, 0), Duration::zero());
  Script s(t);
  SharedLines lines(1);
  const std::vector<Duration> paid = s.run({{0, [&] { lines.write(0, CpuCategory::kVhost); }},
                                            {2, [&] { lines.read(0, CpuCategory::kVhost); }},
                                            {1, [&] { lines.read(0, CpuCategory::kVhost); }}});
  EXPECT_EQ(paid, (std::vector<Duration>{Duration::zero(), Nanoseconds(8), Nanoseconds(50)}));
}

TEST(SharedLines, AccessesOutsideAnyThreadAreNotTracked) {
  SharedLines lines(2);
  lines.write(0, CpuCategory::kVhost);
  lines.read(1, CpuCategory::kVhost);
  EXPECT_EQ(lines.holders(0), 0);
  EXPECT_EQ(lines.holders(1), 0);
}

// A transmit virtqueue with EVENT_IDX, driven one packet at a time: the
// driver adds a buffer and decides on a kick, the device pops it, marks it
// used and decides on an interrupt, the driver reaps it.
struct OnePacketAtATime {
  explicit OnePacketAtATime(Virtqueue::Layout layout = Virtqueue::Layout::kSplit)
      : ring(Virtqueue::make({.size = 256, .layout = layout})), vq(*ring) {}
  std::unique_ptr<Virtqueue> ring;
  Virtqueue& vq;
  uint32_t token = 0, len = 0;

  std::vector<Script::Access> script(uint32_t driver, uint32_t device, int packets) {
    std::vector<Script::Access> accesses;
    for (int p = 0; p < packets; ++p) {
      accesses.push_back({driver, [this] {
                            ASSERT_TRUE(vq.add(7));
                            vq.kick_prepare();
                          }});
      accesses.push_back({device, [this] {
                            ASSERT_TRUE(vq.pop(token));
                            vq.push_used(token, 0);
                            vq.should_notify();
                          }});
      accesses.push_back({driver, [this] { ASSERT_TRUE(vq.get_used(token, len)); }});
    }
    return accesses;
  }
};

// OnePacketAtATime with the driver on core 0 and the device on core 1.
// Counted by hand, per packet once
// the lines are warm (the descriptor, avail line 0 with idx and entries,
// the buffer, the used line 0, used_event at the avail ring's end):
//   driver add: desc, buffer, avail line (the device read them)      3
//   device pop: avail line, desc, buffer (the driver wrote them)     3
//   device push_used: used line (the driver read it)                 1
//   device should_notify: used_event (the driver wrote it)           1
//   driver get_used: used line, then its store to used_event         2
// kick_prepare reads avail_event, which a vhost device with
// notifications on never writes: a hit.
TEST(SharedLines, APacketThroughASplitRingMovesTenLinesBetweenTwoCores) {
  Script s(topology(2, 1, 1));
  OnePacketAtATime ring;
  const std::vector<Duration> paid = s.run(ring.script(0, 1, 3));
  ASSERT_EQ(paid.size(), 9u);
  // The first packet finds cold lines: the device pulls avail, desc and
  // buffer (3), the driver the used line (1); the device's first interrupt
  // decision does not read used_event (signalled_used is not valid yet), so
  // the driver's store to it is free.
  EXPECT_EQ(paid[0], Duration::zero());
  EXPECT_EQ(paid[1], Nanoseconds(50) * 3);
  EXPECT_EQ(paid[2], Nanoseconds(50));
  for (int packet = 1; packet < 3; ++packet) {
    EXPECT_EQ(paid[3 * packet], Nanoseconds(50) * 3) << packet;
    EXPECT_EQ(paid[3 * packet + 1], Nanoseconds(50) * 5) << packet;
    EXPECT_EQ(paid[3 * packet + 2], Nanoseconds(50) * 2) << packet;
  }
  EXPECT_EQ(s.transfers(0) + s.transfers(1), 4u + 10u + 10u);
}

// The same packets through a packed ring: per packet once warm,
//   driver add: the descriptor line (the device wrote it used), the buffer 2
//   device pop: the descriptor line, the buffer (the driver wrote them)   2
//   device push_used: its store to the descriptor line (the driver read it) 1
//   driver get_used: the descriptor line (the device wrote it)             1
// The event structures are read and never written here (nobody disables
// or enables), so after the first packet they are hits on both sides: six
// lines where the split ring moves ten.
TEST(SharedLines, APacketThroughAPackedRingMovesSixLinesBetweenTwoCores) {
  Script s(topology(2, 1, 1));
  OnePacketAtATime ring(Virtqueue::Layout::kPacked);
  const std::vector<Duration> paid = s.run(ring.script(0, 1, 3));
  ASSERT_EQ(paid.size(), 9u);
  for (int packet = 1; packet < 3; ++packet) {
    EXPECT_EQ(paid[3 * packet], Nanoseconds(50) * 2) << packet;
    EXPECT_EQ(paid[3 * packet + 1], Nanoseconds(50) * 3) << packet;
    EXPECT_EQ(paid[3 * packet + 2], Nanoseconds(50) * 1) << packet;
  }
}

// Used elements are 8 bytes from offset 4: element 7 spans bytes 60-67,
// the end of the used ring's first line and the start of its second.
TEST(SharedLines, AUsedElementAcrossTwoLinesPullsBoth) {
  Script s(topology(2, 1, 1));
  OnePacketAtATime ring;
  const std::vector<Duration> paid = s.run(ring.script(0, 1, 9));
  ASSERT_EQ(paid.size(), 27u);
  EXPECT_EQ(paid[3 * 6 + 2], Nanoseconds(50) * 2);  // element 6: line 0 only
  EXPECT_EQ(paid[3 * 7 + 2], Nanoseconds(50) * 3);  // element 7: line 1 as well
  EXPECT_EQ(paid[3 * 7 + 1], Nanoseconds(50) * 5);  // the device's store to line 1: nobody held it
  EXPECT_EQ(paid[3 * 8 + 1], Nanoseconds(50) * 6);  // element 8 in line 1, the idx in line 0
}

// A device popping four buffers the driver on the other core just added
// pulls six lines: the avail line (its idx, which everything waits on),
// the descriptor line (four 16-byte descriptors) and the four buffers.
// Four independent chains: the five misses after the index overlap four
// ways, or as many as the core's fill buffers allow.
TEST(SharedLines, MissesForDifferentBuffersOfABatchOverlap) {
  for (const uint32_t fill_buffers : {10u, 2u, 1u}) {
    CacheTopology t = topology(2, 1, 1);
    t.fill_buffers = fill_buffers;
    Script s(t);
    SplitVirtqueue vq({256, true, SplitVirtqueue::Backend::kVhost, false, CpuCategory::kGuestKernel});
    uint32_t token = 0;
    const std::vector<Duration> paid = s.run({{0,
                                               [&] {
                                                 for (uint32_t i = 0; i < 4; ++i) ASSERT_TRUE(vq.add(i));
                                               }},
                                              {1, [&] {
                                                 for (int i = 0; i < 4; ++i) ASSERT_TRUE(vq.pop(token));
                                               }}});
    EXPECT_EQ(paid[0], Duration::zero()) << fill_buffers;  // nobody held the lines
    EXPECT_EQ(paid[1], Nanoseconds(50) + Nanoseconds(50) * 5 / std::min(4u, fill_buffers)) << fill_buffers;
    EXPECT_EQ(s.transfers(1), 6u) << fill_buffers;  // counted whole, whatever the overlap
  }
}

TEST(SharedLines, TransfersAreChargedToTheCodeThatMadeThem) {
  Script s(topology(2, 1, 1));
  SharedLines lines(1);
  const std::vector<Duration> paid = s.run(
      {{0, [&] { lines.write(0, CpuCategory::kVhost); }}, {1, [&] { lines.read(0, CpuCategory::kGuestKernel); }}});
  EXPECT_EQ(paid[1], Nanoseconds(50));
  const auto u = s.thread(1).usage();
  EXPECT_EQ(u[static_cast<size_t>(CpuCategory::kGuestKernel)], Nanoseconds(50));
  EXPECT_EQ(u[static_cast<size_t>(CpuCategory::kVhost)], kStep);  // the step itself
}

// A thread that pulls a line and then blocks pays the transfer before its
// core goes idle, not at its next wake-up; a wake-up, poke or signal
// arriving while it pays is kept, so it runs on at once.
enum class Then { kSleep, kSleepWoken, kSpinPoked, kWaitSignalled, kWaitWoken };
class BlockAfterAMiss : public ::testing::TestWithParam<Then> {};

TEST_P(BlockAfterAMiss, PaysBeforeBlockingAndKeepsWhatCameMeanwhile) {
  const Then then = GetParam();
  core::Simulator sim;
  CpuCosts costs;
  costs.cache = topology(2, 1, 1);
  Core c0(sim, "core0", nullptr, costs, 0);
  Core c1(sim, "core1", nullptr, costs, 1);
  HostThread writer(sim, "writer", nullptr, c0);
  HostThread reader(sim, "reader", nullptr, c1);
  EventFd fd("fd");
  SharedLines lines(1);
  core::MemberEvent meanwhile(&reader, "meanwhile", [&] {
    if (then == Then::kSleepWoken || then == Then::kWaitWoken) reader.wake(nullptr);
    if (then == Then::kSpinPoked) reader.poke();
    if (then == Then::kWaitSignalled) fd.signal(nullptr);
  });
  core::Time read_at, resumed_at;
  writer.start([&] {
    lines.write(0, CpuCategory::kVhost);
    writer.run_for(kStep, CpuCategory::kVhost, [&] {
      reader.wake(&writer);
      writer.sleep([] {});
    });
  });
  reader.start([&] {
    reader.sleep([&] {
      lines.read(0, CpuCategory::kGuestKernel);
      read_at = sim.now();
      if (then != Then::kSleep) meanwhile.schedule_after(Nanoseconds(20));
      Continuation resume = [&] {
        resumed_at = sim.now();
        reader.sleep([] {});
      };
      if (then == Then::kSpinPoked) {
        reader.spin(CpuCategory::kPmd, Duration::max(), false, std::move(resume));
      } else if (then == Then::kWaitSignalled || then == Then::kWaitWoken) {
        reader.wait({&fd}, std::move(resume));
      } else {
        reader.sleep(std::move(resume));
      }
    });
  });
  sim.run_until(core::Time::zero() + core::Milliseconds(1));
  EXPECT_EQ(reader.usage()[static_cast<size_t>(CpuCategory::kGuestKernel)], Nanoseconds(50));
  EXPECT_EQ(reader.wakeups(), 2u);  // its start and the writer's: it was running meanwhile
  if (then == Then::kSleep) {
    EXPECT_EQ(resumed_at, core::Time::zero());
  } else {
    EXPECT_EQ(resumed_at, read_at + Nanoseconds(50));
  }
  EXPECT_EQ(reader.state(), HostThread::State::kBlocked);
}

std::string then_name(const ::testing::TestParamInfo<Then>& info) {
  static const std::array<std::string, 5> kNames = {"Sleep", "SleepWoken", "SpinPoked", "WaitSignalled", "WaitWoken"};
  return kNames[static_cast<size_t>(info.param)];
}

INSTANTIATE_TEST_SUITE_P(SharedLines, BlockAfterAMiss,
                         ::testing::Values(Then::kSleep, Then::kSleepWoken, Then::kSpinPoked, Then::kWaitSignalled,
                                           Then::kWaitWoken),
                         then_name);

TEST(SharedLines, TheSameRingOnOneCoreMovesNothing) {
  Script s(topology(2, 1, 1));
  OnePacketAtATime ring;
  for (const Duration d : s.run(ring.script(0, 0, 3))) EXPECT_EQ(d, Duration::zero());
  EXPECT_EQ(s.transfers(0), 0u);
}

TEST(SharedLines, APollerThatFindsNothingStaysInItsCache) {
  Script s(topology(2, 1, 1));
  SplitVirtqueue vq({256, true, SplitVirtqueue::Backend::kVhost, false, CpuCategory::kGuestKernel});
  uint32_t token = 0;
  const std::vector<Duration> paid = s.run({{0, [&] { vq.add(1); }},
                                            {1, [&] { vq.pop(token); }},
                                            {1, [&] { EXPECT_FALSE(vq.pop(token)); }},
                                            {1, [&] { EXPECT_FALSE(vq.pop(token)); }}});
  EXPECT_EQ(paid[1], Nanoseconds(50) * 3);
  EXPECT_EQ(paid[2], Duration::zero());
  EXPECT_EQ(paid[3], Duration::zero());
}

}  // namespace
}  // namespace viosim::models
