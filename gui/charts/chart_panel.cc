// ChartPanel: a chart view whose chart can be replaced and exported.
#include "gui/charts/chart_panel.h"

#include <QVBoxLayout>
#include <QtCharts/QAbstractAxis>
#include <QtCharts/QLegend>

#include "gui/charts/chart_style.h"
#include "gui/charts/render_chart.h"

namespace viosim::charts {

ChartPanel::ChartPanel(const QString& placeholder, QWidget* parent)
    : QWidget(parent), view_(new QChartView(this)), placeholder_(placeholder) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(view_);
  view_->setRenderHint(QPainter::Antialiasing);
  clear();
}

ChartPanel::~ChartPanel() = default;  // the view deletes the chart it shows

void ChartPanel::set_chart(std::unique_ptr<QChart> chart) { show_chart(std::move(chart), true); }

void ChartPanel::clear() { show_chart(std::unique_ptr<QChart>(new_chart(placeholder_, QString())), false); }

void ChartPanel::show_chart(std::unique_ptr<QChart> chart, bool real) {
  if (exporting_) {
    // The chart being exported is out of its view now: keep the new one
    // for when the export is over.
    pending_ = std::move(chart);
    pending_real_ = real;
    return;
  }
  if (font_scale_ != 1.0) scale_chart_fonts(chart.get(), font_scale_);
  // QChartView::setChart does not delete the chart it showed before.
  QChart* previous = view_->chart();
  view_->setChart(chart.release());
  delete previous;
  has_chart_ = real;
}

QChart* ChartPanel::chart() const { return view_->chart(); }

void ChartPanel::set_font_scale(double scale) {
  if (view_->chart() != nullptr) scale_chart_fonts(view_->chart(), scale / font_scale_);
  font_scale_ = scale;
}

void scale_chart_fonts(QChart* chart, double factor) {
  const auto scaled = [factor](QFont font) {
    font.setPointSizeF(font.pointSizeF() * factor);
    return font;
  };
  chart->setTitleFont(scaled(chart->titleFont()));
  if (QLegend* legend = chart->legend()) legend->setFont(scaled(legend->font()));
  for (QAbstractAxis* axis : chart->axes()) {
    axis->setLabelsFont(scaled(axis->labelsFont()));
    axis->setTitleFont(scaled(axis->titleFont()));
  }
}

void ChartPanel::export_to(const QString& path, QSize size) {
  exporting_ = true;
  const double scale = font_scale_;
  try {
    // Drawn as `viosim plot` draws it, whatever the screen's text size.
    if (scale != 1.0) scale_chart_fonts(view_->chart(), 1.0 / scale);
    render_chart(view_->chart(), path, size);
    if (scale != 1.0) scale_chart_fonts(view_->chart(), scale);
  } catch (...) {
    if (scale != 1.0) scale_chart_fonts(view_->chart(), scale);
    exporting_ = false;
    if (pending_) show_chart(std::move(pending_), pending_real_);
    throw;
  }
  exporting_ = false;
  if (pending_) show_chart(std::move(pending_), pending_real_);
}

}  // namespace viosim::charts
