// TrafficPlayback: where each packet of a window is at an instant, and the
// instants Step goes to.
#include "gui/app/traffic_playback.h"

#include <gtest/gtest.h>

namespace viosim::gui {
namespace {

core::Time us(int n) { return core::Time::zero() + core::Microseconds(n); }

explain::TrafficWindow window() {
  using End = explain::WindowPacket::End;
  explain::TrafficWindow w;
  w.from = us(0);
  w.to = us(100);
  for (const char* name : {"a", "b", "c"}) w.places.push_back({name, "guest"});
  auto packet = [&](std::vector<std::pair<int, const char*>> hops, End end, int end_at) {
    explain::WindowPacket p;
    for (const auto& [at, place] : hops) p.hops.push_back(explain::Hop{us(at), place, "", "", {}});
    p.end = end;
    p.end_at = us(end_at);
    p.kind = "request";
    w.packets.push_back(p);
  };
  packet({{10, "a"}, {20, "b"}, {30, "c"}}, End::kDelivered, 30);
  packet({{12, "a"}, {25, "b"}}, End::kDropped, 27);
  packet({{5, "b"}}, End::kInFlight, 0);
  return w;
}

TEST(TrafficPlayback, StepsGoToTheInstantsPacketsReachAPlace) {
  const TrafficPlayback playback(window());
  // The hops, and the loss at 27.
  EXPECT_EQ(playback.events(), (std::vector<core::Time>{us(5), us(10), us(12), us(20), us(25), us(27), us(30)}));
  EXPECT_EQ(playback.next_event(us(10)), us(12));
  EXPECT_EQ(playback.next_event(us(11)), us(12));
  EXPECT_EQ(playback.next_event(us(30)), us(100));  // the window's end
  EXPECT_EQ(playback.previous_event(us(12)), us(10));
  EXPECT_EQ(playback.previous_event(us(5)), us(0));
  EXPECT_EQ(playback.arrivals(us(20)), (std::vector<std::pair<size_t, size_t>>{{0, 1}}));
}

TEST(TrafficPlayback, APacketMovesBetweenItsPlacesByTime) {
  const TrafficPlayback playback(window());
  auto find = [](const std::vector<TrafficPlayback::Position>& all, size_t packet) {
    for (const auto& p : all) {
      if (p.packet == packet) return p;
    }
    return TrafficPlayback::Position{99, -1, -1, 0, false};
  };
  // Before its first hop it is not in sight; half way from a to b at 15.
  EXPECT_EQ(find(playback.at(us(9)), 0).packet, 99u);
  const auto half = find(playback.at(us(15)), 0);
  EXPECT_EQ(half.from_place, 0);
  EXPECT_EQ(half.to_place, 1);
  EXPECT_DOUBLE_EQ(half.fraction, 0.5);
  // At its delivery it is at its last place; just after, gone.
  EXPECT_EQ(find(playback.at(us(30)), 0).from_place, 2);
  EXPECT_EQ(find(playback.at(us(31)), 0).packet, 99u);
  // Lost at 27: at b until then, then a mark there for kDropLinger.
  EXPECT_FALSE(find(playback.at(us(26)), 1).dropped);
  const auto lost = find(playback.at(us(28)), 1);
  EXPECT_TRUE(lost.dropped);
  EXPECT_EQ(lost.from_place, 1);
  EXPECT_EQ(find(playback.at(us(27) + TrafficPlayback::kDropLinger), 1).packet, 99u);
  EXPECT_TRUE(find(playback.at(us(40), core::Microseconds(20)), 1).dropped);  // a longer linger
  // Still on its way at the window's end: at its last place.
  EXPECT_EQ(find(playback.at(us(100)), 2).from_place, 1);
}

}  // namespace
}  // namespace viosim::gui
