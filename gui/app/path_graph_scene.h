// The path a packet takes, drawn: the places of the path graph (Journey::
// places) in columns by where they are (guest, guest memory, QEMU, host
// kernel, device, wire, peer), the links between them as arrows. With
// several VMs, each VM's places sit in a band of rows of their own, the
// host's shared places (switch, NIC, wire, peer) in a band between them. One place
// can be highlighted (where the packet is now) with the link that brought
// it there, and the places it passed before tinted.
#pragma once

#include <QGraphicsScene>
#include <QRectF>
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
  // For tests: a place's box, and the band of VM `vm` ("" for the host's
  // shared places); empty rectangles when unknown or not banded (one VM).
  QRectF box_of(const std::string& place) const;
  QRectF band_of(const std::string& vm) const;

 private:
  struct Place {
    QGraphicsRectItem* box = nullptr;
    QGraphicsSimpleTextItem* label = nullptr;
    int column = 0;
    std::string group;  // its VM's name, "" for the host's places
  };
  struct Link {
    std::string from, to, how;
    QGraphicsPathItem* arrow = nullptr;
    QGraphicsSimpleTextItem* label = nullptr;
  };
  std::map<std::string, Place> places_;
  std::map<std::string, QGraphicsRectItem*> bands_;  // by VM name, "" the host's
  std::vector<Link> links_;
  std::string current_;
  std::vector<int> current_links_;  // in route order
};

}  // namespace viosim::gui
