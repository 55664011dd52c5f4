// Sweep expansion: how many points crossed and zipped axes, value lists and
// ranges (step and factor) make, in which order, and the texts of range
// values; zipped axes of unequal length are an error.
#include "scenarios/loader/sweep_expand.h"

#include <gtest/gtest.h>

#include "scenarios/loader/loader.h"

namespace viosim::sweep {
namespace {

using Values = std::vector<std::string>;

// The test base scenario with `sweep` text added.
viosim::Scenario with_sweep(const std::string& sweep) {
  const auto result = scenarios::load_scenario_text(VIOSIM_TESTS_DIR "/sweep/data/inline.textproto",
                                                    "base: \"base.textproto\"\n" + sweep);
  EXPECT_TRUE(result.ok()) << scenarios::format_diagnostics(result.diagnostics);
  return result.scenario.value_or(viosim::Scenario{});
}

TEST(Expand, NoAxesIsOnePoint) {
  const AxisGrid grid = expand_axes(with_sweep(""));
  EXPECT_TRUE(grid.fields.empty());
  ASSERT_EQ(grid.points.size(), 1u);
  EXPECT_TRUE(grid.points[0].empty());
}

TEST(Expand, CrossMakesTheGridFirstAxisSlowest) {
  const AxisGrid grid = expand_axes(with_sweep(R"(sweep {
      axis { field: "vm[vm0].nic.queue_size" values: ["256", "512", "1024"] }
      axis { field: "host.nic[nic0].coalescing.rx_usecs" values: ["0", "50"] } })"));
  EXPECT_EQ(grid.fields, (Values{"vm[vm0].nic.queue_size", "host.nic[nic0].coalescing.rx_usecs"}));
  ASSERT_EQ(grid.points.size(), 6u);
  EXPECT_EQ(grid.points[0], (Values{"256", "0"}));
  EXPECT_EQ(grid.points[1], (Values{"256", "50"}));
  EXPECT_EQ(grid.points[2], (Values{"512", "0"}));
  EXPECT_EQ(grid.points[5], (Values{"1024", "50"}));
}

TEST(Expand, CrossOfThreeAxesMultipliesTheirLengths) {
  const AxisGrid grid = expand_axes(with_sweep(R"(sweep {
      axis { field: "vm[vm0].nic.queue_size" values: ["256", "512"] }
      axis { field: "host.nic[nic0].coalescing.rx_usecs" range { from: 0 to: 100 step: 25 } }
      axis { field: "traffic.flow[load].open_loop.rate_pps" range { from: 1000 to: 8000 factor: 2 } } })"));
  EXPECT_EQ(grid.points.size(), 2u * 5u * 4u);
}

TEST(Expand, ZipPairsTheIthValues) {
  const AxisGrid grid = expand_axes(with_sweep(R"(sweep { mode: ZIP
      axis { field: "vm[vm0].nic.queue_size" values: ["256", "512", "1024"] }
      axis { field: "traffic.flow[load].open_loop.rate_pps" range { from: 1e5 to: 3e5 step: 1e5 } } })"));
  ASSERT_EQ(grid.points.size(), 3u);
  EXPECT_EQ(grid.points[0], (Values{"256", "100000"}));
  EXPECT_EQ(grid.points[2], (Values{"1024", "300000"}));
}

TEST(Expand, ZipOfUnequalAxesIsAnError) {
  // The validator rejects it when loading...
  const auto loaded = scenarios::load_scenario_text(VIOSIM_TESTS_DIR "/sweep/data/inline.textproto", R"(
      base: "base.textproto"
      sweep { mode: ZIP
        axis { field: "vm[vm0].nic.queue_size" values: ["256", "512", "1024"] }
        axis { field: "traffic.flow[load].open_loop.rate_pps" values: ["1e5", "2e5"] } })");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(scenarios::format_diagnostics(loaded.diagnostics).find("ZIP sweeps need axes of equal length"),
            std::string::npos);
  // ...and expansion refuses it too, should a scenario get there unchecked.
  viosim::Scenario s = with_sweep("");
  s.mutable_sweep()->set_mode(viosim::Sweep::ZIP);
  auto* a = s.mutable_sweep()->add_axis();
  a->set_field("vm[vm0].nic.queue_size");
  a->add_values("256");
  a->add_values("512");
  auto* b = s.mutable_sweep()->add_axis();
  b->set_field("host.cores");
  b->add_values("8");
  EXPECT_THROW(expand_axes(s), SweepError);
}

TEST(Expand, StepRangesIncludeTheEndAndPrintShortDecimals) {
  viosim::Scenario s = with_sweep("");
  viosim::Axis axis;
  axis.set_field("external.rx_latency_us");  // a double
  axis.mutable_range()->set_from(0.1);
  axis.mutable_range()->set_to(0.5);
  axis.mutable_range()->set_step(0.1);
  EXPECT_EQ(axis_values(s, axis), (Values{"0.1", "0.2", "0.3", "0.4", "0.5"}));
  axis.mutable_range()->set_to(0.55);
  EXPECT_EQ(axis_values(s, axis).size(), 5u);
}

TEST(Expand, IntegerRangesPrintIntegers) {
  viosim::Scenario s = with_sweep("");
  viosim::Axis axis;
  axis.set_field("vm[vm0].nic.queue_size");
  axis.mutable_range()->set_from(256);
  axis.mutable_range()->set_to(4096);
  axis.mutable_range()->set_factor(2);
  EXPECT_EQ(axis_values(s, axis), (Values{"256", "512", "1024", "2048", "4096"}));
}

TEST(Expand, FactorRangesStopBeforePassingTheEnd) {
  viosim::Scenario s = with_sweep("");
  viosim::Axis axis;
  axis.set_field("traffic.flow[load].open_loop.rate_pps");
  axis.mutable_range()->set_from(1000);
  axis.mutable_range()->set_to(10000);
  axis.mutable_range()->set_factor(3);
  EXPECT_EQ(axis_values(s, axis), (Values{"1000", "3000", "9000"}));
}

TEST(Expand, ListsKeepTheirTextAndOrder) {
  viosim::Scenario s = with_sweep("");
  viosim::Axis axis;
  axis.set_field("vm[vm0].nic.backend");
  for (const char* v : {"VHOST_USER", "VHOST_NET"}) axis.add_values(v);
  EXPECT_EQ(axis_values(s, axis), (Values{"VHOST_USER", "VHOST_NET"}));
}

}  // namespace
}  // namespace viosim::sweep
