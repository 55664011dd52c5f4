// The guest's clock on a vCPU, counted by hand: NO_HZ_IDLE's tick (none
// while idle, HZ a second while busy), the TSC-deadline writes of every
// stop, restart and re-arm (MSR-write exits), preemption-timer exits,
// IPIs with and without IPI virtualization, and interrupt-window exits
// without APICv.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>

#include "models/vcpu/vcpu.h"
#include "tests/models/vcpu/vcpu_host.h"

namespace viosim::models {
namespace {

using core::Cycles;
using core::Duration;
using core::Microseconds;
using core::Milliseconds;
using core::Time;

// A guest task computing for `busy` in 10 us steps, then ending.
struct Busy {
  Busy(VCpu& vcpu, Duration busy) : vcpu(vcpu), left(busy) {}
  void operator()(Continuation done) {
    finished = std::move(done);
    step();
  }
  void step() {
    if (left <= Duration::zero()) {
      ended = vcpu.now();
      finished();
      return;
    }
    const Duration d = std::min(left, Microseconds(10));
    left = left - d;
    vcpu.guest(vcpu.thread().core().clock().to_cycles(d), CpuCategory::kGuestUser, [this] { step(); });
  }
  VCpu& vcpu;
  Duration left;
  Continuation finished;
  Time ended;
};

TEST(VCpuTimer, ATicklessIdleGuestTakesNoTimerExits) {
  VCpuHost h;
  h.sim.run_until(Time::zero() + core::Seconds(1));
  // Going idle at boot stops the tick: one write, one HLT, then nothing.
  EXPECT_EQ(h.vcpu.ticks(), 0u);
  EXPECT_EQ(h.vcpu.exits(ExitReason::kPreemptionTimer), 0u);
  EXPECT_EQ(h.vcpu.exits(ExitReason::kMsrWrite), 1u);
  EXPECT_EQ(h.vcpu.timer_writes(), 1u);
  EXPECT_EQ(h.vcpu.halts(), 1u);
  EXPECT_EQ(h.vcpu.exits(), 2u);
  EXPECT_FALSE(h.vcpu.tick_running());
  h.expect_accounting_exact();
}

// A busy vCPU takes a tick every 1/HZ, each a preemption-timer exit and a
// write re-arming the next; going idle at the end is one write more.
void expect_busy_ticks(uint32_t hz) {
  VCpu::Config config;
  config.hz = hz;
  VCpuHost h(config);
  Busy busy(h.vcpu, Milliseconds(100));
  h.vcpu.post(h.task, [&](Continuation done) { busy(std::move(done)); });
  h.sim.run_until(Time::zero() + Milliseconds(300));
  // The ticks on the grid up to the end of the work (a little after 100 ms).
  const uint64_t ticks = (busy.ended - Time::zero()) / (core::Seconds(1) / hz);
  EXPECT_EQ(ticks, hz / 10) << hz;
  EXPECT_EQ(h.vcpu.ticks(), ticks);
  EXPECT_EQ(h.vcpu.exits(ExitReason::kPreemptionTimer), ticks);
  EXPECT_EQ(h.vcpu.exits(ExitReason::kMsrWrite), ticks + 1);
  EXPECT_EQ(h.vcpu.halts(), 1u);
  h.expect_accounting_exact();
}

TEST(VCpuTimer, ABusyGuestTicksAtHz) {
  expect_busy_ticks(250);
  expect_busy_ticks(1000);
}

TEST(VCpuTimer, AWakeUpRestartsTheTickAndIdleStopsItAgain) {
  VCpuHost h;
  Busy busy(h.vcpu, Microseconds(100));
  h.io_thread.start([&] {
    h.io_thread.run_for(Microseconds(10'500), CpuCategory::kVhost, [&] {
      h.vcpu.post(
          h.task, [&](Continuation done) { busy(std::move(done)); }, &h.io_thread);
      h.io_thread.sleep([] {});
    });
  });
  h.sim.run_until(Time::zero() + Milliseconds(50));
  // Stop at boot, restart for the task (next tick 12 ms, after it ends),
  // stop again: three writes, two HLTs, no tick.
  EXPECT_LT(busy.ended, Time::zero() + Milliseconds(12));
  EXPECT_EQ(h.vcpu.exits(ExitReason::kMsrWrite), 3u);
  EXPECT_EQ(h.vcpu.halts(), 2u);
  EXPECT_EQ(h.vcpu.ticks(), 0u);
  EXPECT_EQ(h.vcpu.exits(ExitReason::kPreemptionTimer), 0u);
  h.expect_accounting_exact();
}

// An application timer 1 ms away (an hrtimer: it does not keep the tick)
// is programmed; idle stops the tick, leaving that deadline in place; its
// expiry wakes the halted vCPU (no preemption timer: the vCPU is not in
// guest mode) and the clock event is programmed again for the stopped
// tick's housekeeping expiry.
TEST(VCpuTimer, AnApplicationTimerWakesAnIdleGuestAndIsFollowedByAWrite) {
  VCpuHost h;
  int fired = 0;
  Time fired_at;
  h.vcpu.post(h.task, [&](Continuation done) {
    h.vcpu.arm_timer(Time::zero() + Milliseconds(1), [&](Continuation timer_done) {
      ++fired;
      fired_at = h.vcpu.now();
      timer_done();
    });
    done();
  });
  h.sim.run_until(Time::zero() + Milliseconds(50));
  EXPECT_EQ(fired, 1);
  EXPECT_GE(fired_at, Time::zero() + Milliseconds(1));
  EXPECT_LT(fired_at, Time::zero() + Microseconds(1'020));
  // Arm (1 ms, before the 4 ms tick); the tick's stop changes nothing;
  // after the expiry, the housekeeping deadline: two writes.
  EXPECT_EQ(h.vcpu.exits(ExitReason::kMsrWrite), 2u);
  EXPECT_EQ(h.vcpu.halts(), 2u);
  EXPECT_EQ(h.vcpu.ticks(), 0u);
  EXPECT_EQ(h.vcpu.exits(ExitReason::kPreemptionTimer), 0u);
  EXPECT_FALSE(h.vcpu.tick_running());
  h.expect_accounting_exact();
}

// The deadline of a vCPU in guest mode forces a preemption-timer exit.
TEST(VCpuTimer, ADeadlineInGuestModeIsAPreemptionTimerExit) {
  VCpuHost h;
  int fired = 0;
  Busy busy(h.vcpu, Milliseconds(2));
  h.vcpu.post(h.task, [&](Continuation done) {
    h.vcpu.arm_timer(Time::zero() + Milliseconds(1), [&](Continuation timer_done) {
      ++fired;
      timer_done();
    });
    busy(std::move(done));
  });
  h.sim.run_until(Time::zero() + Milliseconds(50));
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(h.vcpu.exits(ExitReason::kPreemptionTimer), 1u);
  // Arm, re-arm for the tick, stop the tick at idle.
  EXPECT_EQ(h.vcpu.exits(ExitReason::kMsrWrite), 3u);
  h.expect_accounting_exact();
}

// A periodic timer re-armed from its own expiry: hrtimer_interrupt
// programs the next expiry once, when it is done (not once for the
// re-arm and once more at the end).
TEST(VCpuTimer, ATimerReArmedInItsHandlerIsProgrammedOnce) {
  VCpuHost h;
  int fired = 0;
  Busy busy(h.vcpu, Milliseconds(3));
  std::function<void(Continuation)> expiry = [&](Continuation timer_done) {
    if (++fired == 1) h.vcpu.arm_timer(Time::zero() + Milliseconds(2), expiry);
    timer_done();
  };
  h.vcpu.post(h.task, [&](Continuation done) {
    h.vcpu.arm_timer(Time::zero() + Milliseconds(1), expiry);
    busy(std::move(done));
  });
  h.sim.run_until(Time::zero() + Milliseconds(50));
  EXPECT_EQ(fired, 2);
  EXPECT_EQ(h.vcpu.exits(ExitReason::kPreemptionTimer), 2u);
  // Arm 1 ms; after it, 2 ms; after that, the 4 ms tick; idle at 3 ms
  // stops the tick.
  EXPECT_EQ(h.vcpu.exits(ExitReason::kMsrWrite), 4u);
  EXPECT_EQ(h.vcpu.ticks(), 0u);
  h.expect_accounting_exact();
}

// Bare metal keeps the same clock with plain WRMSRs: ticks and writes,
// no exits.
TEST(VCpuTimer, BareMetalTicksAndWritesWithoutExits) {
  VCpu::Config config;
  config.native = true;
  VCpuHost h(config);
  Busy busy(h.vcpu, Milliseconds(10));
  h.vcpu.post(h.task, [&](Continuation done) { busy(std::move(done)); });
  h.sim.run_until(Time::zero() + Milliseconds(50));
  EXPECT_EQ(h.vcpu.ticks(), 2u);             // 4 and 8 ms
  EXPECT_EQ(h.vcpu.timer_writes(), 2u + 1);  // a re-arm each, the stop
  EXPECT_EQ(h.vcpu.exits(), 0u);
  h.expect_accounting_exact();
}

// vCPU 0 wakes halted vCPU 1 with an IPI: the ICR write exits unless IPI
// virtualization is on; vCPU 1 is woken through the host either way.
void expect_ipi(bool ipiv) {
  VCpu::Config config;
  config.ipiv = ipiv;
  VCpuHost h(config);
  VCpu other(h.sim, "vcpu1", nullptr, h.io_thread, config);
  int handled = 0;
  other.set_interrupt_handler([&](uint32_t vector, Continuation done) {
    EXPECT_EQ(vector, 0xfdu);
    ++handled;
    other.guest(Cycles(300), CpuCategory::kGuestKernel, std::move(done));
  });
  h.sim.run_until(Time::zero() + Milliseconds(1));
  const uint64_t writes_before = h.vcpu.exits(ExitReason::kMsrWrite);
  h.vcpu.post(h.task, [&](Continuation done) { h.vcpu.send_ipi(other, 0xfd, std::move(done)); });
  h.sim.run_until(Time::zero() + Milliseconds(10));
  EXPECT_EQ(handled, 1);
  EXPECT_EQ(h.io_thread.wakeups(), 2u) << "its start and the IPI";
  // The sender's tick restart and stop around the task, and the ICR write.
  EXPECT_EQ(h.vcpu.exits(ExitReason::kMsrWrite) - writes_before, ipiv ? 2u : 3u) << ipiv;
  EXPECT_EQ(h.vcpu.exits(), ipiv ? 4u + 1u : 5u + 1u) << "boot stop and HLT, restart, (ICR,) stop, HLT";
}

TEST(VCpuTimer, AnIpiExitsOnTheIcrWriteUnlessVirtualized) {
  expect_ipi(false);
  expect_ipi(true);
}

// KVM sends the IPI from the ICR write's exit handler (kvm_apic_send_ipi):
// the target has it before the sender is back in the guest. Against IPI
// virtualization (no exit: sent at the write) it comes later by the exit's
// first half and the handler's work, not by the entry.
TEST(VCpuTimer, AnExitingIpiReachesItsTargetBeforeTheSenderIsBackInTheGuest) {
  auto handled_at = [](bool ipiv) {
    VCpu::Config config;
    config.ipiv = ipiv;
    config.exits.ipi_send = Cycles(1'200);
    VCpuHost h(config);
    VCpu other(h.sim, "vcpu1", nullptr, h.io_thread, config);
    Time at = Time::max();
    other.set_interrupt_handler([&](uint32_t, Continuation done) {
      at = std::min(at, h.sim.now());
      other.guest(Cycles(300), CpuCategory::kGuestKernel, std::move(done));
    });
    h.sim.run_until(Time::zero() + Milliseconds(1));
    h.vcpu.post(h.task, [&](Continuation done) { h.vcpu.send_ipi(other, 0xfd, std::move(done)); });
    h.sim.run_until(Time::zero() + Milliseconds(10));
    return at;
  };
  const Time virtualized = handled_at(true), exiting = handled_at(false);
  ASSERT_NE(exiting, Time::max());
  const VCpu::Config c;
  const core::Clock clock(CpuCosts{}.frequency_hz);
  const core::Duration handler =
      clock.to_duration(c.exits.handler[static_cast<size_t>(ExitReason::kMsrWrite)]) + clock.to_duration(Cycles(1'200));
  EXPECT_EQ(exiting - virtualized, clock.to_duration(c.exits.exit_entry) / 2 + handler);
}

// Without APICv an interrupt raised while the guest handles another (its
// interrupts disabled) is a kick exit at once and an interrupt-window
// exit when the handler returns. The first was injected alone, so KVM
// offered paravirtual EOI, and took it back at the kick's entry (another
// pending): its EOI exits. The second, alone again, ends without one.
TEST(VCpuTimer, WithoutApicvAnInterruptDuringAHandlerWaitsForTheWindow) {
  VCpu::Config config;
  config.apicv = false;
  VCpuHost h(config);
  int handled = 0;
  h.vcpu.set_interrupt_handler([&](uint32_t, Continuation done) {
    ++handled;
    h.vcpu.guest(h.core0.clock().to_cycles(Microseconds(20)), CpuCategory::kGuestKernel, std::move(done));
  });
  Busy busy(h.vcpu, Microseconds(100));
  h.vcpu.post(h.task, [&](Continuation done) { busy(std::move(done)); });
  h.io_thread.start([&] {
    h.io_thread.run_for(Microseconds(10), CpuCategory::kVhost, [&] {
      h.vcpu.raise_interrupt(33, &h.io_thread);
      h.io_thread.run_for(Microseconds(5), CpuCategory::kVhost, [&] {
        h.vcpu.raise_interrupt(34, &h.io_thread);
        h.io_thread.sleep([] {});
      });
    });
  });
  h.sim.run_until(Time::zero() + Milliseconds(1));
  EXPECT_EQ(handled, 2);
  EXPECT_EQ(h.vcpu.exits(ExitReason::kExternalInterrupt), 2u);
  EXPECT_EQ(h.vcpu.exits(ExitReason::kInterruptWindow), 1u);
  EXPECT_EQ(h.vcpu.exits(ExitReason::kMsrWrite), 2u) << "the first's EOI and the tick's stop";
  h.expect_accounting_exact();
}

}  // namespace
}  // namespace viosim::models
