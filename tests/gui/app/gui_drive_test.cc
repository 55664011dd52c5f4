// Drives the real window as a user would (Qt Test, under Xvfb in CI or
// offscreen): open an example, run it to the end with live charts, cancel a
// second run, export charts, follow errors to their line and field, keep
// form and text in step, run a sweep, and take screenshots of the main
// views that must show something. Runs use short --set durations.
#include <QApplication>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QMessageBox>
#include <QMimeData>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QUrl>
#include <QtTest>
#include <algorithm>
#include <map>

#include "gui/app/animation_view.h"
#include "gui/app/explain_view.h"
#include "gui/app/glossary_dialog.h"
#include "gui/app/lesson_view.h"
#include "gui/app/main_window.h"
#include "gui/app/resizing_view.h"
#include "gui/charts/chart_style.h"
#include "gui/charts/run_plots.h"

namespace viosim::gui {

class GuiDrive : public QObject {
  Q_OBJECT

 private:
  QString example(const QString& name) const {
    return QStringLiteral(VIOSIM_SOURCE_DIR "/scenarios/examples/") + name;
  }
  MainWindowOptions options(const std::vector<std::string>& set) const {
    MainWindowOptions o;
    o.settings_file = dir_.filePath(QStringLiteral("settings.ini"));
    o.confirm_discard = false;
    o.load.set = set;
    return o;
  }
  static void close_message_boxes(QWidget* window) {
    for (QMessageBox* box : window->findChildren<QMessageBox*>()) box->close();
  }
  // Non-blank: more than one colour, and enough pixels off the commonest
  // (the background) colour.
  static void check_screenshot(const QImage& image, QSize expected, const QString& name) {
    QCOMPARE(image.size(), expected);
    std::map<QRgb, int> counts;
    int samples = 0;
    for (int y = 0; y < image.height(); y += 3) {
      for (int x = 0; x < image.width(); x += 3) {
        ++counts[image.pixel(x, y)];
        ++samples;
      }
    }
    int background = 0;
    for (const auto& [colour, n] : counts) background = std::max(background, n);
    QVERIFY2(counts.size() > 20, qPrintable(name + ": too few colours"));
    const double drawn = 1.0 - double(background) / samples;
    QVERIFY2(drawn > 0.05, qPrintable(name + QStringLiteral(": only %1 of the pixels are drawn").arg(drawn)));
    const QByteArray out = qgetenv("VIOSIM_SCREENSHOT_DIR");
    if (!out.isEmpty()) QVERIFY(image.save(QString::fromLocal8Bit(out) + QStringLiteral("/gui-%1.png").arg(name)));
  }

  QTemporaryDir dir_;

 private Q_SLOTS:
  void initTestCase() { QVERIFY(dir_.isValid()); }

  void opensAnExampleAndRemembersIt() {
    MainWindow window(options({}));
    QVERIFY(window.open_file(example("compare_paths.textproto")));
    QCOMPARE(window.views()->currentWidget(), window.editor());
    QVERIFY(window.editor()->diagnostics().empty());
    QVERIFY(window.editor()->text().contains("VHOST_USER"));
    const QModelIndex name = window.editor()->form_model()->index_of_path("name", ScenarioFormModel::kValueColumn);
    QVERIFY(name.data().toString().startsWith("Compare paths"));
    QCOMPARE(window.recent_files().value(0), QFileInfo(example("compare_paths.textproto")).absoluteFilePath());
    // Another window reads the same settings: the recent file is still there.
    MainWindow later(options({}));
    QCOMPARE(later.recent_files().value(0), QFileInfo(example("compare_paths.textproto")).absoluteFilePath());
  }

  void aMissingFileIsRefusedWithAMessage() {
    MainWindow window(options({}));
    window.show();
    QVERIFY(!window.open_file(QStringLiteral("/no/such/scenario.textproto")));
    QVERIFY2(window.last_error().contains("No such file"), qPrintable(window.last_error()));
    QVERIFY(!window.findChildren<QMessageBox*>().isEmpty());
    close_message_boxes(&window);
  }

