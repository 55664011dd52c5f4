// Drawing a chart to a file without a window: PNG through a QImage, SVG
// through QSvgGenerator, both by rendering the chart's graphics scene, so a
// plot in a report is pixel for pixel what the GUI would show at that size.
#pragma once

#include <QSize>
#include <QString>
#include <QtCharts/QChart>

namespace viosim::charts {

// Writes `chart` laid out at `size` pixels to `path`, as PNG or SVG by its
// suffix (.png / .svg, any case). Needs a QApplication (see headless_qt.h).
// The chart stays the caller's; if it sat in a view it is put back there.
// Throws std::invalid_argument for another suffix or an empty size and
// std::runtime_error if the file cannot be written.
void render_chart(QChart* chart, const QString& path, QSize size);

}  // namespace viosim::charts
