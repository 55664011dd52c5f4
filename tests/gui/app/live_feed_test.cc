// The engine-to-GUI feed: throughput points are the packets delivered over
// each interval, nothing is lost while the GUI reads at the same time, and
// whole-run figures add up over the backends.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "gui/app/live_feed.h"

namespace viosim::gui {
namespace {

models::PathSnapshot at(double ms, uint64_t events, uint64_t packets, double duration_ms = 100) {
  models::PathSnapshot s;
  s.now = core::Time::zero() + core::Duration::from_seconds(ms * 1e-3);
  s.duration = core::Duration::from_seconds(duration_ms * 1e-3);
  s.events = events;
  s.app_packets = packets;
  return s;
}

TEST(LiveFeed, ThroughputIsPacketsOverSimulatedTime) {
  LiveFeed feed;
  LiveRecorder recorder(&feed);
  recorder.on_snapshot("VHOST_NET", 0, 2, at(1, 100, 50));
  recorder.on_snapshot("VHOST_NET", 0, 2, at(2, 220, 150));
  LiveSample s = feed.take();
  ASSERT_EQ(s.points.size(), 2u);
  EXPECT_DOUBLE_EQ(s.points[0].sim_ms, 1.0);
  EXPECT_NEAR(s.points[0].packets_per_s, 50'000, 1e-6);
  // Averaged over the last twentieth of the run (5 ms here): both slices.
  EXPECT_NEAR(s.points[1].packets_per_s, 75'000, 1e-6);
  EXPECT_EQ(s.status.events, 220u);
  EXPECT_NEAR(s.status.fraction, 0.01, 1e-12);  // 2 ms of the first of two 100 ms runs
  EXPECT_TRUE(feed.take().points.empty());        // taken once

  // The second backend starts from zero; the run's totals carry on.
  recorder.on_snapshot("VHOST_USER", 1, 2, at(50, 1000, 10));
  s = feed.take();
  EXPECT_EQ(s.status.backend, "VHOST_USER");
  EXPECT_EQ(s.status.events, 1220u);
  EXPECT_NEAR(s.status.sim_s, 0.052, 1e-12);
  EXPECT_NEAR(s.status.fraction, 0.75, 1e-12);
  ASSERT_EQ(s.points.size(), 1u);
  EXPECT_NEAR(s.points[0].packets_per_s, 200, 1e-9);
}

TEST(LiveFeed, ThroughputIsAveragedOverATwentiethOfTheRun) {
  LiveFeed feed;
  LiveRecorder recorder(&feed);
  // 100 packets per millisecond for 10 ms, then 300 per millisecond.
  uint64_t packets = 0;
  for (int ms = 1; ms <= 20; ++ms) {
    packets += ms <= 10 ? 100 : 300;
    recorder.on_snapshot("PASSTHROUGH", 0, 1, at(ms, ms, packets));
  }
  const LiveSample s = feed.take();
  ASSERT_EQ(s.points.size(), 20u);
  EXPECT_NEAR(s.points[9].packets_per_s, 100'000, 1e-6);   // 5..10 ms
  EXPECT_NEAR(s.points[12].packets_per_s, 220'000, 1e-6);  // 8..13 ms: two slow, three fast
  EXPECT_NEAR(s.points[19].packets_per_s, 300'000, 1e-6);  // 15..20 ms
}

TEST(LiveFeed, NothingIsLostWhileTheGuiReads) {
  LiveFeed feed;
  constexpr int kSlices = 20'000;
  std::atomic<bool> done{false};
  size_t received = 0;
  std::thread gui([&] {
    while (!done) received += feed.take().points.size();
  });
  LiveRecorder recorder(&feed);
  // A slice per simulated millisecond of a 100 ms run: each one makes a point.
  for (int i = 1; i <= kSlices; ++i) recorder.on_snapshot("E1000", 0, 1, at(i, i, i, 100));
  done = true;
  gui.join();
  received += feed.take().points.size();
  received += recorder.take_unpublished().size();  // what the last try-lock kept back
  EXPECT_EQ(received, size_t(kSlices));
}

TEST(LiveFeed, ASweepCountsPointsAndDrawsNoThroughput) {
  LiveFeed feed;
  LiveRecorder recorder(&feed, 4);
  recorder.on_snapshot("VHOST_NET", 0, 1, at(10, 100, 100, 20));
  recorder.on_point_done();
  recorder.on_snapshot("VHOST_NET", 0, 1, at(10, 50, 100, 20));
  const LiveSample s = feed.take();
  EXPECT_TRUE(s.points.empty());
  EXPECT_EQ(s.status.points_done, 1u);
  EXPECT_EQ(s.status.events, 150u);
  EXPECT_NEAR(s.status.fraction, 1.5 / 4, 1e-12);
}

}  // namespace
}  // namespace viosim::gui
