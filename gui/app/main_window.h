// The viosim-gui window: the Scenario view (form beside text), the Run view
// (progress and charts) and the Explain view, with a File menu (open, open
// recent, examples, save, export a chart), a Run menu (run, cancel) and a
// toolbar with the same actions. Files open from the menu, the command
// line, or dropped on the window; recent files live in QSettings.
#pragma once

#include <QAction>
#include <QMainWindow>
#include <QMenu>
#include <QSettings>
#include <QTabWidget>
#include <memory>

#include "gui/app/results_view.h"
#include "gui/app/run_controller.h"
#include "gui/app/scenario_editor.h"
#include "scenarios/loader/loader.h"

namespace viosim::gui {

class ExplainView;

struct MainWindowOptions {
  // Where recent files are kept: an INI file, or "" for the user's settings.
  QString settings_file;
  // Ask before dropping unsaved edits (tests turn it off).
  bool confirm_discard = true;
  // `--set` overrides for every scenario opened.
  scenarios::LoadOptions load;
  // Folder of the example scenarios for File > Examples ("" for none).
  QString examples_dir;
};

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  static constexpr int kMaxRecentFiles = 8;

  explicit MainWindow(const MainWindowOptions& options = {}, QWidget* parent = nullptr);
  ~MainWindow() override;

  // Each returns false and sets last_error() (also shown to the user) on failure.
  bool open_file(const QString& path);
  bool save_to(const QString& path);
  // Validates the scenario and starts running it (a sweep if it has axes).
  bool run();
  void cancel();
  // Writes the chart of the Run view's current tab (PNG or SVG by the suffix),
  // or the comparison table as CSV when that tab shows.
  bool export_current(const QString& path);
  // Writes the named chart ("latency_cdf", ...; see ResultsView::panel).
  bool export_chart(const std::string& name, const QString& path);

  QString last_error() const { return last_error_; }
  QStringList recent_files() const;
  QString current_file() const { return file_; }

  ScenarioEditor* editor() const { return editor_; }
  ResultsView* results() const { return results_; }
  RunController* controller() const { return controller_; }
  ExplainView* explain() const { return explain_; }
  QTabWidget* views() const { return views_; }
  QAction* run_action() const { return run_action_; }
  QAction* cancel_action() const { return cancel_action_; }

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;
  void closeEvent(QCloseEvent* event) override;

 private:
  void build_actions();
  void open_dialog();
  void save();
  void save_as();
  void export_dialog();
  void add_recent(const QString& path);
  void rebuild_recent_menu();
  void update_title();
  void update_actions();
  bool confirm_discard();
  void fail(const QString& message);

  MainWindowOptions options_;
  std::unique_ptr<QSettings> settings_;
  RunController* controller_;
  QTabWidget* views_;
  ScenarioEditor* editor_;
  ResultsView* results_;
  ExplainView* explain_;
  QMenu* recent_menu_ = nullptr;
  QAction* run_action_ = nullptr;
  QAction* cancel_action_ = nullptr;
  QAction* export_action_ = nullptr;
  QString file_;
  QString last_error_;
};

}  // namespace viosim::gui
