// What every core did while the packet travelled (Journey::timeline): a row
// per core, its slices coloured by CPU category (the colours of the CPU
// chart), a tick per hop on the time axis and a line at the instant of the
// hop being looked at. Cores idle throughout are left out and named.
#pragma once

#include <QGraphicsScene>
#include <optional>
#include <vector>

#include "scenarios/explain/journey.h"

class QGraphicsLineItem;
class QGraphicsRectItem;

namespace viosim::gui {

class CoreTimelineScene : public QGraphicsScene {
 public:
  explicit CoreTimelineScene(QObject* parent = nullptr);

  // Lays the journey out `width` pixels wide (the view's width).
  void set_journey(const explain::Journey& journey, double width);
  // Moves the marker to `at` (inside the journey's interval).
  void mark(core::Time at);
  // Frames core `core`'s row (a lesson points at it), now and after every
  // set_journey; no frame while the core has no row (idle throughout).
  void highlight_core(std::optional<uint32_t> core);
  // The frame, or null.
  const QGraphicsRectItem* highlight() const { return highlight_; }

  // The cores drawn as rows, in order.
  const std::vector<uint32_t>& rows() const { return rows_; }
  // The marker's instant and its x in the scene.
  core::Time marked() const { return marked_; }
  double marker_x() const;
  // x of an instant.
  double x_of(core::Time at) const;

 private:
  std::vector<uint32_t> rows_;
  core::Time from_, to_, marked_;
  double left_ = 0, right_ = 0;
  QGraphicsLineItem* marker_ = nullptr;
  std::optional<uint32_t> highlighted_core_;
  QGraphicsRectItem* highlight_ = nullptr;
};

}  // namespace viosim::gui
