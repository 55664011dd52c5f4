// The simulator, run with every pending-event set: execution order,
// cancellation through handles, scheduling errors, run_until and stop, and
// the event fingerprint.
#include "sim-core/simulator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>
#include <vector>

#include "sim-core/rng.h"

namespace viosim::core {
namespace {

// Records (time, arg) of each delivery in a shared log.
class Recorder final : public EventTarget {
 public:
  Recorder(Simulator& sim, std::vector<std::pair<int64_t, uint64_t>>& log)
      : EventTarget(sim), sim_(sim), log_(log) {}
  void on_event(uint64_t arg) override { log_.emplace_back(sim_.now().ps(), arg); }

 private:
  Simulator& sim_;
  std::vector<std::pair<int64_t, uint64_t>>& log_;
};

class SimulatorTest : public ::testing::TestWithParam<QueueKind> {
 protected:
  SimulatorOptions options() const { return SimulatorOptions{GetParam(), 1}; }
};

TEST_P(SimulatorTest, ExecutesByTimeThenPriorityThenInsertion) {
  Simulator sim(options());
  std::vector<std::pair<int64_t, uint64_t>> log;
  Recorder r(sim, log);
  sim.schedule_at(Time::from_ps(20), r, 1);
  sim.schedule_at(Time::from_ps(10), r, 2, /*priority=*/1);
  sim.schedule_at(Time::from_ps(10), r, 3);
  sim.schedule_at(Time::from_ps(10), r, 4, /*priority=*/-1);
  sim.schedule_at(Time::from_ps(10), r, 5);
  EXPECT_EQ(sim.run(), RunStatus::kDrained);
  const std::vector<std::pair<int64_t, uint64_t>> expected{{10, 4}, {10, 3}, {10, 5}, {10, 2}, {20, 1}};
  EXPECT_EQ(log, expected);
  EXPECT_EQ(sim.events_executed(), 5u);
  EXPECT_EQ(sim.now(), Time::from_ps(20));
}

TEST_P(SimulatorTest, SchedulingInThePastThrows) {
  Simulator sim(options());
  std::vector<std::pair<int64_t, uint64_t>> log;
  Recorder r(sim, log);
  sim.schedule_at(Time::from_ps(100), r);
  sim.run();
  EXPECT_THROW(sim.schedule_at(Time::from_ps(99), r), SchedulingError);
  EXPECT_THROW(sim.schedule_after(-Picoseconds(1), r), SchedulingError);
  EXPECT_NO_THROW(sim.schedule_at(Time::from_ps(100), r));  // now itself is fine
  EXPECT_THROW(sim.schedule_after(Duration::max(), r), std::overflow_error);
}

TEST_P(SimulatorTest, CancelThroughHandle) {
  Simulator sim(options());
  std::vector<std::pair<int64_t, uint64_t>> log;
  Recorder r(sim, log);
  const EventHandle a = sim.schedule_at(Time::from_ps(10), r, 1);
  const EventHandle b = sim.schedule_at(Time::from_ps(10), r, 2);
  const EventHandle c = sim.schedule_at(Time::from_ps(30), r, 3);
  EXPECT_TRUE(sim.is_pending(b));
  EXPECT_TRUE(sim.cancel(b));
  EXPECT_FALSE(sim.cancel(b));  // twice
  EXPECT_FALSE(sim.is_pending(b));
  EXPECT_EQ(sim.pending_events(), 2u);
  EXPECT_FALSE(sim.cancel(EventHandle{}));
  sim.run_until(Time::from_ps(20));
  EXPECT_FALSE(sim.is_pending(a));
  EXPECT_FALSE(sim.cancel(a));  // already executed
  EXPECT_TRUE(sim.is_pending(c));
  sim.run();
  EXPECT_EQ(log, (std::vector<std::pair<int64_t, uint64_t>>{{10, 1}, {30, 3}}));
  EXPECT_EQ(sim.events_executed(), 2u);
}

// An event that cancels a later event at the same time, and one scheduled by
// an event for the current instant, which must run after it.
class SameTimeActor final : public EventTarget {
 public:
  SameTimeActor(Simulator& sim, std::vector<std::pair<int64_t, uint64_t>>& log)
      : EventTarget(sim), sim_(sim), log_(log) {}
  void on_event(uint64_t arg) override {
    log_.emplace_back(sim_.now().ps(), arg);
    if (arg == 1) {
      EXPECT_TRUE(sim_.cancel(victim));
      sim_.schedule_after(Duration::zero(), *this, 9);
    }
  }
  EventHandle victim;

