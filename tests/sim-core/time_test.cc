// Time and Duration: factories, checked arithmetic at the int64 edges,
// conversion from seconds and formatting with units.
#include "sim-core/time.h"

#include <gtest/gtest.h>

#include <limits>

namespace viosim::core {
namespace {

TEST(Duration, FactoriesAreExactPicoseconds) {
  EXPECT_EQ(Picoseconds(7).ps(), 7);
  EXPECT_EQ(Nanoseconds(3).ps(), 3'000);
  EXPECT_EQ(Microseconds(50).ps(), 50'000'000);
  EXPECT_EQ(Milliseconds(2).ps(), 2'000'000'000);
  EXPECT_EQ(Seconds(1).ps(), 1'000'000'000'000);
  static_assert(Microseconds(1) == Nanoseconds(1000));
}

TEST(Duration, ArithmeticAndComparison) {
  EXPECT_EQ(Microseconds(1) + Nanoseconds(500), Nanoseconds(1500));
  EXPECT_EQ(Microseconds(1) - Nanoseconds(1500), -Nanoseconds(500));
  EXPECT_EQ(Nanoseconds(3) * 4, Nanoseconds(12));
  EXPECT_EQ(Nanoseconds(10) / 4, Picoseconds(2500));
  EXPECT_EQ(Microseconds(1) / Nanoseconds(3), 333);
  EXPECT_LT(Nanoseconds(999), Microseconds(1));
}

TEST(Duration, OverflowAtTheEdgesThrows) {
  const Duration max = Duration::max();
  EXPECT_EQ(max.ps(), std::numeric_limits<int64_t>::max());
  EXPECT_NO_THROW((void)(max - Picoseconds(1) + Picoseconds(1)));
  EXPECT_THROW((void)(max + Picoseconds(1)), std::overflow_error);
  EXPECT_THROW((void)(-max - Picoseconds(2)), std::overflow_error);
  EXPECT_THROW((void)(max * 2), std::overflow_error);
  EXPECT_THROW((void)Seconds(10'000'000), std::overflow_error);  // > 9.2e6 s
  EXPECT_NO_THROW((void)Seconds(9'000'000));
  EXPECT_THROW((void)(Time::max() + Picoseconds(1)), std::overflow_error);
}

TEST(Duration, FromSecondsRoundsToNearestPicosecond) {
  EXPECT_EQ(Duration::from_seconds(1.5e-12).ps(), 2);
  EXPECT_EQ(Duration::from_seconds(1.4e-12).ps(), 1);
  EXPECT_EQ(Duration::from_seconds(-1.5e-12).ps(), -2);
  EXPECT_EQ(Duration::from_seconds(0.1).ps(), 100'000'000'000);
  EXPECT_THROW(Duration::from_seconds(1e7), std::overflow_error);
  EXPECT_THROW(Duration::from_seconds(std::numeric_limits<double>::quiet_NaN()), std::overflow_error);
}

TEST(Time, PointsAndSpans) {
  const Time t = Time::zero() + Microseconds(5);
  EXPECT_EQ(t - Time::zero(), Microseconds(5));
  EXPECT_EQ((t + Nanoseconds(1)).ps(), 5'001'000);
  EXPECT_EQ(Time::from_ps(42).since_start(), Picoseconds(42));
  EXPECT_LT(Time::zero(), t);
}

TEST(Duration, FormatsWithTheLargestFittingUnitExactly) {
  EXPECT_EQ(to_string(Duration::zero()), "0 s");
  EXPECT_EQ(to_string(Picoseconds(250)), "250 ps");
  EXPECT_EQ(to_string(Nanoseconds(1500)), "1.5 us");
  EXPECT_EQ(to_string(Microseconds(12'345) + Picoseconds(678)), "12.345000678 ms");
  EXPECT_EQ(to_string(Seconds(3)), "3 s");
  EXPECT_EQ(to_string(-Nanoseconds(2)), "-2 ns");
  EXPECT_EQ(to_string(Duration::from_ps(std::numeric_limits<int64_t>::min())), "-9223372.036854775808 s");
  EXPECT_EQ(to_string(Time::zero() + Milliseconds(20)), "20 ms");
}

}  // namespace
}  // namespace viosim::core
