// One typed suite for every pending-event set: ordering, FIFO ties,
// priorities, the pop limit, and long random schedules that follow the
// simulator's contract (never push before the last pop), checked against a
// std::multiset of keys.
#include "sim-core/event_queue.h"

#include <gtest/gtest.h>

#include <iterator>
#include <set>
#include <type_traits>
#include <utility>

#include "sim-core/calendar_queue.h"
#include "sim-core/quad_heap.h"
#include "sim-core/rng.h"
#include "sim-core/simulator.h"

namespace viosim::core {
namespace {

class NullTarget final : public EventTarget {
 public:
  using EventTarget::EventTarget;
  void on_event(uint64_t) override {}
};

template <class Q>
class EventQueueTest : public ::testing::Test {
 protected:
  EventEntry entry(int64_t t_ps, uint64_t seq, Priority p = 0) {
    return EventEntry{Time::from_ps(t_ps), make_order(p, seq), &target_, seq};
  }
  std::vector<uint64_t> drain() {
    std::vector<uint64_t> args;
    EventEntry e;
    while (queue_.pop_not_after(Time::max(), e)) args.push_back(e.arg);
    return args;
  }
  Simulator sim_;
  NullTarget target_{sim_};
  Q queue_;
};

using Implementations = ::testing::Types<QuadHeap, CalendarQueue>;
TYPED_TEST_SUITE(EventQueueTest, Implementations);

TYPED_TEST(EventQueueTest, StartsEmpty) {
  EXPECT_TRUE(this->queue_.empty());
  EventEntry e;
  EXPECT_FALSE(this->queue_.pop_not_after(Time::max(), e));
}

TYPED_TEST(EventQueueTest, PopsInTimeOrder) {
  for (uint64_t seq = 1; seq <= 5; ++seq) this->queue_.push(this->entry((6 - seq) * 1000, seq));
  EXPECT_EQ(this->queue_.size(), 5u);
  EXPECT_EQ(this->drain(), (std::vector<uint64_t>{5, 4, 3, 2, 1}));
}

TYPED_TEST(EventQueueTest, TiesAreFirstInFirstOut) {
  for (uint64_t seq = 1; seq <= 100; ++seq) this->queue_.push(this->entry(777, seq));
  std::vector<uint64_t> expected;
  for (uint64_t seq = 1; seq <= 100; ++seq) expected.push_back(seq);
  EXPECT_EQ(this->drain(), expected);
}

TYPED_TEST(EventQueueTest, PriorityOrdersEqualTimesBeforeSequence) {
  this->queue_.push(this->entry(10, 1, 5));
  this->queue_.push(this->entry(10, 2, -3));
  this->queue_.push(this->entry(10, 3, 0));
  this->queue_.push(this->entry(9, 4, 100));
  EXPECT_EQ(this->drain(), (std::vector<uint64_t>{4, 2, 3, 1}));
}

TYPED_TEST(EventQueueTest, PopStopsAtTheLimit) {
  this->queue_.push(this->entry(100, 1));
  this->queue_.push(this->entry(200, 2));
  EventEntry e;
  ASSERT_TRUE(this->queue_.pop_not_after(Time::from_ps(150), e));
  EXPECT_EQ(e.arg, 1u);
  EXPECT_FALSE(this->queue_.pop_not_after(Time::from_ps(199), e));
  ASSERT_TRUE(this->queue_.pop_not_after(Time::from_ps(200), e));
  EXPECT_EQ(e.arg, 2u);
}

// The hold model with mixed spacings: dense bursts, sparse gaps, equal times
// and a population that grows and shrinks (so the calendar resizes).
TYPED_TEST(EventQueueTest, LongRandomScheduleMatchesReference) {
  std::multiset<std::pair<int64_t, uint64_t>> ref;
  Rng rng(2024);
  uint64_t seq = 1;
  int64_t now = 0;
  auto push = [&](int64_t t) {
    const Priority p = static_cast<Priority>(static_cast<int>(rng.below(3)) - 1);
    const EventEntry e = this->entry(t, seq++, p);
    this->queue_.push(e);
    ref.insert({t, e.order});
  };
  for (int i = 0; i < 1000; ++i) push(static_cast<int64_t>(rng.below(1'000'000)));
  for (int step = 0; step < 300'000; ++step) {
    const int phase = (step / 50'000) % 3;  // grow, hold, shrink
    const int pushes = phase == 0 ? 2 : phase == 1 ? 1 : static_cast<int>(rng.below(2));
    EventEntry e;
    if (!ref.empty()) {
      ASSERT_TRUE(this->queue_.pop_not_after(Time::max(), e));
      const auto expected = *ref.begin();
      ref.erase(ref.begin());
      ASSERT_EQ(e.time.ps(), expected.first) << "step " << step;
      ASSERT_EQ(e.order, expected.second) << "step " << step;
      now = e.time.ps();
    }
    for (int k = 0; k < pushes; ++k) {
      int64_t delta = 0;
      switch (rng.below(4)) {
        case 0: delta = 0; break;                                               // same time
        case 1: delta = rng.below(100); break;                                  // dense
        case 2: delta = static_cast<int64_t>(rng.exponential(1e6)); break;      // typical
        default: delta = static_cast<int64_t>(rng.below(1000)) * 1'000'000'000;  // far
      }
      push(now + delta);
    }
    ASSERT_EQ(this->queue_.size(), ref.size());
  }
  EventEntry e;
  while (!ref.empty()) {
    ASSERT_TRUE(this->queue_.pop_not_after(Time::max(), e));
    ASSERT_EQ(std::make_pair(e.time.ps(), e.order), *ref.begin());
    ref.erase(ref.begin());
  }
  EXPECT_TRUE(this->queue_.empty());
}

// remove_now between pushes and pops, as timers re-armed on every packet
// do: an entry it takes never pops, the rest pop in order. The quad heap
// takes those in its near list, the calendar none.
TYPED_TEST(EventQueueTest, RemoveNowTakesEntriesOutOfTheOrder) {
  std::set<std::pair<int64_t, uint64_t>> ref;
  Rng rng(77);
  uint64_t seq = 1;
  int64_t now = 0;
  size_t removed = 0;
  auto push = [&](int64_t t) {
    const EventEntry e = this->entry(t, seq++);
    this->queue_.push(e);
    ref.insert({t, e.order});
  };
  for (int i = 0; i < 20; ++i) push(static_cast<int64_t>(rng.below(10'000)));
  for (int step = 0; step < 100'000; ++step) {
    // Sizes from a few entries to about a hundred: the near list fills,
    // spills and empties.
    const size_t target = (step / 5'000) % 2 == 0 ? 8 : 100;
    const int pushes = ref.size() < target ? 2 : static_cast<int>(rng.below(2));
    EventEntry e;
    if (!ref.empty()) {
      ASSERT_TRUE(this->queue_.pop_not_after(Time::max(), e));
      ASSERT_EQ(std::make_pair(e.time.ps(), e.order), *ref.begin()) << "step " << step;
      ref.erase(ref.begin());
      now = e.time.ps();
    }
    for (int k = 0; k < pushes; ++k) push(now + static_cast<int64_t>(rng.below(20'000)));
    if (!ref.empty() && rng.below(2) == 0) {
      auto it = ref.begin();
      std::advance(it, rng.below(ref.size()));
      if (this->queue_.remove_now(Time::from_ps(it->first), it->second)) {
        ++removed;
        ref.erase(it);
      }
    }
    ASSERT_EQ(this->queue_.size(), ref.size());
  }
  for (const auto& key : ref) {
    EventEntry e;
    ASSERT_TRUE(this->queue_.pop_not_after(Time::max(), e));
    ASSERT_EQ(std::make_pair(e.time.ps(), e.order), key);
  }
  EXPECT_TRUE(this->queue_.empty());
  if constexpr (std::is_same_v<TypeParam, QuadHeap>) {
    EXPECT_GT(removed, 1'000u);  // of about 50,000 asked, at random places
  }
}

TYPED_TEST(EventQueueTest, RemoveCancelledKeepsTheOrderOfTheRest) {
  Rng rng(31);
  std::set<std::pair<int64_t, uint64_t>> kept;
  CancelSet cancelled;
  for (uint64_t seq = 1; seq <= 2000; ++seq) {
    // Clustered times, so that buckets and heap levels hold ties.
    const EventEntry e = this->entry(static_cast<int64_t>(rng.below(50)) * 1000, seq);
    this->queue_.push(e);
    if (rng.below(3) == 0) {
      cancelled.insert(e.order);
    } else {
      kept.insert({e.time.ps(), e.order});
    }
  }
  // Pop a few first, so that the calendar's heads are not at the start.
  EventEntry e;
  for (int k = 0; k < 40; ++k) {
    ASSERT_TRUE(this->queue_.pop_not_after(Time::max(), e));
    if (!cancelled.erase(e.order)) {
      ASSERT_EQ(std::make_pair(e.time.ps(), e.order), *kept.begin());
      kept.erase(kept.begin());
    }
  }
  this->queue_.remove_cancelled(cancelled);
  EXPECT_EQ(cancelled.size(), 0u);
  ASSERT_EQ(this->queue_.size(), kept.size());
  this->queue_.push(this->entry(49'000, 5000));  // still a working queue
  kept.insert({49'000, make_order(0, 5000)});
  for (const auto& key : kept) {
    ASSERT_TRUE(this->queue_.pop_not_after(Time::max(), e));
    ASSERT_EQ(std::make_pair(e.time.ps(), e.order), key);
  }
  EXPECT_TRUE(this->queue_.empty());
}

TYPED_TEST(EventQueueTest, RemoveCancelledRefusesAnEntryItDoesNotHold) {
  this->queue_.push(this->entry(10, 1));
  CancelSet cancelled;
  cancelled.insert(make_order(0, 99));
  EXPECT_THROW(this->queue_.remove_cancelled(cancelled), std::logic_error);
}

TYPED_TEST(EventQueueTest, ContainsWhatIsQueuedOnly) {
  for (uint64_t seq = 1; seq <= 40; ++seq) this->queue_.push(this->entry(int64_t(seq % 7) * 1000, seq));
  EXPECT_TRUE(this->queue_.contains(Time::from_ps(3000), make_order(0, 3)));
  EXPECT_FALSE(this->queue_.contains(Time::from_ps(4000), make_order(0, 3)));  // the key is (time, order)
  EXPECT_FALSE(this->queue_.contains(Time::from_ps(3000), make_order(0, 41)));
  EventEntry e;
  ASSERT_TRUE(this->queue_.pop_not_after(Time::max(), e));
  EXPECT_FALSE(this->queue_.contains(e.time, e.order));  // popped
  for (uint64_t seq = 1; seq <= 40; ++seq) {
    if (seq == e.arg) continue;
    EXPECT_TRUE(this->queue_.contains(Time::from_ps(int64_t(seq % 7) * 1000), make_order(0, seq)));
  }
}

TEST(EventQueueFactory, NamesAndKinds) {
  for (QueueKind k : all_queue_kinds()) {
    QueueKind parsed{};
    ASSERT_TRUE(parse_queue_kind(queue_kind_name(k), parsed));
    EXPECT_EQ(parsed, k);
    EXPECT_EQ(make_event_queue(k)->name(), queue_kind_name(k));
  }
  QueueKind unused{};
  EXPECT_FALSE(parse_queue_kind("splay", unused));
}

}  // namespace
}  // namespace viosim::core
