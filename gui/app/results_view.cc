// ResultsView: the sampling timer, the rates, and rebuilding charts from
// what the controller has received.
#include "gui/app/results_view.h"

#include <QComboBox>
#include <QHeaderView>
#include <QSignalBlocker>
#include <QVBoxLayout>
#include <algorithm>

#include "gui/app/sweep_results.h"
#include "gui/charts/chart_style.h"
#include "gui/charts/run_charts.h"
#include "gui/charts/sweep_charts.h"
#include "scenarios/runner/run_chart_names.h"

namespace viosim::gui {
namespace {

constexpr double kRateWindowS = 1.0;  // rates are averaged over about this much wall time

const char* const kRunPanels[] = {"live",
                                  "latency_cdf",
                                  "cpu_by_category",
                                  "mechanisms_per_packet",
                                  "latency_hops_to_guest",
                                  "latency_hops_from_guest"};
const char* const kSweepPanels[] = {"throughput_vs_load", "latency_vs_load"};

}  // namespace

QString si_number(double value) {
  if (value >= 1e9) return QString::number(value / 1e9, 'f', 2) + QStringLiteral(" G");
  if (value >= 1e6) return QString::number(value / 1e6, 'f', 2) + QStringLiteral(" M");
  if (value >= 1e3) return QString::number(value / 1e3, 'f', 1) + QStringLiteral(" k");
  return QString::number(value, 'f', value < 10 ? 2 : 0) + QStringLiteral(" ");
}

ResultsView::ResultsView(RunController* controller, QWidget* parent)
    : QWidget(parent),
      controller_(controller),
      progress_(new QProgressBar),
      status_(new QLabel(tr("Open a scenario and press Run (Ctrl+R)."))),
      flow_(new QComboBox),
      tabs_(new QTabWidget),
      table_(new QTableView),
      compare_(new CompareModel(this)),
      compare_page_(new QWidget) {
  progress_->setRange(0, 1000);
  progress_->setValue(0);
  progress_->setTextVisible(true);
  progress_->setFormat(QStringLiteral("%p%"));
  status_->setTextFormat(Qt::PlainText);
  status_->setWordWrap(true);  // a run's warnings can be long: wrap, never widen the window

  add_panel("live", tr("Live"), tr("Throughput while the run goes on"),
            tr("Throughput appears here while a run goes on"));
  live_ = new charts::LiveThroughputChart;
  panel("live")->set_chart(std::unique_ptr<QChart>(live_));
  add_panel("latency_cdf", tr("Latency"), tr("Latency distribution (CDF) of each backend"),
            tr("The latency distribution appears when a backend finishes"));
  add_panel("cpu_by_category", tr("CPU"), tr("Where the CPU went, by category"),
            tr("Where the CPU went appears when a backend finishes"));
  add_panel("mechanisms_per_packet", tr("Mechanisms"), tr("Exits, interrupts, syscalls and wake-ups per packet"),
            tr("Mechanisms per packet appear when a backend finishes"));
  add_panel("latency_hops_to_guest", tr("Hops in"), tr("Where the time goes from the wire to the guest"),
            tr("The journey hop by hop appears when a backend finishes"));
  add_panel("latency_hops_from_guest", tr("Hops out"), tr("Where the time goes from the guest to the wire"),
            tr("The journey hop by hop appears when a backend finishes"));
  table_->setModel(compare_);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  table_->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  auto* compare_layout = new QVBoxLayout(compare_page_);
  compare_layout->setContentsMargins(0, 0, 0, 0);
  compare_layout->addWidget(table_);
  tabs_->addTab(compare_page_, tr("Compare"));
  tabs_->setTabToolTip(tabs_->indexOf(compare_page_), tr("The backends' figures side by side"));
  add_panel("throughput_vs_load", tr("Throughput vs load"), tr("The sweep's load curves: throughput"),
            tr("The sweep's curves appear as its points finish"));
  add_panel("latency_vs_load", tr("Latency vs load"), tr("The sweep's load curves: latency"),
            tr("The sweep's curves appear as its points finish"));
  set_sweep_mode(false);

  flow_->setToolTip(tr("The flow whose latency distribution the Latency CDF tab shows: each flow keeps its own "
                       "(round trip for request/response, one way for streams)"));
  flow_->setEnabled(false);
  connect(flow_, &QComboBox::currentIndexChanged, this, [this](int index) {
    const viosim::RunSummary& s = controller_->summary();
    if (index >= 0 && s.backend_size() > 0) panel("latency_cdf")->set_chart(charts::latency_cdf_chart(s, index));
  });
  auto* top = new QHBoxLayout;
  top->addWidget(progress_, 1);
  top->addWidget(new QLabel(tr("Flow:")));
  top->addWidget(flow_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addLayout(top);
  layout->addWidget(status_);
  layout->addWidget(tabs_, 1);

  frame_timer_.setInterval(1000 / kFrameRateHz);
  connect(&frame_timer_, &QTimer::timeout, this, [this] { sample(); });
  connect(controller_, &RunController::started, this, [this] { run_started(); });
  connect(controller_, &RunController::backend_finished, this, [this] { backend_finished(); });
  connect(controller_, &RunController::point_finished, this, [this] { sweep_dirty_ = true; });
  connect(controller_, &RunController::finished, this, [this] { run_ended(tr("Done")); });
  connect(controller_, &RunController::cancelled, this, [this] { run_ended(tr("Cancelled")); });
  connect(controller_, &RunController::failed, this, [this](const QString& why) { run_ended(tr("Failed: ") + why); });
}

void ResultsView::add_panel(const std::string& name, const QString& tab, const QString& tip,
                            const QString& placeholder) {
  auto* panel = new charts::ChartPanel(placeholder);
  panels_.emplace_back(name, panel);
  tabs_->setTabToolTip(tabs_->addTab(panel, tab), tip);
}

charts::ChartPanel* ResultsView::panel(const std::string& name) const {
  for (const auto& [n, p] : panels_) {
    if (n == name) return p;
  }
  return nullptr;
}

charts::ChartPanel* ResultsView::current_panel() const {
  return dynamic_cast<charts::ChartPanel*>(tabs_->currentWidget());
}

std::string ResultsView::current_name() const {
  for (const auto& [n, p] : panels_) {
    if (p == tabs_->currentWidget()) return n;
  }
  return "compare";
}

void ResultsView::show_tab(const std::string& name) {
  if (name == "compare") tabs_->setCurrentWidget(compare_page_);
  if (charts::ChartPanel* p = panel(name)) tabs_->setCurrentWidget(p);
}

void ResultsView::set_sweep_mode(bool sweep) {
  for (const char* name : kRunPanels) tabs_->setTabVisible(tabs_->indexOf(panel(name)), !sweep);
  tabs_->setTabVisible(tabs_->indexOf(compare_page_), !sweep);
  for (const char* name : kSweepPanels) tabs_->setTabVisible(tabs_->indexOf(panel(name)), sweep);
}

void ResultsView::run_started() {
  const bool sweep = controller_->sweeping();
  set_sweep_mode(sweep);
  recent_.clear();
  sweep_dirty_ = false;
  live_->clear_points();
  for (const auto& [name, p] : panels_) {
    if (name != "live") p->clear();
  }
  compare_->set_summary(viosim::RunSummary());
  progress_->setValue(0);
  status_->setText(sweep ? tr("Planning the sweep...") : tr("Starting..."));
  show_tab(sweep ? "throughput_vs_load" : "live");
  frame_timer_.start();
}

void ResultsView::sample() {
  LiveSample s = controller_->feed().take();
  for (const ThroughputPoint& p : s.points) live_->add_point(p.backend, p.sim_ms, p.packets_per_s);
  if (sweep_dirty_) rebuild_sweep_charts();
  if (!s.status.started || !controller_->running()) return;
  const LiveStatus& st = s.status;
  progress_->setValue(static_cast<int>(st.fraction * 1000));
  recent_.push_back(RatePoint{st.wall_s, double(st.events), st.sim_s});
  while (recent_.size() > 2 && recent_.back().wall_s - recent_[1].wall_s >= kRateWindowS) recent_.pop_front();
  double events_per_s = 0, sim_per_s = 0;
  if (recent_.size() >= 2 && recent_.back().wall_s > recent_.front().wall_s) {
    const double dt = recent_.back().wall_s - recent_.front().wall_s;
    events_per_s = (recent_.back().events - recent_.front().events) / dt;
    sim_per_s = (recent_.back().sim_s - recent_.front().sim_s) / dt;
  }
  const QString where =
      st.points_total > 0
          ? tr("Sweep point %1 of %2 (%3)").arg(st.points_done + 1).arg(st.points_total).arg(charts::backend_label(st.backend))
          : tr("Running %1 (%2 of %3)").arg(charts::backend_label(st.backend)).arg(st.backend_index + 1).arg(st.backend_count);
  QString text = tr("%1  |  %2events/s  |  %3 ms simulated per second  |  %4 s")
                     .arg(where, si_number(events_per_s))
                     .arg(sim_per_s * 1e3, 0, 'f', sim_per_s * 1e3 < 10 ? 2 : 1)
                     .arg(st.wall_s, 0, 'f', 1);
  if (controller_->state() == RunController::State::kCancelling) text = tr("Cancelling...  ") + text;
  status_->setText(text);
}

void ResultsView::backend_finished() { rebuild_run_charts(controller_->summary()); }

void ResultsView::rebuild_run_charts(const viosim::RunSummary& summary) {
  compare_->set_summary(summary);
  if (summary.backend_size() == 0) return;
  QStringList names;
  for (const FlowResult& f : summary.backend(0).flows()) {
    names << QStringLiteral("%1 (%2)").arg(QString::fromStdString(f.name()),
                                           f.latency_kind() == "round_trip" ? tr("round trip") : tr("one way"));
  }
  QStringList shown;
  for (int i = 0; i < flow_->count(); ++i) shown << flow_->itemText(i);
  if (shown != names) {
    const QSignalBlocker quiet(flow_);
    flow_->clear();
    flow_->addItems(names);
  }
  flow_->setEnabled(names.size() > 1);
  panel("latency_cdf")->set_chart(charts::latency_cdf_chart(summary, std::max(0, flow_->currentIndex())));
  panel("cpu_by_category")->set_chart(charts::cpu_by_category_chart(summary));
  panel("mechanisms_per_packet")->set_chart(charts::mechanisms_chart(summary));
  for (const HopChart& h : kHopCharts) {
    panel(std::string(h.name))->set_chart(charts::latency_hops_chart(summary, std::string(h.direction)));
  }
}

void ResultsView::rebuild_sweep_charts() {
  sweep_dirty_ = false;
  const sweep::SweepPlan* plan = controller_->plan();
  if (plan == nullptr) return;
  const charts::SweepData data = sweep_data(*plan, controller_->points());
  if (data.curves.empty()) return;
  panel("throughput_vs_load")->set_chart(charts::sweep_throughput_chart(data));
  panel("latency_vs_load")->set_chart(charts::sweep_latency_chart(data));
}

void ResultsView::run_ended(const QString& how) {
  frame_timer_.stop();
  sample();  // the last points
  if (controller_->sweeping()) {
    rebuild_sweep_charts();
    size_t done = 0;
    for (const auto& p : controller_->points()) done += p.has_value();
    status_->setText(tr("%1: %2 of %3 sweep points.").arg(how).arg(done).arg(controller_->points().size()));
  } else {
    const viosim::RunSummary& summary = controller_->summary();
    rebuild_run_charts(summary);
    double wall = 0;
    for (const BackendResult& b : summary.backend()) wall += b.wall_s();
    QString text = tr("%1: %n backend(s) finished", nullptr, summary.backend_size()).arg(how);
    if (summary.skipped_size() > 0) text += tr(", %n not modelled", nullptr, summary.skipped_size());
    if (summary.warnings_size() > 0) {
      QStringList all;
      for (const std::string& w : summary.warnings()) all << QString::fromStdString(w);
      text += tr(" (%n warning(s): %1)", nullptr, summary.warnings_size()).arg(all.join(QStringLiteral("; ")));
    }
    if (how == tr("Done")) {
      text += tr(", simulated in %1 s of wall time.").arg(wall, 0, 'f', 2);
    } else {
      text += tr("; the one running was stopped after %1 s of wall time in all.").arg(recent_.empty() ? 0.0 : recent_.back().wall_s, 0, 'f', 2);
    }
    status_->setText(text);
  }
  if (how == tr("Done")) progress_->setValue(progress_->maximum());
}

}  // namespace viosim::gui
