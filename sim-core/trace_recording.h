// A trace kept in memory as plain records instead of a file: what
// `viosim explain` reads back to tell one packet's journey. It keeps what
// falls in its window, like any trace, so a window around one packet stays
// small whatever the run's length.
#pragma once

#include <string>
#include <vector>

#include "sim-core/trace.h"

namespace viosim::core {

class TraceRecording final : public TraceWriter {
 public:
  // `order` counts the records in the order the run wrote them, across
  // all three kinds: it orders events at the same time as they happened.
  struct Slice {
    uint64_t order = 0;
    int track = 0;
    std::string name;
    std::string category;
    std::string owner;
    Time start;
    Time end;
  };
  struct Instant {
    uint64_t order = 0;
    int track = 0;
    std::string name;
    std::string category;
    Time at;
  };
  struct Flow {
    uint64_t order = 0;
    int track = 0;
    uint64_t id = 0;
    FlowPhase phase = FlowPhase::kStep;
    Time at;
    std::string place;
    std::string what;
  };

  TraceRecording(Time from, Time to) : TraceWriter(from, to) {}

  // In the order the run wrote them (not sorted by time: a slice is written
  // when it ends, a flow step may be dated ahead of the clock).
  const std::vector<Slice>& slices() const { return slices_; }
  const std::vector<Instant>& instants() const { return instants_; }
  const std::vector<Flow>& flows() const { return flows_; }

 private:
  void write_track(int, std::string_view) override {}
  void write_slice(int track, std::string_view name, std::string_view category, Time start, Time end,
                   std::string_view owner) override {
    slices_.push_back({next_++, track, std::string(name), std::string(category), std::string(owner), start, end});
  }
  void write_instant(int track, std::string_view name, std::string_view category, Time t) override {
    instants_.push_back({next_++, track, std::string(name), std::string(category), t});
  }
  void write_flow(int track, uint64_t id, FlowPhase phase, Time t, std::string_view place,
                  std::string_view what) override {
    flows_.push_back({next_++, track, id, phase, t, std::string(place), std::string(what)});
  }

  uint64_t next_ = 0;
  std::vector<Slice> slices_;
  std::vector<Instant> instants_;
  std::vector<Flow> flows_;
};

}  // namespace viosim::core
