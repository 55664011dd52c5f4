// The charts of a run and of a load sweep: series names and counts, axis
// titles with units, the log latency axis, and one colour per backend in
// every chart.
#include <gtest/gtest.h>

#include <QtCharts/QHorizontalStackedBarSeries>

#include <algorithm>
#include <set>
#include <vector>

#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSeries>
#include <QtCharts/QBarSet>
#include <QtCharts/QLineSeries>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QScatterSeries>
#include <QtCharts/QStackedBarSeries>
#include <QtCharts/QValueAxis>

#include "gui/charts/chart_style.h"
#include "gui/charts/load_charts.h"
#include "gui/charts/run_charts.h"
#include "tests/gui/charts/small_run.h"

namespace viosim::charts {
namespace {

QAbstractAxis* axis(QChart& chart, Qt::Orientation orientation) {
  const auto axes = chart.axes(orientation);
  return axes.size() == 1 ? axes.front() : nullptr;
}

template <typename T>
std::vector<T*> series_of(QChart& chart) {
  std::vector<T*> found;
  for (QAbstractSeries* s : chart.series()) {
    if (auto* t = qobject_cast<T*>(s)) found.push_back(t);
  }
  return found;
}

TEST(Charts, TheSmallRunHasSeveralBackends) {
  ASSERT_GE(small_run().backend_size(), 3);
}

TEST(Charts, LatencyCdfHasALinePerBackendAndThePercentileMarkersOnALogAxis) {
  const RunSummary& s = small_run();
  const auto chart = latency_cdf_chart(s);
  ASSERT_EQ(chart->series().size(), s.backend_size() + 3);
  const auto lines = series_of<QLineSeries>(*chart);
  // QScatterSeries derives from QXYSeries, not QLineSeries: the counts are apart.
  ASSERT_EQ(int(lines.size()), s.backend_size());
  for (int i = 0; i < s.backend_size(); ++i) {
    EXPECT_EQ(lines[i]->name(), backend_label(s.backend(i).backend()));
    EXPECT_EQ(lines[i]->count(), 2 * s.backend(i).latency_cdf_size());  // a rise and a run per point
    EXPECT_DOUBLE_EQ(lines[i]->points().front().y(), 0.0);
    EXPECT_DOUBLE_EQ(lines[i]->points().back().y(), 1.0);
  }
  const auto markers = series_of<QScatterSeries>(*chart);
  ASSERT_EQ(markers.size(), 3u);
  EXPECT_EQ(markers[0]->name(), "p50");
  EXPECT_EQ(markers[1]->name(), "p99");
  EXPECT_EQ(markers[2]->name(), "p99.9");
  for (QScatterSeries* m : markers) EXPECT_EQ(m->count(), s.backend_size()) << m->name().toStdString();
  EXPECT_DOUBLE_EQ(markers[1]->at(0).x(), s.backend(0).latency_us().p99());
  EXPECT_DOUBLE_EQ(markers[1]->at(0).y(), 0.99);

  auto* x = qobject_cast<QLogValueAxis*>(axis(*chart, Qt::Horizontal));
  ASSERT_NE(x, nullptr) << "the latency axis is logarithmic";
  EXPECT_TRUE(x->base() == 10 || x->base() == 2) << x->base();
  EXPECT_TRUE(x->titleText().contains("latency (µs")) << x->titleText().toStdString();
  EXPECT_TRUE(x->titleText().startsWith("Round-trip"));
  for (const BackendResult& b : s.backend()) {
    EXPECT_LE(x->min(), b.latency_cdf(0).latency_us());
    EXPECT_GE(x->max(), b.latency_us().p999());
  }
  auto* y = qobject_cast<QValueAxis*>(axis(*chart, Qt::Vertical));
  ASSERT_NE(y, nullptr);
  EXPECT_TRUE(y->titleText().contains("fraction of transactions")) << y->titleText().toStdString();
  EXPECT_EQ(y->min(), 0);
  EXPECT_EQ(y->max(), 1);
  EXPECT_TRUE(chart->title().contains("latency distribution (CDF)"));
  EXPECT_TRUE(chart->legend()->isVisible());
}

TEST(Charts, CpuByCategoryStacksTheBusyCategoriesPerBackend) {
  const RunSummary& s = small_run();
  const auto chart = cpu_by_category_chart(s);
  ASSERT_EQ(chart->series().size(), 1);
  auto* stacked = qobject_cast<QStackedBarSeries*>(chart->series().front());
  ASSERT_NE(stacked, nullptr);
  ASSERT_GE(stacked->count(), 3);
  for (QBarSet* set : stacked->barSets()) {
    EXPECT_EQ(set->count(), s.backend_size()) << set->label().toStdString();
    EXPECT_NE(set->label(), category_label("idle"));
  }
  EXPECT_EQ(stacked->barSets().front()->label(), "guest user");
  // The bars hold the summary's figures.
  for (int i = 0; i < s.backend_size(); ++i) {
    EXPECT_DOUBLE_EQ(stacked->barSets().front()->at(i), s.backend(i).cpu_by_category(0).value());
  }
  auto* x = qobject_cast<QBarCategoryAxis*>(axis(*chart, Qt::Horizontal));
  ASSERT_NE(x, nullptr);
  ASSERT_EQ(x->count(), s.backend_size());
  EXPECT_EQ(x->at(0), backend_label(s.backend(0).backend()));
  auto* y = qobject_cast<QValueAxis*>(axis(*chart, Qt::Vertical));
  ASSERT_NE(y, nullptr);
  EXPECT_TRUE(y->titleText().contains("busy cores (CPU-seconds per second)"));
}

TEST(Charts, MechanismsGroupAFourBarSetPerBackend) {
  const RunSummary& s = small_run();
  const auto chart = mechanisms_chart(s);
  ASSERT_EQ(chart->series().size(), 1);
  auto* bars = qobject_cast<QBarSeries*>(chart->series().front());
  ASSERT_NE(bars, nullptr);
  ASSERT_EQ(bars->count(), s.backend_size());
  for (int i = 0; i < s.backend_size(); ++i) {
    const QBarSet* set = bars->barSets()[i];
    const BackendResult& b = s.backend(i);
    EXPECT_EQ(set->label(), backend_label(b.backend()));
    ASSERT_EQ(set->count(), 5);
    EXPECT_DOUBLE_EQ(set->at(0), b.exits_per_packet());
    EXPECT_DOUBLE_EQ(set->at(1), b.interrupts_per_packet());
    EXPECT_DOUBLE_EQ(set->at(2), b.syscalls_per_packet());
    EXPECT_DOUBLE_EQ(set->at(3), b.wakeups_per_packet());
    EXPECT_DOUBLE_EQ(set->at(4), b.cache_line_transfers_per_packet());
  }
  auto* x = qobject_cast<QBarCategoryAxis*>(axis(*chart, Qt::Horizontal));
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->categories(), QStringList({"VM exits", "guest interrupts", "host syscalls", "thread wake-ups",
                                          "cache lines between cores"}));
  EXPECT_TRUE(axis(*chart, Qt::Vertical)->titleText().contains("per packet (count)"));
}

std::vector<LoadPoint> sweep() {
  std::vector<LoadPoint> points;
  for (double load : {300e3, 100e3, 200e3}) {  // out of order on purpose
    LoadPoint p{load, small_run()};
    for (BackendResult& b : *p.summary.mutable_backend()) {
      b.set_throughput_pps(std::min(load, 150e3));
      b.mutable_latency_us()->set_p99(b.latency_us().p99() * load / 100e3);
    }
    points.push_back(p);
  }
  points.back().summary.mutable_backend()->RemoveLast();  // a backend missing at one point
  return points;
}

TEST(Charts, ThroughputAgainstLoadHasALinePerBackendSortedByLoad) {
  const RunSummary& s = small_run();
  const auto chart = throughput_vs_load_chart(sweep(), "offered load (transactions/s)");
  const auto lines = series_of<QLineSeries>(*chart);
  ASSERT_EQ(int(lines.size()), s.backend_size());
  EXPECT_EQ(lines[0]->name(), backend_label(s.backend(0).backend()));
  ASSERT_EQ(lines[0]->count(), 3);
  EXPECT_EQ(lines[0]->at(0).x(), 100e3);
  EXPECT_EQ(lines[0]->at(2).x(), 300e3);
  EXPECT_DOUBLE_EQ(lines[0]->at(2).y(), 150.0);  // in kpkt/s
  EXPECT_EQ(lines.back()->count(), 2);           // where that backend ran
  EXPECT_EQ(axis(*chart, Qt::Horizontal)->titleText(), "offered load (transactions/s)");
  EXPECT_EQ(axis(*chart, Qt::Vertical)->titleText(), "delivered throughput (kpkt/s)");
}

TEST(Charts, LatencyAgainstLoadHasP99AndP50PerBackendOnALogAxis) {
  const RunSummary& s = small_run();
  const auto chart = latency_vs_load_chart(sweep());
  const auto lines = series_of<QLineSeries>(*chart);
  ASSERT_EQ(int(lines.size()), 2 * s.backend_size());
  const QString first = backend_label(s.backend(0).backend());
  EXPECT_EQ(lines[0]->name(), first + " p99");
  EXPECT_EQ(lines[1]->name(), first + " p50");
  EXPECT_EQ(lines[1]->pen().style(), Qt::DashLine);
  EXPECT_EQ(axis(*chart, Qt::Horizontal)->titleText(), kDefaultLoadAxisTitle);
  auto* y = qobject_cast<QLogValueAxis*>(axis(*chart, Qt::Vertical));
  ASSERT_NE(y, nullptr);
  EXPECT_TRUE(y->titleText().contains("latency (µs"));
}

TEST(Charts, EachBackendHasOneColourInEveryChart) {
  const RunSummary& s = small_run();
  const auto cdf = latency_cdf_chart(s);
  const auto mechanisms = mechanisms_chart(s);
  const auto throughput = throughput_vs_load_chart(sweep());
  const auto latency = latency_vs_load_chart(sweep());
  const auto cdf_lines = series_of<QLineSeries>(*cdf);
  const auto throughput_lines = series_of<QLineSeries>(*throughput);
  const auto latency_lines = series_of<QLineSeries>(*latency);
  const auto bars = qobject_cast<QBarSeries*>(mechanisms->series().front())->barSets();
  const auto markers = series_of<QScatterSeries>(*cdf);
  std::set<QRgb> distinct;
  for (int i = 0; i < s.backend_size(); ++i) {
    const QColor expected = backend_color(s.backend(i).backend());
    const std::string name = s.backend(i).backend();
    distinct.insert(expected.rgb());
    EXPECT_EQ(cdf_lines[i]->pen().color(), expected) << name;
    EXPECT_EQ(bars[i]->color(), expected) << name;
    EXPECT_EQ(throughput_lines[i]->pen().color(), expected) << name;
    EXPECT_EQ(latency_lines[2 * i]->pen().color(), expected) << name;
    EXPECT_EQ(latency_lines[2 * i + 1]->pen().color(), expected) << name;
    for (QScatterSeries* m : markers) {
      EXPECT_EQ(m->pointConfiguration(i).value(QXYSeries::PointConfiguration::Color).value<QColor>(), expected)
          << name << " " << m->name().toStdString();
    }
  }
  EXPECT_EQ(int(distinct.size()), s.backend_size()) << "backends are told apart by colour";
}

TEST(Charts, SubtitleNamesTheScenarioAndTheBackendsThatDidNotRun) {
  // Every path runs in this build: mark one as not run, as a build without
  // it would report.
  RunSummary s = small_run();
  SkippedBackend* skipped = s.add_skipped();
  skipped->set_backend("E1000");
  skipped->set_reason("not modelled in this build");
  const QString subtitle = run_subtitle(s);
  EXPECT_TRUE(subtitle.startsWith(QString::fromStdString(s.scenario_name()))) << subtitle.toStdString();
  EXPECT_TRUE(subtitle.contains("not run: " + backend_label(s.skipped(0).backend()))) << subtitle.toStdString();
  EXPECT_TRUE(latency_cdf_chart(s)->title().contains("not run: "));
  EXPECT_FALSE(run_subtitle(small_run()).contains("not run: "));
}

TEST(Charts, LatencyHopsStackTheJourneyPerBackend) {
  const RunSummary& s = small_run();
  const auto chart = latency_hops_chart(s, "wire to guest");
  ASSERT_EQ(chart->series().size(), 1);
  auto* bars = qobject_cast<QHorizontalStackedBarSeries*>(chart->series().front());
  ASSERT_NE(bars, nullptr);
  ASSERT_EQ(bars->count(), 4);  // the four hops of the journey
  EXPECT_EQ(bars->barSets().front()->label(), "remote and wire");
  EXPECT_EQ(bars->barSets().front()->count(), s.backend_size());
  EXPECT_TRUE(chart->axes(Qt::Horizontal).front()->titleText().contains("(us)"));
}

TEST(Charts, AnEmptySummaryGivesEmptyChartsNotACrash) {
  const RunSummary empty;
  EXPECT_EQ(latency_cdf_chart(empty)->series().size(), 3);
  EXPECT_EQ(cpu_by_category_chart(empty)->series().size(), 1);
  EXPECT_EQ(mechanisms_chart(empty)->series().size(), 1);
  EXPECT_TRUE(throughput_vs_load_chart({})->series().empty());
  EXPECT_TRUE(latency_vs_load_chart({})->series().empty());
}

TEST(Charts, PaletteIsFixedByNameAndCoversUnknownBackends) {
  EXPECT_EQ(backend_color("VHOST_NET"), QColor(0x0072b2));
  EXPECT_EQ(backend_label("VHOST_NET"), "vhost-net");
  EXPECT_EQ(backend_color("SOMETHING_NEW"), backend_color("SOMETHING_NEW"));
  EXPECT_EQ(backend_label("SOMETHING_NEW"), "SOMETHING_NEW");
  EXPECT_NE(category_color("exit_entry"), category_color("guest_user"));
}

}  // namespace
}  // namespace viosim::charts
