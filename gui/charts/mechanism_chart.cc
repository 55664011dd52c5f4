// Mechanism counts per packet (exits, interrupts, syscalls, wake-ups):
// the "why" behind the latency differences, grouped by mechanism so each
// backend's bar sits next to the others'.
#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSeries>
#include <QtCharts/QBarSet>
#include <algorithm>
#include <vector>

#include "gui/charts/chart_style.h"
#include "gui/charts/run_charts.h"

namespace viosim::charts {

std::unique_ptr<QChart> mechanisms_chart(const RunSummary& summary) {
  std::unique_ptr<QChart> chart(new_chart(
      QStringLiteral("Exits, interrupts, syscalls, wake-ups and cache lines per packet"), run_subtitle(summary)));
  auto* series = new QBarSeries;
  series->setBarWidth(0.85);
  std::vector<std::pair<QBarSet*, QColor>> sets;
  double tallest = 0;
  for (const BackendResult& b : summary.backend()) {
    auto* set = new QBarSet(backend_label(b.backend()));
    for (double v : {b.exits_per_packet(), b.interrupts_per_packet(), b.syscalls_per_packet(), b.wakeups_per_packet(),
                     b.cache_line_transfers_per_packet()}) {
      set->append(v);
      tallest = std::max(tallest, v);
    }
    series->append(set);
    sets.emplace_back(set, backend_color(b.backend()));
  }
  chart->addSeries(series);
  for (const auto& [set, color] : sets) {
    set->setColor(color);
    set->setBorderColor(color.darker(130));
  }

  auto* x = new QBarCategoryAxis;
  x->append({QStringLiteral("VM exits"), QStringLiteral("guest interrupts"), QStringLiteral("host syscalls"),
             QStringLiteral("thread wake-ups"), QStringLiteral("cache lines between cores")});
  x->setTitleText(QStringLiteral("mechanism"));
  auto* y = new_value_axis(QStringLiteral("events per packet (count)"), tallest);
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  series->attachAxis(x);
  series->attachAxis(y);
  return chart;
}

}  // namespace viosim::charts
