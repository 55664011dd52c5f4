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

#include "gui/app/explain_view.h"
#include "gui/app/main_window.h"
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
    for (const char* name : {"latency_cdf", "cpu_by_category", "mechanisms_per_packet", "hops_to_guest"}) {
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
