// The guest's haltpoll idle driver, counted by hand: the window starts at
// 0 (HLT), grows to 50 us after a short halt, a poll then catches a woken
// task without a HLT exit or a timer write (the tick kept), a poll that
// runs out is followed by a HLT (the tick stopped), and a halt longer
// than the cap shrinks the window to 0.
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "models/vcpu/vcpu.h"
#include "tests/models/vcpu/vcpu_host.h"

namespace viosim::models {
namespace {

using core::Duration;
using core::Microseconds;
using core::Time;

VCpu::Config haltpoll() {
  VCpu::Config config;
  config.guest_halt_poll_max = Microseconds(200);
  config.halt_poll_max = Duration::zero();  // the driver turns KVM's off
  return config;
}

// The device thread posts a short task after each gap in turn; the
// window after each task, in microseconds.
struct Posts {
  Posts(VCpuHost& h, std::vector<Duration> gaps) : h(h), gaps(std::move(gaps)) {
    h.io_thread.start([this] { next(); });
  }
  void next() {
    if (i == gaps.size()) {
      h.io_thread.sleep([] {});
      return;
    }
    h.io_thread.run_for(gaps[i++], CpuCategory::kVhost, [this] {
      h.vcpu.post(
          h.task,
          [this](Continuation done) {
            windows.push_back(h.vcpu.guest_poll_window() / Microseconds(1));
            h.vcpu.guest(core::Cycles(1000), CpuCategory::kGuestUser, std::move(done));
          },
          &h.io_thread);
      next();
    });
  }
  VCpuHost& h;
  std::vector<Duration> gaps;
  size_t i = 0;
  std::vector<int64_t> windows;
};

TEST(GuestHaltPoll, APollCatchesAWakeUpWithoutAHaltOrATimerWrite) {
  VCpuHost h(haltpoll());
  Posts posts(h, {Microseconds(100), Microseconds(30)});
  h.sim.run_until(Time::zero() + core::Milliseconds(2));
  EXPECT_EQ(posts.windows, (std::vector<int64_t>{50, 50}));
  // Boot: window 0, HLT (tick stopped: a write). The first task restarts
  // the tick (a write); its idle polls and catches the second task (no
  // exit); the next poll runs out: HLT, the tick stopped (a write).
  EXPECT_EQ(h.vcpu.halts(), 2u);
  EXPECT_EQ(h.vcpu.guest_polls(), 2u);
  EXPECT_EQ(h.vcpu.exits(ExitReason::kMsrWrite), 3u);
  EXPECT_EQ(h.vcpu.exits(), 5u);
  h.expect_accounting_exact();
}

TEST(GuestHaltPoll, TheWindowGrowsAfterShortHaltsAndShrinksAfterALongOne) {
  using core::Microseconds;
  VCpuHost h(haltpoll());
  // Each idle period polls for the window, then halts for the rest of the
  // gap; only that halt adjusts the window (haltpoll_reflect): 100 us
  // halted -> 50, 70 -> 100, 150 -> 200, 100 (within) -> 200, then
  // halts of about 1.1 ms (over the cap) halve it, 100, 50, 25: under
  // 50, so 0, where it stays.
  Posts posts(h, {Microseconds(100), Microseconds(120), Microseconds(250), Microseconds(300), Microseconds(1300),
                  Microseconds(1300), Microseconds(1300), Microseconds(1300)});
  h.sim.run_until(Time::zero() + core::Milliseconds(20));
  EXPECT_EQ(posts.windows, (std::vector<int64_t>{50, 100, 200, 200, 100, 50, 0, 0}));
  h.expect_accounting_exact();
}

// Bare metal has no haltpoll driver: its idle is mwait.
TEST(GuestHaltPoll, BareMetalNeverPolls) {
  VCpu::Config config = haltpoll();
  config.native = true;
  VCpuHost h(config);
  Posts posts(h, {Microseconds(100), Microseconds(30)});
  h.sim.run_until(Time::zero() + core::Milliseconds(2));
  EXPECT_EQ(h.vcpu.guest_polls(), 0u);
  EXPECT_EQ(h.vcpu.exits(), 0u);
}

}  // namespace
}  // namespace viosim::models
