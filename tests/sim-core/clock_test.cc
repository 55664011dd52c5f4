// Clock: exact cycle/time conversion and rounding at awkward frequencies.
#include "sim-core/clock.h"

#include <gtest/gtest.h>

namespace viosim::core {
namespace {

TEST(Clock, ConvertsExactlyAtRoundFrequencies) {
  const Clock c(2'000'000'000);  // 2 GHz: 500 ps per cycle
  EXPECT_EQ(c.period(), Picoseconds(500));
  EXPECT_EQ(c.to_duration(Cycles(3898)), Picoseconds(1'949'000));
  EXPECT_EQ(c.to_cycles(Microseconds(1)), Cycles(2000));
}

TEST(Clock, RoundsToNearestAtOtherFrequencies) {
  const Clock c(2'100'000'000);  // 476.19... ps per cycle
  EXPECT_EQ(c.to_duration(Cycles(1)), Picoseconds(476));
  EXPECT_EQ(c.to_duration(Cycles(3)), Picoseconds(1429));  // 1428.57
  // A billion cycles: no accumulated drift, unlike adding periods.
  EXPECT_EQ(c.to_duration(Cycles(2'100'000'000)), Seconds(1));
  EXPECT_EQ(c.to_cycles(Seconds(1)), Cycles(2'100'000'000));
}

TEST(Clock, RoundTripsWithinHalfACycle) {
  const Clock c(2'900'000'000);
  for (int64_t n : {0, 1, 7, 20574, 1'000'000'007}) {
    EXPECT_EQ(c.to_cycles(c.to_duration(Cycles(n))), Cycles(n)) << n;
  }
}

TEST(Clock, RejectsZeroAndOverflow) {
  EXPECT_THROW(Clock(0), std::invalid_argument);
  const Clock slow(1);  // 1 Hz: a cycle is 1e12 ps
  EXPECT_THROW((void)slow.to_duration(Cycles(int64_t{1} << 40)), std::overflow_error);
}

TEST(Cycles, CheckedArithmetic) {
  EXPECT_EQ(Cycles(3) + Cycles(4), Cycles(7));
  EXPECT_EQ(Cycles(3) * 5, Cycles(15));
  EXPECT_THROW((void)(Cycles(INT64_MAX) + Cycles(1)), std::overflow_error);
}

}  // namespace
}  // namespace viosim::core
