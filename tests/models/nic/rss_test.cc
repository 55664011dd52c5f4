// RSS queue selection: the table-driven hash agrees with the reference
// Toeplitz on the Microsoft vectors, the low hash bits index the RETA, the
// default RETA is round-robin (ethtool_rxfh_indir_default), and bad tables
// are refused.
#include "models/nic/rss.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace viosim::models {
namespace {

FlowTuple flow(const char* src, uint16_t sport, const char* dst, uint16_t dport, bool ports) {
  return FlowTuple{parse_ipv4(src), parse_ipv4(dst), sport, dport, ports};
}

TEST(RssTableTest, HashMatchesMicrosoftVectors) {
  const RssTable rss(4);
  EXPECT_EQ(rss.hash(flow("66.9.149.187", 2794, "161.142.100.80", 1766, false)), 0x323e8fc2u);
  EXPECT_EQ(rss.hash(flow("66.9.149.187", 2794, "161.142.100.80", 1766, true)), 0x51ccc178u);
  EXPECT_EQ(rss.hash(flow("199.92.111.2", 14230, "65.69.140.83", 4739, true)), 0xc626b0eau);
  EXPECT_EQ(rss.hash(flow("24.19.198.95", 12898, "12.22.207.184", 38024, true)), 0x5c2b394au);
  EXPECT_EQ(rss.hash(flow("38.27.205.30", 48228, "209.142.163.6", 2217, false)), 0x82989176u);
  EXPECT_EQ(rss.hash(flow("153.39.163.191", 44251, "202.188.127.2", 1303, true)), 0x10e828a2u);
}

TEST(RssTableTest, TableHashEqualsReferenceForManyFlows) {
  const std::vector<uint8_t> key = parse_hex_bytes(
      "3c 0f 5a 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff 01 02 13 24 35 46 57 68 79 8a 9b ac");
  const RssTable rss(key, {}, 128, 3);
  uint32_t x = 12345;
  for (int i = 0; i < 2000; ++i) {
    x = x * 1664525u + 1013904223u;  // a fixed LCG: the same flows every run
    const FlowTuple f{x, x * 2654435761u, static_cast<uint16_t>(x >> 7),
                      static_cast<uint16_t>(x >> 13), (i & 1) != 0};
    ASSERT_EQ(rss.hash(f), toeplitz_hash(key, f));
  }
}

TEST(RssTableTest, DefaultTableIsRoundRobinOver128Entries) {
  const RssTable rss(3);
  ASSERT_EQ(rss.entries(), 128u);
  ASSERT_EQ(rss.indirection().size(), 128u);
  for (uint32_t i = 0; i < 128; ++i) EXPECT_EQ(rss.indirection()[i], i % 3) << i;
}

TEST(RssTableTest, LowHashBitsIndexTheTable) {
  // 0x51ccc178 & 127 = 120 -> 120 mod 7 = 1; with 16 entries, 8 -> 8 mod 7 = 1;
  // with 64 entries, 56 -> 0.
  const FlowTuple f = flow("66.9.149.187", 2794, "161.142.100.80", 1766, true);
  EXPECT_EQ(RssTable(kDefaultRssKey, {}, 128, 7).queue_for(f), 1u);
  EXPECT_EQ(RssTable(kDefaultRssKey, {}, 16, 7).queue_for(f), 1u);
  EXPECT_EQ(RssTable(kDefaultRssKey, {}, 64, 7).queue_for(f), 0u);
  EXPECT_EQ(RssTable(kDefaultRssKey, {}, 128, 4).queue_for(f), 0u);   // 120 mod 4
  EXPECT_EQ(RssTable(kDefaultRssKey, {}, 128, 16).queue_for(f), 8u);  // 120 mod 16
}

TEST(RssTableTest, GivenTableIsUsedAsIs) {
  const RssTable rss(kDefaultRssKey, {3, 1, 4, 1, 5, 9, 2, 6}, 8, 10);
  // 0x51ccc178 & 7 = 0, 0xc626b0ea & 7 = 2, 0x5c2b394a & 7 = 2, 0x10e828a2 & 7 = 2,
  // 0xafc7327f & 7 = 7.
  EXPECT_EQ(rss.queue_for(flow("66.9.149.187", 2794, "161.142.100.80", 1766, true)), 3u);
  EXPECT_EQ(rss.queue_for(flow("199.92.111.2", 14230, "65.69.140.83", 4739, true)), 4u);
  EXPECT_EQ(rss.queue_for(flow("38.27.205.30", 48228, "209.142.163.6", 2217, true)), 6u);
  EXPECT_EQ(rss.queue_for_hash(0xfffffff9u), 1u);  // index 1
}

TEST(RssTableTest, SetIndirectionReplacesAndRestoresDefault) {
  RssTable rss(kDefaultRssKey, {}, 4, 2);
  rss.set_indirection({1, 1, 1, 1});
  EXPECT_EQ(rss.queue_for_hash(0), 1u);
  rss.set_indirection({});
  EXPECT_EQ(rss.indirection(), (std::vector<uint16_t>{0, 1, 0, 1}));
  EXPECT_THROW(rss.set_indirection({0, 1}), std::invalid_argument);
}

TEST(RssTableTest, SpreadsManyFlowsOverQueues) {
  const RssTable rss(4);
  std::vector<int> per_queue(4, 0);
  for (uint32_t i = 0; i < 4000; ++i) {
    const FlowTuple f{0x0a000000u + i, 0xc0a80001u, static_cast<uint16_t>(10000 + i), 80, true};
    ++per_queue[rss.queue_for(f)];
  }
  for (int n : per_queue) {
    EXPECT_GT(n, 800);
    EXPECT_LT(n, 1200);
  }
}

TEST(RssTableTest, RefusesBadConfigurations) {
  const std::vector<uint8_t> short_key(15, 0xab);
  EXPECT_THROW(RssTable(short_key, {}, 128, 4), std::invalid_argument);
  EXPECT_THROW(RssTable(kDefaultRssKey, {}, 100, 4), std::invalid_argument);   // not 2^n
  EXPECT_THROW(RssTable(kDefaultRssKey, {}, 0, 4), std::invalid_argument);
  EXPECT_THROW(RssTable(kDefaultRssKey, {}, 128, 0), std::invalid_argument);
  EXPECT_THROW(RssTable(kDefaultRssKey, {0, 1, 2}, 4, 4), std::invalid_argument);  // size
  EXPECT_THROW(RssTable(kDefaultRssKey, {0, 1, 2, 4}, 4, 4), std::invalid_argument);  // queue 4
}

}  // namespace
}  // namespace viosim::models
