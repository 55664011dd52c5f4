// The latency CDF of one flow: where each backend's latency distribution
// sits and how long its tail is, on a log axis so that bare metal and e1000
// fit together. One flow at a time, so a chart never mixes round trips with
// one-way latencies.
#include <QtCharts/QLegend>
#include <QtCharts/QLineSeries>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QScatterSeries>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <limits>
#include <vector>

#include "gui/charts/chart_style.h"
#include "gui/charts/run_charts.h"

namespace viosim::charts {
std::unique_ptr<QChart> latency_cdf_chart(const RunSummary& summary, int flow) {
  // The flow as each backend ran it (every backend runs the same flows).
  std::vector<std::pair<const BackendResult*, const FlowResult*>> runs;
  for (const BackendResult& b : summary.backend()) {
    if (flow >= 0 && flow < b.flows_size()) runs.emplace_back(&b, &b.flows(flow));
  }
  const std::string kind_name = runs.empty() ? summary.latency_kind() : runs.front().second->latency_kind();
  const QString kind = latency_kind_label(kind_name);
  const bool round_trip = kind_name != "one_way";
  const QString flow_name = runs.empty() ? QString() : QString::fromStdString(runs.front().second->name());
  std::unique_ptr<QChart> chart(new_chart(
      kind + QStringLiteral(" latency distribution (CDF)") +
          (flow_name.isEmpty() ? QString() : QStringLiteral(" of flow \u201c%1\u201d").arg(flow_name)),
      run_subtitle(summary)));

  auto* x = new QLogValueAxis;
  x->setTitleText(kind + QStringLiteral(" latency (µs, log scale)"));
  auto* y = new QValueAxis;
  y->setTitleText(round_trip ? QStringLiteral("fraction of transactions at or below (cumulative)")
                             : QStringLiteral("fraction of packets at or below (cumulative)"));
  y->setRange(0, 1);
  y->setTickCount(11);
  y->setLabelFormat(QStringLiteral("%.1f"));
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);

  double lo = std::numeric_limits<double>::infinity(), hi = 0;
  for (const auto& [backend, f] : runs) {
    const BackendResult& b = *backend;
    auto* line = new QLineSeries;
    line->setName(backend_label(b.backend()));
    // A staircase rising at each point: the fraction is known exactly at
    // the points and only bounded between them, and a sloped line would
    // invent samples where a bucket of the histogram has none.
    double below = 0;
    for (const LatencyCdfPoint& p : f->latency_cdf()) {
      if (!(p.latency_us() > 0)) continue;  // a log axis cannot place zero
      line->append(p.latency_us(), below);
      line->append(p.latency_us(), p.cumulative_fraction());
      below = p.cumulative_fraction();
      lo = std::min(lo, p.latency_us());
      hi = std::max(hi, p.latency_us());
    }
    chart->addSeries(line);  // before styling: adding applies the theme's colours
    QPen pen(backend_color(b.backend()));
    pen.setWidthF(2.2);
    line->setPen(pen);
    line->attachAxis(x);
    line->attachAxis(y);
  }

  // One marker series per percentile, one point per backend in the
  // backend's colour; the series' own colour (grey) is what the legend shows.
  const double fractions[] = {0.5, 0.99, 0.999};
  const QScatterSeries::MarkerShape shapes[] = {QScatterSeries::MarkerShapeCircle,
                                                QScatterSeries::MarkerShapeRectangle,
                                                QScatterSeries::MarkerShapeTriangle};
  for (int k = 0; k < 3; ++k) {
    auto* markers = new QScatterSeries;
    markers->setName(QString::fromLatin1(kPercentileSeriesNames[k]));
    markers->setMarkerShape(shapes[k]);
    markers->setMarkerSize(11);
    std::vector<QColor> colors;
    for (const auto& [b, f] : runs) {
      const LatencySummary& l = f->latency_us();
      const double v = k == 0 ? l.p50() : k == 1 ? l.p99() : l.p999();
      if (!(v > 0)) continue;
      markers->append(v, fractions[k]);
      colors.push_back(backend_color(b->backend()));
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    chart->addSeries(markers);
    markers->setColor(QColor(0x404040));
    markers->setBorderColor(Qt::white);
    for (size_t i = 0; i < colors.size(); ++i) {
      markers->setPointConfiguration(int(i), QXYSeries::PointConfiguration::Color, colors[i]);
    }
    markers->attachAxis(x);
    markers->attachAxis(y);
  }

  set_log_range(x, lo, hi);
  // The legend shows the markers' shapes, which is how p50 / p99 / p99.9 read.
  chart->legend()->setMarkerShape(QLegend::MarkerShapeFromSeries);
  return chart;
}

}  // namespace viosim::charts
