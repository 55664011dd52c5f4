// ChartPanel: a chart view whose chart can be replaced and exported.
#include "gui/charts/chart_panel.h"

#include <QVBoxLayout>

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
  // QChartView::setChart does not delete the chart it showed before.
  QChart* previous = view_->chart();
  view_->setChart(chart.release());
  delete previous;
  has_chart_ = real;
}

QChart* ChartPanel::chart() const { return view_->chart(); }

void ChartPanel::export_to(const QString& path, QSize size) {
  exporting_ = true;
  try {
    render_chart(view_->chart(), path, size);
  } catch (...) {
    exporting_ = false;
    if (pending_) show_chart(std::move(pending_), pending_real_);
    throw;
  }
  exporting_ = false;
  if (pending_) show_chart(std::move(pending_), pending_real_);
}

}  // namespace viosim::charts
