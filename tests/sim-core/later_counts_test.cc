// LaterCounts: counts made ahead of their time reach their counters only
// once it comes, whatever order they were made in.
#include "sim-core/later_counts.h"

#include <gtest/gtest.h>

#include "sim-core/component.h"

namespace viosim::core {
namespace {

class Counting final : public Component {
 public:
  static const ComponentSpec& model_spec() {
    static const ComponentSpec s{.type = "test.counting",
                                 .help = "two counters",
                                 .params = {},
                                 .ports = {},
                                 .stats = {{"frames", StatKind::kCounter, Unit::kCount, "frames"},
                                           {"bytes", StatKind::kCounter, Unit::kBytes, "bytes"}}};
    return s;
  }
  explicit Counting(Simulator& sim) : Component(sim, "counting") {}
  const ComponentSpec& spec() const override { return model_spec(); }
  Counter frames{this, "frames"};
  Counter bytes{this, "bytes"};
};

TEST(LaterCounts, EntriesCountWhenTheirTimeComesInAnyOrderTheyWereMade) {
  Simulator sim;
  Counting c(sim);
  LaterCounts<2> later;
  const Time t0 = Time::zero();
  later.add(t0 + Microseconds(3), {1, 300});
  later.add(t0 + Microseconds(1), {1, 100});  // before the one already there
  later.add(t0 + Microseconds(3), {1, 30});   // the same time: joins it
  later.add(t0 + Microseconds(2), {1, 200});
  EXPECT_FALSE(later.due(t0));
  EXPECT_EQ(later.due_amount(t0 + Microseconds(2), 1), 300u);
  later.count_due(t0 + Microseconds(2), {&c.frames, &c.bytes});
  EXPECT_EQ(c.frames.value(), 2u);
  EXPECT_EQ(c.bytes.value(), 300u);
  EXPECT_EQ(later.due_amount(t0 + Microseconds(3), 0), 2u);
  later.count_due(t0 + Microseconds(5), {&c.frames, &c.bytes});
  EXPECT_EQ(c.frames.value(), 4u);
  EXPECT_EQ(c.bytes.value(), 630u);
  EXPECT_FALSE(later.due(Time::max()));
}

TEST(LaterCounts, WhatWasDueAtAResetIsDroppedTheRestKept) {
  Simulator sim;
  Counting c(sim);
  LaterCounts<2> later;
  const Time t0 = Time::zero();
  later.add(t0 + Microseconds(1), {1, 10});
  later.add(t0 + Microseconds(4), {1, 40});
  later.drop_due(t0 + Microseconds(2));
  later.count_due(Time::max(), {&c.frames, &c.bytes});
  EXPECT_EQ(c.frames.value(), 1u);
  EXPECT_EQ(c.bytes.value(), 40u);
}

}  // namespace
}  // namespace viosim::core
