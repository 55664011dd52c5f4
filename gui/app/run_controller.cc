// RunController: one worker thread per run; everything it reports goes
// through QMetaObject::invokeMethod with a queued connection, so members
// are only ever touched on the GUI thread.
#include "gui/app/run_controller.h"

#include <QMetaObject>

#include "scenarios/runner/run_scenario.h"
#include "scenarios/sweep/run_point.h"

namespace viosim::gui {

bool is_sweep(const viosim::Scenario& scenario) { return scenario.sweep().axis_size() > 0; }

RunController::RunController(QObject* parent) : QObject(parent) {}

RunController::~RunController() {
  cancel_ = true;
  if (worker_.joinable()) worker_.join();
}

bool RunController::start(const viosim::Scenario& resolved, const std::string& scenario_file) {
  if (running()) return false;
  if (worker_.joinable()) worker_.join();
  cancel_ = false;
  feed_.reset();
  sweeping_ = is_sweep(resolved);
  summary_.Clear();
  summary_.set_scenario_name(resolved.name());
  summary_.set_scenario_file(scenario_file);
  summary_.set_seed(resolved.seed());
  summary_.set_latency_kind(viosim::latency_kind(resolved));
  plan_.reset();
  points_.clear();
  set_state(State::kRunning);
  if (sweeping_) {
    worker_ = std::thread([this, resolved] { run_sweep(resolved); });
  } else {
    worker_ = std::thread([this, resolved, scenario_file] { run_plain(resolved, scenario_file); });
  }
  Q_EMIT started();
  return true;
}

void RunController::cancel() {
  if (state_ != State::kRunning) return;
  cancel_ = true;
  set_state(State::kCancelling);
}

void RunController::set_state(State state) {
  if (state == state_) return;
  state_ = state;
  Q_EMIT state_changed(state);
}

void RunController::end(void (RunController::*signal)()) {
  if (worker_.joinable()) worker_.join();  // it has nothing left to do but return
  set_state(State::kIdle);
  Q_EMIT(this->*signal)();
}

void RunController::run_plain(viosim::Scenario scenario, std::string file) {
  LiveRecorder recorder(&feed_);
  RunOptions options;
  options.scenario_file = file;
  options.cancel = &cancel_;
  options.snapshot = [&recorder](const std::string& backend, int index, int count, const models::PathSnapshot& s) {
    recorder.on_snapshot(backend, index, count, s);
  };
  options.backend_done = [this, &recorder](const BackendResult& result) {
    QMetaObject::invokeMethod(
        this,
        [this, result, rest = recorder.take_unpublished()]() mutable {
          feed_.add_points(std::move(rest));
          *summary_.add_backend() = result;
          Q_EMIT backend_finished(summary_.backend_size() - 1);
        },
        Qt::QueuedConnection);
  };
  try {
    RunSummary summary = viosim::run(scenario, options);
    QMetaObject::invokeMethod(
        this,
        [this, summary] {
          summary_ = summary;  // the same backends, plus what was skipped and the file's name
          end(&RunController::finished);
        },
        Qt::QueuedConnection);
  } catch (const models::Cancelled&) {
    QMetaObject::invokeMethod(this, [this] { end(&RunController::cancelled); }, Qt::QueuedConnection);
  } catch (const std::exception& e) {
    fail_from_worker(QString::fromStdString(e.what()));
  }
}

void RunController::run_sweep(viosim::Scenario scenario) {
  try {
    // The editor's loader checked every point before it offered to run.
    auto plan = std::make_shared<const sweep::SweepPlan>(sweep::plan_sweep(scenario));
    QMetaObject::invokeMethod(
        this,
        [this, plan] {
          plan_ = plan;
          points_.assign(plan->points.size(), std::nullopt);
          Q_EMIT sweep_planned(static_cast<int>(plan->points.size()));
        },
        Qt::QueuedConnection);
    LiveRecorder recorder(&feed_, plan->points.size());
    RunOptions options;
    options.cancel = &cancel_;
    options.snapshot = [&recorder](const std::string& backend, int index, int count, const models::PathSnapshot& s) {
      recorder.on_snapshot(backend, index, count, s);
    };
    for (size_t i = 0; i < plan->points.size(); ++i) {
      if (cancel_) throw models::Cancelled();
      SweepPointResult record = sweep::run_point(*plan, i, options);
      recorder.on_point_done();
      QMetaObject::invokeMethod(
          this,
          [this, i, record] {
            if (i < points_.size()) points_[i] = record;
            Q_EMIT point_finished(static_cast<int>(i));
          },
          Qt::QueuedConnection);
    }
    QMetaObject::invokeMethod(this, [this] { end(&RunController::finished); }, Qt::QueuedConnection);
  } catch (const models::Cancelled&) {
    QMetaObject::invokeMethod(this, [this] { end(&RunController::cancelled); }, Qt::QueuedConnection);
  } catch (const std::exception& e) {
    fail_from_worker(QString::fromStdString(e.what()));
  }
}

// From the worker: the run failed; the GUI thread learns why.
void RunController::fail_from_worker(const QString& why) {
  QMetaObject::invokeMethod(
      this,
      [this, why] {
        if (worker_.joinable()) worker_.join();
        set_state(State::kIdle);
        Q_EMIT failed(why);
      },
      Qt::QueuedConnection);
}

}  // namespace viosim::gui
