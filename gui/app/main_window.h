// The viosim-gui window: the Scenario view (form beside text), the Run view
// (progress and charts), the Explain view and the Lesson view, with a File
// menu (open, open recent, examples, lessons, save, export a chart), a Run
// menu (run, cancel) and a toolbar with the same actions. Files open from the menu, the command
// line, or dropped on the window; recent files live in QSettings.
#pragma once

#include <QAction>
#include <QFont>
#include <QMainWindow>
#include <QMenu>
#include <QSettings>
#include <QTabWidget>
#include <memory>

#include "gui/app/results_view.h"
#include "gui/app/run_controller.h"
#include "gui/app/scenario_editor.h"
#include "scenarios/loader/loader.h"
#include "scenarios/schema/viosim/lesson.pb.h"

namespace viosim::gui {

class AnimationView;
class ExplainView;
class GlossaryDialog;
class LessonView;

struct MainWindowOptions {
  // Where recent files are kept: an INI file, or "" for the user's settings.
  QString settings_file;
  // Ask before dropping unsaved edits (tests turn it off).
  bool confirm_discard = true;
  // `--set` overrides for every scenario opened.
  scenarios::LoadOptions load;
  // Folder of the example scenarios for File > Examples ("" for none).
  QString examples_dir;
  // Folder of the lessons for File > Lessons ("" for none).
  QString lessons_dir;
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
  // Loads a lesson into the Lesson view (errors: as open_file).
  bool open_lesson(const QString& path);
  // Opens step `row`'s scenario with its overrides and runs it; the Lesson
  // view shows its check when the run ends.
  bool run_lesson_step(int row);
  // Brings what a lesson's step points at into view: a chart's tab, the
  // comparison table for a figure, the hop's chart, the core's lane in the
  // Explain view.
  void show_look(const viosim::Look& look);

  QString last_error() const { return last_error_; }
  QStringList recent_files() const;
  QString current_file() const { return file_; }

  ScenarioEditor* editor() const { return editor_; }
  ResultsView* results() const { return results_; }
  RunController* controller() const { return controller_; }
  ExplainView* explain() const { return explain_; }
  LessonView* lesson() const { return lesson_; }
  AnimationView* animation() const { return animation_; }
  // Help > Glossary (F1), at `term` when given; created on first use.
  GlossaryDialog* show_glossary(const QString& term = QString());
  QTabWidget* views() const { return views_; }
  QAction* run_action() const { return run_action_; }
  QAction* presentation_action() const { return presentation_action_; }

  // Presentation mode (View menu, F11): text kPresentationScale times its
  // normal size everywhere, charts, the scenario text and the Explain
  // graph and timeline included, for a projector at 1280x720.
  static constexpr double kPresentationScale = 1.5;
  void set_presentation(bool on);
  bool presentation() const { return presentation_; }
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
  bool open_with(const QString& path, const scenarios::LoadOptions& load);
  void lesson_run_ended(bool finished);

  MainWindowOptions options_;
  std::unique_ptr<QSettings> settings_;
  RunController* controller_;
  QTabWidget* views_;
  ScenarioEditor* editor_;
  ResultsView* results_;
  ExplainView* explain_;
  LessonView* lesson_;
  AnimationView* animation_;
  GlossaryDialog* glossary_ = nullptr;
  int lesson_step_running_ = -1;  // the Lesson view's step whose run goes on
  QMenu* recent_menu_ = nullptr;
  QAction* run_action_ = nullptr;
  QAction* cancel_action_ = nullptr;
  QAction* export_action_ = nullptr;
  QAction* presentation_action_ = nullptr;
  bool presentation_ = false;
  QFont normal_font_;  // the application's font before presentation mode
  QString file_;
  QString last_error_;
};

}  // namespace viosim::gui
