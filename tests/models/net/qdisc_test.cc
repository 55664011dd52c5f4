// The guest's qdiscs by hand: pfifo_fast's tail drop at txqueuelen,
// noqueue's drop, fq_codel's new-flow priority and deficit round robin,
// its drop from the fattest flow over the limit, and CoDel's drops: none
// until the sojourn time has stayed above target for an interval, then at
// interval / sqrt(count) spacing.
#include "models/net/qdisc.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/support/sim_time.h"

namespace viosim::models {
namespace {

// Two flows between the same hosts, on different source ports.
std::vector<FlowConfig> two_flows() {
  FlowConfig bulk;
  bulk.connections = 1;
  bulk.tuple.src_port = 40000;
  bulk.tuple.dst_port = 5001;
  FlowConfig probe = bulk;
  probe.tuple.src_port = 40100;
  return {bulk, probe};
}

uint32_t make(PacketPool& pool, uint32_t flow, uint32_t bytes) {
  Packet& p = pool.alloc();
  p.flow = flow;
  p.bytes = bytes;
  return p.id;
}

TEST(Qdisc, PfifoFastDropsAtTheTailPastTxqueuelen) {
  PacketPool pool;
  QdiscConfig c;
  c.txqueuelen = 3;
  Qdisc q(c, pool, two_flows(), 1);
  std::vector<uint32_t> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(make(pool, 0, 100));
    q.enqueue(ids.back(), at_ms(0));
  }
  EXPECT_EQ(q.length(), 3u);
  EXPECT_EQ(q.drops(), 2u);
  EXPECT_EQ(pool.drops(0, DropPlace::kQdisc), 2u);
  uint32_t out = 0;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(q.dequeue(at_ms(1), out));
    EXPECT_EQ(out, ids[i]);  // first in, first out
  }
  EXPECT_FALSE(q.dequeue(at_ms(1), out));
}

TEST(Qdisc, NoqueueHoldsNothing) {
  PacketPool pool;
  QdiscConfig c;
  c.kind = QdiscConfig::Kind::kNoqueue;
  Qdisc q(c, pool, two_flows(), 1);
  q.enqueue(make(pool, 0, 100), at_ms(0));
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.drops(), 1u);
}

QdiscConfig fq_codel() {
  QdiscConfig c;
  c.kind = QdiscConfig::Kind::kFqCodel;
  return c;
}

// A probe behind 100 bulk packets: its flow is new, so it leaves second
// (the bulk flow spent its quantum on the first); pfifo_fast would send it
// 101st.
TEST(Qdisc, FqCodelSendsANewFlowAheadOfABackloggedOne) {
  PacketPool pool;
  Qdisc q(fq_codel(), pool, two_flows(), 1);
  for (int i = 0; i < 100; ++i) q.enqueue(make(pool, 0, 1514), at_ms(0));
  uint32_t out = 0;
  ASSERT_TRUE(q.dequeue(at_ms(0), out));
  EXPECT_EQ(pool[out].flow, 0u);
  const uint32_t probe = make(pool, 1, 64);
  q.enqueue(probe, at_ms(0));
  ASSERT_TRUE(q.dequeue(at_ms(0), out));
  EXPECT_EQ(out, probe);
  // Then the bulk flow again, a quantum (one 1514-byte packet) per round.
  ASSERT_TRUE(q.dequeue(at_ms(0), out));
  EXPECT_EQ(pool[out].flow, 0u);
  EXPECT_EQ(q.length(), 98u);
}

// Deficit round robin between two backlogged flows with a quantum of 3000
// bytes: the flow of 1000-byte packets sends three per round, the flow of
// 1500-byte ones two.
TEST(Qdisc, FqCodelServesBackloggedFlowsByTheirBytes) {
  PacketPool pool;
  QdiscConfig c = fq_codel();
  c.fq_quantum = 3000;
  Qdisc q(c, pool, two_flows(), 1);
  for (int i = 0; i < 30; ++i) {
    q.enqueue(make(pool, 0, 1000), at_ms(0));
    q.enqueue(make(pool, 1, 1500), at_ms(0));
  }
  uint64_t bytes[2] = {0, 0};
  uint32_t out = 0;
  for (int i = 0; i < 25; ++i) {
    ASSERT_TRUE(q.dequeue(at_ms(0), out));
    bytes[pool[out].flow] += pool[out].bytes;
  }
  EXPECT_NEAR(double(bytes[0]), double(bytes[1]), 3000);
}

TEST(Qdisc, FqCodelOverItsLimitDropsHalfTheFattestFlow) {
  PacketPool pool;
  QdiscConfig c = fq_codel();
  c.fq_limit = 10;
  Qdisc q(c, pool, two_flows(), 1);
  q.enqueue(make(pool, 1, 64), at_ms(0));
  for (int i = 0; i < 10; ++i) q.enqueue(make(pool, 0, 1514), at_ms(0));  // the 11th packet is over
  // Half of the fat flow's 10 x 1514 bytes: five packets from its head.
  EXPECT_EQ(pool.drops(0, DropPlace::kQdisc), 5u);
  EXPECT_EQ(pool.drops(1, DropPlace::kQdisc), 0u);
  EXPECT_EQ(q.length(), 6u);
}

// One flow whose packets all waited since t = 0, dequeued one a
// millisecond: the sojourn time reaches the 5 ms target at 5 ms (not
// below it), so CoDel drops first at the dequeue past 105 ms; the next
// drop is due an interval later (count 1), then interval x 1/sqrt(count)
// after the last was due, 1/sqrt(count) as Linux keeps it: one Newton step
// per drop from the last estimate (1 -> 0.5 for count 2, 0.5625 for 3),
// which reaches 1/sqrt(count) only over the drops that follow.
TEST(Qdisc, CodelDropsOnlyAfterAnIntervalAboveTargetThenFaster) {
  PacketPool pool;
  Qdisc q(fq_codel(), pool, two_flows(), 1);
  for (int i = 0; i < 600; ++i) q.enqueue(make(pool, 0, 1514), at_ms(0));
  uint32_t out = 0;
  std::vector<int64_t> drop_times;
  for (int64_t t = 0; t <= 400; ++t) {
    const uint64_t before = q.drops();
    ASSERT_TRUE(q.dequeue(at_ms(t), out));
    if (q.drops() > before) drop_times.push_back(t);
  }
  ASSERT_GE(drop_times.size(), 4u);
  EXPECT_EQ(drop_times[0], 105);
  EXPECT_NEAR(double(drop_times[1] - drop_times[0]), 100, 1.5);
  EXPECT_NEAR(double(drop_times[2] - drop_times[1]), 50, 1.5);
  EXPECT_NEAR(double(drop_times[3] - drop_times[2]), 56.25, 1.5);
}

// A standing queue of three packets, each waiting `wait` ms: below the
// target CoDel never drops, however long it stands; above it, it does.
TEST(Qdisc, CodelLeavesAQueueBelowTargetAlone) {
  for (const int64_t wait : {3, 6}) {
    PacketPool pool;
    Qdisc q(fq_codel(), pool, two_flows(), 1);
    uint32_t out = 0;
    for (int64_t t = 0; t < 1000; ++t) {
      q.enqueue(make(pool, 0, 1514), at_ms(t));
      if (t >= wait) {
        ASSERT_TRUE(q.dequeue(at_ms(t), out));  // the packet that came at t - wait
      }
    }
    EXPECT_EQ(q.drops() > 0, wait > 5) << wait;
  }
}

}  // namespace
}  // namespace viosim::models