 private:
  Simulator& sim_;
  std::vector<std::pair<int64_t, uint64_t>>& log_;
};

TEST_P(SimulatorTest, EventsCanCancelAndScheduleAtTheCurrentInstant) {
  Simulator sim(options());
  std::vector<std::pair<int64_t, uint64_t>> log;
  SameTimeActor actor(sim, log);
  sim.schedule_at(Time::from_ps(5), actor, 1);
  actor.victim = sim.schedule_at(Time::from_ps(5), actor, 2);
  sim.schedule_at(Time::from_ps(5), actor, 3);
  sim.run();
  EXPECT_EQ(log, (std::vector<std::pair<int64_t, uint64_t>>{{5, 1}, {5, 3}, {5, 9}}));
}

class Stopper final : public EventTarget {
 public:
  explicit Stopper(Simulator& sim) : EventTarget(sim), sim_(sim) {}
  void on_event(uint64_t) override {
    ++count;
    if (count == 3) sim_.stop();
    sim_.schedule_after(Nanoseconds(1), *this);
  }
  int count = 0;

 private:
  Simulator& sim_;
};

TEST_P(SimulatorTest, RunUntilAndStop) {
  Simulator sim(options());
  Stopper s(sim);
  sim.schedule_at(Time::zero(), s);
  EXPECT_EQ(sim.run(), RunStatus::kStopped);
  EXPECT_EQ(s.count, 3);
  EXPECT_EQ(sim.now(), Time::zero() + Nanoseconds(2));
  EXPECT_EQ(sim.run_until(Time::zero() + Picoseconds(4500)), RunStatus::kReachedLimit);
  EXPECT_EQ(s.count, 5);  // events at 3 ns and 4 ns
  EXPECT_EQ(sim.now(), Time::zero() + Picoseconds(4500));
  EXPECT_EQ(sim.pending_events(), 1u);
}

TEST_P(SimulatorTest, RunUntilOnAnEmptySimulatorAdvancesTheClock) {
  Simulator sim(options());
  EXPECT_EQ(sim.run_until(Time::zero() + Microseconds(3)), RunStatus::kDrained);
  EXPECT_EQ(sim.now(), Time::zero() + Microseconds(3));
  EXPECT_EQ(sim.run(), RunStatus::kDrained);
  EXPECT_EQ(sim.now(), Time::zero() + Microseconds(3));
}

// A timer moved ahead again and again (a scheduler tick re-armed at every
// switch) leaves a cancelled entry behind each time: they are dropped
// before they pile up, and the live ones still run in order.
class Rearmer final : public EventTarget {
 public:
  explicit Rearmer(Simulator& sim) : EventTarget(sim), sim_(sim) {}
  void on_event(uint64_t arg) override {
    ran.push_back(arg);
    if (arg >= 1000) return;  // the far timer itself
    sim_.cancel(timer);
    timer = sim_.schedule_at(sim_.now() + Milliseconds(4), *this, 1000 + arg);
    most_queued = std::max(most_queued, sim_.queued_entries());
    if (arg + 1 < 1000) sim_.schedule_after(Microseconds(1), *this, arg + 1);
  }
  EventHandle timer;
  std::vector<uint64_t> ran;
  size_t most_queued = 0;

