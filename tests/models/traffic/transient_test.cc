// MSER-5 on series whose transient is known: a stationary series keeps
// (almost) everything, a series that starts high and settles is cut where
// it settles, memory stays bounded by merging batches, and a series that
// keeps climbing is flagged as still rising while a plateau is not.
#include "models/traffic/transient.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "tests/support/sim_time.h"

namespace viosim::models {
namespace {

TEST(Transient, AStationarySeriesHasNoTransient) {
  TransientDetector d;
  std::mt19937_64 rng(1);
  std::normal_distribution<double> noise(100, 5);
  for (int i = 0; i < 20000; ++i) d.add(noise(rng), at_us(i));
  ASSERT_TRUE(d.transient_end().has_value());
  EXPECT_LT(*d.transient_end() - core::Time::zero(), core::Microseconds(20000 / 10));
  EXPECT_FALSE(d.still_rising());
}

TEST(Transient, ASettlingStartIsCutWhereItSettles) {
  TransientDetector d;
  std::mt19937_64 rng(2);
  std::normal_distribution<double> noise(0, 5);
  // Starts at 1000 and decays to 100 over the first ~3000 samples.
  for (int i = 0; i < 20000; ++i) d.add(100 + 900 * std::exp(-i / 600.0) + noise(rng), at_us(i));
  ASSERT_TRUE(d.transient_end().has_value());
  const double end_us = (*d.transient_end() - core::Time::zero()).seconds() * 1e6;
  EXPECT_GT(end_us, 1500);
  EXPECT_LT(end_us, 6000);
}

TEST(Transient, MemoryIsBoundedWhateverTheLength) {
  TransientDetector d(64);
  for (int i = 0; i < 100000; ++i) d.add(1.0, at_us(i));
  EXPECT_LE(d.batches(), 64u);
  EXPECT_GE(d.batches(), 32u);
}

TEST(Transient, TooShortASeriesSaysNothing) {
  TransientDetector d;
  for (int i = 0; i < 5 * 19; ++i) d.add(1.0, at_us(i));
  EXPECT_FALSE(d.transient_end().has_value());
  EXPECT_FALSE(d.still_rising());
}

TEST(Transient, AClimbingSeriesIsStillRisingAPlateauIsNot) {
  TransientDetector climbing, plateau;
  std::mt19937_64 rng(3);
  std::normal_distribution<double> noise(0, 2);
  for (int i = 0; i < 20000; ++i) {
    climbing.add(100 + 0.05 * i + noise(rng), at_us(i));
    plateau.add(100 + 900 * (1 - std::exp(-i / 500.0)) + noise(rng), at_us(i));
  }
  EXPECT_TRUE(climbing.still_rising());
  EXPECT_FALSE(plateau.still_rising());
}

}  // namespace
}  // namespace viosim::models
