// MainWindow: actions, files, drag and drop, and wiring the views to the
// run controller.
#include "gui/app/main_window.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSaveFile>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>

#include "gui/app/animation_view.h"
#include "gui/app/explain_view.h"
#include "gui/app/glossary_dialog.h"
#include "gui/app/lesson_view.h"
#include "scenarios/loader/text_parse.h"
#include "scenarios/runner/run_chart_names.h"

namespace viosim::gui {

MainWindow::MainWindow(const MainWindowOptions& options, QWidget* parent)
    : QMainWindow(parent),
      options_(options),
      settings_(options.settings_file.isEmpty()
                    ? std::make_unique<QSettings>(QStringLiteral("viosim"), QStringLiteral("viosim-gui"))
                    : std::make_unique<QSettings>(options.settings_file, QSettings::IniFormat)),
      controller_(new RunController(this)),
      views_(new QTabWidget),
      editor_(new ScenarioEditor),
      results_(new ResultsView(controller_)),
      explain_(new ExplainView),
      lesson_(new LessonView),
      animation_(new AnimationView) {
  editor_->set_load_options(options.load);
  views_->addTab(editor_, tr("Scenario"));
  views_->addTab(results_, tr("Run"));
  views_->addTab(explain_, tr("Explain"));
  views_->addTab(animation_, tr("Animate"));
  views_->addTab(lesson_, tr("Lesson"));
  setCentralWidget(views_);
  setAcceptDrops(true);
  build_actions();
  resize(1280, 820);

  connect(editor_, &ScenarioEditor::modified_changed, this, [this] { update_title(); });
  connect(editor_, &ScenarioEditor::validated, this, [this](int errors) {
    if (errors > 0) statusBar()->showMessage(tr("%n error(s) in the scenario", nullptr, errors));
    else statusBar()->clearMessage();
  });
  // Text typed just now counts: validate it before explaining.
  explain_->set_scenario_source([this] { return editor_->resolved_now(); });
  connect(editor_, &ScenarioEditor::validated, explain_, [this] { explain_->scenario_changed(); });
  animation_->set_scenario_source([this] { return editor_->resolved_now(); });
  connect(editor_, &ScenarioEditor::validated, animation_, [this] { animation_->scenario_changed(); });
  connect(animation_, &AnimationView::failed, this,
          [this](const QString& why) { statusBar()->showMessage(why, 10000); });
  connect(explain_, &ExplainView::failed, this, [this](const QString& why) { statusBar()->showMessage(why, 10000); });
  connect(controller_, &RunController::state_changed, this, [this] { update_actions(); });
  connect(controller_, &RunController::failed, this, [this](const QString& why) {
    lesson_run_ended(false);
    fail(tr("The run failed: ") + why);
  });
  connect(controller_, &RunController::finished, this, [this] {
    lesson_run_ended(true);
    statusBar()->showMessage(tr("Run finished"), 5000);
  });
  connect(controller_, &RunController::cancelled, this, [this] {
    lesson_run_ended(false);
    statusBar()->showMessage(tr("Run cancelled"), 5000);
  });
  connect(lesson_, &LessonView::run_requested, this, [this](int row) { run_lesson_step(row); });
  connect(lesson_, &LessonView::look_requested, this, [this](const viosim::Look& look) { show_look(look); });
  connect(lesson_, &LessonView::glossary_requested, this, [this](const QString& term) { show_glossary(term); });
  connect(explain_, &ExplainView::glossary_requested, this, [this](const QString& term) { show_glossary(term); });
  update_title();
  update_actions();
}

MainWindow::~MainWindow() {
  if (presentation_) QApplication::setFont(normal_font_);
}

void MainWindow::set_presentation(bool on) {
  if (on == presentation_) return;
  if (on) normal_font_ = QApplication::font();
  presentation_ = on;
  const double scale = on ? kPresentationScale : 1.0;
  QFont font = normal_font_;
  font.setPointSizeF(normal_font_.pointSizeF() * scale);
  // The application's font, not the window's: item models' fonts (the
  // comparison table's bold best) and dialogs follow it too.
  QApplication::setFont(font);
  for (const auto& [name, panel] : results_->panels()) panel->set_font_scale(scale);
  explain_->set_font_scale(scale);
  animation_->set_font_scale(scale);
  editor_->text_editor()->set_font_scale(scale);
  presentation_action_->setChecked(on);
}

void MainWindow::build_actions() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open = file->addAction(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open..."), this,
                                  [this] { open_dialog(); });
  open->setShortcut(QKeySequence::Open);
  recent_menu_ = file->addMenu(tr("Open &Recent"));
  if (!options_.examples_dir.isEmpty() && QDir(options_.examples_dir).exists()) {
    QMenu* examples = file->addMenu(tr("&Examples"));
    QDir dir(options_.examples_dir);
    QStringList names;
    for (const QString& name : dir.entryList({QStringLiteral("*.textproto")}, QDir::Files, QDir::Name)) names << name;
    for (const QString& sub : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
      for (const QString& name : QDir(dir.filePath(sub)).entryList({QStringLiteral("*.textproto")}, QDir::Files, QDir::Name)) {
        names << sub + QLatin1Char('/') + name;
      }
    }
    for (const QString& name : names) {
      const QString path = dir.filePath(name);
      examples->addAction(name, this, [this, path] {
        if (confirm_discard()) open_file(path);
      });
    }
  }
  if (!options_.lessons_dir.isEmpty() && QDir(options_.lessons_dir).exists()) {
    QMenu* lessons = file->addMenu(tr("&Lessons"));
    const QDir dir(options_.lessons_dir);
    for (const QString& name : dir.entryList({QStringLiteral("*.textproto")}, QDir::Files, QDir::Name)) {
      const QString path = dir.filePath(name);
      lessons->addAction(name, this, [this, path] { open_lesson(path); });
    }
  }
  QAction* save_action = file->addAction(style()->standardIcon(QStyle::SP_DialogSaveButton), tr("&Save"), this,
                                         [this] { save(); });
  save_action->setShortcut(QKeySequence::Save);
  file->addAction(tr("Save &As..."), this, [this] { save_as(); })->setShortcut(QKeySequence::SaveAs);
  file->addSeparator();
  export_action_ = file->addAction(tr("&Export Chart..."), this, [this] { export_dialog(); });
  export_action_->setShortcut(QKeySequence(tr("Ctrl+E")));
  file->addAction(tr("Export Explained &Packet..."), this, [this] {
    views_->setCurrentWidget(explain_);
    explain_->export_dialog();
  });
  file->addSeparator();
  file->addAction(tr("&Quit"), this, [this] { close(); })->setShortcut(QKeySequence::Quit);

