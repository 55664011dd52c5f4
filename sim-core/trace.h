// What the models write a trace to: tracks (one per host thread, core,
// vCPU, wire), slices, instant events and the steps of each packet's
// journey (flows). Only events inside the window [from, to] are kept, so a
// trace is bounded by its window, not by the run. Two sinks implement it:
// ChromeTrace (a JSON file for ui.perfetto.dev, chrome_trace.h) and
// TraceRecording (events kept in memory, trace_recording.h). The simulator
// holds a pointer to a writer; models test it for null, so tracing costs a
// branch when off.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sim-core/time.h"

namespace viosim::core {

class TraceWriter {
 public:
  enum class FlowPhase : char { kStart = 's', kStep = 't', kEnd = 'f' };

  TraceWriter(Time from, Time to) : from_(from), to_(to) {}
  virtual ~TraceWriter() = default;
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;

  // A track (a "thread" of the trace) named once; the same name, the same
  // id (ids count from 1, so 0 can mean "not asked for yet").
  int track(std::string_view name);
  // A track that runs no thread (a wire, the peer, a NIC queue): the
  // writer gives its packet steps enclosing "hop" slices (kHopSlice long,
  // merged where they touch), so that every flow event lies inside a slice
  // of its own track, as Perfetto needs to draw its arrow.
  int device_track(std::string_view name);
  static constexpr Duration kHopSlice = Nanoseconds(1);
  const std::string& track_name(int track) const { return names_.at(static_cast<size_t>(track) - 1); }
  bool in_window(Time t) const { return t >= from_ && t <= to_; }
  Time from() const { return from_; }
  Time to() const { return to_; }

  // A slice on `track`, clipped to the window; `owner` says for whom (the
  // thread a core ran), or is empty.
  void slice(int track, std::string_view name, std::string_view category, Time start, Time end,
             std::string_view owner = {});
  void instant(int track, std::string_view name, std::string_view category, Time t);
  // One step of packet `id`'s journey: it starts, reaches `place`, ends.
  // `place` and `what` (what happened to it there) may be empty.
  void flow(int track, uint64_t id, FlowPhase phase, Time t, std::string_view place = {},
            std::string_view what = {});
  // Ends the output (a file sink writes its closing bracket); idempotent.
  virtual void close() { write_hop_slices(); }
  uint64_t events() const { return events_; }

 protected:
  // Each is called once per event kept, with the times already clipped.
  virtual void write_track(int track, std::string_view name) = 0;
  virtual void write_slice(int track, std::string_view name, std::string_view category, Time start, Time end,
                           std::string_view owner) = 0;
  virtual void write_instant(int track, std::string_view name, std::string_view category, Time t) = 0;
  virtual void write_flow(int track, uint64_t id, FlowPhase phase, Time t, std::string_view place,
                          std::string_view what) = 0;
  // Writes the device tracks' hop slices (once); sinks call it as they close.
  void write_hop_slices();

 private:
  Time from_;
  Time to_;
  std::map<std::string, int, std::less<>> tracks_;
  std::vector<std::string> names_;
  // Device tracks: their hop slices so far, start -> end, non-overlapping.
  std::map<int, std::map<Time, Time>> hops_;
  uint64_t events_ = 0;
};

}  // namespace viosim::core