  // Closing with unsaved edits asks whether to save them first; Save writes
  // the file and closes, Cancel keeps the window and the edits.
  void unsavedEditsCanBeSavedOnClosing() {
    const QString path = dir_.filePath(QStringLiteral("edited.textproto"));
    QFile::remove(path);
    QVERIFY(QFile::copy(example("compare_paths.textproto"), path));
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    MainWindowOptions o = options({});
    o.confirm_discard = true;
    MainWindow window(o);
    QVERIFY(window.open_file(path));
    ScenarioFormModel* form = window.editor()->form_model();
    QVERIFY(form->setData(form->index_of_path("name", ScenarioFormModel::kValueColumn), "edited by the test"));
    QVERIFY(window.editor()->is_modified());
    const auto answer = [](QMessageBox::StandardButton button) {
      QTimer::singleShot(0, [button] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        QVERIFY(box != nullptr);
        QVERIFY(box->button(QMessageBox::Save) != nullptr);
        box->button(button)->click();
      });
    };
    answer(QMessageBox::Cancel);
    QVERIFY(!window.close());
    QVERIFY(window.editor()->is_modified());
    answer(QMessageBox::Save);
    QVERIFY(window.close());
    QVERIFY(!window.editor()->is_modified());
    QFile saved(path);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QVERIFY(saved.readAll().contains("edited by the test"));
  }

