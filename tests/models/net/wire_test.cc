// The wire: frames serialised at the line rate, a TSO skb cut into its
// segments' frames, and a receiver that polls by time taking the frames
// that follow one arriving in the same event.
#include "models/net/wire.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "models/traffic/flow.h"

namespace viosim::models {
namespace {

struct WireBench {
  explicit WireBench(bool early) {
    wire = std::make_unique<Wire>(sim, "wire", nullptr, Wire::Config{}, pool,
                                  [this](uint32_t p) { got.emplace_back(p, sim.now()); });
    if (early) {
      wire->set_early([this](uint32_t p) -> EarlyTaker* { return pool[p].tcp_data ? &taker : nullptr; });
    }
  }
  // A TSO skb of `segs` full segments of 1448 bytes.
  uint32_t tso_skb(uint32_t segs) {
    Packet& p = pool.alloc();
    p.tcp_data = true;
    p.segs = static_cast<uint16_t>(segs);
    p.bytes = segs * (1448 + kTcpFrameOverhead);
    TcpHeader& h = pool.tcp(p.id);
    h = TcpHeader{};
    h.len = segs * 1448;
    h.gso_size = 1448;
    return p.id;
  }
  uint32_t datagram() {
    Packet& p = pool.alloc();
    p.bytes = 64;
    return p.id;
  }
  core::Simulator sim;
  PacketPool pool;
  std::unique_ptr<Wire> wire;
  std::vector<std::pair<uint32_t, core::Time>> got;
  // Takes a frame early: records it with its arrival time.
  struct Taker final : EarlyTaker {
    explicit Taker(WireBench* b) : bench(b) {}
    void receive_early(uint32_t packet, core::Time arrives) override { bench->got.emplace_back(packet, arrives); }
    WireBench* bench;
  } taker{this};
};

// Each frame arrives one serialisation after the one before, whether the
// receiver takes them one event each or, ahead of time, as they are sent.
// Then no frame it has not been handed can arrive before the last one.
TEST(Wire, ATsoSkbsFramesArriveWithoutEventsWhenTheReceiverPollsByTime) {
  WireBench each(false), early(true);
  for (WireBench* b : {&each, &early}) {
    b->wire->send(b->tso_skb(44));
    if (b == &early) {
      EXPECT_EQ(b->wire->unknown_from(), b->got.back().second);
    }
    b->sim.run_until(core::Time::zero() + core::Milliseconds(1));  // past the last arrival
    ASSERT_EQ(b->got.size(), 44u);
    const core::Duration frame = b->wire->serialization(1448 + kTcpFrameOverhead);
    for (size_t i = 1; i < b->got.size(); ++i) EXPECT_EQ(b->got[i].second - b->got[i - 1].second, frame);
    EXPECT_EQ(b->wire->frames(), 44u);
  }
  EXPECT_EQ(each.got.back().second, early.got.back().second);
  EXPECT_EQ(each.sim.events_executed(), 44u);
  EXPECT_EQ(early.sim.events_executed(), 0u);
}

// A frame handed over early counts as delivered from its arrival: read
// mid-train, the wire has delivered only what has arrived, and a
// statistics reset drops what arrived before it.
TEST(Wire, EarlyFramesCountAsTheyArrive) {
  WireBench b(true);
  b.wire->send(b.tso_skb(44));
  const core::Duration frame = b.wire->serialization(1448 + kTcpFrameOverhead);
  const core::Time first = core::Time::zero() + frame + Wire::Config{}.propagation;
  b.sim.run_until(first + frame * 5);
  EXPECT_EQ(b.got.size(), 44u) << "all handed over";
  EXPECT_EQ(b.wire->frames(), 6u);
  b.wire->reset_stats();
  b.sim.run_until(first + frame * 9);
  EXPECT_EQ(b.wire->frames(), 4u);
}

// A frame the receiver does not take early (a datagram) arrives by its own
// event: the hand-over stops before it and goes on after it. Until it
// arrives, it is the first frame the receiver does not know of.
TEST(Wire, AFrameTheReceiverDoesNotTakeEarlyStopsTheHandOver) {
  WireBench b(true);
  b.wire->send(b.tso_skb(4));
  const uint32_t d = b.datagram();
  b.wire->send(d);
  b.wire->send(b.tso_skb(4));
  EXPECT_EQ(b.got.size(), 4u) << "the first skb, as it was sent";
  const core::Time datagram_arrives = b.wire->unknown_from();
  b.sim.run();
  ASSERT_EQ(b.got.size(), 9u);
  EXPECT_EQ(b.sim.now(), datagram_arrives);
  EXPECT_EQ(b.got[4].first, d);
  for (size_t i = 1; i < b.got.size(); ++i) EXPECT_GT(b.got[i].second, b.got[i - 1].second);
  EXPECT_EQ(b.sim.events_executed(), 1u) << "the datagram, with the second skb behind it";
}

}  // namespace
}  // namespace viosim::models
