// The live throughput chart: a line per backend in its colour, axes that
// widen to what has arrived, and a clean slate for a new run.
#include <gtest/gtest.h>

#include "gui/charts/chart_panel.h"
#include "gui/charts/chart_style.h"
#include "gui/charts/live_charts.h"

namespace viosim::charts {
namespace {

TEST(LiveThroughputChart, GrowsALinePerBackend) {
  LiveThroughputChart chart;
  chart.add_point("VHOST_NET", 1, 50'000);
  chart.add_point("VHOST_NET", 2, 70'000);
  chart.add_point("E1000", 1, 20'000);
  ASSERT_NE(chart.series_of("VHOST_NET"), nullptr);
  EXPECT_EQ(chart.series_of("VHOST_NET")->count(), 2);
  EXPECT_EQ(chart.series_of("VHOST_NET")->at(1), QPointF(2, 70));  // kpkt/s
  EXPECT_EQ(chart.series_of("VHOST_NET")->pen().color(), backend_color("VHOST_NET"));
  EXPECT_EQ(chart.series_of("E1000")->name(), backend_label("E1000"));
  EXPECT_EQ(chart.series().size(), 2);
  const auto* y = qobject_cast<QValueAxis*>(chart.axes(Qt::Vertical).front());
  const auto* x = qobject_cast<QValueAxis*>(chart.axes(Qt::Horizontal).front());
  EXPECT_GE(y->max(), 70);
  EXPECT_GE(x->max(), 2);
  chart.add_point("E1000", 40, 900'000);
  EXPECT_GE(y->max(), 900);
  EXPECT_GE(x->max(), 40);

  chart.clear_points();
  EXPECT_TRUE(chart.series().isEmpty());
  EXPECT_EQ(chart.series_of("E1000"), nullptr);
  EXPECT_EQ(y->max(), 1);
}

TEST(ChartPanel, SwapsChartsAndKeepsAPlaceholder) {
  ChartPanel panel(QStringLiteral("nothing yet"));
  EXPECT_FALSE(panel.has_chart());
  EXPECT_NE(panel.chart(), nullptr);
  auto chart = std::make_unique<LiveThroughputChart>();
  QChart* raw = chart.get();
  panel.set_chart(std::move(chart));
  EXPECT_TRUE(panel.has_chart());
  EXPECT_EQ(panel.chart(), raw);
  panel.clear();
  EXPECT_FALSE(panel.has_chart());
  EXPECT_NE(panel.chart(), raw);
}

}  // namespace
}  // namespace viosim::charts
