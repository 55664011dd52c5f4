// How a running simulation shows itself to the GUI without ever waiting
// for it. The engine calls LiveRecorder once per slice of simulated time
// (models::PathSnapshot, at most 1 ms simulated apart); the recorder turns
// the counts into whole-run figures and throughput points and publishes
// them to a LiveFeed with a try-lock: if the GUI happens to be reading, the
// engine keeps its points for the next slice and goes on. The GUI reads the
// feed from a timer at its own frame rate (15 Hz), never per event.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <utility>
#include <mutex>
#include <string>
#include <vector>

#include "models/paths/path_config.h"

namespace viosim::gui {

// The run as a whole, as of the last publication.
struct LiveStatus {
  bool started = false;      // something was published
  std::string backend;       // the backend running now
  int backend_index = 0;     // of backend_count in a plain run
  int backend_count = 0;
  size_t points_done = 0;    // a sweep's finished points, of points_total (0 for a plain run)
  size_t points_total = 0;
  double fraction = 0;       // of the whole run, 0 to 1
  double sim_s = 0;          // simulated seconds over every backend or point so far
  uint64_t events = 0;       // events executed over every backend or point so far
  double wall_s = 0;         // wall-clock seconds since the run started
};

// Delivered throughput of one backend, averaged over the last twentieth of
// its run (or what there is of it), at a simulated instant.
struct ThroughputPoint {
  std::string backend;
  double sim_ms = 0;         // from the backend's start
  double packets_per_s = 0;  // per simulated second
};

struct LiveSample {
  LiveStatus status;
  std::vector<ThroughputPoint> points;  // new since the last take
};

class LiveFeed {
 public:
  // Engine side. Never blocks: when the GUI holds the lock, the points wait
  // for the next call (and the status is simply newer then).
  void publish(const LiveStatus& status, std::vector<ThroughputPoint>* points);
  // GUI side: the last status and every point published since the last take.
  LiveSample take();
  // Forgets everything (a new run; call before its engine starts).
  void reset();
  // GUI side: points the engine could not publish before its backend ended
  // (LiveRecorder::take_unpublished), handed over with that news.
  void add_points(std::vector<ThroughputPoint> points);

 private:
  std::mutex mutex_;
  LiveStatus status_;
  std::vector<ThroughputPoint> points_;
};

// Engine side: follows one run (the backends of viosim::run one after the
// other, or the points of a sweep) and publishes to a feed.
class LiveRecorder {
 public:
  // `points_total` > 0 for a sweep (no throughput points then: the load
  // curves show a sweep).
  LiveRecorder(LiveFeed* feed, size_t points_total = 0);

  // A slice of the backend `index` of `count` is done.
  void on_snapshot(const std::string& backend, int index, int count, const models::PathSnapshot& snapshot);
  // A sweep point is done (its events and simulated time are final).
  void on_point_done();
  // Points a failed try-lock kept back; the caller passes them on.
  std::vector<ThroughputPoint> take_unpublished() {
    std::vector<ThroughputPoint> out;
    out.swap(unpublished_);
    return out;
  }

 private:
  LiveFeed* feed_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  LiveStatus status_;
  std::vector<ThroughputPoint> unpublished_;
  // The backend (or point) running now and what earlier ones added up to.
  int current_ = -1;
  uint64_t events_before_ = 0, events_now_ = 0;
  double sim_before_ = 0, sim_now_ = 0;
  // Throughput is averaged over a window of the run (a twentieth of it),
  // so a point says more than the handful of packets of one slice: recent
  // (simulated time, packets delivered) pairs, and when the last point was made.
  std::deque<std::pair<double, uint64_t>> history_;
  double last_point_s_ = 0;
};

}  // namespace viosim::gui
