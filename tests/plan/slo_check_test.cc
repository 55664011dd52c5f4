// Deciding a probe's criteria over its replications: the interval decides
// when it lies on one side of the bound, more replications are asked for
// when it straddles it, an overloaded run fails a latency or loss bound
// outright, and a zero loss bound fails on the first packet lost.
#include "scenarios/plan/slo_check.h"

#include <gtest/gtest.h>

namespace viosim::plan {
namespace {

Criterion p99_at_most(double bound) {
  viosim::Plan plan;
  viosim::Slo* slo = plan.add_slo();
  slo->set_flow("probe");
  slo->set_p99_us_max(bound);
  return slo_criteria(plan).front();
}

std::vector<Observation> values(std::initializer_list<double> v) {
  std::vector<Observation> out;
  for (double x : v) out.push_back({x, false});
  return out;
}

TEST(SloCheck, TheIntervalDecidesOnlyWhenItLiesOnOneSide) {
  const Criterion c = p99_at_most(100);
  EXPECT_EQ(c.text, "p99 of probe <= 100 us");
  EXPECT_EQ(decide(c, values({80, 82, 81})).verdict, Verdict::kPass);
  EXPECT_EQ(decide(c, values({120, 125, 122})).verdict, Verdict::kFail);
  // Mean 100 with spread: the interval straddles the bound.
  const Decision straddling = decide(c, values({90, 100, 110}));
  EXPECT_EQ(straddling.verdict, Verdict::kUndecided);
  ASSERT_TRUE(straddling.ci95_low && straddling.ci95_high);
  EXPECT_LT(*straddling.ci95_low, 100);
  EXPECT_GT(*straddling.ci95_high, 100);
  // One replication gives no interval: nothing is decided.
  EXPECT_EQ(decide(c, values({10})).verdict, Verdict::kUndecided);
}

TEST(SloCheck, AFlowThatDeliveredNothingFailsItsLatencyBound) {
  // An empty histogram's percentiles read 0, which would pass any bound.
  std::vector<Observation> seen = values({0, 30, 31});
  seen[0].starved = true;
  const Decision d = decide(p99_at_most(100), seen);
  EXPECT_EQ(d.verdict, Verdict::kFail);
  EXPECT_NE(d.reason.find("delivered nothing"), std::string::npos) << d.reason;
  EXPECT_TRUE(d.unmeasured);  // its 0 is no figure for the plan's trend check
  // Nor does a loss bound pass when the packets are stuck, not dropped.
  std::vector<Observation> stuck = values({0, 0, 0});
  stuck[2].starved = true;
  EXPECT_EQ(decide(searched_loss_criterion(0.01), stuck).verdict, Verdict::kFail);
}

TEST(SloCheck, ABoundWithinTheHistogramsResolutionIsNotDecided) {
  // Replications in one histogram bucket agree only to the bucket.
  const Decision in_bucket = decide(p99_at_most(100), values({99.9, 99.9, 99.9}));
  EXPECT_EQ(in_bucket.verdict, Verdict::kUndecided);
  EXPECT_NE(in_bucket.reason.find("resolution"), std::string::npos) << in_bucket.reason;
  EXPECT_EQ(decide(p99_at_most(100), values({90, 100, 110})).reason, "");  // the interval itself straddles
  EXPECT_EQ(decide(p99_at_most(100), values({99, 99, 99})).verdict, Verdict::kPass);
  EXPECT_EQ(decide(p99_at_most(100), values({100.2, 100.2, 100.2})).verdict, Verdict::kUndecided);
  EXPECT_EQ(decide(p99_at_most(100), values({101, 101, 101})).verdict, Verdict::kFail);
}

TEST(SloCheck, AThroughputFloorPassesAtOrAboveIt) {
  viosim::Plan plan;
  viosim::Slo* slo = plan.add_slo();
  slo->set_flow("bulk");
  slo->set_throughput_pps_min(1e6);
  const Criterion c = slo_criteria(plan).front();
  EXPECT_FALSE(c.at_most);
  EXPECT_EQ(decide(c, values({1.2e6, 1.21e6, 1.19e6})).verdict, Verdict::kPass);
  EXPECT_EQ(decide(c, values({0.5e6, 0.51e6, 0.49e6})).verdict, Verdict::kFail);
}

TEST(SloCheck, AnOverloadedRunFailsALatencyBoundWhateverItsFigure) {
  std::vector<Observation> seen = values({40, 41, 42});
  seen[1].overloaded = true;
  const Decision d = decide(p99_at_most(100), seen);
  EXPECT_EQ(d.verdict, Verdict::kFail);
  EXPECT_NE(d.reason.find("replication 1"), std::string::npos) << d.reason;
  EXPECT_TRUE(d.unmeasured);
  EXPECT_FALSE(decide(p99_at_most(100), values({40, 41, 42})).unmeasured);
}

TEST(SloCheck, AZeroLossBoundFailsOnAnyLossAndPassesOnNone) {
  const Criterion c = searched_loss_criterion(0);
  EXPECT_EQ(decide(c, values({0, 0, 0})).verdict, Verdict::kPass);
  const Decision d = decide(c, values({0, 1e-6, 0}));
  EXPECT_EQ(d.verdict, Verdict::kFail);
  EXPECT_NE(d.reason.find("replication 1"), std::string::npos) << d.reason;
  // A bound above zero goes by the interval like any other.
  EXPECT_EQ(decide(searched_loss_criterion(0.005), values({0.001, 0.0012, 0.0009})).verdict, Verdict::kPass);
}

TEST(SloCheck, ReadsTheFigureOfBothDirectionsOfAFlow) {
  viosim::BackendResult r;
  viosim::FlowResult* there = r.add_flows();
  there->set_name("probe");
  there->mutable_latency_us()->set_p99(30);
  there->set_offered_packets(1000);
  viosim::FlowResult* back = r.add_flows();
  back->set_name("probe (reverse)");
  back->mutable_latency_us()->set_p99(55);
  back->set_offered_packets(1000);
  viosim::PlaceCount* lost = back->add_drops_by_place();
  lost->set_place("tap");
  lost->set_count(20);
  there->set_throughput_pps(1000);
  back->set_throughput_pps(1000);
  EXPECT_EQ(observe(p99_at_most(100), r, nullptr, 0).value, 55);  // the worse direction
  EXPECT_FALSE(observe(p99_at_most(100), r, nullptr, 0).starved);
  back->set_throughput_pps(0);
  EXPECT_TRUE(observe(p99_at_most(100), r, nullptr, 0).starved);
  viosim::Plan plan;
  viosim::Slo* slo = plan.add_slo();
  slo->set_flow("probe");
  slo->set_loss_max(0.1);
  EXPECT_DOUBLE_EQ(observe(slo_criteria(plan).front(), r, nullptr, 0).value, 20.0 / 2000);
  EXPECT_THROW(observe(p99_at_most(1), viosim::BackendResult{}, nullptr, 0), std::runtime_error);
}

}  // namespace
}  // namespace viosim::plan
