// Means and 95 % intervals against values worked out by hand, and the t
// table against its source.
#include "scenarios/sweep/stats.h"

#include <gtest/gtest.h>

namespace viosim::sweep {
namespace {

TEST(Stats, OneValueHasNoInterval) {
  const MeanCi m = mean_ci95({42.5});
  EXPECT_EQ(m.mean, 42.5);
  EXPECT_FALSE(m.ci95_low);
  EXPECT_FALSE(m.ci95_high);
}

TEST(Stats, TwoValuesUseTwelvePointSeven) {
  // mean 11, s = sqrt(2), s / sqrt(2) = 1, t(1) = 12.706: 11 -+ 12.706.
  const MeanCi m = mean_ci95({10, 12});
  EXPECT_DOUBLE_EQ(m.mean, 11);
  EXPECT_NEAR(*m.ci95_low, -1.706, 1e-12);
  EXPECT_NEAR(*m.ci95_high, 23.706, 1e-12);
}

TEST(Stats, FiveValues) {
  // mean 3, s^2 = (4+1+0+1+4)/4 = 2.5, s / sqrt(5) = sqrt(0.5) = 0.70710678,
  // t(4) = 2.776: half width 1.96292842.
  const MeanCi m = mean_ci95({1, 2, 3, 4, 5});
  EXPECT_DOUBLE_EQ(m.mean, 3);
  EXPECT_NEAR(*m.ci95_low, 3 - 1.96292842, 1e-8);
  EXPECT_NEAR(*m.ci95_high, 3 + 1.96292842, 1e-8);
}

TEST(Stats, EqualValuesHaveAnEmptyWidthInterval) {
  const MeanCi m = mean_ci95({7, 7, 7});
  EXPECT_EQ(*m.ci95_low, 7);
  EXPECT_EQ(*m.ci95_high, 7);
}

TEST(Stats, TQuantilesFollowTheTable) {
  EXPECT_DOUBLE_EQ(t_quantile_975(1), 12.706);
  EXPECT_DOUBLE_EQ(t_quantile_975(2), 4.303);
  EXPECT_DOUBLE_EQ(t_quantile_975(9), 2.262);
  EXPECT_DOUBLE_EQ(t_quantile_975(30), 2.042);
  // Interpolated in 1/df; the exact quantiles are 2.0301, 2.0141, 1.9623.
  EXPECT_NEAR(t_quantile_975(35), 2.0301, 0.001);
  EXPECT_NEAR(t_quantile_975(45), 2.0141, 0.001);
  EXPECT_NEAR(t_quantile_975(1000), 1.9623, 0.001);
  EXPECT_THROW(t_quantile_975(0), std::invalid_argument);
}

}  // namespace
}  // namespace viosim::sweep
