// CoreTimelineScene: times are drawn in microseconds after the packet's
// birth, as journey_text prints them.
#include "gui/app/core_timeline_scene.h"

#include <QBrush>
#include <QGraphicsLineItem>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QPen>
#include <algorithm>
#include <cmath>
#include <set>

#include "gui/charts/chart_style.h"

namespace viosim::gui {
namespace {

constexpr double kLabelWidth = 70;
constexpr double kRowHeight = 24;
constexpr double kRowGap = 6;
constexpr double kAxisHeight = 26;

// 1, 2 or 5 times a power of ten: about `count` ticks over `span`.
double tick_step(double span, int count) {
  const double raw = span / std::max(1, count);
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * power >= raw) return m * power;
  }
  return 10 * power;
}

}  // namespace

CoreTimelineScene::CoreTimelineScene(QObject* parent) : QGraphicsScene(parent) { setBackgroundBrush(Qt::white); }

double CoreTimelineScene::x_of(core::Time at) const {
  const double span = (to_ - from_).seconds();
  if (!(span > 0)) return left_;
  return left_ + (right_ - left_) * std::clamp((at - from_).seconds() / span, 0.0, 1.0);
}

double CoreTimelineScene::marker_x() const { return marker_ != nullptr ? marker_->line().x1() : left_; }

void CoreTimelineScene::set_journey(const explain::Journey& journey, double width) {
  clear();
  marker_ = nullptr;
  highlight_ = nullptr;
  rows_.clear();
  from_ = journey.from;
  to_ = journey.to;
  marked_ = from_;
  left_ = kLabelWidth;
  right_ = std::max(left_ + 200, width - 20);

  std::set<uint32_t> busy;
  for (const explain::CoreSlice& s : journey.timeline) {
    if (s.category != "idle") busy.insert(s.core);
  }
  rows_.assign(busy.begin(), busy.end());
  const double span_us = (to_ - from_).seconds() * 1e6;

  // Time axis with ticks, and a small mark per hop.
  const double axis_y = kAxisHeight - 6;
  addLine(left_, axis_y, right_, axis_y, QPen(QColor(0x80, 0x80, 0x80)));
  if (span_us > 0) {
    const double step = tick_step(span_us, 8);
    for (double t = 0; t <= span_us + 1e-9; t += step) {
      const double x = left_ + (right_ - left_) * t / span_us;
      addLine(x, axis_y - 4, x, axis_y, QPen(QColor(0x80, 0x80, 0x80)));
      // Fixed notation with the decimals the step needs: "12.5", not "1.25e+01".
      const int decimals = step >= 1 ? 0 : std::min(3, static_cast<int>(std::ceil(-std::log10(step))));
      auto* label = addSimpleText(QString::number(t, 'f', decimals));
      // Kept inside the scene at both ends.
      const double w = label->boundingRect().width();
      label->setPos(std::clamp(x - w / 2, left_ - w / 2, right_ - w), 0);
      label->setBrush(QColor(0x55, 0x55, 0x55));
    }
  }
  auto* unit = addSimpleText(QStringLiteral("µs"));
  unit->setPos(4, 0);
  for (const explain::Hop& hop : journey.hops) {
    const double x = x_of(hop.at);
    auto* tick = addLine(x, axis_y, x, axis_y + 5, QPen(QColor(0xd5, 0x5e, 0x00), 2));
    tick->setToolTip(QString::fromStdString(hop.place));
  }

  for (size_t r = 0; r < rows_.size(); ++r) {
    const double y = kAxisHeight + r * (kRowHeight + kRowGap);
    auto* name = addSimpleText(QStringLiteral("core %1").arg(rows_[r]));
    name->setPos(4, y + (kRowHeight - name->boundingRect().height()) / 2);
    addRect(left_, y, right_ - left_, kRowHeight, QPen(QColor(0xdd, 0xdd, 0xdd)), QBrush(QColor(0xf7, 0xf7, 0xf7)));
    for (const explain::CoreSlice& s : journey.timeline) {
      if (s.core != rows_[r] || s.category == "idle") continue;
      const double x0 = x_of(s.from), x1 = x_of(s.to);
      auto* slice = addRect(x0, y + 1, std::max(1.0, x1 - x0), kRowHeight - 2, Qt::NoPen,
                            QBrush(charts::category_color(s.category)));
      slice->setToolTip(QStringLiteral("%1 %2: %3 to %4 µs")
                            .arg(charts::category_label(s.category), QString::fromStdString(s.thread))
                            .arg((s.from - from_).seconds() * 1e6, 0, 'f', 3)
                            .arg((s.to - from_).seconds() * 1e6, 0, 'f', 3));
      if (x1 - x0 > 60 && !s.thread.empty()) {
        auto* text = addSimpleText(QString::fromStdString(s.thread));
        text->setPos(x0 + 3, y + (kRowHeight - text->boundingRect().height()) / 2);
        text->setBrush(Qt::white);
        if (text->boundingRect().width() > x1 - x0 - 6) delete text;
      }
    }
  }
  double bottom = kAxisHeight + rows_.size() * (kRowHeight + kRowGap);
  // Which cores were idle all along, and a legend of the categories shown.
  std::vector<uint32_t> idle;
  for (uint32_t c = 0; c < journey.cores; ++c) {
    if (!busy.count(c)) idle.push_back(c);
  }
  QString note;
  if (!idle.empty()) {
    QStringList names;
    for (uint32_t c : idle) names << QString::number(c);
    note = QStringLiteral("idle throughout: cores %1").arg(names.join(QStringLiteral(", ")));
  }
  double x = left_;
  std::set<std::string> categories;
  for (const explain::CoreSlice& s : journey.timeline) {
    if (s.category != "idle") categories.insert(s.category);
  }
  for (const std::string& c : categories) {
    addRect(x, bottom + 4, 12, 12, Qt::NoPen, QBrush(charts::category_color(c)));
    auto* label = addSimpleText(charts::category_label(c));
    label->setPos(x + 16, bottom + 2);
    x += 16 + label->boundingRect().width() + 14;
  }
  if (!note.isEmpty()) {
    auto* text = addSimpleText(note);
    text->setBrush(QColor(0x70, 0x70, 0x70));
    text->setPos(std::max(x, left_), bottom + 2);
  }
  bottom += 22;
  marker_ = addLine(left_, 0, left_, bottom, QPen(QColor(0xd6, 0x27, 0x28), 2));
  marker_->setZValue(10);
  setSceneRect(0, 0, right_ + 10, bottom + 4);
  highlight_core(highlighted_core_);
}

void CoreTimelineScene::highlight_core(std::optional<uint32_t> core) {
  highlighted_core_ = core;
  delete highlight_;
  highlight_ = nullptr;
  const auto row = core ? std::find(rows_.begin(), rows_.end(), *core) : rows_.end();
  if (row == rows_.end()) return;
  const double y = kAxisHeight + double(row - rows_.begin()) * (kRowHeight + kRowGap);
  highlight_ = addRect(1, y - 2, right_ - 1, kRowHeight + 4, QPen(QColor(0xff, 0x7f, 0x0e), 3), Qt::NoBrush);
  highlight_->setZValue(11);
}

void CoreTimelineScene::mark(core::Time at) {
  marked_ = at;
  if (marker_ == nullptr) return;
  const double x = x_of(at);
  QLineF line = marker_->line();
  marker_->setLine(x, line.y1(), x, line.y2());
}

}  // namespace viosim::gui
