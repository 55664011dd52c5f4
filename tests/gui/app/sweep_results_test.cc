// The load curves the GUI draws while a sweep runs hold the same means and
// 95 % intervals as the aggregate.csv that `viosim sweep` writes from the
// same points (read back by the chart library's own reader).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gui/app/sweep_results.h"
#include "scenarios/loader/loader.h"
#include "scenarios/sweep/csv_writer.h"
#include "scenarios/sweep/run_point.h"

namespace viosim::gui {
namespace {

namespace fs = std::filesystem;

sweep::SweepPlan small_sweep() {
  scenarios::LoadOptions options;
  options.set = {"run.duration_ms=3", "run.warmup_ms=1", "sweep.replications=2", "compare.backend=[VHOST_NET, VHOST_USER]",
                 "sweep.axis[0].range.to=300000"};
  const auto loaded = scenarios::load_scenario(std::string(VIOSIM_SOURCE_DIR) + "/scenarios/examples/load_curve.textproto",
                                               options);
  if (!loaded.ok()) throw std::runtime_error(scenarios::format_diagnostics(loaded.diagnostics));
  sweep::SweepPlan plan = sweep::plan_sweep(*loaded.scenario);
  return plan;
}

void expect_same(const std::vector<charts::BandPoint>& a, const std::vector<charts::BandPoint>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_DOUBLE_EQ(a[i].x, b[i].x);
    // The CSV holds 10 significant digits.
    EXPECT_NEAR(a[i].mean, b[i].mean, 1e-9 * std::max(1.0, std::abs(b[i].mean)));
    EXPECT_NEAR(a[i].low, b[i].low, 1e-9 * std::max(1.0, std::abs(b[i].low)));
    EXPECT_NEAR(a[i].high, b[i].high, 1e-9 * std::max(1.0, std::abs(b[i].high)));
  }
}

// Runs every point of `plan`; returns them and checks the curves against
// aggregate.csv of the same points.
std::vector<std::optional<SweepPointResult>> run_and_compare(const sweep::SweepPlan& plan) {
  std::vector<std::optional<SweepPointResult>> points(plan.points.size());
  std::vector<SweepPointResult> records;
  for (size_t i = 0; i < plan.points.size(); ++i) {
    points[i] = sweep::run_point(plan, i);
    records.push_back(*points[i]);
  }
  const fs::path csv = fs::path(testing::TempDir()) / ("viosim_aggregate_" + std::to_string(::getpid()) + ".csv");
  std::ofstream(csv) << sweep::aggregate_csv(plan, records);
  const charts::SweepData from_file = charts::read_sweep_aggregate(csv.string());
  fs::remove(csv);
  const charts::SweepData live = sweep_data(plan, points);

  EXPECT_EQ(live.axis, from_file.axis);
  EXPECT_EQ(live.curves.size(), from_file.curves.size());
  for (size_t c = 0; c < std::min(live.curves.size(), from_file.curves.size()); ++c) {
    EXPECT_EQ(live.curves[c].backend, from_file.curves[c].backend);
    EXPECT_EQ(live.curves[c].group, from_file.curves[c].group);
    expect_same(live.curves[c].throughput_pps, from_file.curves[c].throughput_pps);
    expect_same(live.curves[c].latency_p50_us, from_file.curves[c].latency_p50_us);
    expect_same(live.curves[c].latency_p99_us, from_file.curves[c].latency_p99_us);
  }
  // Two replications with their own seeds: intervals with a width.
  bool banded = false;
  for (const auto& curve : live.curves) {
    for (const auto& p : curve.throughput_pps) banded = banded || p.low < p.high;
  }
  EXPECT_TRUE(banded);
  return points;
}

TEST(SweepResults, MatchTheAggregateCsvOfTheSamePoints) {
  const sweep::SweepPlan plan = small_sweep();
  ASSERT_EQ(plan.points.size(), 3u * 2u * 2u);  // 60k, 180k, 300k x two backends x two replications
  const auto points = run_and_compare(plan);
  EXPECT_EQ(sweep_data(plan, points).curves.size(), 2u);

  // Part way through: only the finished points are drawn, without a band
  // where one replication is in.
  std::vector<std::optional<SweepPointResult>> partial(points.size());
  partial[0] = points[0];
  const charts::SweepData early = sweep_data(plan, partial);
  ASSERT_EQ(early.curves.size(), 1u);
  ASSERT_EQ(early.curves[0].throughput_pps.size(), 1u);
  EXPECT_DOUBLE_EQ(early.curves[0].throughput_pps[0].x, 60000);
  EXPECT_EQ(early.curves[0].throughput_pps[0].low, early.curves[0].throughput_pps[0].high);
}

TEST(SweepResults, WithTwoAxesTheLastIsXAndTheFirstMakesGroups) {
  const std::string text =
      "base: \"load_curve.textproto\"\n"
      "run { duration_ms: 3 warmup_ms: 1 }\n"
      "compare { backend: [VHOST_NET] }\n"
      "sweep {\n"
      "  axis { field: \"vm[0].nic.queue_size\" values: [\"256\", \"512\"] }\n"
      "  axis { field: \"traffic.flow[load].open_loop.rate_pps\" values: [\"60000\", \"180000\"] }\n"
      "  replications: 2\n"
      "}\n";
  const auto loaded =
      scenarios::load_scenario_text(std::string(VIOSIM_SOURCE_DIR) + "/scenarios/examples/two_axes.textproto", text);
  ASSERT_TRUE(loaded.ok()) << scenarios::format_diagnostics(loaded.diagnostics);
  const sweep::SweepPlan plan = sweep::plan_sweep(*loaded.scenario);
  const auto points = run_and_compare(plan);
  const charts::SweepData data = sweep_data(plan, points);
  EXPECT_EQ(data.axis, "traffic.flow[load].open_loop.rate_pps");
  ASSERT_EQ(data.curves.size(), 2u);
  EXPECT_EQ(data.curves[0].group, "queue_size=256");
  EXPECT_EQ(data.curves[1].group, "queue_size=512");
  EXPECT_EQ(data.curves[1].throughput_pps.size(), 2u);
}

}  // namespace
}  // namespace viosim::gui
