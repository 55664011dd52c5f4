// A graphics view that says when its size changed (a splitter moved, the
// window resized), so that what it shows can be fitted or laid out again.
#pragma once

#include <QGraphicsView>
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

}  // namespace viosim::gui
