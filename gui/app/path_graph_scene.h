// The path a packet takes, drawn: the places of the path graph (Journey::
// places) in columns by where they are (guest, guest memory, QEMU, host
// kernel, device, wire, peer), the links between them as arrows. One place
// can be highlighted (where the packet is now) with the link that brought
// it there, and the places it passed before tinted.
#pragma once

#include <QGraphicsScene>
#include <map>
#include <string>
#include <vector>

#include "scenarios/explain/journey.h"

class QGraphicsRectItem;
class QGraphicsPathItem;
class QGraphicsSimpleTextItem;

namespace viosim::gui {

class PathGraphScene : public QGraphicsScene {
 public:
  explicit PathGraphScene(QObject* parent = nullptr);

  // Draws the places and links of `journey`; nothing is highlighted.
  void set_journey(const explain::Journey& journey);
  // The packet is at `place`; `route` is the way it came since its last
  // hop (that hop's place, the places it crossed, `place`; empty for
  // none), whose links are highlighted; `visited` were passed before.
  // Unknown names are ignored.
  void highlight(const std::string& place, const std::vector<std::string>& route,
                 const std::vector<std::string>& visited);

  // What is highlighted now ("" for nothing) and the mechanisms of the
  // links of its route, in order ("a -> b"), "" for none.
  const std::string& highlighted_place() const { return current_; }
  std::string highlighted_link() const;
  // The column a place was put in (its `where`), for tests; -1 if unknown.
  int column_of(const std::string& place) const;
  // The column order.
  static const std::vector<std::string>& column_names();

 private:
  struct Place {
    QGraphicsRectItem* box = nullptr;
    QGraphicsSimpleTextItem* label = nullptr;
    int column = 0;
  };
  struct Link {
    std::string from, to, how;
    QGraphicsPathItem* arrow = nullptr;
    QGraphicsSimpleTextItem* label = nullptr;
  };
  std::map<std::string, Place> places_;
  std::vector<Link> links_;
  std::string current_;
  std::vector<int> current_links_;  // in route order
};

}  // namespace viosim::gui
