// The vCPU: the kvm-unit-tests vmexit loops on the 2012 profile (calibration
// section 1), posted against injected interrupts (exits counted), halt
// polling's window growing and shrinking as in KVM, and wake-up costs.
#include "models/vcpu/vcpu.h"

#include <gtest/gtest.h>

#include <memory>
#include <numeric>

#include "models/vcpu/irqfd.h"
#include "tests/models/vcpu/vcpu_host.h"

namespace viosim::models {
namespace {

using core::Cycles;
using core::Duration;
using core::Time;
using Host = VCpuHost;

// A guest loop that takes `n` exits of one reason back to back, like
// kvm-unit-tests' x86/vmexit.c, and measures cycles per iteration.
double cycles_per_exit(ExitReason reason, int n) {
  Host h;
  Time start, end;
  int left = n;
  Continuation done;
  std::function<void()> loop = [&] {
    if (left-- == 0) {
      end = h.sim.now();
      done();  // the task ends; the idle guest halts
      return;
    }
    if (reason == ExitReason::kPioUserspace) {
      h.vcpu.exit_to_device(reason, Cycles(0), loop);
    } else {
      h.vcpu.exit(reason, loop);
    }
  };
  h.vcpu.post(h.task, [&](Continuation d) {
    done = std::move(d);
    start = h.sim.now();
    loop();
  });
  h.sim.run_until(Time::zero() + core::Milliseconds(100));
  EXPECT_EQ(h.vcpu.exits(reason), static_cast<uint64_t>(n));
  h.expect_accounting_exact();
  return double(h.core0.clock().to_cycles(end - start).count()) / n;
}

// calibration.md section 1: kvm-unit-tests commit 00bfecaa (2012).
TEST(VCpu, ReproducesTheKvmUnitTestsVmexitLoops) {
  const double vmcall = cycles_per_exit(ExitReason::kVmcall, 10'000);
  const double outl_to_kernel = cycles_per_exit(ExitReason::kPioFast, 10'000);
  const double inl_from_kernel = cycles_per_exit(ExitReason::kPioEmulated, 10'000);
  const double inl_from_qemu = cycles_per_exit(ExitReason::kPioUserspace, 10'000);
  EXPECT_NEAR(vmcall, 3898, 390);
  EXPECT_NEAR(outl_to_kernel, 4451, 445);
  EXPECT_NEAR(inl_from_kernel, 7237, 724);
  EXPECT_NEAR(inl_from_qemu, 20574, 2057);
  EXPECT_NEAR(inl_from_qemu / inl_from_kernel, 2.84, 0.284);
  EXPECT_NEAR(outl_to_kernel / vmcall, 1.14, 0.114);
}

TEST(VCpu, ExitCyclesAreChargedByClass) {
  Host h;
  int left = 100;
  Continuation done;
  std::function<void()> loop = [&] {
    if (left-- == 0) {
      done();
      return;
    }
    h.vcpu.exit_to_device(ExitReason::kMmioUserspace, Cycles(1000), loop);
  };
  h.vcpu.post(h.task, [&](Continuation d) {
    done = std::move(d);
    loop();
  });
  h.sim.run_until(Time::zero() + core::Milliseconds(10));
  const auto u = h.core0.usage();
  const ExitCosts c;
  const core::Clock& clock = h.core0.clock();
  EXPECT_EQ(u[size_t(CpuCategory::kQemu)], clock.to_duration(c.userspace_dispatch + Cycles(1000)) * 100);
  EXPECT_EQ(u[size_t(CpuCategory::kExitEntry)] >= clock.to_duration(c.exit_entry) * 100, true);
  h.expect_accounting_exact();
}

// A device thread on core 1 raises interrupts while the guest computes.
struct InterruptStorm {
  InterruptStorm(Host& h, int count, Duration period) : h(h), left(count), period(period) {
    h.vcpu.set_interrupt_handler([&h, this](uint32_t, Continuation done) {
      ++handled;
      h.vcpu.guest(Cycles(600), CpuCategory::kGuestKernel, std::move(done));
    });
    h.io_thread.start([this] { tick(); });
  }
  void tick() {
    if (left-- == 0) {
      h.io_thread.sleep([] {});
      return;
    }
    h.io_thread.run_for(period, CpuCategory::kVhost, [this] {
      h.vcpu.raise_interrupt(33, &h.io_thread);
      tick();
    });
  }
  Host& h;
  int left;
  Duration period;
  int handled = 0;
};

void keep_guest_busy(Host& h) {
  std::function<void()>* spin = new std::function<void()>;
  *spin = [&h, spin] { h.vcpu.guest(Cycles(3000), CpuCategory::kGuestUser, *spin); };
  h.vcpu.post(h.task, [spin](Continuation) { (*spin)(); });
  h.sim.run_until(Time::zero());
  static std::vector<std::unique_ptr<std::function<void()>>> keep;
  keep.emplace_back(spin);
}

TEST(VCpu, PostedInterruptsReachARunningGuestWithoutExits) {
  Host h;  // APICv on
  keep_guest_busy(h);
  InterruptStorm storm(h, 100, core::Microseconds(20));
  h.sim.run_until(Time::zero() + core::Milliseconds(3));
  EXPECT_EQ(storm.handled, 100);
  EXPECT_EQ(h.vcpu.exits(ExitReason::kExternalInterrupt), 0u);
  EXPECT_EQ(h.vcpu.exits(ExitReason::kMsrWrite), 0u);
  EXPECT_EQ(h.vcpu.posted_without_exit(), 100u);
  h.expect_accounting_exact();
}

// A vector already pending is not pending twice: MSIs raised before the
// guest takes the first merge with it (one IRR bit), another vector does not.
TEST(VCpu, APendingVectorMergesAgainRaised) {
  Host h;
  int handled = 0;
  h.vcpu.set_interrupt_handler([&](uint32_t, Continuation done) {
    ++handled;
    h.vcpu.guest(Cycles(600), CpuCategory::kGuestKernel, std::move(done));
  });
  h.sim.run_until(Time::zero() + core::Microseconds(1));
  h.vcpu.raise_interrupt(33, nullptr);
  h.vcpu.raise_interrupt(33, nullptr);
  h.vcpu.raise_interrupt(34, nullptr);
  h.sim.run_until(Time::zero() + core::Milliseconds(1));
  EXPECT_EQ(handled, 2);
  EXPECT_EQ(h.vcpu.interrupts(), 2u);
}

// Without APICv each interrupt is a kick's EXTERNAL_INTERRUPT exit; its
// EOI exits only for a level-triggered (IOAPIC) vector: an edge vector
// injected alone ends with a paravirtual EOI.
void expect_injected(bool level) {
  VCpu::Config config;
  config.apicv = false;
  Host h(config);
  if (level) h.vcpu.set_level_triggered(33);
  keep_guest_busy(h);
  InterruptStorm storm(h, 100, core::Microseconds(20));
  h.sim.run_until(Time::zero() + core::Milliseconds(3));
  EXPECT_EQ(storm.handled, 100);
  EXPECT_EQ(h.vcpu.exits(ExitReason::kExternalInterrupt), 100u);
  EXPECT_EQ(h.vcpu.exits(ExitReason::kMsrWrite), level ? 100u : 0u);
  EXPECT_EQ(h.vcpu.posted_without_exit(), 0u);
  h.expect_accounting_exact();
}

TEST(VCpu, WithoutApicvEachInterruptCostsAnExitAndALevelOneItsEoiToo) {
  expect_injected(false);
  expect_injected(true);
}

// An idle guest woken by interrupts every `gap`: the halt-poll window after
// each halt, in order.
std::vector<int64_t> windows_us(const std::vector<Duration>& gaps) {
  Host h;
  std::vector<int64_t> windows;
  h.vcpu.set_interrupt_handler([&](uint32_t, Continuation done) {
    windows.push_back(h.vcpu.halt_poll_window().ps() / 1'000'000);
    h.vcpu.guest(Cycles(300), CpuCategory::kGuestKernel, std::move(done));
  });
  size_t i = 0;
  std::function<void()> tick = [&] {
    if (i == gaps.size()) {
      h.io_thread.sleep([] {});
      return;
    }
    h.io_thread.run_for(gaps[i++], CpuCategory::kVhost, [&] {
      h.vcpu.raise_interrupt(33, &h.io_thread);
      tick();
    });
  };
  h.io_thread.start(tick);
  h.sim.run();
  h.expect_accounting_exact();
  return windows;
}

TEST(VCpu, HaltPollWindowGrowsFromTenMicrosecondsAndShrinks) {
  using core::Microseconds;
  // Halts of ~30 us: 0 -> 10 -> 20 -> 40, then 40 holds (halts end inside it).
  EXPECT_EQ(windows_us({Microseconds(30), Microseconds(30), Microseconds(30), Microseconds(30), Microseconds(30)}),
            (std::vector<int64_t>{10, 20, 40, 40, 40}));
  // Then halts longer than the 200 us cap halve it until below 10 us: 0.
  EXPECT_EQ(windows_us({Microseconds(30), Microseconds(30), Microseconds(30), Microseconds(1000),
                        Microseconds(1000), Microseconds(1000), Microseconds(1000)}),
            (std::vector<int64_t>{10, 20, 40, 20, 10, 0, 0}));
}

TEST(VCpu, PollHitsAvoidTheSchedulerWakeup) {
  Host h;
  int handled = 0;
  h.vcpu.set_interrupt_handler([&](uint32_t, Continuation done) {
    ++handled;
    h.vcpu.guest(Cycles(300), CpuCategory::kGuestKernel, std::move(done));
  });
  int left = 50;
  std::function<void()> tick = [&] {
    if (left-- == 0) {
      h.io_thread.sleep([] {});
      return;
    }
    h.io_thread.run_for(core::Microseconds(8), CpuCategory::kVhost, [&] {
      h.vcpu.raise_interrupt(33, &h.io_thread);
      tick();
    });
  };
  h.io_thread.start(tick);
  h.sim.run();
  EXPECT_EQ(handled, 50);
  EXPECT_EQ(h.vcpu.halts(), 51u);  // one more after the last interrupt
  // The first halt blocks (window 0); every later one is caught by polling.
  EXPECT_EQ(h.vcpu.halt_poll_hits(), 49u);
  EXPECT_EQ(h.vcpu_thread.wakeups(), 2u);  // its start and the first interrupt; the last halt stays blocked
  h.expect_accounting_exact();
}

// A backend thread signals an irqfd: the MSI reaches the vCPU and the
// injection's cycles land on the signaller's core, in KVM.
TEST(VCpu, IrqfdInjectsInlineOnTheSignallingThread) {
  Host h;
  EventFd call("call");
  Irqfd irqfd(call, h.vcpu, 40);
  int handled = 0;
  h.vcpu.set_interrupt_handler([&](uint32_t vector, Continuation done) {
    EXPECT_EQ(vector, 40u);
    ++handled;
    h.vcpu.guest(Cycles(300), CpuCategory::kGuestKernel, std::move(done));
  });
  int left = 10;
  std::function<void()> tick = [&] {
    if (left-- == 0) {
      h.io_thread.sleep([] {});
      return;
    }
    h.io_thread.run_for(core::Microseconds(30), CpuCategory::kVhost, [&] { h.io_thread.signal_in_kernel(call, tick); });
  };
  h.io_thread.start(tick);
  h.sim.run();
  EXPECT_EQ(handled, 10);
  EXPECT_EQ(h.core1.usage()[size_t(CpuCategory::kKvm)], h.core1.clock().to_duration(ExitCosts{}.irqfd_inject) * 10);
  EXPECT_EQ(call.signals(), 10u);
  h.expect_accounting_exact();
}

// KVM injects inline on the signalling thread and tells the vCPU last
// (vmx_deliver_posted_interrupt sets the PIR bit, then sends the IPI or
// wakes it): the interrupt is pending only once the injection's cycles,
// charged to KVM in the signalling step, are done.
TEST(VCpu, AnIrqfdInterruptReachesTheVcpuAsTheInjectionEnds) {
  VCpuHost h;
  EventFd call("call");
  Irqfd irqfd(call, h.vcpu, 40);
  // A plain listener beside the irqfd: told when the signal takes effect.
  struct Seen final : EventFdListener {
    explicit Seen(core::Simulator& s) : sim(&s) {}
    void on_eventfd_signal(EventFd&, HostThread*) override {
      at = sim->now();
      interrupts = vcpu_interrupts();
    }
    void on_eventfd_gone(EventFd&) override {}
    core::Simulator* sim;
    std::function<uint64_t()> vcpu_interrupts;
    core::Time at = core::Time::max();
    uint64_t interrupts = 0;
  } seen(h.sim);
  seen.vcpu_interrupts = [&] { return h.vcpu.interrupts(); };
  call.add_listener(&seen);
  h.vcpu.set_interrupt_handler(
      [&](uint32_t, Continuation done) { h.vcpu.guest(Cycles(300), CpuCategory::kGuestKernel, std::move(done)); });
  core::Time signalled = core::Time::max();
  h.io_thread.start([&] {
    h.io_thread.run_for(core::Microseconds(1), CpuCategory::kVhost, [&] {
      signalled = h.sim.now();
      h.io_thread.signal_in_kernel(call, [&] { h.io_thread.sleep([] {}); });
    });
  });
  h.sim.run();
  const core::Duration write = h.core1.clock().to_duration(h.core1.costs().eventfd_signal_in_kernel);
  const core::Duration inject = h.core1.clock().to_duration(ExitCosts{}.irqfd_inject);
  EXPECT_EQ(seen.at, signalled + write + inject);
  EXPECT_EQ(seen.interrupts, 1u);  // the irqfd, before it, raised the vector then
  EXPECT_EQ(h.vcpu.interrupts(), 1u);
  EXPECT_EQ(h.core1.usage()[size_t(CpuCategory::kKvm)], inject);
  call.remove_listener(&seen);
}

}  // namespace
}  // namespace viosim::models
