// Sweep progress on stderr: points done / total, elapsed time, ETA and
// simulated events per second. On a terminal it is one line rewritten in
// place; otherwise (a log file, a CI job) plain lines, at most one a second
// plus the last. Messages from workers go through it so they never tear
// the progress line. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <mutex>
#include <string>

namespace viosim::sweep {

class Progress {
 public:
  // `to_run` of `total` points are run now; the rest were already done.
  Progress(std::ostream& out, bool terminal, size_t total, size_t to_run);

  void point_done(uint64_t events);
  // A line of its own (an error, a note), above the progress line.
  void message(const std::string& line);
  // Ends the progress line with a final figure.
  void finish();

 private:
  std::string line_locked() const;
  void show_locked(bool force);

  std::mutex mutex_;
  std::ostream& out_;
  const bool terminal_;
  const size_t total_;
  const size_t to_run_;
  size_t done_ = 0;
  uint64_t events_ = 0;
  bool line_shown_ = false;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_shown_{};
};

// "3.2 s", "4 min 05 s", "1 h 02 min".
std::string format_duration(double seconds);

}  // namespace viosim::sweep
