// LiveFeed and LiveRecorder.
#include "gui/app/live_feed.h"

#include <algorithm>
#include <iterator>

namespace viosim::gui {
namespace {

// About this many throughput points per backend, whatever the run's length,
// each averaged over this fraction of the run.
constexpr double kPointsPerRun = 200;
constexpr double kWindowOfRun = 1.0 / 20;

}  // namespace

void LiveFeed::publish(const LiveStatus& status, std::vector<ThroughputPoint>* points) {
  std::unique_lock lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return;  // the GUI is reading: try again next slice
  status_ = status;
  std::move(points->begin(), points->end(), std::back_inserter(points_));
  points->clear();
}

LiveSample LiveFeed::take() {
  std::lock_guard lock(mutex_);
  LiveSample sample{status_, std::move(points_)};
  points_.clear();
  return sample;
}

void LiveFeed::reset() {
  std::lock_guard lock(mutex_);
  status_ = LiveStatus{};
  points_.clear();
}

void LiveFeed::add_points(std::vector<ThroughputPoint> points) {
  std::lock_guard lock(mutex_);
  std::move(points.begin(), points.end(), std::back_inserter(points_));
}

LiveRecorder::LiveRecorder(LiveFeed* feed, size_t points_total) : feed_(feed) { status_.points_total = points_total; }

void LiveRecorder::on_snapshot(const std::string& backend, int index, int count, const models::PathSnapshot& s) {
  const bool sweep = status_.points_total > 0;
  const int run = sweep ? static_cast<int>(status_.points_done) : index;
  if (run != current_) {  // the next backend (or point) started from zero
    events_before_ += events_now_;
    sim_before_ += sim_now_;
    events_now_ = 0;
    sim_now_ = 0;
    current_ = run;
    history_.assign(1, {0.0, 0});
    last_point_s_ = 0;
  }
  const double now_s = (s.now - core::Time::zero()).seconds();
  const double duration_s = s.duration.seconds();
  const double done = duration_s > 0 ? std::clamp(now_s / duration_s, 0.0, 1.0) : 1.0;
  events_now_ = s.events;
  sim_now_ = now_s;

  status_.started = true;
  status_.backend = backend;
  status_.backend_index = index;
  status_.backend_count = count;
  status_.fraction = sweep ? (double(status_.points_done) + done) / double(status_.points_total)
                           : count > 0 ? (index + done) / count : done;
  status_.events = events_before_ + events_now_;
  status_.sim_s = sim_before_ + sim_now_;
  status_.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();

  if (!sweep && now_s - last_point_s_ >= duration_s / kPointsPerRun) {
    // The oldest pair still inside the window (or the last one before it).
    while (history_.size() >= 2 && history_[1].first <= now_s - duration_s * kWindowOfRun) history_.pop_front();
    const auto& [from_s, from_packets] = history_.front();
    if (now_s > from_s) {
      const double pps = double(s.app_packets - from_packets) / (now_s - from_s);
      unpublished_.push_back(ThroughputPoint{backend, now_s * 1e3, pps});
      last_point_s_ = now_s;
    }
  }
  if (!sweep) history_.emplace_back(now_s, s.app_packets);
  feed_->publish(status_, &unpublished_);
}

void LiveRecorder::on_point_done() {
  ++status_.points_done;
  status_.fraction = status_.points_total > 0 ? double(status_.points_done) / double(status_.points_total) : 1.0;
  status_.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  feed_->publish(status_, &unpublished_);
}

}  // namespace viosim::gui
