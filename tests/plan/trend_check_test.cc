// Where a plan's SLO figure gets better as its knob asks more: found among
// the probes, in the knob's direction, beyond the intervals and the
// tolerance, for a bound and for a floor; nothing for a figure that only
// gets worse or moves within its noise.
#include "scenarios/plan/trend_check.h"

#include <gtest/gtest.h>

namespace viosim::plan {
namespace {

// A probe at `value` with one figure of `mean` (and an interval of
// +- `half`, none when 0) for a bound (at_most) or a floor.
void add_probe(viosim::PlanAnswer& a, double value, double mean, double half = 0, bool at_most = true) {
  viosim::PlanProbe* p = a.add_probes();
  p->set_value(value);
  p->set_value_text(std::to_string(static_cast<int>(value)));
  viosim::PlanFigure* f = p->add_figures();
  f->set_criterion("p99 of probe <= 100 us");
  f->set_mean(mean);
  if (half > 0) {
    f->set_ci95_low(mean - half);
    f->set_ci95_high(mean + half);
  }
  f->set_at_most(at_most);
}

TEST(TrendCheck, AFigureThatOnlyGetsWorseOrMovesWithinItsNoiseIsNotFlagged) {
  viosim::PlanAnswer a;
  add_probe(a, 1, 20);
  add_probe(a, 8, 90);
  add_probe(a, 2, 30);
  add_probe(a, 4, 29.5);  // 1.7 % better than at 2: within the tolerance
  add_probe(a, 6, 50, 30);
  add_probe(a, 7, 40, 15);  // better than at 6, but the intervals overlap
  EXPECT_TRUE(trend_warnings(a, /*most=*/true).empty());
}

TEST(TrendCheck, NamesTheLargestImprovementAsTheKnobAsksMore) {
  viosim::PlanAnswer a;
  add_probe(a, 1, 20);
  add_probe(a, 2, 60);
  add_probe(a, 4, 45);  // 25 % better than at 2
  add_probe(a, 8, 30);  // 50 % better than at 2: the one named
  add_probe(a, 16, 200);
  const std::vector<std::string> w = trend_warnings(a, /*most=*/true);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("30 at 8 but 60 at 2"), std::string::npos) << w[0];
  EXPECT_NE(w[0].find("falls by 50 %"), std::string::npos) << w[0];
}

TEST(TrendCheck, ForFewestTheKnobAsksMoreAsItFalls) {
  viosim::PlanAnswer a;  // cores: fewer cores ask more
  add_probe(a, 8, 20);
  add_probe(a, 4, 40);
  add_probe(a, 2, 25);  // better than at 4, which asks less
  const std::vector<std::string> fewest = trend_warnings(a, /*most=*/false);
  ASSERT_EQ(fewest.size(), 1u);
  EXPECT_NE(fewest[0].find("25 at 2 but 40 at 4"), std::string::npos) << fewest[0];
  viosim::PlanAnswer b;  // only worse with fewer cores; read the other way, better
  add_probe(b, 8, 20);
  add_probe(b, 4, 30);
  add_probe(b, 2, 50);
  EXPECT_TRUE(trend_warnings(b, /*most=*/false).empty());
  EXPECT_EQ(trend_warnings(b, /*most=*/true).size(), 1u);
}

TEST(TrendCheck, AFloorFlagsAFigureThatRises) {
  viosim::PlanAnswer a;  // throughput per VM must stay at or above its floor
  add_probe(a, 1, 10, 0, /*at_most=*/false);
  add_probe(a, 2, 8, 0, false);
  add_probe(a, 4, 9, 0, false);  // 12.5 % more than at 2
  const std::vector<std::string> w = trend_warnings(a, /*most=*/true);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("rises by 12.5 %"), std::string::npos) << w[0];
}

TEST(TrendCheck, ARefusedProbeWithoutFiguresIsLeftOut) {
  viosim::PlanAnswer a;
  viosim::PlanProbe* refused = a.add_probes();  // the least demanding value, first in the knob's order
  refused->set_value(0);
  refused->set_verdict("refused");
  add_probe(a, 2, 60);
  add_probe(a, 8, 30);
  const std::vector<std::string> w = trend_warnings(a, /*most=*/true);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("30 at 8 but 60 at 2"), std::string::npos) << w[0];
}

TEST(TrendCheck, AStarvedOrOverloadedFigureIsNotAnImprovement) {
  viosim::PlanAnswer a;
  add_probe(a, 4, 150);
  add_probe(a, 8, 190);
  add_probe(a, 16, 0);  // the flow delivered nothing: the empty histogram's 0
  a.mutable_probes(2)->mutable_figures(0)->set_unmeasured(true);
  EXPECT_TRUE(trend_warnings(a, /*most=*/true).empty());
  a.mutable_probes(2)->mutable_figures(0)->set_unmeasured(false);
  EXPECT_EQ(trend_warnings(a, /*most=*/true).size(), 1u);  // read as a measurement, it would be one
}

TEST(TrendCheck, AFloorRisingFromZeroSaysSo) {
  viosim::PlanAnswer a;
  add_probe(a, 1, 0, 0, /*at_most=*/false);
  add_probe(a, 2, 5, 0, false);
  const std::vector<std::string> w = trend_warnings(a, /*most=*/true);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("rises from 0"), std::string::npos) << w[0];
}

}  // namespace
}  // namespace viosim::plan
