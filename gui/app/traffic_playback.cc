// TrafficPlayback: positions by interpolating between a packet's hops.
#include "gui/app/traffic_playback.h"

#include <algorithm>

namespace viosim::gui {

TrafficPlayback::TrafficPlayback(explain::TrafficWindow window) : window_(std::move(window)) {
  for (size_t i = 0; i < window_.places.size(); ++i) places_[window_.places[i].name] = static_cast<int>(i);
  for (const explain::WindowPacket& p : window_.packets) {
    for (const explain::Hop& h : p.hops) events_.push_back(h.at);
    if (p.end == explain::WindowPacket::End::kDropped && p.end_at <= window_.to) events_.push_back(p.end_at);
  }
  std::sort(events_.begin(), events_.end());
  events_.erase(std::unique(events_.begin(), events_.end()), events_.end());
}

int TrafficPlayback::place_index(const std::string& name) const {
  const auto it = places_.find(name);
  return it == places_.end() ? -1 : it->second;
}

core::Time TrafficPlayback::next_event(core::Time t) const {
  const auto it = std::upper_bound(events_.begin(), events_.end(), t);
  return it == events_.end() ? window_.to : *it;
}

core::Time TrafficPlayback::previous_event(core::Time t) const {
  const auto it = std::lower_bound(events_.begin(), events_.end(), t);
  return it == events_.begin() ? window_.from : *std::prev(it);
}

std::vector<TrafficPlayback::Position> TrafficPlayback::at(core::Time t, core::Duration linger) const {
  using End = explain::WindowPacket::End;
  std::vector<Position> out;
  for (size_t k = 0; k < window_.packets.size(); ++k) {
    const explain::WindowPacket& p = window_.packets[k];
    if (t < p.hops.front().at) continue;
    // The last hop reached by t.
    size_t i = 0;
    while (i + 1 < p.hops.size() && p.hops[i + 1].at <= t) ++i;
    const int here = place_index(p.hops[i].place);
    if (here < 0) continue;
    if (i + 1 < p.hops.size()) {
      const int next = place_index(p.hops[i + 1].place);
      const double span = (p.hops[i + 1].at - p.hops[i].at).seconds();
      const double fraction = span > 0 ? (t - p.hops[i].at).seconds() / span : 0;
      out.push_back(Position{k, here, next < 0 ? here : next, next < 0 ? 0 : fraction, false});
      continue;
    }
    if (p.end == End::kDelivered && t > p.end_at) continue;
    if (p.end == End::kDropped && t >= p.end_at) {
      if (t < p.end_at + linger) out.push_back(Position{k, here, here, 0, true});
      continue;
    }
    out.push_back(Position{k, here, here, 0, false});
  }
  return out;
}

std::vector<std::pair<size_t, size_t>> TrafficPlayback::arrivals(core::Time t) const {
  std::vector<std::pair<size_t, size_t>> out;
  for (size_t k = 0; k < window_.packets.size(); ++k) {
    const auto& hops = window_.packets[k].hops;
    for (size_t i = 0; i < hops.size(); ++i) {
      if (hops[i].at == t) out.emplace_back(k, i);
    }
  }
  return out;
}

}  // namespace viosim::gui
