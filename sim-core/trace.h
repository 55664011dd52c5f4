// A Chrome / Perfetto trace (the JSON "traceEvents" format that
// ui.perfetto.dev and chrome://tracing open): tracks (one per host thread,
// core or vCPU), complete slices, instant events and flow arrows that
// follow a packet. Only events inside the window are kept, so the file is
// bounded by the window, not by the run. The simulator holds a pointer to
// a writer; models test it for null, so tracing costs a branch when off.
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <string>
#include <string_view>

#include "sim-core/time.h"

namespace viosim::core {

class TraceWriter {
 public:
  enum class FlowPhase : char { kStart = 's', kStep = 't', kEnd = 'f' };

  // Opens `path` for writing; throws std::runtime_error if it cannot.
  TraceWriter(const std::string& path, Time from, Time to);
  ~TraceWriter();
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;

  // A track (a "thread" of the trace) named once; the same name, the same id.
  int track(std::string_view name);
  bool in_window(Time t) const { return t >= from_ && t <= to_; }

  // A slice on `track`; clipped to the window.
  void slice(int track, std::string_view name, std::string_view category, Time start, Time end);
  void instant(int track, std::string_view name, std::string_view category, Time t);
  // Flow arrows between slices of one packet: start, steps, end.
  void flow(int track, uint64_t id, FlowPhase phase, Time t);
  // Writes the closing bracket; the destructor does it too.
  void close();
  uint64_t events() const { return events_; }

 private:
  void begin_event();
  static void write_ts(std::ostream& out, Time t);

  std::ofstream out_;
  Time from_;
  Time to_;
  std::map<std::string, int, std::less<>> tracks_;
  uint64_t events_ = 0;
  bool closed_ = false;
};

}  // namespace viosim::core
