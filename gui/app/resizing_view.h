// A graphics view that says when its size changed (a splitter moved, the
// window resized), so that what it shows can be fitted or laid out again;
// and the one rule for fitting a path graph into such a view.
#pragma once

#include <QGraphicsView>
#include <algorithm>
#include <functional>

namespace viosim::gui {

class ResizingView : public QGraphicsView {
 public:
  ResizingView(QGraphicsScene* scene, std::function<void()> on_resize)
      : QGraphicsView(scene), on_resize_(std::move(on_resize)) {}

 protected:
  void resizeEvent(QResizeEvent* event) override {
    QGraphicsView::resizeEvent(event);
    on_resize_();
  }

 private:
  std::function<void()> on_resize_;
};

// A path graph fits its view, but never so small that its labels shrink
// below kMinGraphScale times the text's scale (presentation mode's): the
// view then scrolls. Returns the scale set.
inline constexpr double kMinGraphScale = 0.85;
inline double fit_readably(QGraphicsView* view, double font_scale) {
  const QRectF scene = view->scene()->sceneRect();
  const QSize port = view->viewport()->size();
  const double fit = std::min(port.width() / scene.width(), port.height() / scene.height());
  const double scale = std::max(fit, kMinGraphScale * font_scale);
  view->setTransform(QTransform::fromScale(scale, scale));
  return scale;
}

}  // namespace viosim::gui
