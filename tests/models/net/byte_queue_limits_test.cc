// BQL by hand (dql_queued, dql_avail, dql_completed): the limit starts at
// 0, so the first packet stops the queue; a completion that finds the ring
// drained while over the limit (starved) grows the limit by what was sent
// and completed; a ring that stays busy with slack loses the smallest
// slack, but only once the hold time (1 s) has passed.
#include "models/net/byte_queue_limits.h"

#include <gtest/gtest.h>

#include "tests/support/sim_time.h"

namespace viosim::models {
namespace {

TEST(ByteQueueLimits, TheFirstPacketStopsTheQueueAndItsCompletionGrowsTheLimit) {
  ByteQueueLimits bql;
  EXPECT_TRUE(bql.queued(1000));  // limit 0: over at once
  EXPECT_TRUE(bql.completed(1000, at_ms(1)));
  EXPECT_EQ(bql.limit(), 1000u);  // starved: grown by what was sent and completed
  EXPECT_FALSE(bql.queued(1000));
  EXPECT_TRUE(bql.queued(1000));  // the second packet in flight is over the limit
  EXPECT_EQ(bql.in_flight(), 2000u);
}

TEST(ByteQueueLimits, ABusyRingWithSlackShrinksOnlyAfterTheHoldTime) {
  ByteQueueLimits bql;
  bql.queued(20000);
  bql.completed(20000, at_ms(0));  // starved: limit 20000
  ASSERT_EQ(bql.limit(), 20000u);
  // Then a ring that never drains: 4000 bytes queued and 1000 completed
  // every 10 ms keep 3000 and more in flight, twice the completions far
  // below the limit.
  bql.queued(4000);
  int64_t t = 10;
  for (; t <= 990; t += 10) {
    bql.queued(1000);
    bql.completed(1000, at_ms(t));
    ASSERT_EQ(bql.limit(), 20000u) << t;  // still inside the hold time
  }
  for (; t <= 1100; t += 10) {
    bql.queued(1000);
    bql.completed(1000, at_ms(t));
  }
  EXPECT_LT(bql.limit(), 20000u);
  EXPECT_GT(bql.limit(), 0u);
}

}  // namespace
}  // namespace viosim::models
