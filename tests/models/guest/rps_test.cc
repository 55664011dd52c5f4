// RPS and RFS steering by hand: the CPU chosen for a flow follows the
// rps_cpus mask (one CPU per flow, every CPU of the mask used by some),
// and with RFS the flow goes where its reader last ran, but only once the
// old CPU's backlog has taken the flow's last packet (no reordering).
#include "models/guest/rps.h"

#include <gtest/gtest.h>

#include <set>

namespace viosim::models {
namespace {

std::vector<FlowConfig> one_flow(uint32_t connections) {
  FlowConfig f;
  f.connections = connections;
  return {f};
}

Packet packet(uint32_t conn) {
  Packet p;
  p.flow = 0;
  p.conn = conn;
  p.to_guest = true;
  return p;
}

TEST(Rps, EachFlowGoesToOneCpuOfTheMaskAndTheMaskIsSpread) {
  RpsConfig c;
  c.cpus = {1, 2, 3};
  std::vector<uint64_t> heads(4, 0);
  RpsSteering rps(c, one_flow(64), 7, 4, [&heads](uint32_t cpu) { return heads[cpu]; });
  std::set<uint32_t> used;
  for (uint32_t conn = 0; conn < 64; ++conn) {
    const RpsSteering::Choice a = rps.choose(nullptr, packet(conn));
    const RpsSteering::Choice b = rps.choose(nullptr, packet(conn));
    EXPECT_EQ(a.cpu, b.cpu);  // the flow hash decides
    EXPECT_TRUE(a.cpu >= 1 && a.cpu <= 3) << a.cpu;
    EXPECT_EQ(a.flow, nullptr);  // no RFS table
    used.insert(a.cpu);
  }
  EXPECT_EQ(used.size(), 3u);
}

TEST(Rps, WithoutAMaskOrRfsNothingIsSteered) {
  RpsConfig c;
  RpsSteering rps(c, one_flow(4), 7, 4, [](uint32_t) { return uint64_t{0}; });
  EXPECT_EQ(rps.choose(nullptr, packet(0)).cpu, RpsSteering::kNoCpu);
}

TEST(Rps, RfsFollowsTheReaderOnceTheOldBacklogIsDrained) {
  RpsConfig c;
  c.sock_flow_entries = 100;  // rounded up to 128
  c.flow_cnt = 30;            // rounded up to 32
  std::vector<uint64_t> heads(4, 0);
  RpsSteering rps(c, one_flow(1), 7, 4, [&heads](uint32_t cpu) { return heads[cpu]; });
  const int other_queue = 0;  // a second receive queue (only its address counts)
  rps.set_queues({nullptr, reinterpret_cast<const GuestNetDevice*>(&other_queue)});
  // No reader recorded yet, and no rps_cpus: not steered.
  EXPECT_EQ(rps.choose(nullptr, packet(0)).cpu, RpsSteering::kNoCpu);
  // The reader runs on CPU 2: the flow goes there.
  rps.record(packet(0), 2);
  RpsSteering::Choice to = rps.choose(nullptr, packet(0));
  ASSERT_EQ(to.cpu, 2u);
  ASSERT_NE(to.flow, nullptr);
  // Two packets queue on CPU 2's backlog (the enqueue sets last_qtail).
  heads[2] = 10;
  to.flow->last_qtail = 12;
  // The reader moves to CPU 3: the flow stays on 2 while CPU 2's backlog
  // still holds its packets ...
  rps.record(packet(0), 3);
  EXPECT_EQ(rps.choose(nullptr, packet(0)).cpu, 2u);
  heads[2] = 11;
  EXPECT_EQ(rps.choose(nullptr, packet(0)).cpu, 2u);
  // ... and moves once they are processed, its tail starting from CPU 3's head.
  heads[2] = 12;
  heads[3] = 40;
  to = rps.choose(nullptr, packet(0));
  EXPECT_EQ(to.cpu, 3u);
  EXPECT_EQ(to.flow->last_qtail, 40u);
  // Each queue has a table of its own: another queue's entry is fresh,
  // and follows the recorded reader at once.
  EXPECT_EQ(rps.choose(reinterpret_cast<const GuestNetDevice*>(&other_queue), packet(0)).cpu, 3u);
}

// rx-N/rps_cpus and rps_flow_cnt per queue: each queue steers by its own
// map, and a queue past the list has none.
TEST(Rps, EachQueueHasItsOwnMap) {
  RpsConfig c;
  c.queues = {{{1}, 0}, {{2, 3}, 0}};
  const int q[3] = {};
  std::vector<uint64_t> heads(4, 0);
  RpsSteering rps(c, one_flow(64), 7, 4, [&heads](uint32_t cpu) { return heads[cpu]; });
  auto dev = [&q](int i) { return reinterpret_cast<const GuestNetDevice*>(&q[i]); };
  rps.set_queues({dev(0), dev(1), dev(2)});
  std::set<uint32_t> from1;
  for (uint32_t conn = 0; conn < 64; ++conn) {
    EXPECT_EQ(rps.choose(dev(0), packet(conn)).cpu, 1u);
    from1.insert(rps.choose(dev(1), packet(conn)).cpu);
    EXPECT_EQ(rps.choose(dev(2), packet(conn)).cpu, RpsSteering::kNoCpu);
  }
  EXPECT_EQ(from1, (std::set<uint32_t>{2, 3}));
}

// skb_flow_limit by hand: below half the backlog nothing is recorded or
// dropped; above it, a flow holding more than 64 of the last 128 packets
// is dropped, and two flows taking turns never are.
TEST(FlowLimit, DropsAFlowOverHalfTheHistoryOnceTheBacklogIsHalfFull) {
  FlowLimit alone(4096);
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(alone.drops(5, 499, 1000));  // qlen < 500
  int dropped = 0;
  for (int i = 0; i < 128; ++i) dropped += alone.drops(5, 500, 1000);
  EXPECT_EQ(dropped, 128 - 64);  // the 65th on
  EXPECT_EQ(alone.count(), 64u);
  FlowLimit two(4096);
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(two.drops(i % 2 == 0 ? 5 : 9, 800, 1000));
  // The table's length masks the hash: 5 and 4101 share a bucket of 4096.
  FlowLimit shared(4096);
  dropped = 0;
  for (int i = 0; i < 128; ++i) dropped += shared.drops(i % 2 == 0 ? 5 : 4101, 600, 1000);
  EXPECT_EQ(dropped, 64);
}

TEST(Rps, TableSizesRoundUpToAPowerOfTwo) {
  EXPECT_EQ(rps_table_size(0), 0u);
  EXPECT_EQ(rps_table_size(1), 1u);
  EXPECT_EQ(rps_table_size(100), 128u);
  EXPECT_EQ(rps_table_size(32768), 32768u);
}

}  // namespace
}  // namespace viosim::models
