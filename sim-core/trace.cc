// The window and the track table every trace sink shares.
#include "sim-core/trace.h"

#include <algorithm>
#include <iterator>

namespace viosim::core {

int TraceWriter::track(std::string_view name) {
  auto it = tracks_.find(name);
  if (it != tracks_.end()) return it->second;
  const int id = static_cast<int>(names_.size()) + 1;
  tracks_.emplace(std::string(name), id);
  names_.emplace_back(name);
  write_track(id, name);
  return id;
}

void TraceWriter::slice(int track, std::string_view name, std::string_view category, Time start, Time end,
                        std::string_view owner) {
  if (end < from_ || start > to_ || end <= start) return;
  ++events_;
  write_slice(track, name, category, std::max(start, from_), std::min(end, to_), owner);
}

void TraceWriter::instant(int track, std::string_view name, std::string_view category, Time t) {
  if (!in_window(t)) return;
  ++events_;
  write_instant(track, name, category, t);
}

void TraceWriter::flow(int track, uint64_t id, FlowPhase phase, Time t, std::string_view place,
                       std::string_view what) {
  if (!in_window(t)) return;
  ++events_;
  if (auto device = hops_.find(track); device != hops_.end()) {
    // Merge [t, t + kHopSlice] with the hop slices it touches; events may
    // come out of time order (a send stamped when its think time ends).
    std::map<Time, Time>& slices = device->second;
    Time start = t, end = t + kHopSlice;
    auto it = slices.upper_bound(end);
    while (it != slices.begin()) {
      auto prev = std::prev(it);
      if (prev->second < start) break;
      start = std::min(start, prev->first);
      end = std::max(end, prev->second);
      it = slices.erase(prev);
    }
    slices.emplace(start, end);
  }
  write_flow(track, id, phase, t, place, what);
}

int TraceWriter::device_track(std::string_view name) {
  const int id = track(name);
  hops_.try_emplace(id);
  return id;
}

void TraceWriter::write_hop_slices() {
  for (auto& [track, slices] : hops_) {
    for (const auto& [start, end] : slices) slice(track, "hop", "packet", start, end);
    slices.clear();
  }
}

}  // namespace viosim::core
