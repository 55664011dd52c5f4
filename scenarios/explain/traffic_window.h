// Every packet's hops over a window of a run, for the GUI's animation of
// packets moving on the path graph: recorded as `viosim explain` records
// one packet (an in-memory trace of a replay), so the animation plays the
// trace at any speed and never slows the engine.
//
//   const TrafficWindow w = record_window(*loaded.scenario, {.backend = "VHOST_NET"});
//   for (const WindowPacket& p : w.packets) ... p.hops[i].at, p.hops[i].place ...
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "scenarios/explain/journey.h"
#include "scenarios/schema/viosim/scenario.pb.h"

namespace viosim::explain {

// One packet seen in the window: its hops inside it (places named as the
// graph names them), and how it ended, if it did by the end of the replay.
struct WindowPacket {
  uint64_t trace_id = 0;
  std::string flow;
  std::string kind;       // "request", "response", "data"
  // In time order, inside [from, to]; causes left empty. A packet already
  // on its way when the window opened starts with the place it had
  // reached, at `from`.
  std::vector<Hop> hops;
  enum class End { kDelivered, kDropped, kInFlight };
  End end = End::kInFlight;
  core::Time end_at;       // delivered or dropped (may be after `to`)
  std::string dropped_at;  // the queue that was full ("tap", "nic_ring", ...: models/packet DropPlace)
};

struct TrafficWindow {
  std::string scenario;
  std::string backend;
  core::Time from;
  core::Time to;
  uint32_t cores = 0;
  std::vector<PathPlace> places;
  std::vector<PathLink> links;
  std::vector<WindowPacket> packets;  // by their first hop in the window
  // Packets seen in the window but left out: still on their way at the end
  // of the replay on a host of several VMs, where their places cannot be
  // named without knowing where they crossed.
  uint64_t left_out = 0;
  std::vector<CoreSlice> timeline;  // by core, then time, over [from, to]
};

struct WindowOptions {
  // A backend the scenario compares ("" the first).
  std::string backend;
  // The window, in simulated time from the run's start. Unset (0, 0): the
  // first kDefaultWindow after the warm-up. It must lie inside the run.
  core::Time from;
  core::Time to;
  // Set from another thread to stop: models::Cancelled.
  const std::atomic<bool>* cancel = nullptr;
};

inline constexpr core::Duration kDefaultWindow = core::Microseconds(200);
// At most this much simulated time: a window is for watching, and its
// trace is kept in memory.
inline constexpr core::Duration kMaxWindow = core::Milliseconds(5);

// Throws ExplainError for a backend the scenario does not compare or a
// window outside the run or longer than kMaxWindow, scenarios::NotModelled
// or std::invalid_argument as explain_packet does, models::Cancelled.
TrafficWindow record_window(const viosim::Scenario& resolved, const WindowOptions& options = {});

}  // namespace viosim::explain
