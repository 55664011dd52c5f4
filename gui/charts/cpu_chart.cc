// Where the CPU went: busy cores by category, stacked per backend, so the
// overhead categories (exits, KVM, QEMU, vhost, PMD) stand out next to the
// guest's own work.
#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSet>
#include <QtCharts/QStackedBarSeries>
#include <algorithm>
#include <string>
#include <vector>

#include "gui/charts/chart_style.h"
#include "gui/charts/run_charts.h"

namespace viosim::charts {
namespace {

double value_of(const BackendResult& b, const std::string& category) {
  for (const NamedValue& v : b.cpu_by_category()) {
    if (v.name() == category) return v.value();
  }
  return 0;
}

}  // namespace

std::unique_ptr<QChart> cpu_by_category_chart(const RunSummary& summary) {
  std::unique_ptr<QChart> chart(
      new_chart(QStringLiteral("Where the CPU time goes (idle not shown)"), run_subtitle(summary)));

  // Categories in the order the results list them, skipping idle and any
  // that no backend used, so the legend holds only what the bars show.
  std::vector<std::string> categories;
  for (const BackendResult& b : summary.backend()) {
    for (const NamedValue& v : b.cpu_by_category()) {
      if (v.name() == "idle" || v.value() <= 0) continue;
      if (std::find(categories.begin(), categories.end(), v.name()) == categories.end()) {
        categories.push_back(v.name());
      }
    }
  }

  auto* series = new QStackedBarSeries;
  series->setBarWidth(0.6);
  std::vector<QBarSet*> sets;
  for (const std::string& category : categories) {
    auto* set = new QBarSet(category_label(category));
    for (const BackendResult& b : summary.backend()) set->append(value_of(b, category));
    series->append(set);
    sets.push_back(set);
  }
  double tallest = 0;
  QStringList backends;
  for (const BackendResult& b : summary.backend()) {
    double busy = 0;
    for (const std::string& category : categories) busy += value_of(b, category);
    tallest = std::max(tallest, busy);
    backends << backend_label(b.backend());
  }
  chart->addSeries(series);
  for (size_t i = 0; i < sets.size(); ++i) {
    sets[i]->setColor(category_color(categories[i]));
    sets[i]->setBorderColor(category_color(categories[i]).darker(130));
  }

  auto* x = new QBarCategoryAxis;
  x->append(backends);
  x->setTitleText(QStringLiteral("backend"));
  auto* y = new_value_axis(QStringLiteral("busy cores (CPU-seconds per second)"), tallest);
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  series->attachAxis(x);
  series->attachAxis(y);
  return chart;
}

}  // namespace viosim::charts
