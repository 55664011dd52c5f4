// GRO's merge rules (tcp_gro_receive) and software GSO undoing them.
#include "models/net/gro_list.h"

#include <gtest/gtest.h>

#include "models/traffic/flow.h"

namespace viosim::models {
namespace {

constexpr uint32_t kMss = 1448;

uint32_t segment(PacketPool& pool, uint64_t seq, uint32_t len, uint32_t conn = 0) {
  Packet& p = pool.alloc();
  p.tcp_data = true;
  p.conn = conn;
  p.bytes = len + kTcpFrameOverhead;
  TcpHeader& h = pool.tcp(p.id);
  h = TcpHeader{};
  h.seq = seq;
  h.len = len;
  return p.id;
}

TEST(GroList, InSequenceSegmentsOfAConnectionBecomeOneSkbUntilTheFlush) {
  PacketPool pool;
  GroList gro(pool);
  std::vector<uint32_t> up;
  const uint32_t first = segment(pool, 0, kMss);
  EXPECT_FALSE(gro.receive(nullptr, first, up));
  for (uint32_t i = 1; i < 10; ++i) EXPECT_TRUE(gro.receive(nullptr, segment(pool, i * kMss, kMss), up));
  EXPECT_TRUE(up.empty());
  gro.flush(nullptr, up);
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0], first);
  EXPECT_EQ(pool[first].segs, 10);
  EXPECT_EQ(pool.tcp(first).len, 10 * kMss);
  EXPECT_EQ(pool.tcp(first).gso_size, kMss);
  EXPECT_EQ(pool.in_use(), 1u);
}

TEST(GroList, AGapALongerSegmentOrAnotherConnectionDoesNotJoin) {
  PacketPool pool;
  GroList gro(pool);
  std::vector<uint32_t> up;
  const uint32_t a = segment(pool, 0, 1000);
  gro.receive(nullptr, a, up);
  EXPECT_FALSE(gro.receive(nullptr, segment(pool, 1000, 1000, 1), up)) << "another connection";
  EXPECT_TRUE(up.empty());
  EXPECT_FALSE(gro.receive(nullptr, segment(pool, 1000, 1200), up)) << "longer than the held skb's segments";
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0], a);
  up.clear();
  const uint32_t b = segment(pool, 5000, 1000, 1);
  EXPECT_FALSE(gro.receive(nullptr, b, up)) << "out of sequence";
  EXPECT_EQ(up.size(), 1u);
}

TEST(GroList, AShortSegmentJoinsAndEndsItsSkb) {
  PacketPool pool;
  GroList gro(pool);
  std::vector<uint32_t> up;
  const uint32_t a = segment(pool, 0, kMss);
  gro.receive(nullptr, a, up);
  EXPECT_TRUE(gro.receive(nullptr, segment(pool, kMss, 100), up));
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0], a);
  up.clear();
  gro.flush(nullptr, up);
  EXPECT_TRUE(up.empty()) << "nothing left held";
}

TEST(GroList, NoSkbReaches64KB) {
  PacketPool pool;
  GroList gro(pool);
  std::vector<uint32_t> up;
  for (uint32_t i = 0; i < 100; ++i) gro.receive(nullptr, segment(pool, uint64_t{i} * kMss, kMss), up);
  gro.flush(nullptr, up);
  uint32_t segs = 0;
  for (uint32_t p : up) {
    EXPECT_LT(pool.tcp(p).len + kTcpFrameOverhead - 18, GroList::kMaxSize);
    segs += pool[p].segs;
  }
  EXPECT_EQ(segs, 100u);
  EXPECT_EQ(pool[up[0]].segs, 45) << "52 bytes of headers and 45 x 1448 stay under 65,536";
}

TEST(PacketPool, SoftwareGsoGivesBackTheSegmentsGroMerged) {
  PacketPool pool;
  GroList gro(pool);
  std::vector<uint32_t> up;
  const uint32_t first = segment(pool, 7000, kMss);
  gro.receive(nullptr, first, up);
  for (uint32_t i = 1; i < 5; ++i) gro.receive(nullptr, segment(pool, 7000 + i * kMss, i == 4 ? 500 : kMss), up);
  ASSERT_EQ(up.size(), 1u);
  std::vector<uint32_t> out;
  pool.segment(first, kTcpFrameOverhead, out);
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out[0], first);
  for (uint32_t i = 0; i < 5; ++i) {
    const TcpHeader& h = pool.tcp(out[i]);
    EXPECT_EQ(h.seq, 7000 + i * kMss);
    EXPECT_EQ(h.len, i == 4 ? 500 : kMss);
    EXPECT_EQ(pool[out[i]].segs, 1);
    EXPECT_EQ(pool[out[i]].bytes, h.len + kTcpFrameOverhead);
    EXPECT_TRUE(pool[out[i]].tcp_data);
  }
  EXPECT_EQ(pool.in_use(), 5u);
}

// A poll on its weight at HZ 1000 (napi_gro_flush(n, true)): only the
// skbs held since an earlier jiffy go up; a held skb keeps the jiffy it
// was first held in, however much joins it later. Below HZ 1000, and at
// napi_complete_done, everything goes.
TEST(GroList, AFlushOfOldSkbsKeepsThoseOfThisJiffy) {
  PacketPool pool;
  GroList gro(pool);
  std::vector<uint32_t> up;
  const uint32_t old_skb = segment(pool, 0, kMss, 0);
  gro.receive(nullptr, old_skb, up, 7);
  EXPECT_TRUE(gro.receive(nullptr, segment(pool, kMss, kMss, 0), up, 8));
  const uint32_t young = segment(pool, 0, kMss, 1);
  gro.receive(nullptr, young, up, 8);
  const core::Duration hz_1000 = core::Milliseconds(1);
  gro.end_poll(nullptr, /*on_weight=*/true, hz_1000, 8, up);
  EXPECT_EQ(up, std::vector<uint32_t>({old_skb}));
  up.clear();
  gro.end_poll(nullptr, /*on_weight=*/false, hz_1000, 8, up);
  EXPECT_EQ(up, std::vector<uint32_t>({young})) << "napi_complete_done: everything";
  up.clear();
  gro.end_poll(nullptr, /*on_weight=*/false, hz_1000, 8, up);
  EXPECT_TRUE(up.empty());
  // Below HZ 1000 a poll on its weight hands up this jiffy's skb too.
  const uint32_t again = segment(pool, kMss, kMss, 1);
  gro.receive(nullptr, again, up, 8);
  gro.end_poll(nullptr, /*on_weight=*/true, core::Milliseconds(4), 8, up);
  EXPECT_EQ(up, std::vector<uint32_t>({again}));
}

}  // namespace
}  // namespace viosim::models
