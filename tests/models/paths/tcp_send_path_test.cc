// TCP streams from a VM to the external peer, on every path: the guest's
// sender writes, sends TSO skbs where the device takes them (GSO's
// segments where it does not), and the peer's receiver ACKs them.
#include <gtest/gtest.h>

#include "models/paths/path_model.h"
#include "tests/models/paths/tcp_checks.h"

namespace viosim::models {
namespace {

PathConfig tcp_out(PathBackend backend, uint64_t bytes, uint32_t connections = 1) {
  return tcp_bulk(backend, bytes, connections, true);
}

uint64_t guest_tx(const PathResults& r) {
  uint64_t n = 0;
  for (const auto& q : r.per_vm_queue) n += q.tx_packets;
  return n;
}

class TcpSendPathTest : public ::testing::TestWithParam<PathBackend> {};

TEST_P(TcpSendPathTest, EveryByteWrittenIsDeliveredOnceAndPacketsAreConserved) {
  const uint64_t bytes = 4'000'000;
  const PathResults r = run_path(tcp_out(GetParam(), bytes, 2));
  ASSERT_EQ(r.flows.size(), 1u);
  const FlowResults& f = r.flows[0];
  EXPECT_TRUE(f.tcp);
  EXPECT_EQ(f.payload_bytes, bytes) << "in order, once, all of it";
  expect_conserved(f);
  // New segments: at least the bytes' worth in full ones; a guest too busy
  // to write ahead sends what it has when nothing is out (Nagle lets a
  // part segment go then), at most one per write.
  const uint64_t mss = 1518 - kTcpFrameOverhead;
  const uint64_t fresh = f.tcp_stats.segments - f.tcp_stats.retransmits;
  EXPECT_GE(fresh, (bytes / 2 + mss - 1) / mss * 2);
  EXPECT_LE(fresh, (bytes / 2 + mss - 1) / mss * 2 + (bytes / 131'072 + 2));
  EXPECT_GT(f.tcp_stats.acks, 0u);
}

TEST_P(TcpSendPathTest, GoodputStaysUnderTheLineRateAndRerunsAreIdentical) {
  expect_goodput_under_line_rate_and_identical_reruns(tcp_out(GetParam(), 0));
}

INSTANTIATE_TEST_SUITE_P(Paths, TcpSendPathTest, every_tcp_path(), path_test_name);

// With host_tso4 the guest hands the device skbs of many segments, one
// ring slot each, which the host NIC cuts into frames; without it the
// guest's GSO cuts them first, and its driver and the backend handle each
// frame, which costs the guest more per byte.
TEST(TcpSendPath, TsoSkbsReachTheDeviceWholeAndGsoSegmentsDoNot) {
  const uint64_t bytes = 3'000'000;
  PathConfig on = tcp_out(PathBackend::kVhostNet, bytes);
  PathConfig off = on;
  off.vms.at(0).host_tso4 = false;
  const PathResults a = run_path(on), b = run_path(off);
  for (const PathResults* r : {&a, &b}) {
    EXPECT_EQ(r->flows[0].payload_bytes, bytes);
    EXPECT_EQ(r->wire_frames, r->flows[0].tcp_stats.segments) << "the wire carries each segment as a frame";
  }
  const uint64_t segments_on = a.flows[0].tcp_stats.segments, segments_off = b.flows[0].tcp_stats.segments;
  EXPECT_LT(guest_tx(a) * 4, segments_on) << "TSO skbs of several segments";
  EXPECT_GE(guest_tx(b), segments_off) << "every segment its own packet";
  const auto kernel = [](const PathResults& r) {
    return r.vms.at(0).vcpu_cpu_s[static_cast<size_t>(CpuCategory::kGuestKernel)];
  };
  EXPECT_GT(kernel(b), kernel(a) * 1.2);
}

// QEMU's e1000 takes the guest's TSO skb through one descriptor and cuts
// it into frames itself, each a write into the tap.
TEST(TcpSendPath, E1000CutsTsoSkbsInQemu) {
  const uint64_t bytes = 2'000'000;
  const PathResults r = run_path(tcp_out(PathBackend::kE1000, bytes));
  const FlowResults& f = r.flows[0];
  EXPECT_EQ(f.payload_bytes, bytes);
  EXPECT_LT(guest_tx(r) * 4, f.tcp_stats.segments);
  EXPECT_EQ(r.wire_frames, f.tcp_stats.segments);
}

// Two vCPUs, each with its queue pair and its share of the connections:
// an ACK that lands on the other vCPU's queue still reaches its sender,
// and every connection's bytes arrive.
TEST(TcpSendPath, EveryConnectionOfATwoVcpuGuestDelivers) {
  const uint64_t bytes = 4'000'000;
  for (PathBackend backend : {PathBackend::kVhostNet, PathBackend::kPassthrough}) {
    SCOPED_TRACE(backend_name(backend));
    PathConfig c = tcp_out(backend, bytes, 4);
    c.vms.at(0).vcpu_cores = {2, 3};
    c.vms.at(0).queue_pairs = 2;
    c.vms.at(0).backend_cores = {4, 5};
    c.nic_queues = 2;
    const PathResults r = run_path(c);
    EXPECT_EQ(r.flows[0].payload_bytes, bytes);
    expect_conserved(r.flows[0]);
    EXPECT_EQ(r.flows[0].tcp_stats.timeouts, 0u) << "no connection waited for its RTO";
  }
}

// OVS-DPDK offers no TSO on its vhost-user ports: the guest segments.
TEST(TcpSendPath, VhostUserGuestsSegmentInSoftware) {
  const PathResults r = run_path(tcp_out(PathBackend::kVhostUser, 2'000'000));
  EXPECT_GE(guest_tx(r), r.flows[0].tcp_stats.segments);
}

}  // namespace
}  // namespace viosim::models
