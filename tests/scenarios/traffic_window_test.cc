// record_window: every packet's hops over a window, on the graph's places,
// with drops where the run lost them, the same on every replay.
#include "scenarios/explain/traffic_window.h"

#include <gtest/gtest.h>

#include <set>

#include "scenarios/explain/explain.h"
#include "scenarios/loader/loader.h"

namespace viosim::explain {
namespace {

viosim::Scenario load_window(const std::string& name, std::vector<std::string> set = {}) {
  scenarios::LoadOptions options;
  options.set = std::move(set);
  auto loaded = scenarios::load_scenario(std::string(VIOSIM_SOURCE_DIR) + "/scenarios/examples/" + name, options);
  EXPECT_TRUE(loaded.ok()) << scenarios::format_diagnostics(loaded.diagnostics);
  return *loaded.scenario;
}

// Every hop inside the window, in time order, at a place of the graph.
void expect_window_well_formed(const TrafficWindow& w) {
  std::set<std::string> places;
  for (const PathPlace& p : w.places) places.insert(p.name);
  ASSERT_FALSE(w.packets.empty());
  for (const WindowPacket& p : w.packets) {
    ASSERT_FALSE(p.hops.empty());
    for (size_t i = 0; i < p.hops.size(); ++i) {
      EXPECT_GE(p.hops[i].at, w.from);
      EXPECT_LE(p.hops[i].at, w.to);
      if (i > 0) {
        EXPECT_LE(p.hops[i - 1].at, p.hops[i].at);
      }
      EXPECT_TRUE(places.count(p.hops[i].place)) << p.hops[i].place << " is not a place of the graph";
    }
    if (p.end != WindowPacket::End::kInFlight) {
      EXPECT_GE(p.end_at, p.hops.back().at);
    }
  }
  for (const CoreSlice& s : w.timeline) {
    EXPECT_LT(s.core, w.cores);
    EXPECT_GE(s.from, w.from);
    EXPECT_LE(s.to, w.to);
  }
}

TEST(TrafficWindow, EveryPacketsHopsOnTheGraphAndTheCoresBeneath) {
  const TrafficWindow w = record_window(load_window("explain_rr.textproto"), {.backend = "VHOST_NET"});
  EXPECT_EQ(w.backend, "VHOST_NET");
  expect_window_well_formed(w);
  EXPECT_FALSE(w.timeline.empty());
  // A request and a response in a 200 us window of a ~40 us round trip.
  std::set<std::string> kinds;
  for (const WindowPacket& p : w.packets) kinds.insert(p.kind);
  EXPECT_TRUE(kinds.count("request") && kinds.count("response"));
  EXPECT_EQ(w.left_out, 0u);
  // The same replay gives the same window.
  const TrafficWindow again = record_window(load_window("explain_rr.textproto"), {.backend = "VHOST_NET"});
  ASSERT_EQ(again.packets.size(), w.packets.size());
  for (size_t i = 0; i < w.packets.size(); ++i) {
    EXPECT_EQ(again.packets[i].trace_id, w.packets[i].trace_id);
    EXPECT_EQ(again.packets[i].hops.size(), w.packets[i].hops.size());
  }
}

TEST(TrafficWindow, PacketsLostInTheWindowEndWhereTheRunLostThem) {
  // 1.2 Mpkt/s into one vCPU: more than its stack takes.
  const viosim::Scenario s = load_window("guest_flood.textproto", {"traffic.flow[flood].open_loop.rate_pps=1200000",
                                                                   "run.duration_ms=30", "run.warmup_ms=10"});
  WindowOptions o;
  o.backend = "VHOST_NET";
  o.from = core::Time::zero() + core::Milliseconds(20);
  o.to = o.from + core::Microseconds(500);
  const TrafficWindow w = record_window(s, o);
  expect_window_well_formed(w);
  size_t dropped = 0;
  for (const WindowPacket& p : w.packets) {
    if (p.end != WindowPacket::End::kDropped) continue;
    ++dropped;
    EXPECT_FALSE(p.dropped_at.empty());
  }
  EXPECT_GT(dropped, 0u);
}

TEST(TrafficWindow, ASeveralVmHostNamesEachPlaceAfterItsVm) {
  const TrafficWindow w = record_window(load_window("vm_to_vm.textproto"), {.backend = "VHOST_NET"});
  expect_window_well_formed(w);
  // Every packet of the window is known by the end of the replay's tail.
  EXPECT_EQ(w.left_out, 0u);
}

TEST(TrafficWindow, AWindowOutsideTheRunOrTooLongIsRefused) {
  const viosim::Scenario s = load_window("explain_rr.textproto");
  WindowOptions o;
  o.from = core::Time::zero() + core::Milliseconds(3);
  o.to = o.from;
  EXPECT_THROW(record_window(s, o), ExplainError);
  o.to = o.from + core::Milliseconds(6);
  EXPECT_THROW(record_window(s, o), ExplainError);
  o.from = core::Time::zero() + core::Seconds(100);
  o.to = o.from + core::Microseconds(10);
  EXPECT_THROW(record_window(s, o), ExplainError);
  EXPECT_THROW(record_window(s, {.backend = "E1001"}), ExplainError);
}

}  // namespace
}  // namespace viosim::explain