 private:
  Simulator& sim_;
};

TEST_P(SimulatorTest, CancelledEntriesAreDroppedBeforeTheyPileUp) {
  Simulator sim(options());
  Rearmer r(sim);
  sim.schedule_at(Time::zero(), r, 0);
  sim.run();
  // Two live events at most (the next step and the timer), so the set
  // never holds more than the purge threshold and a few besides.
  EXPECT_LE(r.most_queued, Simulator::kPurgeAtLeast + 2);
  std::vector<uint64_t> expected;
  for (uint64_t k = 0; k < 1000; ++k) expected.push_back(k);
  expected.push_back(1999);  // only the last timer survived its re-arming
  EXPECT_EQ(r.ran, expected);
  EXPECT_EQ(sim.queued_entries(), 0u);
}

// Random scheduling from inside events, with random cancellations; the
// execution order must equal the sorted order of the surviving keys.
class Spawner final : public EventTarget {
 public:
  Spawner(Simulator& sim, uint64_t seed) : EventTarget(sim), sim_(sim), rng_(seed) {}
  void on_event(uint64_t arg) override {
    executed.emplace_back(sim_.now().ps(), arg);
    for (int k = 1 + static_cast<int>(rng_.below(2)); k > 0 && budget > 0; --k, --budget) {
      // An event for the current instant takes the highest priority used, so
      // it sorts after the executing one (an earlier key would run after it,
      // out of the key order this test expects).
      const bool now_too = rng_.below(4) == 0;
      const Priority p = now_too ? Priority{2} : static_cast<Priority>(static_cast<int>(rng_.below(5)) - 2);
      const Time at = sim_.now() + Picoseconds(now_too ? 0 : rng_.below(1'000'000));
      const uint64_t id = next_id++;
      handles.push_back(sim_.schedule_at(at, *this, id, p));
      keys.emplace_back(at.ps(), handles.back().order, id);
    }
    if (!handles.empty() && rng_.below(5) == 0) {
      // Among the latest handles, most of which are still pending.
      const uint32_t window = static_cast<uint32_t>(std::min<size_t>(handles.size(), 8));
      const EventHandle& h = handles[handles.size() - 1 - rng_.below(window)];
      if (sim_.cancel(h)) cancelled.push_back(h.order);
    }
  }
  std::vector<std::pair<int64_t, uint64_t>> executed;
  std::vector<std::tuple<int64_t, uint64_t, uint64_t>> keys;
  std::vector<EventHandle> handles;
  std::vector<uint64_t> cancelled;
  int budget = 60'000;
  uint64_t next_id = 1;

 private:
  Simulator& sim_;
  Rng rng_;
};

// A purge drops cancelled entries without a trace; their handles must still
// read as not pending, and cancelling one again must change nothing.
TEST_P(SimulatorTest, AHandleCancelledBeforeAPurgeStaysCancelled) {
  Simulator sim(options());
  std::vector<std::pair<int64_t, uint64_t>> log;
  Recorder r(sim, log);
  std::vector<EventHandle> handles;
  for (int i = 0; i < 64; ++i) handles.push_back(sim.schedule_at(Time::from_ps(100 + i), r, uint64_t(i)));
  for (int i = 0; i < 64; i += 2) EXPECT_TRUE(sim.cancel(handles[i]));  // enough to purge
  EXPECT_LT(sim.queued_entries(), 40u);                                 // purged at least once
  EXPECT_EQ(sim.pending_events(), 32u);
  for (int i = 0; i < 64; ++i) EXPECT_EQ(sim.is_pending(handles[i]), i % 2 == 1) << i;
  for (int i = 0; i < 64; i += 2) EXPECT_FALSE(sim.cancel(handles[i]));
  EXPECT_TRUE(sim.cancel(handles[1]));
  EXPECT_EQ(sim.pending_events(), 31u);
  sim.run();
  EXPECT_EQ(log.size(), 31u);
}

// A cancelled event skipped as the set drains leaves the clock behind it;
// its handle must still read as done.
TEST_P(SimulatorTest, AHandleSkippedAtTheEndOfARunIsNotPending) {
  Simulator sim(options());
  std::vector<std::pair<int64_t, uint64_t>> log;
  Recorder r(sim, log);
  sim.schedule_at(Time::from_ps(5), r, 1);
  const EventHandle skipped = sim.schedule_at(Time::from_ps(10), r, 2);
  EXPECT_TRUE(sim.cancel(skipped));
  EXPECT_EQ(sim.run(), RunStatus::kDrained);
  EXPECT_EQ(sim.now(), Time::from_ps(5));
  EXPECT_FALSE(sim.is_pending(skipped));
  EXPECT_FALSE(sim.cancel(skipped));
  EXPECT_EQ(sim.pending_events(), 0u);
  const EventHandle later = sim.schedule_at(Time::from_ps(7), r, 3);  // before the skipped key, after now
  EXPECT_TRUE(sim.is_pending(later));
  sim.run();
  EXPECT_FALSE(sim.is_pending(later));
  EXPECT_EQ(log.size(), 2u);
}

// An event for the current instant with a lower priority value than the
// running one sorts before it, yet is still to run.
class Urgent final : public EventTarget {
 public:
  explicit Urgent(Simulator& sim) : EventTarget(sim), sim_(sim) {}
  void on_event(uint64_t arg) override {
    ran.push_back(arg);
    if (arg == 0) {
      handle = sim_.schedule_at(sim_.now(), *this, 1, Priority{-1});
      pending_when_scheduled = sim_.is_pending(handle);
    }
  }
  EventHandle handle;
  bool pending_when_scheduled = false;
  std::vector<uint64_t> ran;

