// The guest's fair scheduler counted by hand: its tunables on 1, 2 and 8+
// vCPUs, sleeper placement, the wake-up and tick preemption rules; then on
// a vCPU: two CPU-bound threads share it, a woken thread preempts, and a
// thread woken from another vCPU costs a reschedule IPI only when that
// vCPU must be told.
#include "models/vcpu/guest_scheduler.h"

#include <gtest/gtest.h>

#include "models/vcpu/vcpu.h"
#include "tests/models/vcpu/vcpu_host.h"
#include "tests/support/sim_time.h"

namespace viosim::models {
namespace {

using core::Duration;
using core::Microseconds;
using core::Milliseconds;
using core::Time;

TEST(GuestScheduler, TunablesScaleWithTheGuestsCpus) {
  const SchedulerParams one = SchedulerParams::at_boot(1);
  EXPECT_EQ(one.latency, Milliseconds(6));
  EXPECT_EQ(one.min_granularity, Microseconds(750));
  EXPECT_EQ(one.wakeup_granularity, Milliseconds(1));
  const SchedulerParams two = SchedulerParams::at_boot(2);
  EXPECT_EQ(two.latency, Milliseconds(12));
  EXPECT_EQ(two.wakeup_granularity, Milliseconds(2));
  // 1 + log2(8) = 4, and no more beyond 8 CPUs.
  EXPECT_EQ(SchedulerParams::at_boot(8).latency, Milliseconds(24));
  EXPECT_EQ(SchedulerParams::at_boot(64).latency, Milliseconds(24));
  // Equal weights: the period split evenly, never under the granularity.
  EXPECT_EQ(one.slice(2), Milliseconds(3));
  EXPECT_EQ(one.slice(8), Microseconds(750));
  EXPECT_EQ(one.slice(12), Microseconds(750));
}

TEST(GuestScheduler, ASleeperGetsHalfALatencyOfCreditAndPreemptsBeyondTheGranularity) {
  GuestScheduler s(SchedulerParams::at_boot(1));
  const auto a = s.add("a");
  const auto b = s.add("b");
  EXPECT_FALSE(s.wake(a, at_us(0)));  // nothing runs: no preemption to ask for
  EXPECT_EQ(s.pick(at_us(0)), a);
  // a runs alone for 10 ms; b, asleep since the start, wakes.
  EXPECT_TRUE(s.wake(b, at_us(10'000)));
  EXPECT_EQ(s.vruntime(a), Milliseconds(10));
  EXPECT_EQ(s.vruntime(b), Milliseconds(7)) << "min_vruntime 10 ms less latency / 2";
  s.put_prev(at_us(10'000), true);
  EXPECT_EQ(s.pick(at_us(10'000)), b);
  // b runs 1.5 ms then blocks; a runs; b wakes 0.4 ms later. Its own
  // 8.5 ms beats the credit (10.4 - 3); a is 1.9 ms ahead: past 1 ms.
  s.put_prev(at_us(11'500), false);
  EXPECT_EQ(s.pick(at_us(11'500)), a);
  EXPECT_TRUE(s.wake(b, at_us(11'900)));
  EXPECT_EQ(s.vruntime(b), Microseconds(8'500));
  // Woken when a is exactly 1 ms ahead: no preemption (it takes more).
  s.put_prev(at_us(11'900), true);
  EXPECT_EQ(s.pick(at_us(11'900)), b);
  s.put_prev(at_us(12'900), false);  // b: 9.5 ms
  EXPECT_EQ(s.pick(at_us(12'900)), a);
  EXPECT_FALSE(s.wake(b, at_us(13'000))) << "a at 10.5 ms, b at 9.5 ms: 1.0 ms is not more than 1 ms";
}

TEST(GuestScheduler, TheTickEndsASliceOrAThreadTooFarAhead) {
  GuestScheduler s(SchedulerParams::at_boot(1));
  const auto a = s.add("a");
  const auto b = s.add("b");
  s.wake(a, at_us(0));
  s.wake(b, at_us(0));
  EXPECT_EQ(s.pick(at_us(0)), a) << "first woken on a tie";
  // Two runnable: a 3 ms slice.
  EXPECT_FALSE(s.tick(at_us(3'000))) << "exactly its slice";
  EXPECT_TRUE(s.tick(at_us(3'001)));
  s.put_prev(at_us(3'001), true);
  EXPECT_EQ(s.pick(at_us(3'001)), b);

  // A thread woken with credit behind a fresh slice: the minimum
  // granularity first, then more than a slice ahead ends it.
  GuestScheduler t(SchedulerParams::at_boot(1));
  const auto x = t.add("x");
  const auto y = t.add("y");
  t.wake(x, at_us(0));
  EXPECT_EQ(t.pick(at_us(0)), x);
  EXPECT_FALSE(t.tick(at_us(10'000))) << "alone";
  t.put_prev(at_us(10'000), true);
  EXPECT_EQ(t.pick(at_us(10'000)), x);
  t.wake(y, at_us(10'000));  // at 7 ms
  EXPECT_FALSE(t.tick(at_us(10'500))) << "0.5 ms into its slice: under the granularity";
  EXPECT_TRUE(t.tick(at_us(10'800))) << "0.8 ms in, 3.8 ms ahead of y: more than its 3 ms slice";
}

// A guest thread computing in 10 us user steps, forever.
struct Spinner {
  Spinner(VCpu& vcpu, VCpu::ThreadId thread) : vcpu(vcpu) {
    vcpu.post(thread, [this](Continuation) { step(); });
  }
  void step() {
    work = work + Microseconds(10);
    vcpu.guest(vcpu.thread().core().clock().to_cycles(Microseconds(10)), CpuCategory::kGuestUser,
               [this] { step(); });
  }
  VCpu& vcpu;
  Duration work;
};

TEST(GuestScheduler, TwoBusyThreadsShareTheVcpuSliceBySlice) {
  VCpuHost h;
  Spinner a(h.vcpu, h.task);
  Spinner b(h.vcpu, h.vcpu.add_thread("b"));
  h.sim.run_until(Time::zero() + Milliseconds(100));
  // Slices of 3 ms ended by the 4 ms tick: a switch every tick, each
  // thread about half of what the vCPU ran.
  EXPECT_NEAR(double(a.work.ps()) / double((a.work + b.work).ps()), 0.5, 0.05);
  EXPECT_NEAR(double(h.vcpu.preemptions()), 25, 1);
  EXPECT_NEAR(double(h.vcpu.preemptions()), double(h.vcpu.ticks()), 1) << "one per tick";
}

// A thread on vCPU 1 woken by guest code on vCPU 0: a reschedule IPI while
// vCPU 1 is idle; none while it runs a thread the woken one does not
// preempt (it waits its turn).
TEST(GuestScheduler, AWakeUpFromAnotherVcpuSendsAnIpiOnlyWhenItMustTell) {
  VCpuHost h;
  VCpu other(h.sim, "vcpu1", nullptr, h.io_thread, VCpu::Config{});
  other.set_interrupt_handler([&](uint32_t, Continuation done) {
    other.guest(core::Cycles(300), CpuCategory::kGuestKernel, std::move(done));
  });
  const auto sleeper = other.add_thread("sleeper");
  int ran = 0;
  auto wake_from_vcpu0 = [&] {
    h.vcpu.post(h.task, [&](Continuation done) {
      other.post_from(h.vcpu, sleeper, [&](Continuation d) {
        ++ran;
        other.guest(core::Cycles(1000), CpuCategory::kGuestUser, std::move(d));
      });
      h.vcpu.guest(core::Cycles(1000), CpuCategory::kGuestKernel, std::move(done));
    });
  };
  h.sim.run_until(Time::zero() + Milliseconds(1));
  wake_from_vcpu0();
  h.sim.run_until(Time::zero() + Milliseconds(2));
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(h.vcpu.ipis_sent(), 1u) << "vCPU 1 was halted";
  EXPECT_EQ(other.interrupts(), 1u);

  // vCPU 1 busy since 2 ms with a thread only 0.5 ms ahead of the sleeper
  // (less than the 1 ms granularity): no IPI; the sleeper runs once a tick
  // finds the busy thread past its 3 ms slice (at 8 ms).
  Spinner busy(other, other.add_thread("busy"));
  h.sim.run_until(Time::zero() + Microseconds(2'500));
  wake_from_vcpu0();
  h.sim.run_until(Time::zero() + Milliseconds(4));
  EXPECT_EQ(h.vcpu.ipis_sent(), 1u) << "busy, and not preempted: nothing to tell";
  EXPECT_EQ(ran, 1) << "waiting for its turn";
  h.sim.run_until(Time::zero() + Milliseconds(20));
  EXPECT_EQ(ran, 2);
}

}  // namespace
}  // namespace viosim::models
