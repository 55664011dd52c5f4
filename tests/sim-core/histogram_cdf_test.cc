// The compact CDF of a histogram: exact fractions at bucket edges, bounded
// size, monotone, ending at 1, and the same points for the same data.
#include "sim-core/histogram_cdf.h"

#include <gtest/gtest.h>

namespace viosim::core {
namespace {

TEST(HistogramCdf, EmptyHistogramHasNoPoints) {
  EXPECT_TRUE(cdf_points(Histogram{}, 100).empty());
}

TEST(HistogramCdf, ExactValuesGiveOnePointEach) {
  Histogram h;
  for (uint64_t v : {10, 20, 20, 30}) h.record(v);  // below 128: one bucket per value
  const auto points = cdf_points(h, 100);
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[0].value, 10u);
  EXPECT_DOUBLE_EQ(points[0].cumulative_fraction, 0.25);
  EXPECT_EQ(points[1].value, 20u);
  EXPECT_DOUBLE_EQ(points[1].cumulative_fraction, 0.75);
  EXPECT_EQ(points[2].value, 30u);
  EXPECT_DOUBLE_EQ(points[2].cumulative_fraction, 1.0);
}

TEST(HistogramCdf, LastPointIsClampedToTheMaximum) {
  Histogram h;
  h.record(1'000'003);  // a wide bucket: its upper edge lies above the sample
  const auto points = cdf_points(h, 10);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].value, 1'000'003u);
  EXPECT_DOUBLE_EQ(points[0].cumulative_fraction, 1.0);
}

TEST(HistogramCdf, ManyBucketsAreGroupedBelowTheLimitAndStayOnTheCurve) {
  Histogram h;
  uint64_t x = 12345;
  for (int i = 0; i < 100'000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    h.record(1'000'000 + (x >> 40) % 50'000'000);  // 1 us to 51 us in ps: thousands of buckets
  }
  const auto points = cdf_points(h, 200);
  ASSERT_FALSE(points.empty());
  EXPECT_LE(points.size(), 200u);
  EXPECT_GT(points.size(), 50u);  // grouping halves at most what is needed
  EXPECT_DOUBLE_EQ(points.back().cumulative_fraction, 1.0);
  EXPECT_EQ(points.back().value, h.max());
  for (size_t i = 1; i < points.size(); ++i) {
    EXPECT_GT(points[i].value, points[i - 1].value);
    EXPECT_GT(points[i].cumulative_fraction, points[i - 1].cumulative_fraction);
  }
  // Every point is exact: the fraction of samples at or below its value.
  for (const CdfPoint& p : points) {
    uint64_t below = 0;
    for (size_t b = 0; b < Histogram::kBuckets && Histogram::bucket_low(b) <= p.value; ++b) {
      below += h.count_in_bucket(b);
    }
    EXPECT_DOUBLE_EQ(p.cumulative_fraction, double(below) / double(h.count())) << p.value;
  }
  const auto again = cdf_points(h, 200);
  ASSERT_EQ(again.size(), points.size());
  for (size_t i = 0; i < points.size(); ++i) EXPECT_EQ(again[i].value, points[i].value);
}

}  // namespace
}  // namespace viosim::core
