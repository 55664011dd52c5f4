// Headless rendering of a chart to PNG or SVG.
#include "gui/charts/render_chart.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QImage>
#include <QPainter>
#include <QSvgGenerator>
#include <stdexcept>

namespace viosim::charts {
namespace {

// Draws the scene holding only `chart`, laid out at `size`.
void paint(QGraphicsScene& scene, QPainter& painter, QSize size) {
  painter.setRenderHint(QPainter::Antialiasing);
  painter.setRenderHint(QPainter::TextAntialiasing);
  const QRectF area(QPointF(0, 0), QSizeF(size));
  scene.render(&painter, area, area);
}

}  // namespace

void render_chart(QChart* chart, const QString& path, QSize size) {
  if (chart == nullptr) throw std::invalid_argument("render_chart: no chart");
  if (size.isEmpty()) throw std::invalid_argument("render_chart: empty size for " + path.toStdString());
  const QString suffix = QFileInfo(path).suffix().toLower();
  if (suffix != QLatin1String("png") && suffix != QLatin1String("svg")) {
    throw std::invalid_argument("render_chart: " + path.toStdString() + ": the file must end in .png or .svg");
  }

  // A private scene sized to the output; the chart returns to its own
  // scene (a view's, in the GUI) afterwards with its old geometry.
  QGraphicsScene* previous = chart->scene();
  const QRectF previous_geometry = chart->geometry();
  QGraphicsScene scene;
  scene.setSceneRect(QRectF(QPointF(0, 0), QSizeF(size)));
  scene.setBackgroundBrush(Qt::white);
  scene.addItem(chart);
  chart->setGeometry(QRectF(QPointF(0, 0), QSizeF(size)));
  if (chart->layout() != nullptr) chart->layout()->activate();
  // Series items and axes lay themselves out on posted events.
  QCoreApplication::processEvents();

  bool ok = true;
  if (suffix == QLatin1String("png")) {
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter painter(&image);
    paint(scene, painter, size);
    painter.end();
    ok = image.save(path, "PNG");
  } else {
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(QFileInfo(path).completeBaseName());
    svg.setDescription(QStringLiteral("viosim chart"));
    QPainter painter;
    ok = painter.begin(&svg);
    if (ok) {
      paint(scene, painter, size);
      ok = painter.end();
    }
  }

  scene.removeItem(chart);
  if (previous != nullptr) {
    previous->addItem(chart);
    chart->setGeometry(previous_geometry);
  }
  if (!ok || !QFileInfo(path).exists() || QFileInfo(path).size() == 0) {
    throw std::runtime_error("cannot write " + path.toStdString());
  }
}

}  // namespace viosim::charts
