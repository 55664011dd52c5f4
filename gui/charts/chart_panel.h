// A chart on screen: a QChartView that can swap its chart (a new run, a
// backend finished) and write what it shows to PNG or SVG through
// render_chart, so an exported file looks like the plots `viosim plot` writes.
#pragma once

#include <QSize>
#include <QString>
#include <QWidget>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <memory>

#include "gui/charts/run_plots.h"

namespace viosim::charts {

class ChartPanel : public QWidget {
 public:
  // Shows an empty chart titled `placeholder` until set_chart.
  explicit ChartPanel(const QString& placeholder, QWidget* parent = nullptr);
  ~ChartPanel() override;

  // Shows `chart` (the panel owns it) and deletes the previous one.
  void set_chart(std::unique_ptr<QChart> chart);
  // Back to the placeholder.
  void clear();
  QChart* chart() const;
  // False while the placeholder shows.
  bool has_chart() const { return has_chart_; }
  QChartView* view() const { return view_; }

  // Text size relative to normal (presentation mode: larger): every chart
  // shown, this one and the next, has its title, legend and axis fonts
  // scaled so. Exports are drawn at the normal size, like `viosim plot`.
  void set_font_scale(double scale);
  double font_scale() const { return font_scale_; }

  // Writes the chart as PNG or SVG (by the suffix); throws like render_chart.
  // Rendering lets queued events run (the chart lays itself out): a chart
  // that arrives meanwhile waits until the export is done.
  void export_to(const QString& path, QSize size = kDefaultPlotSize);

 private:
  void show_chart(std::unique_ptr<QChart> chart, bool real);

  QChartView* view_;
  QString placeholder_;
  bool has_chart_ = false;
  double font_scale_ = 1.0;
  bool exporting_ = false;
  std::unique_ptr<QChart> pending_;  // set while exporting
  bool pending_real_ = false;
};

// Multiplies the sizes of `chart`'s title, legend and axis fonts by `factor`.
void scale_chart_fonts(QChart* chart, double factor);

}  // namespace viosim::charts