  QMenu* run_menu = menuBar()->addMenu(tr("&Run"));
  run_action_ = run_menu->addAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("&Run"), this, [this] { run(); });
  run_action_->setShortcuts({QKeySequence(tr("Ctrl+R")), QKeySequence(Qt::Key_F5)});
  cancel_action_ = run_menu->addAction(style()->standardIcon(QStyle::SP_MediaStop), tr("&Cancel"), this,
                                       [this] { cancel(); });
  cancel_action_->setShortcut(QKeySequence(tr("Ctrl+.")));

  QMenu* view = menuBar()->addMenu(tr("&View"));
  presentation_action_ = view->addAction(tr("&Presentation Mode"));
  presentation_action_->setCheckable(true);
  presentation_action_->setShortcut(QKeySequence(Qt::Key_F11));
  connect(presentation_action_, &QAction::toggled, this, [this](bool on) { set_presentation(on); });

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&Glossary"), this, [this] { show_glossary(); })->setShortcut(QKeySequence::HelpContents);
  help->addAction(tr("&Lessons"), this, [this] {
    views_->setCurrentWidget(lesson_);
    if (lesson_->model()->rowCount() == 0 && !options_.lessons_dir.isEmpty()) {
      const QString path =
          QFileDialog::getOpenFileName(this, tr("Open a lesson"), options_.lessons_dir, tr("Lessons (*.textproto)"));
      if (!path.isEmpty()) open_lesson(path);
    }
  });
  help->addAction(tr("&About viosim"), this, [this] {
    QMessageBox::about(this, tr("About viosim"),
                       tr("<b>viosim %1</b><p>A discrete-event simulator of virtualized network I/O: what happens "
                          "to every packet between a guest application and the wire, on each I/O path (emulated "
                          "e1000, virtio in QEMU, vhost-net, vhost-user, passthrough, vDPA) and on bare metal.</p>"
                          "<p>Lessons: File &gt; Lessons. Terms: Help &gt; Glossary (F1), or click a linked term. "
                          "Presentation mode: View &gt; Presentation Mode (F11).</p>")
                           .arg(QApplication::applicationVersion().toHtmlEscaped()));
  });

  QToolBar* bar = addToolBar(tr("Main"));
  bar->setObjectName(QStringLiteral("main_toolbar"));
  bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  bar->addAction(open);
  bar->addAction(save_action);
  bar->addSeparator();
  bar->addAction(run_action_);
  bar->addAction(cancel_action_);
  bar->addSeparator();
  bar->addAction(export_action_);
  rebuild_recent_menu();
}

