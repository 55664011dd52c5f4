// CancelSet against std::set under a long random mix of operations,
// including the backward-shift deletion across the wrap of the table.
#include "sim-core/cancel_set.h"

#include <gtest/gtest.h>

#include <set>

#include "sim-core/rng.h"

namespace viosim::core {
namespace {

TEST(CancelSet, InsertContainsErase) {
  CancelSet s;
  EXPECT_TRUE(s.insert(5));
  EXPECT_FALSE(s.insert(5));
  EXPECT_TRUE(s.contains(5));
  EXPECT_FALSE(s.contains(6));
  EXPECT_TRUE(s.erase(5));
  EXPECT_FALSE(s.erase(5));
  EXPECT_EQ(s.size(), 0u);
}

TEST(CancelSet, MatchesAReferenceSetUnderRandomOperations) {
  CancelSet s;
  std::set<uint64_t> ref;
  Rng rng(99);
  for (int i = 0; i < 200'000; ++i) {
    // A small key space makes collisions, probe runs and wraps common.
    const uint64_t key = 1 + rng.below(i < 100'000 ? 64 : 5000);
    switch (rng.below(3)) {
      case 0:
        ASSERT_EQ(s.insert(key), ref.insert(key).second) << i;
        break;
      case 1:
        ASSERT_EQ(s.erase(key), ref.erase(key) == 1) << i;
        break;
      default:
        ASSERT_EQ(s.contains(key), ref.count(key) == 1) << i;
    }
    ASSERT_EQ(s.size(), ref.size());
  }
  for (uint64_t k : ref) EXPECT_TRUE(s.contains(k));
}

}  // namespace
}  // namespace viosim::core
