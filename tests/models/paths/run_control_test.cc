// Controlling a run from outside: a cancel request stops it within one
// slice, and the live snapshots a GUI samples agree with the final results
// without changing them (same fingerprint with and without the callback).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <vector>

#include "models/paths/cancelled.h"
#include "models/paths/path_model.h"

namespace viosim::models {
namespace {

PathConfig run_control_rr(PathBackend backend, core::Duration duration) {
  PathConfig c;
  c.backend = backend;
  c.duration = duration;
  c.warmup = core::Milliseconds(5);
  FlowConfig f;
  f.name = "rr";
  c.flows.push_back(f);
  FlowConfig load;
  load.name = "load";
  load.pattern = FlowConfig::Pattern::kOpenLoop;
  load.rate_pps = 50'000;
  c.flows.push_back(load);
  return c;
}

TEST(RunControl, ACancelledFlagStopsTheRunBeforeItsFirstSlice) {
  std::atomic<bool> cancel{true};
  PathConfig c = run_control_rr(PathBackend::kVhostNet, core::Milliseconds(10'000));
  c.cancel = &cancel;
  int slices = 0;
  c.snapshot = [&](const PathSnapshot&) { ++slices; };
  EXPECT_THROW(run_path(c), Cancelled);
  EXPECT_EQ(slices, 0);
}

TEST(RunControl, CancellingDuringARunStopsItWithinOneSlice) {
  std::atomic<bool> cancel{false};
  // Ten simulated seconds would take minutes; the cancel must cut it short.
  PathConfig c = run_control_rr(PathBackend::kVirtioUserspace, core::Milliseconds(10'000));
  c.cancel = &cancel;
  std::vector<PathSnapshot> seen;
  c.snapshot = [&](const PathSnapshot& s) {
    seen.push_back(s);
    if (seen.size() == 3) cancel = true;
  };
  EXPECT_THROW(run_path(c), Cancelled);
  ASSERT_EQ(seen.size(), 3u);
  // Slices are at most 1 ms simulated, whatever the run's length.
  EXPECT_EQ(seen.back().now, core::Time::zero() + core::Milliseconds(3));
  EXPECT_EQ(seen.back().duration, core::Milliseconds(10'000));
  EXPECT_GT(seen.back().events, 0u);
}

TEST(RunControl, SnapshotsDoNotChangeTheRunAndAgreeWithItsResults) {
  for (PathBackend backend : {PathBackend::kE1000, PathBackend::kVhostNet, PathBackend::kPassthrough}) {
    const PathConfig plain = run_control_rr(backend, core::Milliseconds(30));
    PathConfig watched = plain;
    std::vector<PathSnapshot> seen;
    watched.snapshot = [&](const PathSnapshot& s) { seen.push_back(s); };
    std::atomic<bool> never{false};
    watched.cancel = &never;
    const PathResults a = run_path(plain);
    const PathResults b = run_path(watched);
    const std::string name(backend_name(backend));
    EXPECT_EQ(a.fingerprint, b.fingerprint) << name;
    EXPECT_EQ(a.events, b.events) << name;
    EXPECT_EQ(a.app_packets, b.app_packets) << name;
    EXPECT_EQ(a.latency.percentile(0.99), b.latency.percentile(0.99)) << name;

    // A snapshot per slice (a hundredth of the run here, at most 1 ms),
    // time and counts never going back.
    ASSERT_GE(seen.size(), 100u) << name;
    ASSERT_LE(seen.size(), 102u) << name;
    const core::Duration slice = plain.duration / 100;
    for (size_t i = 1; i < seen.size(); ++i) {
      EXPECT_GT(seen[i].now, seen[i - 1].now);
      EXPECT_LE(seen[i].now - seen[i - 1].now, slice);
      EXPECT_GT(seen[i].events, seen[i - 1].events);
      EXPECT_GE(seen[i].app_packets, seen[i - 1].app_packets);
      EXPECT_GE(seen[i].app_bytes, seen[i - 1].app_bytes);
    }
    EXPECT_EQ(seen.back().now, core::Time::zero() + plain.duration);
    EXPECT_EQ(seen.back().events, b.events);
    // The packets counted after the warm-up are the run's results.
    auto warmup_end = std::find_if(seen.begin(), seen.end(),
                                   [&](const PathSnapshot& s) { return s.now == core::Time::zero() + plain.warmup; });
    ASSERT_NE(warmup_end, seen.end()) << "a slice ends where the warm-up does";
    const PathSnapshot& at_warmup = *warmup_end;
    EXPECT_EQ(seen.back().app_packets - at_warmup.app_packets, b.app_packets) << name;
    EXPECT_GT(at_warmup.app_packets, 0u) << name;
  }
}

}  // namespace
}  // namespace viosim::models
