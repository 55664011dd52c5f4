// The ETA assumes the remaining points cost what the finished ones did on
// average, which holds for sweeps over rates and sizes of similar length.
#include "scenarios/sweep/progress.h"

#include <cstdio>
#include <ostream>

namespace viosim::sweep {

std::string format_duration(double seconds) {
  char buffer[64];
  if (seconds < 60) {
    std::snprintf(buffer, sizeof buffer, "%.1f s", seconds);
  } else if (seconds < 3600) {
    std::snprintf(buffer, sizeof buffer, "%d min %02d s", int(seconds) / 60, int(seconds) % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%d h %02d min", int(seconds) / 3600, int(seconds) % 3600 / 60);
  }
  return buffer;
}

Progress::Progress(std::ostream& out, bool terminal, size_t total, size_t to_run)
    : out_(out), terminal_(terminal), total_(total), to_run_(to_run) {}

std::string Progress::line_locked() const {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const size_t already = total_ - to_run_;
  std::string line = "sweep: " + std::to_string(already + done_) + "/" + std::to_string(total_) + " points, " +
                     format_duration(elapsed) + " elapsed";
  if (done_ > 0 && done_ < to_run_) {
    line += ", ETA " + format_duration(elapsed / double(done_) * double(to_run_ - done_));
  }
  if (elapsed > 0 && events_ > 0) {
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.2f", double(events_) / elapsed / 1e6);
    line += std::string(", ") + rate + " M events/s";
  }
  return line;
}

void Progress::show_locked(bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (terminal_) {
    // Redrawing more than ~20 times a second only costs the terminal time.
    if (!force && now - last_shown_ < std::chrono::milliseconds(50)) return;
    out_ << "\r" << line_locked() << "\033[K" << std::flush;
    line_shown_ = true;
  } else {
    if (!force && now - last_shown_ < std::chrono::seconds(1)) return;
    out_ << line_locked() << "\n" << std::flush;
  }
  last_shown_ = now;
}

void Progress::point_done(uint64_t events) {
  std::lock_guard lock(mutex_);
  ++done_;
  events_ += events;
  show_locked(done_ == to_run_);
}

void Progress::message(const std::string& line) {
  std::lock_guard lock(mutex_);
  if (terminal_ && line_shown_) out_ << "\r\033[K";
  out_ << line << "\n";
  if (terminal_ && line_shown_) out_ << line_locked() << "\033[K";
  out_ << std::flush;
}

void Progress::finish() {
  std::lock_guard lock(mutex_);
  if (terminal_) {
    out_ << "\r" << line_locked() << "\033[K\n" << std::flush;
  } else if (done_ != to_run_ || to_run_ == 0) {
    out_ << line_locked() << "\n" << std::flush;
  }
}

}  // namespace viosim::sweep
