// Sweep load curves: aggregate.csv is parsed into curves (rows that did not
// run left out, points sorted by the axis), and the charts hold a mean line
// per backend and figure with a band where the interval has width, on the
// right axes, in the backend's colour.
#include <gtest/gtest.h>
#include <unistd.h>

#include <QtCharts/QAreaSeries>
#include <QtCharts/QLineSeries>
#include <QtCharts/QLogValueAxis>
#include <filesystem>
#include <fstream>

#include "gui/charts/chart_style.h"
#include "gui/charts/sweep_charts.h"

namespace viosim::charts {
namespace {

namespace fs = std::filesystem;

std::string aggregate_file() {
  const fs::path path = fs::path(testing::TempDir()) / ("viosim_aggregate_" + std::to_string(::getpid()) + ".csv");
  std::ofstream out(path);
  out << "rate,backend,status,replications,throughput_pps_mean,throughput_pps_ci95_low,throughput_pps_ci95_high,"
         "latency_p50_us_mean,latency_p50_us_ci95_low,latency_p50_us_ci95_high,"
         "latency_p99_us_mean,latency_p99_us_ci95_low,latency_p99_us_ci95_high\n"
      << "200,VHOST_NET,ok,3,190,180,200,20,19,21,40,38,42\n"
      << "100,VHOST_NET,ok,3,100,95,105,18,17,19,30,29,31\n"
      << "100,VHOST_USER,ok,1,100,100,100,10,10,10,15,15,15\n"
      << "200,VHOST_USER,skipped,0,,,,,,,,,\n";
  return path.string();
}

TEST(SweepCharts, ParsesTheAggregateIntoSortedCurves) {
  const SweepData data = read_sweep_aggregate(aggregate_file());
  EXPECT_EQ(data.axis, "rate");
  ASSERT_EQ(data.curves.size(), 2u);
  EXPECT_EQ(data.curves[0].backend, "VHOST_NET");
  ASSERT_EQ(data.curves[0].throughput_pps.size(), 2u);
  EXPECT_EQ(data.curves[0].throughput_pps[0].x, 100);  // sorted by the axis
  EXPECT_EQ(data.curves[0].latency_p99_us[1].high, 42);
  EXPECT_EQ(data.curves[1].throughput_pps.size(), 1u);  // the skipped row is left out
  EXPECT_THROW(read_sweep_aggregate("/no/such/aggregate.csv"), std::runtime_error);
}

// Two axes: the last is x, each value of the first a curve of its own, in
// shades of the backend's colour, named for that value.
TEST(SweepCharts, SeveralAxesGiveACurvePerValueOfTheOthers) {
  const fs::path path = fs::path(testing::TempDir()) / ("viosim_aggregate2_" + std::to_string(::getpid()) + ".csv");
  std::ofstream(path) << "queues,rate,backend,status,replications,throughput_pps_mean,throughput_pps_ci95_low,"
                         "throughput_pps_ci95_high,latency_p50_us_mean,latency_p50_us_ci95_low,latency_p50_us_ci95_high,"
                         "latency_p99_us_mean,latency_p99_us_ci95_low,latency_p99_us_ci95_high\n"
                      << "1,100,VHOST_NET,ok,1,100,100,100,10,10,10,20,20,20\n"
                      << "1,200,VHOST_NET,ok,1,150,150,150,30,30,30,90,90,90\n"
                      << "2,100,VHOST_NET,ok,1,100,100,100,10,10,10,20,20,20\n"
                      << "2,200,VHOST_NET,ok,1,200,200,200,12,12,12,25,25,25\n";
  const SweepData data = read_sweep_aggregate(path.string());
  EXPECT_EQ(data.axis, "rate");
  ASSERT_EQ(data.curves.size(), 2u);
  EXPECT_EQ(data.curves[0].group, "queues=1");
  EXPECT_EQ(data.curves[1].group, "queues=2");
  ASSERT_EQ(data.curves[1].throughput_pps.size(), 2u);
  EXPECT_EQ(data.curves[1].throughput_pps[1].x, 200);
  EXPECT_EQ(data.curves[1].throughput_pps[1].mean, 200);
  const auto tput = sweep_throughput_chart(data);
  std::vector<QLineSeries*> lines;
  for (QAbstractSeries* s : tput->series()) {
    if (auto* line = qobject_cast<QLineSeries*>(s)) lines.push_back(line);
  }
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0]->name().contains("queues=1"));
  EXPECT_NE(lines[0]->pen().color(), lines[1]->pen().color());
}

