// The three virtio paths end to end: packets are conserved, reruns are
// bit-identical, and the counts that define each backend come out of the
// mechanisms (no syscalls in vhost-net's data path, no TX kicks against a
// polling vhost-user backend, a writev per packet in QEMU).
#include "models/paths/path_model.h"

#include <gtest/gtest.h>

namespace viosim::models {
namespace {

PathConfig open_loop(PathBackend backend, bool from_guest, double pps) {
  PathConfig c;
  c.backend = backend;
  c.duration = core::Milliseconds(30);
  c.warmup = core::Milliseconds(5);
  FlowConfig f;
  f.name = "load";
  f.pattern = FlowConfig::Pattern::kOpenLoop;
  f.from_guest = from_guest;
  f.rate_pps = pps;
  c.flows.push_back(f);
  return c;
}

PathConfig request_response(PathBackend backend) {
  PathConfig c;
  c.backend = backend;
  c.duration = core::Milliseconds(30);
  c.warmup = core::Milliseconds(5);
  FlowConfig f;
  f.name = "rr";
  c.flows.push_back(f);
  return c;
}

class PathTest : public ::testing::TestWithParam<PathBackend> {};

TEST_P(PathTest, RequestResponseRunsAndIsDeterministic) {
  const PathResults a = run_path(request_response(GetParam()));
  const PathResults b = run_path(request_response(GetParam()));
  EXPECT_GT(a.app_packets, 100u);
  EXPECT_TRUE(a.round_trip);
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(a.app_packets, b.app_packets);
  EXPECT_EQ(a.latency.percentile(0.99), b.latency.percentile(0.99));
  EXPECT_EQ(a.drops, 0u);
  // Each transaction crosses the virtual NIC twice.
  EXPECT_NEAR(double(a.nic_packets), 2.0 * double(a.app_packets), 4.0);
}

TEST_P(PathTest, OpenLoopPacketsAreConserved) {
  for (bool from_guest : {false, true}) {
    const PathResults r = run_path(open_loop(GetParam(), from_guest, 200'000));
    // 200 kpps over the 25 ms window, minus what is still in flight.
    EXPECT_NEAR(double(r.app_packets + r.drops), 5000.0, 150.0) << from_guest;
    EXPECT_EQ(r.drops, 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(Virtio, PathTest,
                         ::testing::Values(PathBackend::kVirtioUserspace, PathBackend::kVhostNet,
                                           PathBackend::kVhostUser),
                         [](const auto& info) { return std::string(backend_name(info.param)); });

TEST(PathMechanisms, VhostNetMakesNoHostSyscallsQemuOneWritevPerPacket) {
  const PathResults qemu = run_path(open_loop(PathBackend::kVirtioUserspace, true, 100'000));
  const PathResults vhost = run_path(open_loop(PathBackend::kVhostNet, true, 100'000));
  EXPECT_EQ(vhost.host_syscalls, 0u);
  EXPECT_GE(qemu.per_packet(double(qemu.host_syscalls)), 1.0);
}

TEST(PathMechanisms, VhostUserGuestNeverKicks) {
  const PathResults r = run_path(open_loop(PathBackend::kVhostUser, true, 300'000));
  EXPECT_GT(r.nic_packets, 5000u);
  EXPECT_EQ(r.exits_by_reason[static_cast<size_t>(ExitReason::kMmioFast)], 0u);
  // The PMD core never idles.
  const PathConfig c = open_loop(PathBackend::kVhostUser, true, 300'000);
  EXPECT_EQ(r.per_core_s[c.backend_core][static_cast<size_t>(CpuCategory::kIdle)], 0.0);
  EXPECT_GT(r.per_core_s[c.backend_core][static_cast<size_t>(CpuCategory::kPmd)], 0.5 * r.window_s);
}

TEST(PathMechanisms, UnmodelledBackendIsRefused) {
  PathConfig c = request_response(PathBackend::kE1000);
  EXPECT_THROW(run_path(c), std::invalid_argument);
}

}  // namespace
}  // namespace viosim::models
