// Histogram: bucket bounds tile the value range, percentiles stay within 1 %
// of an exact sort on several distributions, memory is fixed.
#include "sim-core/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "sim-core/rng.h"

namespace viosim::core {
namespace {

TEST(Histogram, BucketsTileTheRangeWithoutGaps) {
  uint64_t expected_low = 0;
  for (size_t i = 0; i < Histogram::kBuckets; ++i) {
    ASSERT_EQ(Histogram::bucket_low(i), expected_low) << i;
    ASSERT_EQ(Histogram::bucket_of(Histogram::bucket_low(i)), i);
    ASSERT_EQ(Histogram::bucket_of(Histogram::bucket_high(i)), i);
    if (i + 1 < Histogram::kBuckets) expected_low = Histogram::bucket_high(i) + 1;
  }
  EXPECT_EQ(Histogram::bucket_high(Histogram::kBuckets - 1), UINT64_MAX);
}

TEST(Histogram, BucketWidthIsAtMostOne128thOfItsValues) {
  for (size_t i = Histogram::kSubBuckets; i < Histogram::kBuckets; ++i) {
    const double lo = double(Histogram::bucket_low(i));
    const double width = double(Histogram::bucket_high(i)) - lo + 1;
    ASSERT_LE(width / lo, 1.0 / 128 + 1e-12) << i;
  }
}

TEST(Histogram, SmallValuesAreExact) {
  Histogram h;
  for (uint64_t v : {3, 1, 4, 1, 5, 9, 2, 6}) h.record(v);
  EXPECT_EQ(h.count(), 8u);
  EXPECT_EQ(h.min(), 1u);
  EXPECT_EQ(h.max(), 9u);
  EXPECT_DOUBLE_EQ(h.mean(), 31.0 / 8);
  EXPECT_EQ(h.percentile(0.5), 3u);   // rank 4 of 1 1 2 3 4 5 6 9
  EXPECT_EQ(h.percentile(1.0), 9u);
  EXPECT_EQ(h.percentile(0.0), 1u);
}

void expect_percentiles_close(const std::vector<uint64_t>& samples) {
  Histogram h;
  for (uint64_t v : samples) h.record(v);
  std::vector<uint64_t> sorted = samples;
  std::sort(sorted.begin(), sorted.end());
  for (double q : {0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999, 1.0}) {
    const size_t rank = std::max<size_t>(1, static_cast<size_t>(std::ceil(q * double(sorted.size()))));
    const double exact = double(sorted[rank - 1]);
    const double got = double(h.percentile(q));
    EXPECT_LE(std::abs(got - exact), 0.01 * exact) << "q=" << q << " exact=" << exact << " got=" << got;
  }
}

TEST(Histogram, PercentilesWithinOnePercentOfExactSort) {
  Rng rng(11);
  std::vector<uint64_t> exp_ps, lognormal, bimodal;
  for (int i = 0; i < 200'000; ++i) {
    exp_ps.push_back(static_cast<uint64_t>(rng.exponential(30e6)));  // ~30 us in ps
    lognormal.push_back(static_cast<uint64_t>(std::exp(10 + 3 * (rng.uniform01() - 0.5) * 4)));
    bimodal.push_back(rng.below(10) == 0 ? 5'000'000'000ull + rng.below(1000) : 40'000 + rng.below(200));
  }
  expect_percentiles_close(exp_ps);
  expect_percentiles_close(lognormal);
  expect_percentiles_close(bimodal);
}

TEST(Histogram, MergeEqualsRecordingEverything) {
  Histogram a, b, all;
  Rng rng(5);
  for (int i = 0; i < 10'000; ++i) {
    const uint64_t v = rng.next() >> 20;
    (i % 2 ? a : b).record(v);
    all.record(v);
  }
  a.merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.min(), all.min());
  EXPECT_EQ(a.max(), all.max());
  EXPECT_DOUBLE_EQ(a.mean(), all.mean());
  for (double q : {0.5, 0.99}) EXPECT_EQ(a.percentile(q), all.percentile(q));
  a.reset();
  EXPECT_EQ(a.count(), 0u);
  EXPECT_EQ(a.percentile(0.5), 0u);
}

}  // namespace
}  // namespace viosim::core
