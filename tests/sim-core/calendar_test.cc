// Calendar-queue specifics: an empty year followed by a far event (direct
// search), a two-event population whose width must adapt without a resize
// threshold, and widths that change by orders of magnitude.
#include "sim-core/calendar_queue.h"

#include <gtest/gtest.h>

#include "sim-core/rng.h"
#include "sim-core/simulator.h"

namespace viosim::core {
namespace {

class QuietTarget final : public EventTarget {
 public:
  using EventTarget::EventTarget;
  void on_event(uint64_t) override {}
};

TEST(CalendarQueue, FindsAnEventFarBeyondTheCurrentYear) {
  Simulator sim;
  QuietTarget t(sim);
  CalendarQueue q;
  q.push({Time::from_ps(10), make_order(0, 1), &t, 1});
  q.push({Time::zero() + Seconds(1000), make_order(0, 2), &t, 2});
  EventEntry e;
  ASSERT_TRUE(q.pop_not_after(Time::max(), e));
  EXPECT_EQ(e.arg, 1u);
  ASSERT_TRUE(q.pop_not_after(Time::max(), e));
  EXPECT_EQ(e.arg, 2u);
  EXPECT_EQ(e.time, Time::zero() + Seconds(1000));
}

TEST(CalendarQueue, SmallPopulationWithChangingSpacingStaysOrdered) {
  Simulator sim;
  QuietTarget t(sim);
  CalendarQueue q;
  Rng rng(3);
  uint64_t seq = 1;
  int64_t now = 0;
  q.push({Time::zero(), make_order(0, seq++), &t, 0});
  q.push({Time::from_ps(5), make_order(0, seq++), &t, 0});
  for (int i = 0; i < 100'000; ++i) {
    EventEntry e;
    ASSERT_TRUE(q.pop_not_after(Time::max(), e));
    ASSERT_GE(e.time.ps(), now);
    now = e.time.ps();
    // Spacing sweeps from picoseconds to seconds over the run.
    const double mean = i < 30'000 ? 10.0 : i < 60'000 ? 1e12 : 1e3;
    q.push({Time::from_ps(now + static_cast<int64_t>(rng.exponential(mean))), make_order(0, seq++), &t, 0});
  }
  EXPECT_EQ(q.size(), 2u);
}

}  // namespace
}  // namespace viosim::core
