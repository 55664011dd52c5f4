// PathGraphScene: a column per kind of place, boxes stacked in the order
// the graph lists them, arrows from box edge to box edge.
#include "gui/app/path_graph_scene.h"

#include <QBrush>
#include <QFont>
#include <QGraphicsPathItem>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QPainterPath>
#include <QPen>
#include <algorithm>
#include <cmath>

#include "models/net/path_places.h"

namespace viosim::gui {
namespace {

constexpr double kBoxWidth = 140;
constexpr double kBoxHeight = 44;
constexpr double kColumnGap = 48;
constexpr double kRowGap = 34;
constexpr double kTop = 34;
constexpr double kBandLabel = 22;  // a band's name above its boxes
constexpr double kBandPad = 12;

const QColor kBoxFill(0xf4, 0xf6, 0xfa);
const QColor kVisitedFill(0xdc, 0xe9, 0xf7);
const QColor kCurrentFill(0xff, 0xb3, 0x47);
const QColor kLinkColour(0x9a, 0xa0, 0xa8);
const QColor kCurrentLink(0xd5, 0x5e, 0x00);
const QColor kVmBand(0xee, 0xf3, 0xe8);
const QColor kHostBand(0xf3, 0xee, 0xe6);

// The point where the line from the centre of `box` towards `to` leaves it.
QPointF exit_point(const QRectF& box, const QPointF& to) {
  const QPointF c = box.center();
  const QPointF d = to - c;
  if (d.isNull()) return c;
  const double sx = d.x() != 0 ? (box.width() / 2) / std::abs(d.x()) : 1e9;
  const double sy = d.y() != 0 ? (box.height() / 2) / std::abs(d.y()) : 1e9;
  return c + d * std::min(sx, sy);
}

}  // namespace

const std::vector<std::string>& PathGraphScene::column_names() {
  static const std::vector<std::string> kColumns = {"guest", "guest memory", "QEMU", "host kernel", "device", "wire",
                                                    "peer"};
  return kColumns;
}

PathGraphScene::PathGraphScene(QObject* parent) : QGraphicsScene(parent) { setBackgroundBrush(Qt::white); }

int PathGraphScene::column_of(const std::string& place) const {
  auto it = places_.find(place);
  return it == places_.end() ? -1 : it->second.column;
}

QRectF PathGraphScene::box_of(const std::string& place) const {
  auto it = places_.find(place);
  return it == places_.end() ? QRectF() : it->second.box->rect();
}

QRectF PathGraphScene::band_of(const std::string& vm) const {
  auto it = bands_.find(vm);
  return it == bands_.end() ? QRectF() : it->second->rect();
}

void PathGraphScene::set_journey(const explain::Journey& journey) {
  clear();
  places_.clear();
  bands_.clear();
  links_.clear();
  current_.clear();
  current_links_.clear();
  // Columns: the known kinds in order, any other kind before the device.
  std::vector<std::string> columns = column_names();
  for (const explain::PathPlace& p : journey.places) {
    if (std::find(columns.begin(), columns.end(), p.where) == columns.end()) {
      columns.insert(columns.end() - 3, p.where);
    }
  }
  std::vector<int> used(columns.size(), 0);
  for (const explain::PathPlace& p : journey.places) {
    const int column = static_cast<int>(std::find(columns.begin(), columns.end(), p.where) - columns.begin());
    ++used[static_cast<size_t>(column)];
  }
  // Only columns that hold places take room.
  std::vector<int> x_of(columns.size(), 0);
  int next_x = 0;
  for (size_t c = 0; c < columns.size(); ++c) {
    x_of[c] = next_x;
    if (used[c] == 0) continue;
    auto* head = addSimpleText(QString::fromStdString(columns[c]));
    QFont bold = head->font();
    bold.setBold(true);
    head->setFont(bold);
    head->setBrush(QColor(0x55, 0x55, 0x55));
    head->setPos(next_x + (kBoxWidth - head->boundingRect().width()) / 2, 0);
    next_x += static_cast<int>(kBoxWidth + kColumnGap);
  }
  // Bands of rows: one per VM on a host with several (its places are
  // named "vm: place"), the host's shared places (the switch, the NIC, the
  // wire) in a band of their own between the first half of the VMs and the
  // rest, so that the switch sits between them. Within a band, places stack
  // in their column in the order the graph lists them.
  std::vector<std::string> groups;
  auto group_of = [](const std::string& name) {
    const size_t colon = name.find(": ");
    return colon == std::string::npos ? std::string() : name.substr(0, colon);
  };
  for (const explain::PathPlace& p : journey.places) {
    const std::string g = group_of(p.name);
    if (!g.empty() && std::find(groups.begin(), groups.end(), g) == groups.end()) groups.push_back(g);
  }
  const bool banded = !groups.empty();
  groups.insert(groups.begin() + static_cast<std::ptrdiff_t>((groups.size() + 1) / 2), std::string());
  std::map<std::string, std::vector<int>> rows_in;  // group -> rows used per column
  for (const std::string& g : groups) rows_in[g].assign(columns.size(), 0);
  std::map<std::string, std::pair<size_t, int>> cell;  // place -> column, row within its band
  for (const explain::PathPlace& p : journey.places) {
    const size_t column = static_cast<size_t>(std::find(columns.begin(), columns.end(), p.where) - columns.begin());
    cell[p.name] = {column, rows_in[group_of(p.name)][column]++};
  }
  std::map<std::string, double> band_top;
  double y = kTop;
  for (const std::string& g : groups) {
    const std::vector<int>& used_rows = rows_in[g];
    const int height = *std::max_element(used_rows.begin(), used_rows.end());
    if (height == 0) continue;
    band_top[g] = y + (banded ? kBandLabel : 0);
    const double bottom = band_top[g] + height * (kBoxHeight + kRowGap) - kRowGap;
    if (banded) {
      const QRectF band(-kBandPad, y - kBandPad / 2, next_x - kColumnGap + 2 * kBandPad, bottom - y + kBandPad);
      bands_[g] = addRect(band, QPen(Qt::NoPen), QBrush(g.empty() ? kHostBand : kVmBand));
      bands_[g]->setZValue(-1);
      const std::string title = g.empty() ? "host" : g == models::place::kHostProcess ? g : "VM " + g;
      auto* name = addSimpleText(QString::fromStdString(title));
      QFont bold = name->font();
      bold.setBold(true);
      name->setFont(bold);
      name->setBrush(QColor(0x55, 0x55, 0x55));
      name->setPos(band.left() + 6, y);
      name->setZValue(0);
    }
    y = bottom + kRowGap + (banded ? kBandPad : 0);
  }
  for (const explain::PathPlace& p : journey.places) {
    const auto [column, row] = cell[p.name];
    const QRectF box(x_of[column], band_top[group_of(p.name)] + row * (kBoxHeight + kRowGap), kBoxWidth, kBoxHeight);
    Place place;
    place.column = static_cast<int>(column);
    place.group = group_of(p.name);
    place.box = addRect(box, QPen(QColor(0x60, 0x60, 0x60), 1.2), QBrush(kBoxFill));
    place.box->setZValue(1);
    place.box->setToolTip(QString::fromStdString(p.name + " (" + p.where + ")"));
    // In a VM's band the VM's name is the band's: the box shows the place.
    const std::string shown = place.group.empty() ? p.name : p.name.substr(place.group.size() + 2);
    place.label = addSimpleText(QString::fromStdString(shown));
    place.label->setZValue(2);
    const QRectF text = place.label->boundingRect();
    place.label->setPos(box.center() - QPointF(text.width() / 2, text.height() / 2));
    places_[p.name] = place;
  }
  for (const explain::PathLink& l : journey.links) {
    if (l.from >= journey.places.size() || l.to >= journey.places.size()) continue;
    const std::string& from = journey.places[l.from].name;
    const std::string& to = journey.places[l.to].name;
    const QRectF a = places_[from].box->rect();
    const QRectF b = places_[to].box->rect();
    const QPointF start = exit_point(a, b.center());
    const QPointF end = exit_point(b, a.center());
    QPainterPath path(start);
    path.lineTo(end);
    // An arrowhead at the end.
    const QPointF dir = (end - start) / std::max(1.0, std::hypot((end - start).x(), (end - start).y()));
    const QPointF side(-dir.y(), dir.x());
    path.moveTo(end);
    path.lineTo(end - dir * 9 + side * 4);
    path.moveTo(end);
    path.lineTo(end - dir * 9 - side * 4);
    Link link{from, to, l.how, addPath(path, QPen(kLinkColour, 1.3)), nullptr};
    link.arrow->setToolTip(QString::fromStdString(from + " -> " + to + ": " + l.how));
    link.label = addSimpleText(QString::fromStdString(l.how));
    link.label->setBrush(kCurrentLink);
    link.label->setZValue(3);
    link.label->setPos((start + end) / 2 + QPointF(4, -16));
    link.label->setVisible(false);  // shown for the link of the current hop
    links_.push_back(link);
  }
  setSceneRect(itemsBoundingRect().adjusted(-10, -10, 10, 10));
}

void PathGraphScene::highlight(const std::string& place, const std::vector<std::string>& route,
                               const std::vector<std::string>& visited) {
  for (auto& [name, p] : places_) {
    const bool here = name == place;
    const bool passed = std::find(visited.begin(), visited.end(), name) != visited.end() ||
                        std::find(route.begin(), route.end(), name) != route.end();
    p.box->setBrush(here ? kCurrentFill : passed ? kVisitedFill : kBoxFill);
    p.box->setPen(QPen(here ? kCurrentLink : QColor(0x60, 0x60, 0x60), here ? 2.5 : 1.2));
    QFont font = p.label->font();
    font.setBold(here);
    p.label->setFont(font);
  }
  current_ = places_.count(place) ? place : "";
  current_links_.clear();
  for (Link& l : links_) {
    l.arrow->setPen(QPen(kLinkColour, 1.3));
    l.arrow->setZValue(0);
    l.label->setVisible(false);
  }
  for (size_t k = 1; k < route.size(); ++k) {
    for (size_t i = 0; i < links_.size(); ++i) {
      Link& l = links_[i];
      if (l.from != route[k - 1] || l.to != route[k]) continue;
      current_links_.push_back(static_cast<int>(i));
      l.arrow->setPen(QPen(kCurrentLink, 3));
      l.arrow->setZValue(4);
      l.label->setVisible(true);
      break;
    }
  }
}

std::string PathGraphScene::highlighted_link() const {
  std::string how;
  for (int i : current_links_) how += (how.empty() ? "" : " -> ") + links_[static_cast<size_t>(i)].how;
  return how;
}

}  // namespace viosim::gui