  void runsToTheEndWithLiveAndFinalCharts() {
    MainWindow window(options({"run.duration_ms=8", "run.warmup_ms=2"}));
    window.show();
    QVERIFY(window.open_file(example("compare_paths.textproto")));
    QSignalSpy finished(window.controller(), &RunController::finished);
    QSignalSpy backends(window.controller(), &RunController::backend_finished);
    QVERIFY(window.run());
    QCOMPARE(window.views()->currentWidget(), window.results());
    QVERIFY(!window.run_action()->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
    QVERIFY(window.run_action()->isEnabled());
    QCOMPARE(backends.count(), 7);
    const RunSummary& summary = window.controller()->summary();
    QCOMPARE(summary.backend_size(), 7);
    // The live chart got a line per backend, in its colour.
    for (const BackendResult& b : summary.backend()) {
      QLineSeries* line = window.results()->live_chart()->series_of(b.backend());
      QVERIFY2(line != nullptr, b.backend().c_str());
      QVERIFY(line->count() >= 20);
      QCOMPARE(line->pen().color(), charts::backend_color(b.backend()));
    }
    for (const char* name : {"latency_cdf", "cpu_by_category", "mechanisms_per_packet", "latency_hops_to_guest"}) {
      QVERIFY2(window.results()->panel(name)->has_chart(), name);
      QVERIFY(!window.results()->panel(name)->chart()->series().isEmpty());
    }
    QCOMPARE(window.results()->compare_model()->columnCount(), 7);
    QCOMPARE(window.results()->progress()->value(), window.results()->progress()->maximum());
    QVERIFY2(window.results()->status()->text().startsWith("Done"), qPrintable(window.results()->status()->text()));
  }

  void cancelsARunAtOnceAndTheWindowKeepsResponding() {
    MainWindow window(options({"run.duration_ms=8", "run.warmup_ms=2"}));
    window.show();
    QVERIFY(window.open_file(example("compare_paths.textproto")));
    QSignalSpy finished(window.controller(), &RunController::finished);
    QVERIFY(window.run());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);

    // The second run is long (ten simulated seconds per backend): cancel it
    // once the engine has published something.
    window.editor()->set_load_options({});
    QVERIFY(window.editor()->form_model()->setData(
        window.editor()->form_model()->index_of_path("run.duration_ms", ScenarioFormModel::kValueColumn), "10000"));
    QSignalSpy cancelled(window.controller(), &RunController::cancelled);
    int ticks = 0;
    qint64 longest_gap = 0;
    QElapsedTimer since_tick;
    since_tick.start();
    QTimer heartbeat;
    QObject::connect(&heartbeat, &QTimer::timeout, [&] {
      longest_gap = std::max(longest_gap, since_tick.restart());
      ++ticks;
    });
    heartbeat.start(20);
    QVERIFY(window.run());
    QTRY_VERIFY_WITH_TIMEOUT(window.controller()->feed().take().status.events > 0, 30000);
    QTest::qWait(300);
    QElapsedTimer cancelling;
    cancelling.start();
    window.cancel();
    QVERIFY(!window.cancel_action()->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(cancelled.count(), 1, 10000);
    const qint64 took = cancelling.elapsed();
    heartbeat.stop();
    QVERIFY(!window.controller()->running());
    QCOMPARE(finished.count(), 1);
    QVERIFY(window.controller()->summary().backend_size() < 7);
    QVERIFY2(window.results()->status()->text().startsWith("Cancelled"), qPrintable(window.results()->status()->text()));
    // Cancelling is answered within a slice (1 ms simulated), far below this.
    QVERIFY2(took < 5000, qPrintable(QString::number(took)));
    // The GUI thread was never blocked by the engine (loose: CI machines are busy).
    QVERIFY(ticks > 5);
    QVERIFY2(longest_gap < 2000, qPrintable(QString::number(longest_gap)));
    // And it can run again.
    window.editor()->set_load_options({{"run.duration_ms=4", "run.warmup_ms=1", "compare.backend=[VHOST_NET]"}, ""});
    QVERIFY(window.run());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
  }

  void exportsChartsAsPngAndSvgAndTheTableAsCsv() {
    MainWindow window(options({"run.duration_ms=5", "run.warmup_ms=1"}));
    window.show();
    QVERIFY(window.open_file(example("rr_64b_all_paths.textproto")));
    QSignalSpy finished(window.controller(), &RunController::finished);
    QVERIFY(window.run());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
    const QString png = dir_.filePath("cdf.png");
    const QString svg = dir_.filePath("cpu.svg");
    QVERIFY(window.export_chart("latency_cdf", png));
    QVERIFY(window.export_chart("cpu_by_category", svg));
    QImage image;
    QVERIFY(image.load(png));
    QCOMPARE(image.size(), charts::kDefaultPlotSize);
    QFile file(svg);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY(text.contains("<svg"));
    QVERIFY(text.contains("vhost-net"));
    // The chart of the tab shown, and the table when it shows.
    window.results()->show_tab("mechanisms_per_packet");
    QVERIFY(window.export_current(dir_.filePath("current.png")));
    QVERIFY(QFileInfo(dir_.filePath("current.png")).size() > 1000);
    window.results()->show_tab("compare");
    QVERIFY(window.export_current(dir_.filePath("compare.csv")));
    QFile csv(dir_.filePath("compare.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QVERIFY(csv.readLine().startsWith("figure,"));
    // A bad name or path is reported, not thrown.
    QVERIFY(!window.export_chart("latency_cdf", dir_.filePath("no/such/dir/x.png")));
    QVERIFY(!window.last_error().isEmpty());
    close_message_boxes(&window);
  }

  void errorsShowAtTheirLineAndFieldAndBlockTheRun() {
    const QString bad = dir_.filePath("bad.textproto");
    QFile out(bad);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write("name: \"bad pins\"\n"
              "host { cores: 4 }\n"
              "vm { name: \"vm0\" vcpus: 2 pin_cores: [1, 9] }\n"
              "traffic { flow { name: \"rr\" dst: \"vm0\" request_response {} } }\n");
    out.close();
    MainWindow window(options({}));
    window.show();
    QVERIFY(window.open_file(bad));  // opened, to be fixed in place
    ScenarioEditor* editor = window.editor();
    QVERIFY(!editor->diagnostics().empty());
    QCOMPARE(editor->diagnostics().size(), size_t(1));
    QCOMPARE(editor->text_editor()->error_lines().keys(), QList<int>{3});
    QVERIFY(editor->diagnostics_view()->count() >= 1);
    const QModelIndex pins = editor->form_model()->index_of_path("vm[0].pin_cores");
    QVERIFY(!pins.data(ScenarioFormModel::kErrorRole).toString().isEmpty());
    QVERIFY(!window.run());
    QVERIFY(window.last_error().contains("error"));
    QCOMPARE(window.views()->currentWidget(), editor);
    close_message_boxes(&window);
    // Clicking the error goes to its line and its field.
    editor->diagnostics_view()->setCurrentRow(0);
    Q_EMIT editor->diagnostics_view()->itemClicked(editor->diagnostics_view()->item(0));
    QCOMPARE(editor->text_editor()->textCursor().blockNumber() + 1, 3);
    QCOMPARE(editor->form_view()->currentIndex().siblingAtColumn(0), pins);
    // Fixing it in the form clears the marks.
    QVERIFY(editor->form_model()->setData(pins.siblingAtColumn(ScenarioFormModel::kValueColumn), "[1, 2]"));
    QVERIFY2(editor->diagnostics().empty(), scenarios::format_diagnostics(editor->diagnostics()).c_str());
    QVERIFY(editor->text_editor()->error_lines().isEmpty());
    QVERIFY(pins.data(ScenarioFormModel::kErrorRole).toString().isEmpty());
    QVERIFY(editor->is_modified());
    // A syntax error in the text is shown at its line; the form keeps the last good version.
    editor->text_editor()->setPlainText(editor->text() + "\nrun { duration_ms: }\n");
    QTRY_VERIFY(!editor->text_parses());
    QVERIFY(!editor->text_editor()->error_lines().isEmpty());
    QCOMPARE(editor->form_model()->scenario().vm(0).pin_cores(1), 2u);
  }

  // A message longer than the list is wide wraps onto more lines instead
  // of being cut off.
  void aLongErrorIsShownWhole() {
    MainWindow window(options({}));
    window.resize(1280, 720);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.editor()->set_text(QStringLiteral("name: \"x\"\nvm { name: \"vm0\" vcpus: 2 pin_cores: [0, 1] }\n"
                                             "traffic { flow { name: \"f\" src: \"external\" dst: \"no_such_vm_"
                                             "with_a_very_long_name_that_goes_on_and_on_and_on_and_on\" } }\n"),
                              QStringLiteral("long.textproto"));
    window.editor()->validate();
    QListWidget* list = window.editor()->diagnostics_view();
    QVERIFY(list->count() > 0);
    list->setFixedWidth(360);
    QApplication::processEvents();
    QListWidgetItem* item = list->item(0);
    for (int i = 1; i < list->count(); ++i) {
      if (list->item(i)->text().size() > item->text().size()) item = list->item(i);
    }
    const int one_line = list->fontMetrics().height();
    QVERIFY2(list->fontMetrics().horizontalAdvance(item->text()) > list->viewport()->width(), qPrintable(item->text()));
    QVERIFY2(list->visualItemRect(item).height() >= 2 * one_line,
             qPrintable(
                 QStringLiteral("%1 px high for %2 px lines").arg(list->visualItemRect(item).height()).arg(one_line)));
  }

  // A teacher follows a shipped lesson to its end: each step runs from its
  // button, checks as the lesson says, shows its answer and figures, and
  // each place to look at comes into view.
  void followsALessonToItsEnd() {
    // The window's own overrides (viosim-gui --set) are not the lesson's.
    MainWindow window(options({"seed=3"}));
    window.resize(1280, 720);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    // In front of a class: presentation mode, the projector's 1280x720.
    window.presentation_action()->trigger();
    QApplication::processEvents();
    QVERIFY(window.open_lesson(QStringLiteral(VIOSIM_SOURCE_DIR "/scenarios/lessons/vhost_net_vs_qemu.textproto")));
    LessonView* lesson = window.lesson();
    QCOMPARE(window.views()->currentWidget(), lesson);
    const int steps = lesson->model()->rowCount();
    QVERIFY(steps >= 2);
    for (int row = 0; row < steps; ++row) {
      QCOMPARE(lesson->current_step(), row);
      QVERIFY(!lesson->answer_shown());
      QSignalSpy finished(window.controller(), &RunController::finished);
      QTest::mouseClick(lesson->run_button(), Qt::LeftButton);
      QVERIFY(finished.wait(120000));
      QCOMPARE(lesson->model()->state(row), LessonModel::StepState::kAsSaid);
      QVERIFY(lesson->answer_shown());
      QTreeWidget* figures = lesson->figures();
      QCOMPARE(figures->topLevelItemCount(), lesson->model()->step(row)->step.question().expect_size());
      for (int k = 0; k < figures->topLevelItemCount(); ++k) {
        QCOMPARE(figures->topLevelItem(k)->text(4), QStringLiteral("as the lesson says"));
      }
      // Each place to look at comes into view.
      const lesson::LessonStepPlan* step = lesson->model()->step(row);
      for (size_t k = 0; k < lesson->look_buttons().size(); ++k) {
        const viosim::Look& look = step->step.look(static_cast<int>(k));
        QTest::mouseClick(lesson->look_buttons()[k], Qt::LeftButton);
        if (look.has_chart()) QCOMPARE(window.results()->current_name(), look.chart());
        if (look.has_figure()) QCOMPARE(window.results()->current_name(), std::string("compare"));
        if (look.has_hop()) QVERIFY(window.results()->current_name().find("latency_hops_") == 0);
        if (look.has_core()) QCOMPARE(window.views()->currentWidget(), window.explain());
        window.views()->setCurrentWidget(lesson);
      }
      if (row + 1 < steps) QTest::mouseClick(lesson->next_button(), Qt::LeftButton);
    }
    QVERIFY(!lesson->next_button()->isEnabled());
    // Its terms link to the glossary.
    QVERIFY2(lesson->step_text()->text().contains("href=\"glossary:"), qPrintable(lesson->step_text()->text()));
    Q_EMIT lesson->step_text()->linkActivated(QStringLiteral("glossary:vhost-net"));
    auto* glossary = window.findChild<GlossaryDialog*>();
    QVERIFY(glossary != nullptr && glossary->isVisible());
    QCOMPARE(glossary->shown_term(), QStringLiteral("vhost-net"));
    glossary->close();
    QCOMPARE(window.size(), QSize(1280, 720));
    check_screenshot(window.grab().toImage(), window.size() * window.devicePixelRatio(), QStringLiteral("lesson"));
    window.presentation_action()->trigger();
    // The editor holds the last step's scenario; opening a file as usual
    // drops the lesson's overrides.
    QVERIFY(window.editor()->display_path().endsWith("stream_virtio_backends.textproto"));
    QVERIFY(window.editor()->load_options().set.empty());
    QVERIFY(window.open_file(example("explain_rr.textproto")));
    QCOMPARE(window.editor()->load_options().set, std::vector<std::string>{"seed=3"});
  }

  // Presentation mode at 1280x720: every text larger, every view fits the
  // window, no button or label shorter than its text.
  void presentationModeFitsAProjector() {
    MainWindow window(options({"run.duration_ms=20", "run.warmup_ms=2"}));
    window.resize(1280, 720);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.open_lesson(QStringLiteral(VIOSIM_SOURCE_DIR "/scenarios/lessons/vhost_net_vs_qemu.textproto")));
    QSignalSpy finished(window.controller(), &RunController::finished);
    QTest::mouseClick(window.lesson()->run_button(), Qt::LeftButton);
    QVERIFY(finished.wait(120000));
    QVERIFY(window.explain()->explain("VHOST_NET", 0, ""));
    QSignalSpy explained(window.explain(), &ExplainView::explained);
    QVERIFY(explained.wait(120000));
    QCOMPARE(window.explain()->backend_box()->currentText(), QStringLiteral("VHOST_NET"));
    const double normal = QApplication::font().pointSizeF();
    const double chart_title = window.results()->panel("latency_cdf")->chart()->titleFont().pointSizeF();
    const double graph = window.explain()->graph_scale();

    // One key: F11 (triggered directly: under Xvfb without a window manager
    // the window may never become active to take the shortcut).
    QCOMPARE(window.presentation_action()->shortcut(), QKeySequence(Qt::Key_F11));
    window.presentation_action()->trigger();
    QApplication::processEvents();
    QVERIFY(window.presentation());
    QCOMPARE(QApplication::font().pointSizeF(), normal * MainWindow::kPresentationScale);
    QCOMPARE(window.results()->panel("latency_cdf")->chart()->titleFont().pointSizeF(),
             chart_title * MainWindow::kPresentationScale);
    QVERIFY(window.explain()->graph_scale() >= kMinGraphScale * MainWindow::kPresentationScale - 1e-9);
    QVERIFY(window.explain()->graph_scale() >= graph);
    QCOMPARE(window.lesson()->step_text()->font().pointSizeF(), normal * MainWindow::kPresentationScale);
    const QSize fits = window.minimumSizeHint();
    QVERIFY2(fits.width() <= 1280 && fits.height() <= 720,
             qPrintable(QStringLiteral("needs %1x%2").arg(fits.width()).arg(fits.height())));
    for (int tab = 0; tab < window.views()->count(); ++tab) {
      window.views()->setCurrentIndex(tab);
      QApplication::processEvents();
      const QString name = window.views()->tabText(tab).remove('&').toLower();
      QCOMPARE(window.size(), QSize(1280, 720));
      for (QWidget* w : window.findChildren<QWidget*>()) {
        if (!w->isVisible() || (!qobject_cast<QAbstractButton*>(w) && !qobject_cast<QLabel*>(w))) continue;
        if (qobject_cast<QTabBar*>(w->parentWidget()) != nullptr) {
          QFAIL(qPrintable(name + QStringLiteral(": the tabs do not fit; the tab bar scrolls")));
        }
        if (auto* label = qobject_cast<QLabel*>(w);
            label != nullptr && (label->wordWrap() || label->text().isEmpty())) {
          continue;
        }
        // Inside a scroll area a widget may lie outside the view: it scrolls, it is not cut.
        const QSize need = w->minimumSizeHint();
        QVERIFY2(w->width() >= need.width() && w->height() >= need.height(),
                 qPrintable(QStringLiteral("%1: %2 \"%3\" is %4x%5, needs %6x%7")
                                .arg(name, QString::fromLatin1(w->metaObject()->className()),
                                     qobject_cast<QAbstractButton*>(w) ? qobject_cast<QAbstractButton*>(w)->text()
                                                                       : qobject_cast<QLabel*>(w)->text())
                                .arg(w->width())
                                .arg(w->height())
                                .arg(need.width())
                                .arg(need.height())));
      }
      check_screenshot(window.grab().toImage(), window.size() * window.devicePixelRatio(),
                       QStringLiteral("presentation-%1").arg(name));
    }
    window.presentation_action()->trigger();
    QVERIFY(!window.presentation());
    QCOMPARE(QApplication::font().pointSizeF(), normal);
    QCOMPARE(window.results()->panel("latency_cdf")->chart()->titleFont().pointSizeF(), chart_title);
  }

  // A window of the run played on the graph: Step goes from one packet's
  // arrival to the next, and each arriving packet's dot sits on its
  // place's box; playing moves the clock at the chosen speed and the
  // cores' timeline with it.
  void animatesARecordedWindowHopByHop() {
    MainWindow window(options({}));
    window.resize(1280, 720);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.open_file(example("explain_rr.textproto")));
    AnimationView* animation = window.animation();
    window.views()->setCurrentWidget(animation);
    QSignalSpy recorded(animation, &AnimationView::recorded);
    QVERIFY(animation->record("VHOST_NET", core::Duration::zero(), core::Microseconds(200)));
    QVERIFY(recorded.wait(120000));
    const TrafficPlayback* playback = animation->playback();
    QVERIFY(playback != nullptr);
    QVERIFY(playback->events().size() >= 10);
    QCOMPARE(animation->now(), playback->from());
    const explain::TrafficWindow& w = playback->window();
    for (int k = 0; k < 10; ++k) {
      const core::Time before = animation->now();
      animation->step();
      QCOMPARE(animation->now(), playback->next_event(before));
      const auto arrivals = playback->arrivals(animation->now());
      QVERIFY(!arrivals.empty());
      // A dot lies on the box of the place each arriving packet reached
      // (unless it was delivered and left at that very instant: no, it
      // stays at its last place up to its delivery).
      for (const auto& [packet, hop] : arrivals) {
        const QRectF box = animation->graph()->box_of(w.packets[packet].hops[hop].place);
        QVERIFY(!box.isEmpty());
        bool on_it = false;
        for (QGraphicsItem* dot : animation->dots()) on_it = on_it || box.contains(dot->sceneBoundingRect().center());
        QVERIFY2(on_it, qPrintable(QString::fromStdString(w.packets[packet].hops[hop].place)));
      }
    }
    animation->step_back();
    QVERIFY(animation->now() < playback->events()[10]);
    // Playing: a second of it at 5 us/s moves the clock 5 us; the timeline's
    // marker follows.
    const core::Time at = animation->now();
    const double marker = animation->timeline()->marker_x();
    animation->advance(1.0);
    QCOMPARE(animation->now(), std::min(playback->to(), at + animation->speed()));
    QVERIFY(animation->timeline()->marker_x() > marker);
    animation->play();
    QVERIFY(animation->playing());
    QTest::qWait(200);
    QVERIFY(animation->now() > at + animation->speed());
    animation->pause();
    check_screenshot(window.grab().toImage(), window.size() * window.devicePixelRatio(), QStringLiteral("animate"));
    // A window outside the run is refused with a message.
    QSignalSpy failed(animation, &AnimationView::failed);
    QVERIFY(animation->record("VHOST_NET", core::Milliseconds(100), core::Microseconds(200)));
    QVERIFY(failed.wait(120000));
    QVERIFY2(animation->last_error().contains("outside the run"), qPrintable(animation->last_error()));
  }

  void aBadLessonIsRefusedWithItsErrors() {
    MainWindow window(options({}));
    QVERIFY(!window.open_lesson(QStringLiteral(VIOSIM_SOURCE_DIR "/tests/lesson/invalid/bad_looks.textproto")));
    QVERIFY2(window.last_error().contains("bad_looks.textproto:8:3: error: step 1: look: no chart"),
             qPrintable(window.last_error()));
    QCOMPARE(window.lesson()->model()->rowCount(), 0);
    close_message_boxes(&window);
  }

  void formAndTextStayInStep() {
    MainWindow window(options({}));
    window.show();
    QVERIFY(window.open_file(example("compare_paths.textproto")));
    ScenarioEditor* editor = window.editor();
    ScenarioFormModel* form = editor->form_model();
    // Form -> text: the value appears, the file's comments stay.
    QVERIFY(form->setData(form->index_of_path("vm[0].vcpus", ScenarioFormModel::kValueColumn), "3"));
    QVERIFY(editor->text().contains("vcpus: 3"));
    QVERIFY(editor->text().startsWith("# proto-file: scenarios/schema/viosim/scenario.proto"));
    QVERIFY(editor->text().contains("# What it shows"));
    // Text -> form, after the pause that lets typing finish.
    QString text = editor->text();
    text.replace("vcpus: 3", "vcpus: 4");
    editor->text_editor()->setPlainText(text);
    QTRY_COMPARE(form->index_of_path("vm[0].vcpus", ScenarioFormModel::kValueColumn).data().toString(), QString("4"));
    QVERIFY(window.windowTitle().contains("*"));
    // Saving writes the text and clears the mark.
    const QString saved = dir_.filePath("saved.textproto");
    QVERIFY(window.save_to(saved));
    QVERIFY(!window.windowTitle().contains("*"));
    QFile file(saved);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll().contains("vcpus: 4"));
  }

