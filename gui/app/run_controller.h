// Runs a resolved scenario on a worker thread, so the window never freezes:
// a plain run (viosim::run, its backends one after the other) or, for a
// scenario with sweep axes, its sweep (every point in turn). Results come
// back to the GUI thread as queued calls the moment each backend or point
// is done; live figures go through a LiveFeed the GUI samples at its own
// rate. cancel() is answered within one slice of simulated time (at most
// 1 ms simulated).
#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "gui/app/live_feed.h"
#include "scenarios/schema/viosim/results.pb.h"
#include "scenarios/schema/viosim/scenario.pb.h"
#include "scenarios/sweep/points.h"

namespace viosim::gui {

// True when `scenario` has sweep axes (it then runs as a sweep).
bool is_sweep(const viosim::Scenario& scenario);

class RunController : public QObject {
  Q_OBJECT

 public:
  enum class State { kIdle, kRunning, kCancelling };

  explicit RunController(QObject* parent = nullptr);
  // Cancels a run still going and waits for its worker (at most a slice).
  ~RunController() override;

  // Starts running `resolved` (from the loader). Returns false, starting
  // nothing, while another run is going on.
  bool start(const viosim::Scenario& resolved, const std::string& scenario_file);
  // Asks the run to stop; cancelled() follows.
  void cancel();
  State state() const { return state_; }
  bool running() const { return state_ != State::kIdle; }
  bool sweeping() const { return sweeping_; }

  LiveFeed& feed() { return feed_; }

  // A plain run: the backends finished so far, complete after finished().
  const viosim::RunSummary& summary() const { return summary_; }
  // A sweep: its plan (once planned) and the record of each finished point.
  const viosim::sweep::SweepPlan* plan() const { return plan_.get(); }
  const std::vector<std::optional<viosim::SweepPointResult>>& points() const { return points_; }

 Q_SIGNALS:
  void started();
  void backend_finished(int index);   // summary().backend(index) is new
  void sweep_planned(int points);     // plan() is set
  void point_finished(int index);     // points()[index] is new
  void finished();
  void cancelled();
  void failed(const QString& why);
  void state_changed(viosim::gui::RunController::State state);

 private:
  void run_plain(viosim::Scenario scenario, std::string file);
  void run_sweep(viosim::Scenario scenario);
  void fail_from_worker(const QString& why);
  // Ends the run on the GUI thread: joins the worker, then `signal`.
  void end(void (RunController::*signal)());
  void set_state(State state);

  State state_ = State::kIdle;
  bool sweeping_ = false;
  std::atomic<bool> cancel_{false};
  std::thread worker_;
  LiveFeed feed_;
  viosim::RunSummary summary_;
  std::shared_ptr<const viosim::sweep::SweepPlan> plan_;
  std::vector<std::optional<viosim::SweepPointResult>> points_;
};

}  // namespace viosim::gui
