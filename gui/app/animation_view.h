// The Animate view: packets moving hop by hop on the path graph. Record a
// window of the run (a backend, where it starts after the warm-up, how
// long) on a worker thread (Record turns into Stop meanwhile), then play it: Play / Pause, Step and Step
// back (to the next or previous instant a packet reaches a place), and
// the speed in simulated microseconds per second. Each packet is a dot
// travelling between places (blue requests, green responses, purple
// data); a lost packet leaves a red cross where it was lost; the cores'
// timeline below scrolls with the clock. It plays the recorded trace: the
// engine is never slowed.
#pragma once

#include <QComboBox>
#include <QGraphicsView>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QTimer>
#include <QWidget>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

#include "gui/app/core_timeline_scene.h"
#include "gui/app/path_graph_scene.h"
#include "gui/app/traffic_playback.h"
#include "scenarios/schema/viosim/scenario.pb.h"

class QGraphicsItem;

namespace viosim::gui {

class AnimationView : public QWidget {
  Q_OBJECT

 public:
  using ScenarioSource = std::function<std::optional<viosim::Scenario>()>;
  static constexpr int kFrameRateHz = 30;

  explicit AnimationView(QWidget* parent = nullptr);
  ~AnimationView() override;  // stops a recording under way and waits for it

  void set_scenario_source(ScenarioSource source) { source_ = std::move(source); }
  // The scenario changed: offer its backends.
  void scenario_changed();

  // Records `length` of `backend` ("" the first compared) from `after`
  // past the warm-up, on a worker thread; recorded() or failed() follows.
  // False if one is under way or there is no valid scenario.
  bool record(const std::string& backend, core::Duration after, core::Duration length);
  bool record_selected();
  bool busy() const { return worker_.joinable(); }

  const TrafficPlayback* playback() const { return playback_.get(); }
  core::Time now() const { return now_; }
  void seek(core::Time t);
  void step() {
    if (playback_) seek(playback_->next_event(now_));
  }
  void step_back() {
    if (playback_) seek(playback_->previous_event(now_));
  }
  void play();
  void pause();
  bool playing() const { return timer_.isActive(); }
  // Simulated time per second of wall time while playing.
  core::Duration speed() const;
  // Moves the clock on by `wall_seconds` of playing (what each frame does).
  void advance(double wall_seconds);

  // Text size relative to normal (presentation mode): the graph and the
  // timeline are magnified so much.
  void set_font_scale(double scale);
  double graph_scale() const { return graph_view_->transform().m11(); }

  PathGraphScene* graph() const { return graph_; }
  CoreTimelineScene* timeline() const { return timeline_; }
  QComboBox* backend_box() const { return backend_; }
  QComboBox* speed_box() const { return speed_; }
  QPushButton* record_button() const { return record_button_; }
  QPushButton* play_button() const { return play_; }
  QLabel* status() const { return status_; }
  // The dots drawn now, one per packet in sight (a cross for one lost).
  const std::vector<QGraphicsItem*>& dots() const { return dots_; }
  QString last_error() const { return last_error_; }

 Q_SIGNALS:
  void recorded();
  void failed(const QString& why);

 private:
  void show_window();
  void fit();
  void draw();

  ScenarioSource source_;
  QComboBox* backend_;
  QSpinBox* after_us_;
  QSpinBox* length_us_;
  QPushButton* record_button_;
  QPushButton* back_;
  QPushButton* play_;
  QPushButton* step_button_;
  QComboBox* speed_;
  QSlider* slider_;
  QLabel* status_;
  PathGraphScene* graph_;
  QGraphicsView* graph_view_;
  CoreTimelineScene* timeline_;
  QGraphicsView* timeline_view_;
  QTimer timer_;
  std::thread worker_;
  std::atomic<bool> cancel_{false};
  std::unique_ptr<TrafficPlayback> playback_;
  core::Time now_;
  std::vector<QGraphicsItem*> dots_;
  QString last_error_;
  double font_scale_ = 1.0;
};

}  // namespace viosim::gui
