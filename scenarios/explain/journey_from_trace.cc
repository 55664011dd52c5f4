// Hops in time order (ties in the order the run wrote them), each instant
// given to the first hop at or after it, core slices merged where a core
// went on doing the same thing.
#include "scenarios/explain/journey_from_trace.h"

#include <algorithm>
#include <stdexcept>

namespace viosim::explain {
namespace {

// "core 12" -> 12; any other track -> false.
bool core_index(const std::string& track, uint32_t& index) {
  constexpr std::string_view kPrefix = "core ";
  if (track.rfind(kPrefix, 0) != 0 || track.size() == kPrefix.size()) return false;
  uint32_t n = 0;
  for (size_t i = kPrefix.size(); i < track.size(); ++i) {
    if (track[i] < '0' || track[i] > '9') return false;
    n = n * 10 + static_cast<uint32_t>(track[i] - '0');
  }
  index = n;
  return true;
}

// Events by time, and in the order they happened at the same time.
template <class T>
bool before(const T& a, const T& b) {
  return a.at != b.at ? a.at < b.at : a.order < b.order;
}

template <class T>
std::vector<const T*> by_time(const std::vector<T>& events) {
  std::vector<const T*> sorted;
  sorted.reserve(events.size());
  for (const T& e : events) sorted.push_back(&e);
  std::sort(sorted.begin(), sorted.end(), [](const T* a, const T* b) { return before(*a, *b); });
  return sorted;
}

void read_hops(const core::TraceRecording& recording, uint64_t trace_id, Journey& journey) {
  std::vector<const core::TraceRecording::Flow*> steps;
  for (const core::TraceRecording::Flow* f : by_time(recording.flows())) {
    if (f->id != trace_id) continue;
    steps.push_back(f);
    journey.hops.push_back(Hop{f->at, f->place, recording.track_name(f->track), f->what, {}});
  }
  if (steps.empty()) throw std::logic_error("the trace has no step of the packet");
  // Each instant goes to the first hop that happened after it.
  size_t hop = 0;
  for (const core::TraceRecording::Instant* i : by_time(recording.instants())) {
    auto hop_first = [&] { return i->at != steps[hop]->at ? i->at < steps[hop]->at : i->order < steps[hop]->order; };
    while (hop + 1 < steps.size() && !hop_first()) ++hop;
    if (!hop_first()) break;  // after the last hop
    // Notifications carry the packet on from wherever they come (a VFIO
    // handler's signal, a worker's wake-up); other events count when they
    // are on a track that moved the packet here (this hop's or the one
    // before's); the rest is only counted.
    const std::string& track = recording.track_name(i->track);
    const CauseKind kind = models::cause_kind_from_name(i->category);
    const bool notification = kind == CauseKind::kKick || kind == CauseKind::kSignal ||
                              kind == CauseKind::kInterrupt || kind == CauseKind::kWakeup;
    Hop& h = journey.hops[hop];
    if (notification || track == h.where || (hop > 0 && track == journey.hops[hop - 1].where)) {
      h.causes.push_back(Cause{i->at, track, kind, i->name});
    } else {
      ++h.elsewhere;
    }
  }
  // The last kMaxCauses of each hop are the ones that led to it.
  for (Hop& h : journey.hops) {
    if (h.causes.size() <= kMaxCauses) continue;
    h.earlier = h.causes.size() - kMaxCauses;
    h.causes.erase(h.causes.begin(), h.causes.end() - static_cast<std::ptrdiff_t>(kMaxCauses));
  }
}

// The shortest way in the path graph from place `from` to place `to` (by
// the links' direction), without its ends; empty if they are the same or
// adjacent or not connected.
std::vector<std::string> between(const Journey& j, const std::string& from, const std::string& to) {
  auto find = [&](const std::string& name) {
    for (size_t i = 0; i < j.places.size(); ++i) {
      if (j.places[i].name == name) return i;
    }
    return j.places.size();
  };
  const size_t a = find(from), b = find(to);
  if (a == b || a == j.places.size() || b == j.places.size()) return {};
  std::vector<size_t> came_from(j.places.size(), j.places.size());
  std::vector<size_t> frontier{a};
  came_from[a] = a;
  for (size_t k = 0; k < frontier.size() && came_from[b] == j.places.size(); ++k) {
    for (const PathLink& l : j.links) {
      if (l.from == frontier[k] && came_from[l.to] == j.places.size()) {
        came_from[l.to] = frontier[k];
        frontier.push_back(l.to);
      }
    }
  }
  if (came_from[b] == j.places.size()) return {};
  std::vector<std::string> via;
  for (size_t at = came_from[b]; at != a; at = came_from[at]) via.insert(via.begin(), j.places[at].name);
  return via;
}

}  // namespace

std::vector<CoreSlice> read_timeline(const core::TraceRecording& recording) {
  std::vector<CoreSlice> timeline;
  for (const core::TraceRecording::Slice& s : recording.slices()) {
    uint32_t core = 0;
    if (!core_index(recording.track_name(s.track), core)) continue;
    timeline.push_back(CoreSlice{core, s.owner, s.name, s.start, s.end});
  }
  std::stable_sort(timeline.begin(), timeline.end(), [](const CoreSlice& a, const CoreSlice& b) {
    return a.core != b.core ? a.core < b.core : a.from < b.from;
  });
  std::vector<CoreSlice> merged;
  for (CoreSlice& s : timeline) {
    if (!merged.empty()) {
      CoreSlice& last = merged.back();
      if (last.core == s.core && last.to == s.from && last.category == s.category && last.thread == s.thread) {
        last.to = s.to;
        continue;
      }
    }
    merged.push_back(std::move(s));
  }
  return merged;
}

void read_journey(const core::TraceRecording& recording, uint64_t trace_id, Journey& journey) {
  read_hops(recording, trace_id, journey);
  journey.timeline = read_timeline(recording);
}

void add_via(Journey& journey) {
  for (size_t k = 1; k < journey.hops.size(); ++k) {
    journey.hops[k].via = between(journey, journey.hops[k - 1].place, journey.hops[k].place);
  }
}

}  // namespace viosim::explain
