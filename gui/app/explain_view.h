// The Explain view: follow one packet through the path. Pick a backend, a
// flow and the packet's number, press Explain (the journey is computed on a
// worker thread by the explain library), then step through its hops with
// the buttons or the arrow keys: the path graph highlights where the packet
// is and the link that brought it there, the panel lists the time and the
// causes of the hop, and the core timeline marks the hop's instant. The
// journey exports as the text `viosim explain` prints.
#pragma once

#include <QComboBox>
#include <QGraphicsView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTreeWidget>
#include <QWidget>
#include <atomic>
#include <functional>
#include <optional>
#include <thread>

#include "gui/app/core_timeline_scene.h"
#include "gui/app/path_graph_scene.h"
#include "scenarios/explain/explain.h"
#include "scenarios/schema/viosim/scenario.pb.h"

namespace viosim::gui {

class ExplainView : public QWidget {
  Q_OBJECT

 public:
  // The scenario to explain: resolved, or nothing while it has errors.
  using ScenarioSource = std::function<std::optional<viosim::Scenario>()>;

  explicit ExplainView(QWidget* parent = nullptr);
  ~ExplainView() override;  // stops an explanation under way and waits for it

  // Stops the explanation under way (failed() follows); nothing otherwise.
  void stop();

  void set_scenario_source(ScenarioSource source) { source_ = std::move(source); }
  // The scenario changed: offer its backends and flows.
  void scenario_changed();

  // Explains packet `packet` (the N-th delivered after the warm-up) of
  // `backend` ("" the first compared) and `flow` ("" any) on a worker
  // thread; explained() or failed() follows. False if one is under way or
  // there is no valid scenario.
  bool explain(const std::string& backend, uint64_t packet, const std::string& flow);
  // The same with the choices of the controls.
  bool explain_selected();
  bool busy() const { return worker_.joinable(); }

  const std::optional<explain::Journey>& journey() const { return journey_; }
  int current_hop() const { return hop_; }
  int hop_count() const { return journey_ ? static_cast<int>(journey_->hops.size()) : 0; }
  void go_to_hop(int index);
  void next_hop() { go_to_hop(hop_ + 1); }
  void previous_hop() { go_to_hop(hop_ - 1); }

  // Text size relative to normal (presentation mode: larger): the graph and
  // the timeline are drawn that much larger.
  void set_font_scale(double scale);
  // How much the path graph is magnified now (fit_readably, in
  // resizing_view.h: the view scrolls and keeps the packet's place in sight).
  double graph_scale() const;
  QGraphicsView* graph_view() const { return graph_view_; }

  // Writes journey_text of the journey shown.
  bool export_text(const QString& path);
  void export_dialog();
  QString last_error() const { return last_error_; }

  PathGraphScene* graph() const { return graph_; }
  CoreTimelineScene* timeline() const { return timeline_; }
  QComboBox* backend_box() const { return backend_; }
  QComboBox* flow_box() const { return flow_; }
  QSpinBox* packet_box() const { return packet_; }
  QTreeWidget* causes() const { return causes_; }
  QLabel* hop_label() const { return hop_label_; }

 Q_SIGNALS:
  void explained();
  void failed(const QString& why);
  // A glossary term linked in the hop's text was clicked.
  void glossary_requested(const QString& term);

 protected:
  void keyPressEvent(QKeyEvent* event) override;

 private:
  void show_journey();
  void show_hop();
  void fit_views();
  void layout_timeline();
  void set_error(const QString& why);

  ScenarioSource source_;
  QComboBox* backend_;
  QComboBox* flow_;
  QSpinBox* packet_;
  QPushButton* explain_button_;
  QPushButton* stop_button_;
  QPushButton* previous_;
  QPushButton* next_;
  QPushButton* export_;
  QLabel* summary_;
  QLabel* hop_label_;
  QTreeWidget* causes_;
  PathGraphScene* graph_;
  QGraphicsView* graph_view_;
  CoreTimelineScene* timeline_;
  QGraphicsView* timeline_view_;
  std::thread worker_;
  std::atomic<bool> cancel_{false};  // asks the worker's explanation to stop
  std::optional<explain::Journey> journey_;
  int hop_ = -1;
  double font_scale_ = 1.0;
  QString last_error_;
};

}  // namespace viosim::gui
