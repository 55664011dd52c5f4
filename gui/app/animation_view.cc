// AnimationView: record a window on a worker thread, then draw the clock's
// positions over the path graph, frame by frame.
#include "gui/app/animation_view.h"

#include <QApplication>
#include <QBrush>
#include <QGraphicsEllipseItem>
#include <QGraphicsPathItem>
#include <QHBoxLayout>
#include <QMetaObject>
#include <QPen>
#include <QSplitter>
#include <QVBoxLayout>
#include <cmath>
#include <map>

#include "gui/app/resizing_view.h"
#include "models/paths/cancelled.h"
#include "models/paths/path_config.h"
#include "scenarios/builder/path_builder.h"

namespace viosim::gui {
namespace {

constexpr double kDot = 12;  // a packet's dot, in scene units

QColor kind_color(const std::string& kind) {
  if (kind == "request") return QColor(0x1f, 0x77, 0xb4);
  if (kind == "response") return QColor(0x2c, 0xa0, 0x2c);
  return QColor(0x94, 0x67, 0xbd);
}

QString micros(core::Duration d) { return QString::number(d.seconds() * 1e6, 'f', 2); }

}  // namespace

AnimationView::AnimationView(QWidget* parent)
    : QWidget(parent),
      backend_(new QComboBox),
      after_us_(new QSpinBox),
      length_us_(new QSpinBox),
      record_button_(new QPushButton(tr("Record"))),
      back_(new QPushButton(tr("< Step back"))),
      play_(new QPushButton(tr("Play"))),
      step_button_(new QPushButton(tr("Step >"))),
      speed_(new QComboBox),
      slider_(new QSlider(Qt::Horizontal)),
      status_(new QLabel),
      graph_(new PathGraphScene(this)),
      graph_view_(new ResizingView(graph_, [this] { fit(); })),
      timeline_(new CoreTimelineScene(this)),
      timeline_view_(new QGraphicsView(timeline_)) {
  // Drawn at the size they were laid out for, magnified whole.
  graph_->setFont(QApplication::font());
  timeline_->setFont(QApplication::font());
  after_us_->setRange(0, 10'000'000);
  after_us_->setSuffix(tr(" us after warm-up"));
  length_us_->setRange(1, static_cast<int>(std::lround(explain::kMaxWindow.seconds() * 1e6)));
  length_us_->setValue(static_cast<int>(std::lround(explain::kDefaultWindow.seconds() * 1e6)));
  length_us_->setSuffix(tr(" us long"));
  for (int us : {1, 2, 5, 10, 20, 50, 200}) speed_->addItem(tr("%1 us/s").arg(us), us);
  speed_->setCurrentIndex(2);
  speed_->setToolTip(tr("Simulated microseconds per second of playing"));
  slider_->setRange(0, 1000);
  status_->setWordWrap(true);
  status_->setText(
      tr("Record a window of the run, then play it: each packet is a dot moving from place to place "
         "(blue requests, green responses, purple data; a red cross where one was lost)."));
  for (QPushButton* b : {back_, play_, step_button_}) b->setEnabled(false);
  for (QGraphicsView* v : {graph_view_, timeline_view_}) v->setRenderHint(QPainter::Antialiasing);

  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Backend")));
  controls->addWidget(backend_);
  controls->addWidget(after_us_);
  controls->addWidget(length_us_);
  controls->addWidget(record_button_);
  controls->addSpacing(12);
  controls->addWidget(back_);
  controls->addWidget(play_);
  controls->addWidget(step_button_);
  controls->addWidget(speed_);
  controls->addWidget(slider_, 1);
  auto* split = new QSplitter(Qt::Vertical);
  split->addWidget(graph_view_);
  split->addWidget(timeline_view_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 1);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(controls);
  layout->addWidget(status_);
  layout->addWidget(split, 1);

  timer_.setInterval(1000 / kFrameRateHz);
  connect(&timer_, &QTimer::timeout, this, [this] { advance(1.0 / kFrameRateHz); });
  // Record, or Stop while recording.
  connect(record_button_, &QPushButton::clicked, this, [this] {
    if (busy()) {
      cancel_ = true;
    } else {
      record_selected();
    }
  });
  connect(play_, &QPushButton::clicked, this, [this] { playing() ? pause() : play(); });
  connect(step_button_, &QPushButton::clicked, this, [this] { step(); });
  connect(back_, &QPushButton::clicked, this, [this] { step_back(); });
  connect(slider_, &QSlider::valueChanged, this, [this](int v) {
    if (!playback_) return;
    seek(playback_->from() + (playback_->to() - playback_->from()) * (v / 1000.0));
  });
}

AnimationView::~AnimationView() {
  cancel_ = true;
  if (worker_.joinable()) worker_.join();
}

void AnimationView::scenario_changed() {
  const std::optional<viosim::Scenario> scenario = source_ ? source_() : std::nullopt;
  if (!scenario) return;
  const QString chosen = backend_->currentText();
  backend_->clear();
  try {
    for (models::PathBackend b : scenarios::compared_backends(*scenario)) {
      backend_->addItem(QString::fromUtf8(models::backend_name(b).data(), qsizetype(models::backend_name(b).size())));
    }
  } catch (const std::exception&) {
    return;
  }
  if (const int at = backend_->findText(chosen); at >= 0) backend_->setCurrentIndex(at);
}

bool AnimationView::record_selected() {
  return record(backend_->currentText().toStdString(), core::Microseconds(after_us_->value()),
                core::Microseconds(length_us_->value()));
}

bool AnimationView::record(const std::string& backend, core::Duration after, core::Duration length) {
  if (busy()) return false;
  const std::optional<viosim::Scenario> scenario = source_ ? source_() : std::nullopt;
  if (!scenario) {
    last_error_ = tr("The scenario has errors: fix them in the Scenario view first.");
    status_->setText(last_error_);
    return false;
  }
  pause();
  record_button_->setText(tr("Stop"));
  status_->setText(tr("Recording %1 us of %2...")
                       .arg(length.seconds() * 1e6)
                       .arg(backend.empty() ? tr("the first backend") : QString::fromStdString(backend)));
  explain::WindowOptions options;
  options.backend = backend;
  options.from = core::Time::zero() + core::Duration::from_seconds(scenario->run().warmup_ms() * 1e-3) + after;
  options.to = options.from + length;
  options.cancel = &cancel_;
  cancel_ = false;
  worker_ = std::thread([this, scenario = *scenario, options] {
    std::optional<explain::TrafficWindow> window;
    QString why;
    try {
      window = explain::record_window(scenario, options);
    } catch (const models::Cancelled&) {
      why = tr("Stopped before the window was recorded.");
    } catch (const std::exception& e) {
      why = QString::fromStdString(e.what());
    }
    QMetaObject::invokeMethod(
        this,
        [this, window = std::move(window), why]() mutable {
          if (worker_.joinable()) worker_.join();
          record_button_->setText(tr("Record"));
          if (!window) {
            last_error_ = why;
            status_->setText(QStringLiteral("<span style=\"color:#b00\">%1</span>").arg(why.toHtmlEscaped()));
            Q_EMIT failed(why);
            return;
          }
          last_error_.clear();
          playback_ = std::make_unique<TrafficPlayback>(std::move(*window));
          show_window();
          Q_EMIT recorded();
        },
        Qt::QueuedConnection);
  });
  return true;
}

void AnimationView::show_window() {
  const explain::TrafficWindow& w = playback_->window();
  explain::Journey drawing;  // the graph and the cores, without a packet of its own
  drawing.places = w.places;
  drawing.links = w.links;
  drawing.from = w.from;
  drawing.to = w.to;
  drawing.cores = w.cores;
  drawing.timeline = w.timeline;
  dots_.clear();  // the scene deletes its items
  graph_->set_journey(drawing);
  // The timeline three views wide: it scrolls with the clock.
  timeline_->set_journey(drawing, timeline_view_->viewport()->width() * 3.0 / font_scale_);
  fit();
  for (QPushButton* b : {back_, play_, step_button_}) b->setEnabled(true);
  seek(w.from);
}

// The graph fitted as Explain fits it (fit_readably); the timeline at the
// text's scale.
void AnimationView::fit() {
  timeline_view_->setTransform(QTransform::fromScale(font_scale_, font_scale_));
  if (!graph_->items().isEmpty()) fit_readably(graph_view_, font_scale_);
}

void AnimationView::set_font_scale(double scale) {
  font_scale_ = scale;
  if (playback_) {
    const core::Time keep = now_;
    show_window();
    seek(keep);
  } else {
    fit();
  }
}

core::Duration AnimationView::speed() const { return core::Microseconds(speed_->currentData().toInt()); }

void AnimationView::play() {
  if (!playback_) return;
  if (now_ >= playback_->to()) seek(playback_->from());
  play_->setText(tr("Pause"));
  timer_.start();
}

void AnimationView::pause() {
  timer_.stop();
  play_->setText(tr("Play"));
}

void AnimationView::advance(double wall_seconds) {
  if (!playback_) return;
  seek(now_ + core::Duration::from_seconds(speed().seconds() * wall_seconds));
  if (now_ >= playback_->to()) pause();
}

void AnimationView::seek(core::Time t) {
  if (!playback_) return;
  now_ = std::clamp(t, playback_->from(), playback_->to());
  const double span = (playback_->to() - playback_->from()).seconds();
  slider_->blockSignals(true);
  slider_->setValue(span > 0 ? static_cast<int>(1000 * (now_ - playback_->from()).seconds() / span) : 0);
  slider_->blockSignals(false);
  timeline_->mark(now_);
  timeline_view_->ensureVisible(timeline_->marker_x() - 1, timeline_->sceneRect().top(), 2, 1, 120, 0);
  draw();
}

void AnimationView::draw() {
  for (QGraphicsItem* dot : dots_) delete dot;
  dots_.clear();
  const explain::TrafficWindow& w = playback_->window();
  std::map<std::pair<int, int>, int> crowd;  // dots already at a spot, to set the next beside them
  size_t lost = 0;
  for (const explain::WindowPacket& p : w.packets) {
    lost += p.end == explain::WindowPacket::End::kDropped && p.end_at <= now_;
  }
  // A lost packet's cross stays half a second of playing, at least kDropLinger.
  const core::Duration linger =
      std::max(TrafficPlayback::kDropLinger, core::Duration::from_seconds(speed().seconds() * 0.5));
  const std::vector<TrafficPlayback::Position> positions = playback_->at(now_, linger);
  for (const TrafficPlayback::Position& at : positions) {
    const QPointF a = graph_->box_of(w.places[static_cast<size_t>(at.from_place)].name).center();
    const QPointF b = graph_->box_of(w.places[static_cast<size_t>(at.to_place)].name).center();
    QPointF c = a + (b - a) * at.fraction;
    const int n = crowd[{int(c.x()), int(c.y())}]++;
    c += QPointF((n % 6) * (kDot + 2) - 2.5 * (kDot + 2), (n / 6) * (kDot + 2));
    QGraphicsItem* item = nullptr;
    if (at.dropped) {
      QPainterPath cross;
      cross.moveTo(c + QPointF(-kDot / 2, -kDot / 2));
      cross.lineTo(c + QPointF(kDot / 2, kDot / 2));
      cross.moveTo(c + QPointF(kDot / 2, -kDot / 2));
      cross.lineTo(c + QPointF(-kDot / 2, kDot / 2));
      item = graph_->addPath(cross, QPen(QColor(0xd6, 0x27, 0x28), 3));
      item->setToolTip(tr("lost: %1 full").arg(QString::fromStdString(w.packets[at.packet].dropped_at)));
    } else {
      item = graph_->addEllipse(c.x() - kDot / 2, c.y() - kDot / 2, kDot, kDot, QPen(Qt::white, 1),
                                QBrush(kind_color(w.packets[at.packet].kind)));
      item->setToolTip(tr("%1, %2").arg(QString::fromStdString(w.packets[at.packet].flow),
                                        QString::fromStdString(w.packets[at.packet].kind)));
    }
    item->setZValue(20);
    dots_.push_back(item);
  }
  status_->setText(
      tr("%1 us after the window's start (%2 to %3 us after the run's start)")
          .arg(micros(now_ - w.from), micros(w.from - core::Time::zero()), micros(w.to - core::Time::zero())) +
      tr(" · %n packet(s) in sight", nullptr, static_cast<int>(positions.size())) +
      tr(" · %n lost so far", nullptr, static_cast<int>(lost)));
}

}  // namespace viosim::gui
