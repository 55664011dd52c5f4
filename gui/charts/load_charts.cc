// Throughput and latency against offered load.
#include "gui/charts/load_charts.h"

#include <QtCharts/QLineSeries>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <limits>
#include <string>

#include "gui/charts/chart_style.h"

namespace viosim::charts {
namespace {

// Backends in the order they first appear, so legends follow the runs.
std::vector<std::string> backends_of(const std::vector<const LoadPoint*>& points) {
  std::vector<std::string> names;
  for (const LoadPoint* p : points) {
    for (const BackendResult& b : p->summary.backend()) {
      if (std::find(names.begin(), names.end(), b.backend()) == names.end()) names.push_back(b.backend());
    }
  }
  return names;
}

std::vector<const LoadPoint*> by_load(const std::vector<LoadPoint>& points) {
  std::vector<const LoadPoint*> sorted;
  for (const LoadPoint& p : points) sorted.push_back(&p);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const LoadPoint* a, const LoadPoint* b) { return a->offered_load < b->offered_load; });
  return sorted;
}

const BackendResult* find_backend(const RunSummary& s, const std::string& name) {
  for (const BackendResult& b : s.backend()) {
    if (b.backend() == name) return &b;
  }
  return nullptr;
}

QString scenario_of(const std::vector<const LoadPoint*>& points) {
  return points.empty() ? QString() : QString::fromStdString(points.front()->summary.scenario_name());
}

QValueAxis* load_axis(const std::vector<const LoadPoint*>& points, const QString& title) {
  auto* x = new QValueAxis;
  x->setTitleText(title);
  const double hi = points.empty() ? 1 : points.back()->offered_load;
  x->setRange(0, hi > 0 ? hi : 1);
  x->applyNiceNumbers();
  x->setLabelFormat(QStringLiteral("%g"));
  return x;
}

}  // namespace

std::unique_ptr<QChart> throughput_vs_load_chart(const std::vector<LoadPoint>& points,
                                                 const QString& load_axis_title) {
  const auto sorted = by_load(points);
  std::unique_ptr<QChart> chart(new_chart(QStringLiteral("Throughput against offered load"), scenario_of(sorted)));
  double top = 0;
  for (const LoadPoint* p : sorted) {
    for (const BackendResult& b : p->summary.backend()) top = std::max(top, b.throughput_pps());
  }
  // One scale for the whole axis, chosen so the numbers stay short.
  const double scale = top >= 1e6 ? 1e6 : top >= 1e3 ? 1e3 : 1;
  const QString unit = scale == 1e6 ? QStringLiteral("Mpkt/s") : scale == 1e3 ? QStringLiteral("kpkt/s")
                                                                              : QStringLiteral("pkt/s");
  auto* x = load_axis(sorted, load_axis_title);
  auto* y = new_value_axis(QStringLiteral("delivered throughput (%1)").arg(unit), top / scale);
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  for (const std::string& name : backends_of(sorted)) {
    auto* line = new QLineSeries;
    line->setName(backend_label(name));
    for (const LoadPoint* p : sorted) {
      if (const BackendResult* b = find_backend(p->summary, name)) line->append(p->offered_load, b->throughput_pps() / scale);
    }
    chart->addSeries(line);
    QPen pen(backend_color(name));
    pen.setWidthF(2.2);
    line->setPen(pen);
    line->setPointsVisible(true);
    line->attachAxis(x);
    line->attachAxis(y);
  }
  return chart;
}

std::unique_ptr<QChart> latency_vs_load_chart(const std::vector<LoadPoint>& points, const QString& load_axis_title) {
  const auto sorted = by_load(points);
  const QString kind = latency_kind_label(sorted.empty() ? "" : sorted.front()->summary.latency_kind());
  std::unique_ptr<QChart> chart(
      new_chart(kind + QStringLiteral(" latency against offered load (p99 solid, p50 dashed)"), scenario_of(sorted)));
  auto* x = load_axis(sorted, load_axis_title);
  auto* y = new QLogValueAxis;
  y->setTitleText(kind + QStringLiteral(" latency (µs, log scale)"));
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);

  double lo = std::numeric_limits<double>::infinity(), hi = 0;
  for (const std::string& name : backends_of(sorted)) {
    for (const bool tail : {true, false}) {
      auto* line = new QLineSeries;
      line->setName(backend_label(name) + (tail ? QStringLiteral(" p99") : QStringLiteral(" p50")));
      for (const LoadPoint* p : sorted) {
        const BackendResult* b = find_backend(p->summary, name);
        const double v = b == nullptr ? 0 : tail ? b->latency_us().p99() : b->latency_us().p50();
        if (!(v > 0)) continue;  // not placeable on a log axis
        line->append(p->offered_load, v);
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      chart->addSeries(line);
      QPen pen(backend_color(name));
      pen.setWidthF(tail ? 2.2 : 1.6);
      if (!tail) pen.setStyle(Qt::DashLine);
      line->setPen(pen);
      line->setPointsVisible(true);
      line->attachAxis(x);
      line->attachAxis(y);
    }
  }
  set_log_range(y, lo, hi);
  return chart;
}

}  // namespace viosim::charts