TEST(SweepCharts, BandsWhereTheIntervalHasWidthAndColoursPerBackend) {
  const SweepData data = read_sweep_aggregate(aggregate_file());
  const auto tput = sweep_throughput_chart(data);
  int lines = 0, bands = 0;
  for (QAbstractSeries* s : tput->series()) {
    if (auto* line = qobject_cast<QLineSeries*>(s)) {
      ++lines;
      const std::string backend = line->name() == backend_label("VHOST_NET") ? "VHOST_NET" : "VHOST_USER";
      EXPECT_EQ(line->pen().color(), backend_color(backend));
    }
    if (qobject_cast<QAreaSeries*>(s)) ++bands;
  }
  EXPECT_EQ(lines, 2);
  EXPECT_EQ(bands, 1);  // one replication of vhost-user: no interval to draw
  const auto latency = sweep_latency_chart(data);
  EXPECT_EQ(latency->series().size(), 2 * 2 + 2);  // p50 and p99 lines per backend, bands for vhost-net
  bool log_axis = false;
  for (QAbstractAxis* a : latency->axes(Qt::Vertical)) log_axis = log_axis || qobject_cast<QLogValueAxis*>(a) != nullptr;
  EXPECT_TRUE(log_axis);
  EXPECT_EQ(tput->axes(Qt::Horizontal).front()->titleText(), "rate");
}

// A swept search: the NDR (solid) and PDR (dashed) of each backend against
// the axis, with a band up to the lowest failing rate; a rate that passed
// at the maximum has no band, one below the lowest tried is left out.
TEST(SearchCharts, DrawsTheRatesFoundAgainstTheAxis) {
  const fs::path path = fs::path(testing::TempDir()) / ("viosim_search_" + std::to_string(::getpid()) + ".csv");
  std::ofstream(path) << "vm[web].count,backend,status,ndr_pps,ndr_fail_pps,ndr_gbps,pdr_pps,pdr_fail_pps,pdr_gbps,"
                         "pdr_loss_ratio,precision,trials,converged\n"
                      << "4,VHOST_NET,ok,400,402,0.2,410,412,0.2,0.005,0.005,9,true\n"
                      << "2,VHOST_NET,ok,500,0,0.3,500,0,0.3,0.005,0.005,1,true\n"
                      << "8,VHOST_NET,ok,0,10,0,0,10,0,0.005,0.005,12,true\n"
                      << "2,VHOST_USER,failed,,,,,,,,,,\n";
  const SearchData data = read_search_table(path.string());
  EXPECT_EQ(data.axis, "vm[web].count");
  ASSERT_EQ(data.curves.size(), 1u);
  const SearchCurves& c = data.curves[0];
  ASSERT_EQ(c.ndr.size(), 2u);
  EXPECT_EQ(c.ndr[0].x, 2);       // sorted; the point below the lowest rate left out
  EXPECT_EQ(c.ndr[0].high, 500);  // passed at the maximum: no band
  EXPECT_EQ(c.ndr[1].high, 402);
  EXPECT_EQ(c.pdr[1].mean, 410);
  const auto chart = search_rates_chart(data);
  std::vector<QLineSeries*> lines;
  int bands = 0;
  for (QAbstractSeries* s : chart->series()) {
    if (qobject_cast<QAreaSeries*>(s))
      ++bands;
    else if (auto* line = qobject_cast<QLineSeries*>(s))
      lines.push_back(line);
  }
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(bands, 2);
  EXPECT_EQ(lines[0]->pen().style(), Qt::SolidLine);
  EXPECT_EQ(lines[1]->pen().style(), Qt::DashLine);
  EXPECT_EQ(lines[0]->pen().color(), backend_color("VHOST_NET"));
  // A table without a swept field is not a swept search.
  const fs::path flat = fs::path(testing::TempDir()) / ("viosim_search1_" + std::to_string(::getpid()) + ".csv");
  std::ofstream(flat) << "backend,status,ndr_pps,ndr_fail_pps,pdr_pps,pdr_fail_pps\nVHOST_NET,ok,1,2,1,2\n";
  EXPECT_THROW(read_search_table(flat.string()), std::runtime_error);
}

// Axes swept together (ZIP): every group has one point, so each backend's
// points are one curve along the last axis.
TEST(SearchCharts, ZippedAxesMakeOneCurvePerBackend) {
  const fs::path path = fs::path(testing::TempDir()) / ("viosim_search_zip_" + std::to_string(::getpid()) + ".csv");
  std::ofstream(path) << "vm[0].vcpus,vm[0].nic.queues,backend,status,ndr_pps,ndr_fail_pps,pdr_pps,pdr_fail_pps\n"
                      << "1,1,VHOST_NET,ok,100,101,100,101\n"
                      << "2,2,VHOST_NET,ok,200,201,200,201\n"
                      << "4,4,VHOST_NET,ok,400,401,400,401\n";
  const SearchData data = read_search_table(path.string());
  EXPECT_EQ(data.axis, "vm[0].nic.queues");
  ASSERT_EQ(data.curves.size(), 1u);
  EXPECT_EQ(data.curves[0].group, "");
  ASSERT_EQ(data.curves[0].ndr.size(), 3u);
  EXPECT_EQ(data.curves[0].ndr[2].x, 4);
  EXPECT_EQ(data.curves[0].ndr[2].mean, 400);
}

}  // namespace
}  // namespace viosim::charts