  void dropping_a_file_opens_it() {
    MainWindow window(options({}));
    window.show();
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(example("load_curve.textproto"))});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &drop);
    QCOMPARE(window.current_file(), example("load_curve.textproto"));
    QVERIFY(window.editor()->text().contains("sweep"));
  }

  void runsASweepAndDrawsItsLoadCurves() {
    MainWindow window(options({"run.duration_ms=3", "run.warmup_ms=1", "sweep.axis[0].range.to=180000",
                               "sweep.replications=2"}));
    window.show();
    QVERIFY(window.open_file(example("load_curve.textproto")));
    QSignalSpy finished(window.controller(), &RunController::finished);
    QSignalSpy points(window.controller(), &RunController::point_finished);
    QVERIFY(window.run());
    QVERIFY(window.controller()->sweeping());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
    QCOMPARE(points.count(), 2 * 3 * 2);  // axis points x backends x replications
    QCOMPARE(window.results()->current_name(), std::string("throughput_vs_load"));
    for (const char* name : {"throughput_vs_load", "latency_vs_load"}) {
      QVERIFY2(window.results()->panel(name)->has_chart(), name);
      QVERIFY(window.results()->panel(name)->chart()->series().size() >= 3);
    }
    QTabWidget* tabs = window.results()->tabs();
    QVERIFY(!tabs->isTabVisible(tabs->indexOf(window.results()->panel("latency_cdf"))));
    QVERIFY(window.export_chart("latency_vs_load", dir_.filePath("sweep.svg")));
  }

  void explainsAPacketHopByHop() {
    MainWindow window(options({}));
    window.resize(1280, 820);
    window.show();
    QVERIFY(window.open_file(example("explain_rr.textproto")));
    ExplainView* view = window.explain();
    window.views()->setCurrentWidget(view);
    QVERIFY(view->backend_box()->findText("VHOST_NET") >= 0);
    QVERIFY(view->flow_box()->findText("rr") >= 0);
    view->backend_box()->setCurrentText("VHOST_NET");
    view->packet_box()->setValue(1);
    QSignalSpy explained(view, &ExplainView::explained);
    QVERIFY(view->explain_selected());
    QTRY_COMPARE_WITH_TIMEOUT(explained.count(), 1, 60000);

    // What the library says of the same packet.
    const explain::Journey expected = explain::explain_packet(*window.editor()->resolved(), {"VHOST_NET", 1, ""});
    QVERIFY(expected.hops.size() >= 4);
    QCOMPARE(view->hop_count(), int(expected.hops.size()));
    QCOMPARE(view->current_hop(), 0);
    QCOMPARE(view->graph()->highlighted_place(), expected.hops[0].place);
    // Places sit in the column of their kind.
    const auto& columns = PathGraphScene::column_names();
    for (const explain::PathPlace& p : expected.places) {
      const auto known = std::find(columns.begin(), columns.end(), p.where);
      if (known != columns.end()) QCOMPARE(view->graph()->column_of(p.name), int(known - columns.begin()));
    }
    // Stepping with the keys: graph, timeline marker and causes follow.
    double last_x = view->timeline()->marker_x();
    for (size_t i = 1; i < expected.hops.size(); ++i) {
      QTest::keyClick(view, Qt::Key_Right);
      QCOMPARE(view->current_hop(), int(i));
      QCOMPARE(view->graph()->highlighted_place(), expected.hops[i].place);
      QCOMPARE(view->timeline()->marked(), expected.hops[i].at);
      QVERIFY(view->timeline()->marker_x() >= last_x);
      last_x = view->timeline()->marker_x();
      // A row per cause (or one saying there is none), and one each for
      // the earlier and the elsewhere events when there are some.
      const explain::Hop& hop = expected.hops[i];
      QCOMPARE(view->causes()->topLevelItemCount(),
               std::max<int>(1, int(hop.causes.size())) + (hop.earlier > 0 ? 1 : 0) + (hop.elsewhere > 0 ? 1 : 0));
      QVERIFY(view->hop_label()->text().contains(QString::fromStdString(expected.hops[i].place).toHtmlEscaped()));
    }
    QVERIFY(last_x > view->timeline()->x_of(expected.from));
    QTest::keyClick(view, Qt::Key_Right);  // stays on the last hop
    QCOMPARE(view->current_hop(), int(expected.hops.size()) - 1);
    QTest::keyClick(view, Qt::Key_Left);
    QCOMPARE(view->current_hop(), int(expected.hops.size()) - 2);
    QTest::keyClick(view, Qt::Key_Home);
    QCOMPARE(view->current_hop(), 0);
    // A core that worked for the packet has a row.
    QVERIFY(!view->timeline()->rows().empty());

    // The journey exports as the text `viosim explain` prints.
    const QString path = dir_.filePath("packet1.txt");
    QVERIFY(view->export_text(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll().toStdString(), explain::journey_text(expected));
    view->go_to_hop(2);
    QApplication::processEvents();
    check_screenshot(window.grab().toImage(), window.size() * window.devicePixelRatio(), "explain");

    // A packet beyond those delivered: a message, and the last journey stays.
    QSignalSpy failed(view, &ExplainView::failed);
    view->packet_box()->setValue(10'000'000);
    QVERIFY(view->explain_selected());
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 60000);
    QVERIFY(!view->last_error().isEmpty());
    QCOMPARE(view->hop_count(), int(expected.hops.size()));
  }

  void screenshotsOfTheMainViewsShowSomething() {
    MainWindow window(options({"run.duration_ms=8", "run.warmup_ms=2"}));
    window.resize(1280, 820);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.open_file(example("compare_paths.textproto")));
    window.editor()->form_view()->expandToDepth(1);
    QApplication::processEvents();
    const QSize size = window.size() * window.devicePixelRatio();
    check_screenshot(window.grab().toImage(), size, "scenario");
    QSignalSpy finished(window.controller(), &RunController::finished);
    QVERIFY(window.run());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
    for (const char* tab : {"live", "latency_cdf", "cpu_by_category", "mechanisms_per_packet", "compare"}) {
      window.results()->show_tab(tab);
      QApplication::processEvents();
      check_screenshot(window.grab().toImage(), size, QString::fromUtf8(tab));
    }
  }
};

}  // namespace viosim::gui

QTEST_MAIN(viosim::gui::GuiDrive)
#include "gui_drive_test.moc"
