// The Run view: progress of the run going on (which backend or sweep point,
// events per second, simulated time per second of wall time) above the
// charts. While a run goes on the throughput chart grows (sampled at 15 Hz
// from the engine's live feed) and the other charts fill in as each backend
// finishes; a sweep draws its load curves with confidence bands point by
// point. Every backend keeps its colour across all charts and the table
// that compares them side by side.
#pragma once

#include <QLabel>
#include <QProgressBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QWidget>
#include <deque>
#include <string>
#include <vector>

#include "gui/app/compare_model.h"
#include "gui/app/run_controller.h"
#include "gui/charts/chart_panel.h"
#include "gui/charts/live_charts.h"

class QComboBox;

namespace viosim::gui {

class ResultsView : public QWidget {
  Q_OBJECT

 public:
  static constexpr int kFrameRateHz = 15;

  explicit ResultsView(RunController* controller, QWidget* parent = nullptr);

  // The chart panels by name: "live", "latency_cdf", "cpu_by_category",
  // "mechanisms_per_packet", "latency_hops_to_guest", "latency_hops_from_guest",
  // "throughput_vs_load", "latency_vs_load" (the names of the exported files).
  charts::ChartPanel* panel(const std::string& name) const;
  const std::vector<std::pair<std::string, charts::ChartPanel*>>& panels() const { return panels_; }
  // The panel of the tab shown, or null (the comparison table).
  charts::ChartPanel* current_panel() const;
  // The name of the tab shown ("compare" for the table).
  std::string current_name() const;
  void show_tab(const std::string& name);

  QTabWidget* tabs() const { return tabs_; }
  CompareModel* compare_model() const { return compare_; }
  QTableView* compare_view() const { return table_; }
  QProgressBar* progress() const { return progress_; }
  QLabel* status() const { return status_; }
  charts::LiveThroughputChart* live_chart() const { return live_; }

  // Reads the live feed now (the timer does it kFrameRateHz times a second).
  void sample();

 private:
  // A chart tab: a short name (the tabs fit a projector's width), the long one as its tooltip.
  void add_panel(const std::string& name, const QString& tab, const QString& tip, const QString& placeholder);
  void run_started();
  void backend_finished();
  void run_ended(const QString& how);
  void rebuild_run_charts(const viosim::RunSummary& summary);
  void rebuild_sweep_charts();
  void set_sweep_mode(bool sweep);

  RunController* controller_;
  QProgressBar* progress_;
  QLabel* status_;
  QComboBox* flow_;  // which flow the latency CDF shows (a scenario may have several)
  QTabWidget* tabs_;
  QTableView* table_;
  CompareModel* compare_;
  charts::LiveThroughputChart* live_ = nullptr;  // shown by panel "live"
  std::vector<std::pair<std::string, charts::ChartPanel*>> panels_;
  QWidget* compare_page_;
  QTimer frame_timer_;
  bool sweep_dirty_ = false;
  // Recent samples for the rates: (wall s, events, simulated s).
  struct RatePoint {
    double wall_s, events, sim_s;
  };
  std::deque<RatePoint> recent_;
};

// "12.3 M", "870 k", "45": a rate for a label.
QString si_number(double value);

}  // namespace viosim::gui
