// Host cores and threads: exact CPU accounting, the eventfd ping-pong that
// exposes the wake-up latency across cores and the context-switch cost on
// one core, busy polling, and model-bug detection.
#include "models/host/host_thread.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <numeric>

#include "sim-core/member_event.h"

namespace viosim::models {
namespace {

using core::Cycles;
using core::Duration;
using core::Time;

class Machine {
 public:
  explicit Machine(int cores, CpuCosts costs = {}) : costs_(costs) {
    for (int i = 0; i < cores; ++i) {
      cores_.push_back(std::make_unique<Core>(sim, "core" + std::to_string(i), nullptr, costs, i));
    }
  }
  Core& core(int i) { return *cores_[i]; }
  // Every core's categories add up to the elapsed time, exactly.
  void expect_accounting_exact() {
    for (auto& c : cores_) {
      const auto u = c->usage();
      const Duration sum = std::accumulate(u.begin(), u.end(), Duration::zero());
      EXPECT_EQ(sum, sim.now() - c->accounting_start()) << c->name();
    }
  }
  core::Simulator sim;

 private:
  CpuCosts costs_;
  std::vector<std::unique_ptr<Core>> cores_;
};

Duration at3ghz(int64_t cycles) { return core::Clock(3'000'000'000).to_duration(Cycles(cycles)); }

TEST(HostThread, StepsAreChargedToTheirCategoriesAndIdleFillsTheRest) {
  Machine m(1);
  HostThread t(m.sim, "t", nullptr, m.core(0));
  t.start([&] {
    t.run(Cycles(3000), CpuCategory::kQemu, [&] {
      t.run_segments({{core::Microseconds(2), CpuCategory::kExitEntry}, {core::Microseconds(3), CpuCategory::kKvm}},
                     [&] { t.sleep([] {}); });
    });
  });
  m.sim.run_until(Time::zero() + core::Microseconds(100));
  const auto u = m.core(0).usage();
  const CpuCosts c;
  const Duration start = c.idle_exit_latency;  // woken from nobody: no IPI
  EXPECT_EQ(u[size_t(CpuCategory::kHostKernel)], at3ghz(c.wakeup.count()));
  EXPECT_EQ(u[size_t(CpuCategory::kQemu)], core::Microseconds(1));
  EXPECT_EQ(u[size_t(CpuCategory::kExitEntry)], core::Microseconds(2));
  EXPECT_EQ(u[size_t(CpuCategory::kKvm)], core::Microseconds(3));
  // Idle: the idle-state exit before the thread arrived, and after it slept.
  EXPECT_EQ(u[size_t(CpuCategory::kIdle)], core::Microseconds(100) - core::Microseconds(6) - at3ghz(c.wakeup.count()));
  EXPECT_GT(start, Duration::zero());
  m.expect_accounting_exact();
}

// An ioctl that delivers an interrupt (QEMU's KVM_SIGNAL_MSI): the call
// is the host kernel's, the delivery inside it KVM's, and what follows
// runs as both end.
TEST(HostThread, AnIoctlIntoKvmChargesTheDeliveryToKvm) {
  Machine m(1);
  HostThread t(m.sim, "t", nullptr, m.core(0));
  Time done;
  t.start([&] {
    t.syscall_into_kvm(Syscall::kIoctl, Cycles(900), [&] {
      done = m.sim.now();
      t.sleep([] {});
    });
  });
  m.sim.run_until(Time::zero() + core::Microseconds(100));
  const auto u = m.core(0).usage();
  const CpuCosts c;
  const Duration call = at3ghz((c.syscall_base + c.syscall_work[size_t(Syscall::kIoctl)]).count());
  EXPECT_EQ(u[size_t(CpuCategory::kHostKernel)], at3ghz(c.wakeup.count()) + call);
  EXPECT_EQ(u[size_t(CpuCategory::kKvm)], at3ghz(900));
  EXPECT_EQ(done, Time::zero() + c.idle_exit_latency + at3ghz(c.wakeup.count()) + call + at3ghz(900));
  EXPECT_EQ(t.syscalls(Syscall::kIoctl), 1u);
  m.expect_accounting_exact();
}

TEST(HostThread, AccountingIsExactMidStepAndAfterReset) {
  Machine m(1);
  HostThread t(m.sim, "t", nullptr, m.core(0));
  t.start([&] { t.run_for(core::Milliseconds(1), CpuCategory::kVhost, [&] { t.sleep([] {}); }); });
  m.sim.run_until(Time::zero() + core::Microseconds(500));
  m.expect_accounting_exact();
  m.core(0).reset_stats();
  m.sim.run_until(Time::zero() + core::Microseconds(700));
  const auto u = m.core(0).usage();
  EXPECT_EQ(u[size_t(CpuCategory::kVhost)], core::Microseconds(200));
  m.expect_accounting_exact();
  m.sim.run_until(Time::zero() + core::Milliseconds(2));
  m.expect_accounting_exact();
}

// Two threads bounce an eventfd: write, the peer wakes, reads, writes back.
struct PingPong {
  PingPong(Machine& m, Core& a_core, Core& b_core, int rounds)
      : a(m.sim, "a", nullptr, a_core), b(m.sim, "b", nullptr, b_core), ping("ping"), pong("pong"), left(rounds) {
    a.start([this] { a_send(); });
    b.start([this] { b_wait(); });
  }
  void a_send() {
    sends.push_back(a.now());
    if (left-- == 0) {
      a.sleep([] {});
      return;
    }
    a.signal(ping, [this] { a.wait({&pong}, [this] { a.syscall(Syscall::kEventfdRead, [this] {
                                                    pong.take();
                                                    a_send();
                                                  }); }); });
  }
  void b_wait() {
    b.wait({&ping}, [this] {
      b.syscall(Syscall::kEventfdRead, [this] {
        ping.take();
        b.signal(pong, [this] { b_wait(); });
      });
    });
  }
  HostThread a, b;
  EventFd ping, pong;
  int left;
  std::vector<Time> sends;
};

TEST(HostThread, EventfdPingPongAcrossCoresShowsTheWakeupLatency) {
  Machine m(2);
  const CpuCosts c;
  // Let both threads settle (b blocked in its wait) before timing.
  PingPong p(m, m.core(0), m.core(1), 1000);
  m.sim.run();
  // One way: eventfd write, IPI, idle exit, wake-up path, eventfd read.
  const Duration one_way = at3ghz((c.syscall_base + c.syscall_work[size_t(Syscall::kEventfdWrite)]).count()) +
                           c.ipi_latency + c.idle_exit_latency + at3ghz(c.wakeup.count()) +
                           at3ghz((c.syscall_base + c.syscall_work[size_t(Syscall::kEventfdRead)]).count());
  EXPECT_EQ(one_way, core::Nanoseconds(4000));
  // Every round after the first is exactly two one-way trips.
  ASSERT_EQ(p.sends.size(), 1001u);
  for (size_t i = 2; i < p.sends.size(); ++i) ASSERT_EQ(p.sends[i] - p.sends[i - 1], one_way * 2) << i;
  EXPECT_EQ(p.a.syscalls(Syscall::kEventfdWrite), 1000u);
  EXPECT_EQ(p.b.syscalls(Syscall::kEventfdRead), 1000u);
  EXPECT_EQ(p.b.wakeups(), 1001u);  // its start, then once per ping
  // Core 1 only ever switches from idle to b: its start and one per ping.
  EXPECT_EQ(static_cast<const core::Counter*>(m.core(1).find_stat("context_switches"))->value(),
            static_cast<const core::Counter*>(m.core(1).find_stat("idle_wakeups"))->value());
  EXPECT_EQ(static_cast<const core::Counter*>(m.core(1).find_stat("idle_wakeups"))->value(), 1001u);
  m.expect_accounting_exact();
}

TEST(HostThread, EventfdPingPongOnOneCoreCostsContextSwitches) {
  Machine m(1);
  const CpuCosts c;
  PingPong p(m, m.core(0), m.core(0), 1000);
  m.sim.run();
  // One way: write, a context switch to the peer (the writer blocks in its
  // wait), read. No IPI, no idle exit.
  const Duration one_way = at3ghz((c.syscall_base + c.syscall_work[size_t(Syscall::kEventfdWrite)]).count()) +
                           at3ghz(c.context_switch.count()) +
                           at3ghz((c.syscall_base + c.syscall_work[size_t(Syscall::kEventfdRead)]).count());
  EXPECT_EQ(one_way, core::Nanoseconds(2000));
  ASSERT_EQ(p.sends.size(), 1001u);
  for (size_t i = 2; i < p.sends.size(); ++i) ASSERT_EQ(p.sends[i] - p.sends[i - 1], one_way * 2) << i;
  EXPECT_GE(static_cast<const core::Counter*>(m.core(0).find_stat("context_switches"))->value(), 2000u);
  EXPECT_EQ(static_cast<const core::Counter*>(m.core(0).find_stat("idle_wakeups"))->value(), 1u);
  m.expect_accounting_exact();
}

TEST(HostThread, SpinUntilPokedChargesThePollingCategory) {
  Machine m(2);
  HostThread pmd(m.sim, "pmd", nullptr, m.core(0));
  HostThread producer(m.sim, "producer", nullptr, m.core(1));
  int found = 0;
  std::function<void()> poll = [&] {
    pmd.spin(CpuCategory::kPmd, Duration::max(), false, [&] {
      if (pmd.spin_found()) ++found;
      pmd.run(Cycles(300), CpuCategory::kPmd, poll);
    });
  };
  pmd.start(poll);
  int sent = 0;
  std::function<void()> produce = [&] {
    if (sent++ == 10) {
      producer.sleep([] {});
      return;
    }
    producer.run_for(core::Microseconds(10), CpuCategory::kHostKernel, [&] {
      pmd.poke();
      produce();
    });
  };
  producer.start(produce);
  m.sim.run_until(Time::zero() + core::Microseconds(200));
  EXPECT_EQ(found, 10);
  const auto u = m.core(0).usage();
  // The PMD core is busy polling all the time once started.
  EXPECT_EQ(u[size_t(CpuCategory::kIdle)] + u[size_t(CpuCategory::kHostKernel)],
            CpuCosts{}.idle_exit_latency + at3ghz(CpuCosts{}.wakeup.count()));
  // Of its PMD time, all but the ten packets' work (300 cycles each) was
  // polling, the open spin at the end included.
  EXPECT_EQ(m.core(0).polling(), u[size_t(CpuCategory::kPmd)] - 10 * at3ghz(300));
  EXPECT_EQ(m.core(1).polling(), Duration::zero());
  m.expect_accounting_exact();
}

TEST(HostThread, AnUnpinnedThreadWakesOnAnIdleCore) {
  Machine m(2);
  HostThread busy(m.sim, "busy", nullptr, m.core(0));
  HostThread roamer(m.sim, "roamer", nullptr, std::vector<Core*>{&m.core(0), &m.core(1)});
  busy.start([&] { busy.run_for(core::Milliseconds(1), CpuCategory::kQemu, [&] { busy.sleep([] {}); }); });
  m.sim.run_until(Time::zero() + core::Microseconds(10));
  Core* ran_on = nullptr;
  roamer.start([&] {
    ran_on = &roamer.core();
    roamer.run_for(core::Microseconds(5), CpuCategory::kVhost, [&] { roamer.sleep([] {}); });
  });
  m.sim.run();
  EXPECT_EQ(ran_on, &m.core(1));
  EXPECT_EQ(m.core(1).usage()[size_t(CpuCategory::kVhost)], core::Microseconds(5));
  m.expect_accounting_exact();
}

TEST(HostThread, AContinuationThatDoesNothingIsAModelBug) {
  Machine m(1);
  HostThread t(m.sim, "t", nullptr, m.core(0));
  t.start([] {});
  EXPECT_THROW(m.sim.run(), std::logic_error);
}

TEST(HostThread, ReadyThreadEndsAYieldingSpin) {
  Machine m(1);
  HostThread poller(m.sim, "poller", nullptr, m.core(0));
  HostThread other(m.sim, "other", nullptr, m.core(0));
  bool found = true;
  poller.start([&] {
    poller.spin(CpuCategory::kKvm, core::Microseconds(200), true, [&] {
      found = poller.spin_found();
      poller.sleep([] {});
    });
  });
  other.start([&] { other.run_for(core::Microseconds(1), CpuCategory::kQemu, [&] { other.sleep([] {}); }); });
  m.sim.run();
  EXPECT_FALSE(found);
  EXPECT_LT(m.sim.now() - Time::zero(), core::Microseconds(20));
  m.expect_accounting_exact();
}

}  // namespace
}  // namespace viosim::models

namespace viosim::models {
namespace {

// The lost wake-up: a thread started to wait for work (a softirq thread
// whose entry is "sleep until NAPI is scheduled") is woken before it has
// reached that sleep. The wake-up must not be lost: its first sleep returns
// at once and the work runs, as the kernel's TASK_RUNNING task would.
TEST(HostThread, AWakeUpWhileStartingIsNotLost) {
  for (const Duration wake_at : {Duration::zero(), core::Nanoseconds(100), core::Nanoseconds(2000)}) {
    Machine m(1);
    HostThread t(m.sim, "softirq", nullptr, m.core(0));
    int polls = 0;
    t.start([&] { t.sleep([&] { t.run(Cycles(100), CpuCategory::kHostKernel, [&] { ++polls; t.sleep([] {}); }); }); });
    core::MemberEvent waker(&t, "waker", [&] { t.wake(nullptr); });
    waker.schedule_after(wake_at);
    m.sim.run_until(Time::zero() + core::Microseconds(50));
    EXPECT_EQ(polls, 1) << "woken " << core::to_string(wake_at) << " after start";
    m.expect_accounting_exact();
  }
}

// Once the thread has waited, an extra wake-up while it runs is not kept:
// its next sleep blocks until the next wake().
TEST(HostThread, AWakeUpWhileRunningAfterTheFirstWaitIsNotKept) {
  Machine m(1);
  HostThread t(m.sim, "worker", nullptr, m.core(0));
  int runs = 0;
  std::function<void()> body = [&] {
    t.run(Cycles(30000), CpuCategory::kHostKernel, [&] {
      ++runs;
      t.sleep(body);
    });
  };
  t.start([&] { t.sleep(body); });
  core::MemberEvent first(&t, "first", [&] { t.wake(nullptr); });
  core::MemberEvent during(&t, "during", [&] { t.wake(nullptr); });
  first.schedule_after(core::Microseconds(10));
  during.schedule_after(core::Microseconds(15));  // while the 10 us step runs
  m.sim.run_until(Time::zero() + core::Microseconds(100));
  EXPECT_EQ(runs, 1);
}

}  // namespace
}  // namespace viosim::models

namespace viosim::models {
namespace {

// CFS on one core (models/host/core.h): threads that never block share the
// core by slices that end at ticks; a thread that sleeps gets the core back
// at its wake-up, preempting a CPU-bound one; a spin is preempted and
// resumed like a step.

// A thread that runs forever in steps of `step` (a CPU-bound loop).
void run_forever(HostThread& t, Duration step) {
  t.run_for(step, CpuCategory::kGuestUser, [&t, step] { run_forever(t, step); });
}

TEST(CoreScheduler, TwoCpuBoundThreadsShareACoreBySlicesEndingAtTicks) {
  Machine m(1);
  HostThread a(m.sim, "a", nullptr, m.core(0));
  HostThread b(m.sim, "b", nullptr, m.core(0));
  // Long steps: the core is taken mid-step, and the step finishes later.
  a.start([&] { run_forever(a, core::Milliseconds(50)); });
  b.start([&] { run_forever(b, core::Milliseconds(50)); });
  m.sim.run_until(Time::zero() + core::Milliseconds(1000));
  const SchedulerParams s;
  const auto ua = a.usage(), ub = b.usage();
  const Duration ra = ua[static_cast<size_t>(CpuCategory::kGuestUser)];
  const Duration rb = ub[static_cast<size_t>(CpuCategory::kGuestUser)];
  // Fair to within one slice (latency / 2 with two threads) plus a tick.
  EXPECT_LT((ra > rb ? ra - rb : rb - ra), s.latency / 2 + s.tick);
  EXPECT_GT(ra + rb, core::Milliseconds(990));  // the switches cost microseconds
  // Each slice is at least latency / 2 and ends at a tick: ~1000 / 16 ms.
  const uint64_t preemptions = m.core(0).preemptions();
  EXPECT_GE(preemptions, 1000u / 16 - 2);
  EXPECT_LE(preemptions, 1000u / 12 + 1);
  m.expect_accounting_exact();
}

TEST(CoreScheduler, ASleeperPreemptsACpuBoundThreadAtItsWakeUp) {
  Machine m(2);
  HostThread hog(m.sim, "hog", nullptr, m.core(0));
  HostThread sleeper(m.sim, "sleeper", nullptr, m.core(0));
  HostThread waker(m.sim, "waker", nullptr, m.core(1));
  EventFd fd("fd");
  std::vector<Duration> delays;
  Time signalled;
  hog.start([&] { run_forever(hog, core::Milliseconds(100)); });
  std::function<void()> loop = [&] {
    sleeper.wait({&fd}, [&] {
      delays.push_back(m.sim.now() - signalled);
      fd.take();
      sleeper.run_for(core::Microseconds(5), CpuCategory::kGuestKernel, loop);
    });
  };
  sleeper.start(loop);
  std::function<void()> tick = [&] {
    waker.run_for(core::Microseconds(500), CpuCategory::kQemu, [&] {
      signalled = m.sim.now() +
                  at3ghz((CpuCosts{}.syscall_base + CpuCosts{}.syscall_work[size_t(Syscall::kEventfdWrite)]).count());
      waker.signal(fd, tick);
    });
  };
  waker.start(tick);
  m.sim.run_until(Time::zero() + core::Milliseconds(50));
  ASSERT_GT(delays.size(), 50u);
  // Once the hog has run a wake-up granularity (4 ms) ahead, each wake-up
  // is the reschedule IPI, then a context switch to the sleeper (it runs
  // 1% of the time: far behind the hog in virtual runtime).
  const CpuCosts c;
  for (size_t i = delays.size() / 2; i < delays.size(); ++i) {
    EXPECT_EQ(delays[i], c.ipi_latency + at3ghz(c.context_switch.count())) << i;
  }
  EXPECT_GE(m.core(0).preemptions(), delays.size() / 2);
  m.expect_accounting_exact();
}

TEST(CoreScheduler, APreemptedSpinResumesAndStillSeesItsPoke) {
  Machine m(1);
  HostThread pmd(m.sim, "pmd", nullptr, m.core(0));
  HostThread hog(m.sim, "hog", nullptr, m.core(0));
  bool found = false;
  Time ended;
  pmd.start([&] {
    pmd.spin(CpuCategory::kPmd, Duration::max(), false, [&] {
      found = pmd.spin_found();
      ended = m.sim.now();
      pmd.sleep([] {});
    });
  });
  hog.start([&] { hog.run_for(core::Milliseconds(200), CpuCategory::kGuestUser, [&] { hog.sleep([] {}); }); });
  // Poke the spinner while the hog has the core: the poke must not be lost.
  core::Simulator& sim = m.sim;
  Time poked;
  struct Poker : core::Component {
    using core::Component::Component;
    const core::ComponentSpec& spec() const override {
      static const core::ComponentSpec s{.type = "test.poker", .help = "", .params = {}, .ports = {}, .stats = {}};
      return s;
    }
  } poker(sim, "poker", nullptr);
  core::MemberEvent poke(&poker, "poke", [&] {
    ASSERT_EQ(pmd.state(), HostThread::State::kReady);  // off the core, mid-spin
    poked = sim.now();
    pmd.poke();
  });
  poke.schedule_at(Time::zero() + core::Milliseconds(30));
  sim.run();
  EXPECT_TRUE(found);
  EXPECT_GT(ended, poked);
  EXPECT_GT(m.core(0).preemptions(), 0u);
  m.expect_accounting_exact();
}


// A test component to hang events on.
struct Timer : core::Component {
  using core::Component::Component;
  const core::ComponentSpec& spec() const override {
    static const core::ComponentSpec s{.type = "test.timer", .help = "", .params = {}, .ports = {}, .stats = {}};
    return s;
  }
};

// A yielding poll hands the core to a thread that became ready; when the
// poller found work and goes on running instead, the tick must still end
// its slice, or the ready thread waits for as long as the poller runs.
TEST(CoreScheduler, AThreadReadyDuringAYieldingPollGetsTheCoreAtATick) {
  Machine m(1);
  HostThread poller(m.sim, "poller", nullptr, m.core(0));
  HostThread other(m.sim, "other", nullptr, m.core(0));
  Time other_ran;
  // The other thread first, to its sleep; then the poller polls alone.
  other.start([&] { other.sleep([&] { other_ran = m.sim.now(); other.sleep([] {}); }); });
  poller.start([&] {
    poller.spin(CpuCategory::kKvm, core::Milliseconds(1), true, [&] { run_forever(poller, core::Milliseconds(50)); });
  });
  Timer timer(m.sim, "timer", nullptr);
  core::MemberEvent found(&timer, "found", [&] { poller.poke(); });
  found.schedule_at(Time::zero() + core::Microseconds(100));
  core::MemberEvent wake(&timer, "wake", [&] { other.wake(nullptr); });
  wake.schedule_at(Time::zero() + core::Microseconds(100));  // with the poll's find
  m.sim.run_until(Time::zero() + core::Milliseconds(200));
  const SchedulerParams s;
  ASSERT_GT(other_ran, Time::zero());
  EXPECT_LE(other_ran - Time::zero(), s.latency / 2 + s.tick + core::Milliseconds(1));
  m.expect_accounting_exact();
}

// The core's floor follows a thread that runs alone and then sleeps: a
// thread that slept through it wakes at most half a latency behind it.
TEST(CoreScheduler, TheFloorFollowsALoneThreadThatLeavesTheCore) {
  Machine m(1);
  HostThread runner(m.sim, "runner", nullptr, m.core(0));
  HostThread sleeper(m.sim, "sleeper", nullptr, m.core(0));
  runner.start([&] { runner.run_for(core::Milliseconds(60), CpuCategory::kGuestUser, [&] { runner.sleep([] {}); }); });
  sleeper.start([&] { sleeper.sleep([&] { run_forever(sleeper, core::Milliseconds(1)); }); });
  m.sim.run_until(Time::zero() + core::Milliseconds(70));
  const SchedulerParams s;
  // The runner's 60 ms, less the switches and the sleeper's first steps.
  EXPECT_GT(m.core(0).min_vruntime(), core::Milliseconds(59));
  Timer timer(m.sim, "timer", nullptr);
  core::MemberEvent wake(&timer, "wake", [&] { sleeper.wake(nullptr); });
  wake.schedule_at(Time::zero() + core::Milliseconds(80));
  m.sim.run_until(Time::zero() + core::Milliseconds(81));
  EXPECT_GE(m.core(0).min_vruntime(), core::Milliseconds(60) - s.latency / 2);
}

// Three CPU-bound threads, one of which slept long: it wakes half a latency
// behind, preempts, and at the tick that ends its slice it is still the
// furthest behind, so it keeps the core without a switch.
TEST(CoreScheduler, AThreadStillFurthestBehindKeepsTheCoreAtTheTick) {
  Machine m(1);
  HostThread a(m.sim, "a", nullptr, m.core(0));
  HostThread b(m.sim, "b", nullptr, m.core(0));
  HostThread c(m.sim, "c", nullptr, m.core(0));
  b.start([&] { run_forever(b, core::Milliseconds(50)); });
  c.start([&] { run_forever(c, core::Milliseconds(50)); });
  a.start([&] { a.sleep([&] { run_forever(a, core::Milliseconds(50)); }); });
  Timer timer(m.sim, "timer", nullptr);
  core::MemberEvent wake(&timer, "wake", [&] { a.wake(nullptr); });
  wake.schedule_at(Time::zero() + core::Microseconds(200'500));
  m.sim.run_until(Time::zero() + core::Milliseconds(200));
  const uint64_t switches = m.core(0).preemptions();
  // Slice with three threads: 24 / 3 = 8 ms; it starts 12 ms behind.
  m.sim.run_until(Time::zero() + core::Milliseconds(213));
  EXPECT_EQ(m.core(0).owner(), &a);
  EXPECT_EQ(m.core(0).preemptions() - switches, 1u);  // only the wake-up's
  m.expect_accounting_exact();
}

// A timed poll preempted past its deadline ends as soon as it is back on
// the core: the time off the core counted against it.
TEST(CoreScheduler, APreemptedTimedPollKeepsItsDeadline) {
  Machine m(1);
  HostThread poller(m.sim, "poller", nullptr, m.core(0));
  HostThread hog(m.sim, "hog", nullptr, m.core(0));
  Time ended;
  poller.start([&] {
    poller.spin(CpuCategory::kKvm, core::Milliseconds(20), false, [&] {
      ended = m.sim.now();
      poller.sleep([] {});
    });
  });
  hog.start([&] { run_forever(hog, core::Milliseconds(50)); });
  m.sim.run_until(Time::zero() + core::Milliseconds(100));
  EXPECT_GT(m.core(0).preemptions(), 0u);
  // Preempted at the 16 ms tick, back at the 32 ms one: the 20 ms deadline
  // has passed, so it ends there (not 4 ms later).
  EXPECT_GT(ended - Time::zero(), core::Milliseconds(20));
  EXPECT_LT(ended - Time::zero(), core::Milliseconds(33));
  EXPECT_LT(poller.usage()[static_cast<size_t>(CpuCategory::kKvm)], core::Milliseconds(20));
  m.expect_accounting_exact();
}

// A hog on core 0 runs its step forever (`hog_step` runs one, then its
// argument); a sleeper beside it is signalled from core 1 every 2.345 ms,
// longer than any hog step, so each wake-up is served before the next.
// For each wake-up: its delay after the signal, and the hog's time in
// `category` when the sleeper got the core.
struct WakeUps {
  std::vector<Duration> delays, hog_in;
  uint64_t preemptions = 0;
};
WakeUps wake_beside(const std::function<void(HostThread&, const std::function<void()>&)>& hog_step,
                    CpuCategory category, Duration run) {
  Machine m(2);
  HostThread hog(m.sim, "hog", nullptr, m.core(0));
  HostThread sleeper(m.sim, "sleeper", nullptr, m.core(0));
  HostThread waker(m.sim, "waker", nullptr, m.core(1));
  EventFd fd("fd");
  WakeUps w;
  Time signalled;
  std::function<void()> hog_loop = [&] { hog_step(hog, hog_loop); };
  hog.start(hog_loop);
  std::function<void()> loop = [&] {
    sleeper.wait({&fd}, [&] {
      w.delays.push_back(m.sim.now() - signalled);
      w.hog_in.push_back(hog.usage()[static_cast<size_t>(category)]);
      fd.take();
      sleeper.run_for(core::Microseconds(5), CpuCategory::kGuestKernel, loop);
    });
  };
  sleeper.start(loop);
  std::function<void()> tick = [&] {
    waker.run_for(core::Microseconds(2'345), CpuCategory::kQemu, [&] {
      signalled = m.sim.now() +
                  at3ghz((CpuCosts{}.syscall_base + CpuCosts{}.syscall_work[size_t(Syscall::kEventfdWrite)]).count());
      waker.signal(fd, tick);
    });
  };
  waker.start(tick);
  m.sim.run_until(Time::zero() + run);
  w.preemptions = m.core(0).preemptions();
  m.expect_accounting_exact();
  return w;
}

// The reschedule IPI, then the switch: a wake-up taken at once.
Duration taken_at_once() {
  const CpuCosts c;
  return c.ipi_latency + at3ghz(c.context_switch.count());
}

// Debian's kernel preempts voluntarily: a thread in kernel mode (a vhost
// worker's work item, three steps here) keeps the core until the item ends
// and it checks need_resched, however early the reschedule IPI comes; in
// user mode the IPI takes the core at once.
TEST(CoreScheduler, AThreadInKernelModeIsPreemptedOnlyBetweenItsWorkItems) {
  const Duration step = core::Microseconds(333), item = 3 * step;
  for (const CpuCategory mode : {CpuCategory::kVhost, CpuCategory::kQemu}) {
    SCOPED_TRACE(std::string(category_name(mode)));
    const WakeUps w = wake_beside(
        [&](HostThread& hog, const std::function<void()>& k) {
          hog.run_for(step, mode, [&hog, &k, step, mode] {
            hog.run_for(step, mode,
                        [&hog, &k, step, mode] { hog.run_for(step, mode, [&hog, &k] { hog.cond_resched(k); }); });
          });
        },
        mode, core::Milliseconds(200));
    ASSERT_GT(w.delays.size(), 60u);
    size_t waited = 0;
    for (size_t i = w.delays.size() / 2; i < w.delays.size(); ++i) {
      if (mode == CpuCategory::kQemu) {
        EXPECT_EQ(w.delays[i], taken_at_once()) << i;
        continue;
      }
      // The hog gave the core up between two items, never inside one.
      EXPECT_EQ(w.hog_in[i].ps() % item.ps(), 0) << i;
      EXPECT_GE(w.delays[i], taken_at_once()) << i;
      EXPECT_LT(w.delays[i], taken_at_once() + item) << i;
      if (w.delays[i] > taken_at_once() + item / 10) ++waited;
    }
    if (mode == CpuCategory::kVhost) {
      EXPECT_GT(waited, w.delays.size() / 4);
    }
    EXPECT_GE(w.preemptions, w.delays.size() / 2);
  }
}

// A worker that busy-polls its ring (a yielding spin, as vhost's) between
// kernel work and its need_resched() check: a request that came during the
// work survives the poll (which a waiting thread ends at once) and is
// acted on at the check. (A wake-up that lands in the poll itself ends it
// without a request: the poller keeps the core to the tick, see
// AThreadReadyDuringAYieldingPollGetsTheCoreAtATick; the poll here is
// short so that none does.)
TEST(CoreScheduler, AYieldingPollKeepsTheReschedForTheNextCheck) {
  const Duration work = core::Microseconds(300), poll = core::Nanoseconds(100);
  const WakeUps w = wake_beside(
      [&](HostThread& hog, const std::function<void()>& k) {
        hog.run_for(work, CpuCategory::kVhost, [&hog, &k, poll] {
          hog.spin(CpuCategory::kVhost, poll, /*yield=*/true, [&hog, &k] { hog.cond_resched(k); });
        });
      },
      CpuCategory::kVhost, core::Milliseconds(100));
  ASSERT_GT(w.delays.size(), 30u);
  for (size_t i = w.delays.size() / 2; i < w.delays.size(); ++i) {
    EXPECT_LT(w.delays[i], taken_at_once() + work + poll) << i;
  }
}

// Kernel work that signals as it ends (an irqfd's injection as a step's
// last act, or a delivery made in the code after the step: KVM_SIGNAL_MSI
// in an ioctl), then user code. A reschedule that lands in the kernel part
// takes the core where the user part begins: after the signal, never
// before it (which would hold the signal until the thread is back).
TEST(CoreScheduler, KernelWorkPreemptedAtItsEndHasSignalledFirst) {
  struct Recorder : EventFdListener {
    std::vector<Time> at;
    core::Simulator* sim;
    void on_eventfd_signal(EventFd&, HostThread*) override { at.push_back(sim->now()); }
    void on_eventfd_gone(EventFd&) override {}
  };
  const Duration kernel = core::Microseconds(300), user = core::Microseconds(30);
  for (const bool in_step : {true, false}) {
    SCOPED_TRACE(in_step ? "signal ends the step" : "signal after the step");
    Machine m(2);
    HostThread signaller(m.sim, "signaller", nullptr, m.core(0));
    HostThread sleeper(m.sim, "sleeper", nullptr, m.core(0));
    HostThread waker(m.sim, "waker", nullptr, m.core(1));
    EventFd out("out"), fd("fd");
    Recorder recorder;
    recorder.sim = &m.sim;
    out.add_listener(&recorder);
    std::function<void()> work = [&] {
      if (in_step) {
        signaller.run_segments(
            {{kernel, CpuCategory::kVhost}}, [&] { signaller.run_for(user, CpuCategory::kQemu, work); }, &out);
        return;
      }
      signaller.run_for(kernel, CpuCategory::kKvm, [&] {
        out.signal(&signaller);
        signaller.run_for(user, CpuCategory::kQemu, work);
      });
    };
    signaller.start(work);
    std::vector<Time> preempted_at;
    std::function<void()> loop = [&] {
      sleeper.wait({&fd}, [&] {
        preempted_at.push_back(m.sim.now() - at3ghz(CpuCosts{}.context_switch.count()));
        fd.take();
        sleeper.run_for(core::Microseconds(5), CpuCategory::kGuestKernel, loop);
      });
    };
    sleeper.start(loop);
    std::function<void()> tick = [&] {
      waker.run_for(core::Microseconds(1'234), CpuCategory::kQemu, [&] { waker.signal(fd, tick); });
    };
    waker.start(tick);
    m.sim.run_until(Time::zero() + core::Milliseconds(100));
    ASSERT_GT(preempted_at.size(), 40u);
    ASSERT_GT(m.core(0).preemptions(), 20u);
    size_t at_the_signal = 0;
    for (size_t i = preempted_at.size() / 2; i < preempted_at.size(); ++i) {
      // The last signal at or before the preemption: at it (the kernel
      // part's end), or less than the user part before it.
      auto after = std::upper_bound(recorder.at.begin(), recorder.at.end(), preempted_at[i]);
      ASSERT_NE(after, recorder.at.begin()) << i;
      const Duration since = preempted_at[i] - *std::prev(after);
      EXPECT_LT(since, user) << i;
      if (since == Duration::zero()) ++at_the_signal;
    }
    EXPECT_GT(at_the_signal, (preempted_at.size() - preempted_at.size() / 2) / 2);  // the kernel part is 10x longer
    m.expect_accounting_exact();
    out.remove_listener(&recorder);
  }
}

// A step that enters user mode part-way (an exit that KVM hands to QEMU)
// is preemptible from there: a reschedule that lands in its kernel part
// takes the core where the user part starts.
TEST(CoreScheduler, AStepIsPreemptibleFromItsReturnToUserMode) {
  const Duration kernel = core::Microseconds(200), user = core::Microseconds(800);
  const WakeUps w = wake_beside(
      [&](HostThread& hog, const std::function<void()>& k) {
        hog.run_segments({{kernel, CpuCategory::kKvm}, {user, CpuCategory::kQemu}}, k);
      },
      CpuCategory::kKvm, core::Milliseconds(300));
  ASSERT_GT(w.delays.size(), 80u);
  size_t waited = 0, at_once = 0;
  for (size_t i = w.delays.size() / 2; i < w.delays.size(); ++i) {
    if (w.delays[i] == taken_at_once()) {
      ++at_once;
      continue;
    }
    ++waited;  // landed in the KVM part: taken as it ended
    EXPECT_EQ(w.hog_in[i].ps() % kernel.ps(), 0) << i;
    EXPECT_GT(w.delays[i], taken_at_once()) << i;
    EXPECT_LT(w.delays[i], taken_at_once() + kernel) << i;
  }
  EXPECT_GT(waited, 0u);
  EXPECT_GT(at_once, waited);  // the user part is four times longer
}

}  // namespace
}  // namespace viosim::models
