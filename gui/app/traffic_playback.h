// Where each packet of a recorded window is at a given instant: the logic
// of the animation, without Qt. A packet between two hops is that far
// along the way between their places, by time; at its last hop it stays
// until it ends (delivered: it leaves the picture just after; lost: a mark
// where it was, for a linger the caller chooses: the animation keeps it
// half a second of wall time at its speed); still on its way at the window's end, it
// stays at its last place.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "scenarios/explain/traffic_window.h"

namespace viosim::gui {

class TrafficPlayback {
 public:
  static constexpr core::Duration kDropLinger = core::Microseconds(5);

  explicit TrafficPlayback(explain::TrafficWindow window);

  const explain::TrafficWindow& window() const { return window_; }
  core::Time from() const { return window_.from; }
  core::Time to() const { return window_.to; }

  // The instants a packet reaches a hop or is lost, in order, each once.
  const std::vector<core::Time>& events() const { return events_; }
  // The first event after `t` (the window's end if none), and the last
  // before it (its start if none): what Step and Step back go to.
  core::Time next_event(core::Time t) const;
  core::Time previous_event(core::Time t) const;

  struct Position {
    size_t packet = 0;     // index into window().packets
    int from_place = -1;   // index into window().places
    int to_place = -1;     // the same as from_place when it is at a place
    double fraction = 0;   // of the way from from_place to to_place
    bool dropped = false;  // the mark of a packet lost here
  };
  // Every packet in sight at `t`; a lost one's mark lasts `linger`.
  std::vector<Position> at(core::Time t, core::Duration linger = kDropLinger) const;
  // The hops reached exactly at `t`: (packet, hop index).
  std::vector<std::pair<size_t, size_t>> arrivals(core::Time t) const;

 private:
  int place_index(const std::string& name) const;

  explain::TrafficWindow window_;
  std::map<std::string, int> places_;
  std::vector<core::Time> events_;
};

}  // namespace viosim::gui
