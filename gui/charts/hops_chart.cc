// Where the latency goes: the mean one-way journey of the packets of one
// direction, hop by hop, stacked per backend (a horizontal bar each), so
// the hop a path adds (waiting for QEMU's main loop, the e1000 interrupt
// mitigation) shows next to the ones every path shares.
#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSet>
#include <QtCharts/QHorizontalStackedBarSeries>
#include <algorithm>
#include <string>
#include <vector>

#include "gui/charts/chart_style.h"
#include "gui/charts/run_charts.h"

namespace viosim::charts {

std::unique_ptr<QChart> latency_hops_chart(const RunSummary& summary, const std::string& direction) {
  std::unique_ptr<QChart> chart(new_chart(
      QStringLiteral("Where the one-way latency goes, ") + QString::fromStdString(direction) + QStringLiteral(" (mean)"),
      run_subtitle(summary)));
  // Hops in their order along the journey, backends that have them.
  std::vector<std::string> hops;
  std::vector<const BackendResult*> backends;
  for (const BackendResult& b : summary.backend()) {
    bool has = false;
    for (const Hop& h : b.hops()) {
      if (h.direction() != direction) continue;
      has = true;
      if (std::find(hops.begin(), hops.end(), h.name()) == hops.end()) hops.push_back(h.name());
    }
    if (has) backends.push_back(&b);
  }
  // Sequential shades: early hops light, late hops dark.
  auto* series = new QHorizontalStackedBarSeries;
  series->setBarWidth(0.6);
  double longest = 0;
  std::vector<double> totals(backends.size(), 0);
  for (size_t k = 0; k < hops.size(); ++k) {
    auto* set = new QBarSet(QString::fromStdString(hops[k]));
    for (size_t i = 0; i < backends.size(); ++i) {
      double v = 0;
      for (const Hop& h : backends[i]->hops()) {
        if (h.direction() == direction && h.name() == hops[k]) v = h.mean_us();
      }
      set->append(v);
      totals[i] += v;
    }
    const int shade = 60 + static_cast<int>(150.0 * double(k) / double(std::max<size_t>(1, hops.size() - 1)));
    set->setColor(QColor::fromHsl(210, 120, 235 - shade));
    series->append(set);
  }
  for (double t : totals) longest = std::max(longest, t);
  QStringList names;
  for (const BackendResult* b : backends) names << backend_label(b->backend());
  chart->addSeries(series);
  auto* y = new QBarCategoryAxis;
  y->append(names);
  y->setTitleText(QStringLiteral("backend"));
  auto* x = new_value_axis(QStringLiteral("mean one-way latency (us)"), longest);
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  series->attachAxis(x);
  series->attachAxis(y);
  return chart;
}

}  // namespace viosim::charts
