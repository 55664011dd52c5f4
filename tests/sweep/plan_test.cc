// Sweep points: axis points x backends x replications in a fixed order,
// seeds per replication, ids that change with the scenario, and invalid
// points reported by their axis values.
#include "scenarios/sweep/points.h"

#include <set>

#include <gtest/gtest.h>

#include "scenarios/loader/loader.h"
#include "scenarios/sweep/point_id.h"

namespace viosim::sweep {
namespace {

viosim::Scenario load(const std::string& text) {
  const auto result = scenarios::load_scenario_text(VIOSIM_TESTS_DIR "/sweep/data/inline.textproto",
                                                    "base: \"base.textproto\"\n" + text);
  EXPECT_TRUE(result.ok()) << scenarios::format_diagnostics(result.diagnostics);
  return result.scenario.value_or(viosim::Scenario{});
}

constexpr char kTwoByThree[] = R"(sweep {
    axis { field: "traffic.flow[load].open_loop.rate_pps" values: ["1e5", "2e5", "3e5"] }
    replications: 3 })";

TEST(Plan, PointsAreAxisPointsTimesBackendsTimesReplications) {
  const SweepPlan plan = plan_sweep(load(kTwoByThree));
  ASSERT_EQ(plan.points.size(), 3u * 2u * 3u);  // base compares VHOST_NET and VHOST_USER
  // Order: axis point, then backend in compare order, then replication.
  EXPECT_EQ(plan.points[0].backend, "VHOST_NET");
  EXPECT_EQ(plan.points[2].replication, 2u);
  EXPECT_EQ(plan.points[3].backend, "VHOST_USER");
  EXPECT_EQ(plan.points[6].axis_point, 1u);
  std::set<std::string> ids;
  for (const SweepPoint& p : plan.points) ids.insert(p.id);
  EXPECT_EQ(ids.size(), plan.points.size());
}

TEST(Plan, ReplicationZeroKeepsTheSeedOthersDeriveFromIt) {
  EXPECT_EQ(replication_seed(3, 0), 3u);
  // splitmix64's first outputs for state 0 (Vigna's reference code): 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4.
  EXPECT_EQ(replication_seed(0, 1), 0xe220a8397b1dcdafull);
  EXPECT_EQ(replication_seed(0, 2), 0x6e789e6aa1b965f4ull);
  const SweepPlan plan = plan_sweep(load(kTwoByThree));
  EXPECT_EQ(plan.points[0].seed, 3u);
  EXPECT_EQ(plan.points[1].seed, replication_seed(3, 1));
  EXPECT_EQ(plan.points[3].seed, 3u);  // the next backend starts again at the scenario seed
}

TEST(Plan, PointScenarioRunsOneBackendWithTheAxisValues) {
  const SweepPlan plan = plan_sweep(load(kTwoByThree));
  const viosim::Scenario s = point_scenario(plan, 10);  // axis point 1, VHOST_USER, replication 1
  EXPECT_EQ(s.traffic().flow(1).open_loop().rate_pps(), 2e5);
  ASSERT_EQ(s.compare().backend_size(), 1);
  EXPECT_EQ(s.compare().backend(0), viosim::VHOST_USER);
  EXPECT_EQ(s.seed(), replication_seed(3, 1));
  EXPECT_FALSE(s.has_sweep());
  EXPECT_EQ(plan.points[10].id, point_id(scenarios::to_textproto(s), viosim_version()));
}

TEST(Plan, IdsChangeWithTheScenarioAndTheVersion) {
  const SweepPlan a = plan_sweep(load(kTwoByThree));
  const SweepPlan b = plan_sweep(load(std::string("run { duration_ms: 6 }\n") + kTwoByThree));
  EXPECT_NE(a.points[0].id, b.points[0].id);
  const std::string text = scenarios::to_textproto(point_scenario(a, 0));
  EXPECT_NE(point_id(text, "0.1.0"), point_id(text, "0.1.1"));
}

TEST(Plan, FnvMatchesTheReferenceVectors) {
  EXPECT_EQ(fnv1a_128_hex(""), "6c62272e07bb014262b821756295c58d");
  EXPECT_EQ(fnv1a_128_hex("a"), "d228cb696f1a8caf78912b704e4a8964");
}

// Every point is checked by the loader, as validate checks it: an invalid
// point refuses the whole sweep at load time, named by its axis values.
TEST(Plan, TheLoaderRefusesAnInvalidPointByItsAxisValues) {
  const auto loaded = scenarios::load_scenario(VIOSIM_TESTS_DIR "/sweep/data/invalid_point.textproto");
  ASSERT_FALSE(loaded.ok());
  ASSERT_GE(loaded.diagnostics.size(), 1u);
  const scenarios::Diagnostic& d = loaded.diagnostics[0];
  EXPECT_NE(d.message.find("at sweep point host.cores=3, traffic.flow[load].open_loop.rate_pps=100000: "),
            std::string::npos)
      << d.message;
  EXPECT_EQ(d.field_path, "vm[0].pin_cores[1]");
}

}  // namespace
}  // namespace viosim::sweep