 private:
  Simulator& sim_;
};

TEST_P(SimulatorTest, AnUrgentEventForNowIsPendingUntilItRuns) {
  Simulator sim(options());
  Urgent u(sim);
  sim.schedule_at(Time::from_ps(3), u, 0);
  sim.run();
  EXPECT_TRUE(u.pending_when_scheduled);
  EXPECT_FALSE(sim.is_pending(u.handle));
  EXPECT_EQ(u.ran, (std::vector<uint64_t>{0, 1}));
}

TEST_P(SimulatorTest, LongRandomScheduleRunsInKeyOrder) {
  Simulator sim(options());
  Spawner s(sim, 77);
  for (int i = 0; i < 50; ++i) {
    const uint64_t id = s.next_id++;
    s.handles.push_back(sim.schedule_at(Time::from_ps(i * 1000), s, id));
    s.keys.emplace_back(i * 1000, s.handles.back().order, id);
  }
  sim.run();
  std::sort(s.keys.begin(), s.keys.end());
  std::vector<std::pair<int64_t, uint64_t>> expected;
  std::sort(s.cancelled.begin(), s.cancelled.end());
  for (auto& [t, order, id] : s.keys) {
    if (!std::binary_search(s.cancelled.begin(), s.cancelled.end(), order)) expected.emplace_back(t, id);
  }
  EXPECT_GT(s.executed.size(), 40'000u);
  EXPECT_GT(s.cancelled.size(), 1000u);
  EXPECT_EQ(s.executed, expected);
  EXPECT_EQ(sim.events_executed(), expected.size());
}

TEST_P(SimulatorTest, FingerprintIsStableAndSensitive) {
  auto run = [&](uint64_t seed) {
    Simulator sim(options());
    Spawner s(sim, seed);
    s.budget = 5000;
    sim.schedule_at(Time::zero(), s, 0);
    sim.run();
    return sim.fingerprint().hex();
  };
  EXPECT_EQ(run(1), run(1));
  EXPECT_NE(run(1), run(2));
  EXPECT_EQ(run(1).size(), 16u);
}

INSTANTIATE_TEST_SUITE_P(AllQueues, SimulatorTest, ::testing::ValuesIn(all_queue_kinds()),
                         [](const auto& info) {
                           std::string n(queue_kind_name(info.param));
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

TEST(Simulator, FingerprintDoesNotDependOnTheQueue) {
  std::vector<std::string> prints;
  for (QueueKind k : all_queue_kinds()) {
    Simulator sim(SimulatorOptions{k, 1});
    Spawner s(sim, 5);
    sim.schedule_at(Time::zero(), s, 0);
    sim.run();
    prints.push_back(sim.fingerprint().hex());
  }
  EXPECT_EQ(prints[0], prints[1]);
}

}  // namespace
}  // namespace viosim::core
