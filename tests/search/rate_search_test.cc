// The search against trials whose outcome is a known function of the rate:
// it brackets the true rates within the precision asked, stops at the
// bounds, treats a still-rising latency as a failure and gives up after
// max_trials.
#include "scenarios/search/rate_search.h"

#include <gtest/gtest.h>

#include <cmath>

namespace viosim::search {
namespace {

// A path that carries `capacity` and loses the excess, plus `base_loss` of
// everything above `lossless` (a queue overflowing now and then).
TrialFunction path(double capacity, double lossless = 0, double base_loss = 0) {
  return [=](double rate) {
    TrialOutcome o;
    o.offered = static_cast<uint64_t>(rate);  // one second's worth
    double lost = rate > capacity ? rate - capacity : 0;
    if (lossless > 0 && rate > lossless) lost += base_loss * rate;
    o.lost = static_cast<uint64_t>(std::ceil(lost));
    o.receive_rate = rate - lost;
    return o;
  };
}

SearchSettings settings(double max = 14.88e6) {
  SearchSettings s;
  s.max_rate = max;
  s.min_rate = max / 1000;
  s.pdr_loss_ratio = 0.005;
  s.precision = 0.005;
  s.max_trials = 40;
  return s;
}

TEST(RateSearch, BracketsACapacityWithinThePrecision) {
  const SearchSettings s = settings();
  const SearchResult r = search_rates(s, path(523456));
  ASSERT_TRUE(r.converged);
  EXPECT_LE(r.ndr.pass, 523456);
  EXPECT_GT(r.ndr.fail, 523456);
  EXPECT_LE(r.ndr.fail - r.ndr.pass, s.precision * r.ndr.fail);
  // 0.5 % of loss is allowed above the capacity.
  EXPECT_LE(r.pdr.pass * 0.995, 523456 + 1);
  EXPECT_GT(r.pdr.pass, 523456);
  EXPECT_LE(r.pdr.fail - r.pdr.pass, s.precision * r.pdr.fail);
  // The receive rate of the first trial lands next to the answer.
  EXPECT_LE(r.trials.size(), 14u);
  EXPECT_EQ(r.trials.front().rate, s.max_rate);
}

TEST(RateSearch, EveryTrialsVerdictFollowsItsLoss) {
  const SearchSettings s = settings();
  const SearchResult r = search_rates(s, path(2e6, 1.5e6, 0.001));
  ASSERT_TRUE(r.converged);
  for (const Trial& t : r.trials) {
    EXPECT_EQ(t.ndr_pass, t.outcome.lost == 0) << t.rate;
    EXPECT_EQ(t.pdr_pass, t.outcome.loss_ratio() <= s.pdr_loss_ratio) << t.rate;
  }
  // No loss up to 1.5 Mpps; 0.1 % above it, which the PDR allows up to
  // where the overload adds 0.4 % more.
  EXPECT_LE(r.ndr.pass, 1.5e6);
  EXPECT_GT(r.ndr.fail, 1.5e6);
  EXPECT_GT(r.pdr.pass, 2e6 * 0.99);
  EXPECT_LT(r.pdr.pass, 2e6 / (1 - 0.004) + 1);
}

TEST(RateSearch, StopsAtTheHighestRateWhenItPasses) {
  const SearchResult r = search_rates(settings(1e6), path(5e6));
  EXPECT_TRUE(r.converged);
  EXPECT_EQ(r.trials.size(), 1u);
  EXPECT_TRUE(r.ndr.at_max());
  EXPECT_TRUE(r.pdr.at_max());
  EXPECT_EQ(r.ndr.pass, 1e6);
}

TEST(RateSearch, ReportsARateBelowTheLowestWhenEvenThatLoses) {
  const SearchSettings s = settings(1e6);
  const SearchResult r = search_rates(s, path(100));
  EXPECT_TRUE(r.converged);
  EXPECT_TRUE(r.ndr.below_min());
  EXPECT_TRUE(r.pdr.below_min());
  EXPECT_EQ(r.ndr.fail, s.min_rate);
  EXPECT_LE(r.trials.size(), 25u);
}

TEST(RateSearch, ALatencyStillRisingFailsTheTrial) {
  // No packet is ever lost, but above 300 kpps the backlog grows.
  const SearchResult r = search_rates(settings(1e6), [](double rate) {
    TrialOutcome o;
    o.offered = static_cast<uint64_t>(rate);
    o.receive_rate = std::min(rate, 3e5);
    o.still_growing = rate > 3e5;
    return o;
  });
  ASSERT_TRUE(r.converged);
  EXPECT_LE(r.ndr.pass, 3e5);
  EXPECT_GT(r.ndr.fail, 3e5);
  EXPECT_EQ(r.pdr.pass, r.ndr.pass);
}

TEST(RateSearch, GivesUpAfterMaxTrials) {
  SearchSettings s = settings();
  s.max_trials = 3;
  const SearchResult r = search_rates(s, path(523456));
  EXPECT_FALSE(r.converged);
  EXPECT_EQ(r.trials.size(), 3u);
}

TEST(RateSearch, AResultContradictingAnEarlierOneNarrowsNothing) {
  // Loss comes and goes with the rate (even thousands lose): the search
  // still ends, with each criterion's pass below its failure.
  const SearchResult r = search_rates(settings(1e6), [](double rate) {
    TrialOutcome o;
    o.offered = 1000000;
    o.lost = static_cast<uint64_t>(rate / 1000) % 2 == 0 ? 1000 : 0;
    o.receive_rate = rate;
    return o;
  });
  EXPECT_GT(r.trials.size(), 1u);
  for (const Bounds& b : {r.ndr, r.pdr}) {
    if (b.pass > 0 && b.fail > 0) {
      EXPECT_LT(b.pass, b.fail);
    }
  }
  // The lowest failure wins: no trial failing a criterion lies at or below
  // the rate it reports as passing.
  for (const Trial& t : r.trials) {
    EXPECT_TRUE(t.ndr_pass || t.rate > r.ndr.pass) << t.rate;
    EXPECT_TRUE(t.pdr_pass || t.rate > r.pdr.pass) << t.rate;
  }
}

TEST(RateSearch, RefusesBoundsThatMakeNoSearch) {
  SearchSettings s = settings();
  s.min_rate = s.max_rate * 2;
  EXPECT_THROW(search_rates(s, path(1)), std::invalid_argument);
}

}  // namespace
}  // namespace viosim::search
