// Reading a journey from a hand-written recording: hops in time order,
// each instant with the first hop after it (at the same time, the order
// they were written decides), other packets' steps left out, core slices
// merged where nothing changed and other tracks' slices left out.
#include <gtest/gtest.h>

#include "scenarios/explain/journey_from_trace.h"

namespace viosim::explain {
namespace {

core::Time us(int64_t n) { return core::Time::zero() + core::Microseconds(n); }
using Phase = core::TraceWriter::FlowPhase;

TEST(JourneyFromTrace, HopsTakeTheInstantsBeforeThem) {
  core::TraceRecording r(us(100), us(110));
  const int vcpu = r.track("thread vcpu");
  const int worker = r.track("thread worker");
  const int wire = r.track("wire_out");
  r.flow(wire, 1, Phase::kStart, us(100), "application", "sent");
  r.flow(wire, 2, Phase::kStep, us(101), "TX vring", "another packet");
  r.instant(vcpu, "kick tx", "kick", us(102));
  r.instant(worker, "woken by vcpu", "wakeup", us(104));
  r.flow(worker, 1, Phase::kStep, us(104), "vhost worker", "taken");  // written after the wake-up
  r.instant(worker, "copy 64 B", "copy", us(104));                    // written after the hop
  r.flow(wire, 1, Phase::kEnd, us(110), "peer", "got");               // dated ahead of the clock
  r.instant(worker, "syscall ioctl", "other", us(105));
  r.instant(worker, "after the end", "signal", us(110));              // written after the last hop

  Journey j;
  j.from = us(100);
  j.to = us(110);
  read_journey(r, 1, j);
  ASSERT_EQ(j.hops.size(), 3u);
  EXPECT_EQ(j.hops[0].place, "application");
  EXPECT_EQ(j.hops[1].place, "vhost worker");
  EXPECT_EQ(j.hops[1].where, "thread worker");
  EXPECT_EQ(j.hops[2].place, "peer");
  EXPECT_TRUE(j.hops[0].causes.empty());
  ASSERT_EQ(j.hops[1].causes.size(), 2u);
  EXPECT_EQ(j.hops[1].causes[0].kind, CauseKind::kKick);
  EXPECT_EQ(j.hops[1].causes[0].where, "thread vcpu");
  EXPECT_EQ(j.hops[1].causes[1].kind, CauseKind::kWakeup);
  ASSERT_EQ(j.hops[2].causes.size(), 2u);
  EXPECT_EQ(j.hops[2].causes[0].kind, CauseKind::kCopy);
  EXPECT_EQ(j.hops[2].causes[1].kind, CauseKind::kOther);
  EXPECT_EQ(j.hops[2].causes[1].text, "syscall ioctl");

  EXPECT_THROW(read_journey(r, 99, j), std::logic_error);
}

// A hop lists notifications from anywhere, other events only from the
// tracks that moved the packet, and at most the last kMaxCauses of them.
TEST(JourneyFromTrace, HopsKeepWhatMovedThePacket) {
  core::TraceRecording r(us(0), us(100));
  const int vcpu = r.track("thread vcpu");
  const int worker = r.track("thread worker");
  const int other = r.track("thread bystander");
  r.flow(vcpu, 1, Phase::kStart, us(0), "application", "sent");
  for (int k = 0; k < 50; ++k) r.instant(vcpu, "exit hlt", "exit", us(1 + k));
  r.instant(other, "syscall read", "other", us(60));   // someone else's work
  r.instant(other, "signal fd", "signal", us(61));     // a notification: kept
  r.flow(worker, 1, Phase::kEnd, us(70), "vhost worker", "taken");
  Journey j;
  read_journey(r, 1, j);
  ASSERT_EQ(j.hops.size(), 2u);
  EXPECT_EQ(j.hops[1].elsewhere, 1u);
  EXPECT_EQ(j.hops[1].causes.size(), kMaxCauses);
  EXPECT_EQ(j.hops[1].earlier, 51u - kMaxCauses);
  EXPECT_EQ(j.hops[1].causes.back().where, "thread bystander");
  EXPECT_EQ(j.hops[1].causes.back().kind, CauseKind::kSignal);
}

TEST(JourneyFromTrace, CoreSlicesAreMergedPerCoreAndThread) {
  core::TraceRecording r(us(0), us(10));
  const int core2 = r.track("core 2");
  const int core10 = r.track("core 10");
  const int thread = r.track("thread vcpu");
  r.slice(core10, "idle", "cpu", us(0), us(10));
  r.slice(core2, "kvm", "cpu", us(3), us(4), "vcpu");
  r.slice(core2, "guest_kernel", "cpu", us(0), us(2), "vcpu");
  r.slice(core2, "guest_kernel", "cpu", us(2), us(3), "vcpu");  // continues the one before
  r.slice(core2, "kvm", "cpu", us(4), us(6), "other");          // another thread
  r.slice(core2, "idle", "cpu", us(6), us(10));
  r.slice(thread, "kvm", "cpu", us(3), us(4));                  // not a core
  r.flow(thread, 1, Phase::kStart, us(0), "application", "sent");

  Journey j;
  read_journey(r, 1, j);
  ASSERT_EQ(j.timeline.size(), 5u);
  EXPECT_EQ(j.timeline[0].core, 2u);
  EXPECT_EQ(j.timeline[0].category, "guest_kernel");
  EXPECT_EQ(j.timeline[0].from, us(0));
  EXPECT_EQ(j.timeline[0].to, us(3));
  EXPECT_EQ(j.timeline[1].category, "kvm");
  EXPECT_EQ(j.timeline[1].thread, "vcpu");
  EXPECT_EQ(j.timeline[2].thread, "other");
  EXPECT_EQ(j.timeline[3].category, "idle");
  EXPECT_EQ(j.timeline[3].thread, "");
  EXPECT_EQ(j.timeline[4].core, 10u);
}

}  // namespace
}  // namespace viosim::explain
