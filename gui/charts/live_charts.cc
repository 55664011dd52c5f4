// The live throughput chart.
#include "gui/charts/live_charts.h"

#include <QPen>
#include <algorithm>

#include "gui/charts/chart_style.h"

namespace viosim::charts {

LiveThroughputChart::LiveThroughputChart(const QString& subtitle) {
  // The house look, copied from a chart new_chart() sets up.
  std::unique_ptr<QChart> look(new_chart(QStringLiteral("Delivered throughput while the run goes on"), subtitle));
  setTitle(look->title());
  setTitleFont(look->titleFont());
  setAnimationOptions(QChart::NoAnimation);
  setTheme(QChart::ChartThemeLight);
  setBackgroundRoundness(0);
  legend()->setAlignment(Qt::AlignBottom);
  legend()->setVisible(true);

  x_ = new QValueAxis;
  x_->setTitleText(QStringLiteral("simulated time (ms)"));
  x_->setLabelFormat(QStringLiteral("%g"));
  x_->setRange(0, 1);
  y_ = new QValueAxis;
  y_->setTitleText(QStringLiteral("delivered (kpkt/s)"));
  y_->setLabelFormat(QStringLiteral("%g"));
  y_->setRange(0, 1);
  addAxis(x_, Qt::AlignBottom);
  addAxis(y_, Qt::AlignLeft);
}

void LiveThroughputChart::add_point(const std::string& backend, double sim_ms, double packets_per_s) {
  auto it = lines_.find(backend);
  if (it == lines_.end()) {
    auto* line = new QLineSeries;
    line->setName(backend_label(backend));
    addSeries(line);  // before styling: adding applies the theme's colours
    QPen pen(backend_color(backend));
    pen.setWidthF(2.0);
    line->setPen(pen);
    line->attachAxis(x_);
    line->attachAxis(y_);
    it = lines_.emplace(backend, line).first;
  }
  const double kpps = packets_per_s / 1000.0;
  it->second->append(sim_ms, kpps);
  if (sim_ms > x_max_ || kpps > y_max_) {
    x_max_ = std::max(x_max_, sim_ms);
    y_max_ = std::max(y_max_, kpps);
    x_->setRange(0, x_max_ > 0 ? x_max_ : 1);
    x_->applyNiceNumbers();
    y_->setRange(0, y_max_ > 0 ? y_max_ * 1.1 : 1);
    y_->applyNiceNumbers();
  }
}

void LiveThroughputChart::clear_points() {
  for (auto& [name, line] : lines_) {
    removeSeries(line);
    delete line;
  }
  lines_.clear();
  x_max_ = y_max_ = 0;
  x_->setRange(0, 1);
  y_->setRange(0, 1);
}

QLineSeries* LiveThroughputChart::series_of(const std::string& backend) const {
  auto it = lines_.find(backend);
  return it == lines_.end() ? nullptr : it->second;
}

}  // namespace viosim::charts