void MainWindow::fail(const QString& message) {
  last_error_ = message;
  statusBar()->showMessage(message, 10000);
  // Not exec(): the window (and a test driving it) goes on while it shows.
  auto* box = new QMessageBox(QMessageBox::Warning, tr("viosim"), message, QMessageBox::Ok, this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
}

bool MainWindow::confirm_discard() {
  if (!options_.confirm_discard || !editor_->is_modified()) return true;
  const auto answer =
      QMessageBox::question(this, tr("viosim"), tr("The scenario has unsaved changes. Save them first?"),
                            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
  if (answer == QMessageBox::Discard) return true;
  if (answer != QMessageBox::Save) return false;
  save();  // Save As for an untitled scenario; cancelling it keeps the edits
  return !editor_->is_modified();
}

bool MainWindow::open_file(const QString& path) { return open_with(path, options_.load); }

bool MainWindow::open_with(const QString& path, const scenarios::LoadOptions& load) {
  std::string text;
  if (const auto why = scenarios::read_file(path.toStdString(), &text)) {
    fail(tr("Cannot open %1: %2").arg(path, QString::fromStdString(*why)));
    return false;
  }
  editor_->set_load_options(load);
  file_ = path;
  editor_->set_text(QString::fromStdString(text), path);
  add_recent(QFileInfo(path).absoluteFilePath());
  views_->setCurrentWidget(editor_);
  update_title();
  const size_t errors = editor_->error_count();
  statusBar()->showMessage(errors == 0 ? tr("Opened %1").arg(path)
                                       : tr("Opened %1: %n error(s), shown at their lines and fields", nullptr,
                                            static_cast<int>(errors)).arg(path),
                           8000);
  return true;
}

bool MainWindow::save_to(const QString& path) {
  QSaveFile out(path);
  if (!out.open(QIODevice::WriteOnly | QIODevice::Text)) {
    fail(tr("Cannot write %1: %2").arg(path, out.errorString()));
    return false;
  }
  out.write(editor_->text().toUtf8());
  if (!out.commit()) {
    fail(tr("Cannot write %1: %2").arg(path, out.errorString()));
    return false;
  }
  file_ = path;
  editor_->set_display_path(path);
  editor_->set_modified(false);
  add_recent(QFileInfo(path).absoluteFilePath());
  update_title();
  statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
  return true;
}

void MainWindow::open_dialog() {
  if (!confirm_discard()) return;
  const QString start = file_.isEmpty() ? options_.examples_dir : QFileInfo(file_).absolutePath();
  const QString path = QFileDialog::getOpenFileName(this, tr("Open scenario"), start,
                                                    tr("Scenarios (*.textproto);;All files (*)"));
  if (!path.isEmpty()) open_file(path);
}

void MainWindow::save() {
  if (file_.isEmpty()) save_as();
  else save_to(file_);
}

void MainWindow::save_as() {
  const QString path = QFileDialog::getSaveFileName(this, tr("Save scenario"), file_, tr("Scenarios (*.textproto)"));
  if (!path.isEmpty()) save_to(path);
}

bool MainWindow::run() {
  if (controller_->running()) return false;
  const scenarios::LoadResult loaded = editor_->validate();
  if (!loaded.ok()) {
    views_->setCurrentWidget(editor_);
    fail(tr("The scenario has %n error(s); they are listed under its text.", nullptr,
            static_cast<int>(loaded.diagnostics.size())));
    return false;
  }
  if (!controller_->start(*loaded.scenario, editor_->display_path().toStdString())) return false;
  views_->setCurrentWidget(results_);
  return true;
}

void MainWindow::cancel() { controller_->cancel(); }

GlossaryDialog* MainWindow::show_glossary(const QString& term) {
  if (glossary_ == nullptr) glossary_ = new GlossaryDialog(this);
  if (!term.isEmpty()) glossary_->show_term(term);
  glossary_->show();
  glossary_->raise();
  return glossary_;
}

bool MainWindow::open_lesson(const QString& path) {
  if (lesson_step_running_ >= 0) {
    fail(tr("A step of the lesson open now is running: cancel it (Ctrl+.) before opening %1").arg(path));
    return false;
  }
  const lesson::LessonLoad loaded = lesson::load_lesson(path.toStdString());
  if (!loaded.ok()) {
    fail(tr("Cannot open the lesson %1:\n%2")
             .arg(path, QString::fromStdString(scenarios::format_diagnostics(loaded.diagnostics))));
    return false;
  }
  lesson_->set_lesson(*loaded.lesson);
  views_->setCurrentWidget(lesson_);
  statusBar()->showMessage(tr("Opened the lesson %1").arg(path), 8000);
  return true;
}

bool MainWindow::run_lesson_step(int row) {
  const lesson::LessonStepPlan* step = lesson_->model()->step(row);
  if (step == nullptr || controller_->running() || !confirm_discard()) return false;
  if (!open_with(QString::fromStdString(step->scenario_file), step->options)) return false;
  if (!run()) return false;
  lesson_step_running_ = row;
  lesson_->step_started(row);
  return true;
}

void MainWindow::lesson_run_ended(bool finished) {
  const int row = lesson_step_running_;
  lesson_step_running_ = -1;
  const lesson::LessonStepPlan* step = lesson_->model()->step(row);
  if (step == nullptr) return;
  if (finished)
    lesson_->step_checked(row, lesson::check_step(*step, controller_->summary()));
  else
    lesson_->step_not_run(row);
}

void MainWindow::show_look(const viosim::Look& look) {
  switch (look.place_case()) {
    case viosim::Look::kChart:
      views_->setCurrentWidget(results_);
      results_->show_tab(look.chart());
      return;
    case viosim::Look::kFigure:
      views_->setCurrentWidget(results_);
      results_->show_tab("compare");
      return;
    case viosim::Look::kHop: {
      // The chart of the first direction the hop is on (the first chart if none).
      std::string_view chart = kHopCharts[0].name;
      for (const HopChart& h : kHopCharts) {
        bool on_it = false;
        for (const BackendResult& b : controller_->summary().backend()) {
          for (const Hop& hop : b.hops()) on_it = on_it || (hop.name() == look.hop() && hop.direction() == h.direction);
        }
        if (on_it) {
          chart = h.name;
          break;
        }
      }
      views_->setCurrentWidget(results_);
      results_->show_tab(std::string(chart));
      return;
    }
    case viosim::Look::kCore:
      views_->setCurrentWidget(explain_);
      explain_->timeline()->highlight_core(look.core());
      if (!explain_->journey()) {
        statusBar()->showMessage(tr("Explain a packet to see core %1's lane in the timeline").arg(look.core()), 8000);
      }
      return;
    case viosim::Look::PLACE_NOT_SET:
      return;
  }
}

bool MainWindow::export_current(const QString& path) {
  const std::string name = results_->current_name();
  if (name != "compare") return export_chart(name, path);
  QSaveFile out(path);
  if (!out.open(QIODevice::WriteOnly | QIODevice::Text)) {
    fail(tr("Cannot write %1: %2").arg(path, out.errorString()));
    return false;
  }
  out.write(results_->compare_model()->to_csv().toUtf8());
  if (!out.commit()) {
    fail(tr("Cannot write %1: %2").arg(path, out.errorString()));
    return false;
  }
  return true;
}

bool MainWindow::export_chart(const std::string& name, const QString& path) {
  charts::ChartPanel* panel = results_->panel(name);
  if (panel == nullptr) {
    fail(tr("There is no chart named %1").arg(QString::fromStdString(name)));
    return false;
  }
  try {
    panel->export_to(path);
  } catch (const std::exception& e) {
    fail(QString::fromStdString(e.what()));
    return false;
  }
  statusBar()->showMessage(tr("Wrote %1").arg(path), 5000);
  return true;
}

void MainWindow::export_dialog() {
  if (views_->currentWidget() == explain_) {
    explain_->export_dialog();
    return;
  }
  views_->setCurrentWidget(results_);
  const std::string name = results_->current_name();
  const bool table = name == "compare";
  const QString base = QFileInfo(file_).completeBaseName();
  const QString suggested = (base.isEmpty() ? QStringLiteral("viosim") : base) + QLatin1Char('_') +
                            QString::fromStdString(table ? "compare" : name) + (table ? ".csv" : ".png");
  const QString path = QFileDialog::getSaveFileName(
      this, table ? tr("Export the comparison table") : tr("Export chart"), suggested,
      table ? tr("CSV (*.csv)") : tr("PNG image (*.png);;SVG drawing (*.svg)"));
  if (path.isEmpty()) return;
  // A name typed without the suffix gets the one its format needs.
  const QString suffix = QFileInfo(path).suffix().toLower();
  const bool fits = table ? suffix == QLatin1String("csv") : suffix == QLatin1String("png") || suffix == QLatin1String("svg");
  export_current(fits ? path : path + (table ? QStringLiteral(".csv") : QStringLiteral(".png")));
}

QStringList MainWindow::recent_files() const { return settings_->value(QStringLiteral("recent_files")).toStringList(); }

void MainWindow::add_recent(const QString& path) {
  QStringList files = recent_files();
  files.removeAll(path);
  files.prepend(path);
  while (files.size() > kMaxRecentFiles) files.removeLast();
  settings_->setValue(QStringLiteral("recent_files"), files);
  settings_->sync();
  rebuild_recent_menu();
}

void MainWindow::rebuild_recent_menu() {
  recent_menu_->clear();
  const QStringList files = recent_files();
  for (const QString& path : files) {
    recent_menu_->addAction(path, this, [this, path] {
      if (confirm_discard()) open_file(path);
    });
  }
  recent_menu_->setEnabled(!files.isEmpty());
}

void MainWindow::update_title() {
  const QString name = file_.isEmpty() ? tr("untitled") : QFileInfo(file_).fileName();
  setWindowTitle(QStringLiteral("%1%2 - viosim").arg(name, editor_->is_modified() ? QStringLiteral(" *") : QString()));
}

void MainWindow::update_actions() {
  run_action_->setEnabled(!controller_->running());
  cancel_action_->setEnabled(controller_->state() == RunController::State::kRunning);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  for (const QUrl& url : event->mimeData()->urls()) {
    if (url.isLocalFile()) {
      event->acceptProposedAction();
      return;
    }
  }
}

void MainWindow::dropEvent(QDropEvent* event) {
  for (const QUrl& url : event->mimeData()->urls()) {
    if (!url.isLocalFile()) continue;
    event->acceptProposedAction();
    if (confirm_discard()) open_file(url.toLocalFile());
    return;
  }
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!confirm_discard()) {
    event->ignore();
    return;
  }
  controller_->cancel();  // the controller's destructor waits at most a slice for it
  event->accept();
}

}  // namespace viosim::gui
