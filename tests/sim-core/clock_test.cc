// Clock: exact cycle/time conversion and rounding at awkward frequencies.
#include "sim-core/clock.h"
#include "sim-core/mul_div.h"

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

// Short conversions take a 64-bit path; it must round exactly as the
// 128-bit one does on both sides of where it stops.
TEST(Clock, NarrowAndWideConversionsAgree) {
  for (uint64_t hz : {uint64_t{1}, uint64_t{3}, uint64_t{2'100'000'000}, uint64_t{2'900'000'001},
                      uint64_t{18'000'000'000'000'000'000u}}) {
    const Clock c(hz);
    for (int64_t n : {int64_t{0}, int64_t{1}, int64_t{8'999'999}, int64_t{9'000'000}, int64_t{9'000'001}}) {
      const unsigned __int128 num = static_cast<unsigned __int128>(n) * 1'000'000'000'000u + hz / 2;
      EXPECT_EQ(c.to_duration(Cycles(n)).ps(), static_cast<int64_t>(num / hz)) << hz << " Hz, " << n << " cycles";
    }
  }
}

// to_cycles rounds through a 64-bit division when the product fits.
TEST(Clock, ToCyclesRoundsTheSameOnBothPaths) {
  for (uint64_t hz : {uint64_t{3}, uint64_t{2'100'000'000}, uint64_t{2'900'000'001}}) {
    const Clock c(hz);
    // 4.392e9 ps at 2.1 GHz sits just below the 64-bit product's limit,
    // 4.393e9 just above; 1 s is far above it.
    for (int64_t ps : {int64_t{0}, int64_t{1}, int64_t{499'999}, int64_t{4'392'000'000}, int64_t{4'393'000'000},
                       int64_t{1'000'000'000'000}}) {
      const unsigned __int128 num = static_cast<unsigned __int128>(ps) * hz + 500'000'000'000u;
      EXPECT_EQ(c.to_cycles(Duration::from_ps(ps)).count(), static_cast<int64_t>(num / 1'000'000'000'000u))
          << hz << " Hz, " << ps << " ps";
    }
  }
}

TEST(MulDiv, FloorsOnBothSidesOfTheNarrowPath) {
  EXPECT_EQ(mul_div_floor(672, 1'000'000'000'000, 25'000'000'000), 26'880u);
  EXPECT_EQ(mul_div_floor(7, 3, 2), 10u);
  const uint64_t big = uint64_t{1} << 40;  // big * big overflows 64 bits
  EXPECT_EQ(mul_div_floor(big, big, big), big);
  EXPECT_EQ(mul_div_floor(big + 1, big, big * 3), (big + 1) / 3);
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
