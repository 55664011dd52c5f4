// TCP streams from the external peer into a VM, on every path: segments
// and ACKs conserved, every byte written delivered once and in order,
// goodput under the line rate, losses at a full ring repaired.
#include <gtest/gtest.h>

#include "models/paths/path_model.h"
#include "tests/models/paths/tcp_checks.h"

namespace viosim::models {
namespace {

PathConfig tcp_stream(PathBackend backend, uint64_t bytes, uint32_t connections = 1) {
  return tcp_bulk(backend, bytes, connections, false);
}

class TcpPathTest : public ::testing::TestWithParam<PathBackend> {};

TEST_P(TcpPathTest, EveryByteWrittenIsDeliveredOnceAndPacketsAreConserved) {
  const uint64_t bytes = 4'000'000;
  const PathResults r = run_path(tcp_stream(GetParam(), bytes, 2));
  ASSERT_EQ(r.flows.size(), 1u);
  const FlowResults& f = r.flows[0];
  EXPECT_TRUE(f.tcp);
  EXPECT_EQ(f.payload_bytes, bytes) << "in order, once, all of it";
  expect_conserved(f);
  // Segments sent = new ones + retransmissions; at least the bytes' worth.
  const uint64_t mss = 1518 - kTcpFrameOverhead;
  EXPECT_GE(f.tcp_stats.segments, (bytes + mss - 1) / mss);
  EXPECT_EQ(f.tcp_stats.segments - f.tcp_stats.retransmits, (bytes / 2 + mss - 1) / mss * 2);
  EXPECT_GT(f.tcp_stats.acks, 0u);
}

TEST_P(TcpPathTest, GoodputStaysUnderTheLineRateAndRerunsAreIdentical) {
  expect_goodput_under_line_rate_and_identical_reruns(tcp_stream(GetParam(), 0));
}

INSTANTIATE_TEST_SUITE_P(Paths, TcpPathTest, every_tcp_path(), path_test_name);

// A burst of UDP into the same receive queue overflows the NIC's ring: the
// stream's segments are lost there with the flood's, and SACK recovery
// sends each again until every byte is through.
TEST(TcpPath, SegmentsLostAtAFullRingAreRecovered) {
  const uint64_t bytes = 2'000'000;
  PathConfig c = tcp_stream(PathBackend::kBareMetal, bytes);
  c.duration = core::Milliseconds(300);
  c.vms.at(0).queue_size = 64;
  FlowConfig flood;
  flood.name = "flood";
  flood.pattern = FlowConfig::Pattern::kOpenLoop;
  flood.from_guest = false;
  flood.rate_pps = 2e6;
  flood.max_packets = 40'000;  // 20 ms of it
  flood.tuple.dst_port = 5202;
  c.flows.push_back(flood);
  const PathResults r = run_path(c);
  const FlowResults& f = r.flows[0];
  uint64_t ring = 0;
  for (const auto& [place, n] : f.drops_by_place) ring += place == "nic_ring" ? n : 0;
  EXPECT_GT(ring, 0u);
  EXPECT_GE(f.tcp_stats.retransmits, ring) << "every lost segment is sent again";
  EXPECT_GT(f.tcp_stats.recoveries, 0u);
  EXPECT_EQ(f.payload_bytes, bytes);
  expect_conserved(f);
}

// GRO merges what one NAPI poll brings of a connection: the stack runs
// once per merged skb, so the same guest moves more bytes; every segment
// is still counted.
TEST_P(TcpPathTest, GroMergesAPollsSegmentsIntoOneSkbForTheStack) {
  if (GetParam() == PathBackend::kVirtioUserspace) GTEST_SKIP() << "QEMU's device, not the guest, bounds it";
  PathConfig on = tcp_stream(GetParam(), 0);
  on.nic.gro = false;  // the guest's GRO alone
  PathConfig off = on;
  off.vms.at(0).gro = false;
  const PathResults a = run_path(on), b = run_path(off);
  const FlowResults &with = a.flows[0], &without = b.flows[0];
  const double per_skb_with = double(with.tcp_stats.segments) / double(with.tcp_skbs);
  const double per_skb_without = double(without.tcp_stats.segments) / double(without.tcp_skbs);
  // Without GRO each segment is its own skb (the few above one were still
  // on their way, or lost, when the window ended).
  EXPECT_GE(per_skb_without, 1.0);
  EXPECT_LT(per_skb_without, 1.05);
  EXPECT_GT(per_skb_with, 2.0);
  EXPECT_GT(with.payload_bytes, without.payload_bytes);
  expect_conserved(with);
}

uint64_t host_gro_merged(const PathResults& r) {
  uint64_t n = 0;
  for (const auto& q : r.per_queue) n += q.gro_merged;
  return n;
}
uint64_t guest_rx(const PathResults& r, uint64_t PathResults::VmQueueCounts::*field) {
  uint64_t n = 0;
  for (const auto& q : r.per_vm_queue) n += q.*field;
  return n;
}

// The host kernel's NAPI merges a poll's segments on the paths it
// receives for (a tap behind it): the backend then moves one skb where
// it moved a frame each, so the guest receives fewer, larger packets and
// the stream is faster; every segment still counted.
TEST(TcpPath, HostGroHandsTheTapOneSkbPerPollAndConnection) {
  for (PathBackend backend : {PathBackend::kVhostNet, PathBackend::kVirtioUserspace}) {
    SCOPED_TRACE(backend_name(backend));
    PathConfig on = tcp_stream(backend, 0);
    PathConfig off = on;
    off.nic.gro = false;
    const PathResults a = run_path(on), b = run_path(off);
    EXPECT_GT(host_gro_merged(a), 0u);
    EXPECT_EQ(host_gro_merged(b), 0u);
    const double frames_per_packet_on =
        double(a.flows[0].tcp_stats.segments) / double(guest_rx(a, &PathResults::VmQueueCounts::rx_packets));
    const double frames_per_packet_off =
        double(b.flows[0].tcp_stats.segments) / double(guest_rx(b, &PathResults::VmQueueCounts::rx_packets));
    EXPECT_GT(frames_per_packet_on, 4.0);
    EXPECT_LT(frames_per_packet_off, 1.2);
    EXPECT_GT(a.flows[0].payload_bytes, b.flows[0].payload_bytes);
    const FlowResults& f = a.flows[0];
    expect_conserved(f);
  }
}

// A GRO skb spreads over mergeable buffers of the guest's average packet
// length (a page, once the skbs are large): several buffers a packet, each
// fuller than a frame. Without mergeable buffers (big packets mode) each
// packet takes one.
TEST(TcpPath, MergeableBuffersCarryALargeSkbInSeveralBuffers) {
  for (PathBackend backend : {PathBackend::kVhostNet, PathBackend::kVirtioUserspace}) {
    SCOPED_TRACE(backend_name(backend));
    PathConfig mrg = tcp_stream(backend, 0);
    PathConfig big = mrg;
    big.vms.at(0).mrg_rxbuf = false;  // with guest_tso4: big packets
    const PathResults a = run_path(mrg), b = run_path(big);
    const uint64_t packets = guest_rx(a, &PathResults::VmQueueCounts::rx_packets);
    const uint64_t buffers = guest_rx(a, &PathResults::VmQueueCounts::rx_buffers);
    // Bytes per buffer: at most a page; more than a 1518-byte frame's.
    const double bytes_per_buffer = double(a.flows[0].payload_bytes) / double(buffers);
    EXPECT_GT(buffers, packets * 2);
    EXPECT_LE(bytes_per_buffer, 4096.0);
    EXPECT_GT(bytes_per_buffer, 2048.0);
    EXPECT_EQ(guest_rx(b, &PathResults::VmQueueCounts::rx_buffers),
              guest_rx(b, &PathResults::VmQueueCounts::rx_packets));
    EXPECT_NE(a.fingerprint, b.fingerprint);
  }
}

// A guest without guest_tso4 (and E1000, whose tap has no offloads at
// all) cannot take a GRO skb: the host segments it again before the tap,
// so the guest receives one frame per segment, all of them.
TEST(TcpPath, WithoutGuestTsoTheHostSegmentsGroSkbsBeforeTheTap) {
  const uint64_t bytes = 3'000'000;
  for (PathBackend backend : {PathBackend::kVhostNet, PathBackend::kE1000}) {
    SCOPED_TRACE(backend_name(backend));
    PathConfig c = tcp_stream(backend, bytes);
    c.vms.at(0).guest_tso4 = false;
    c.vms.at(0).gro = false;  // so that the guest's stack sees each frame
    if (backend == PathBackend::kE1000) c.nic_queues = 1;
    const PathResults r = run_path(c);
    const FlowResults& f = r.flows[0];
    EXPECT_GT(host_gro_merged(r), 0u) << "the host merged";
    EXPECT_EQ(f.payload_bytes, bytes);
    EXPECT_GE(f.tcp_skbs, f.tcp_stats.segments - f.tcp_stats.retransmits) << "and the guest took each segment alone";
    expect_conserved(f);
  }
}

}  // namespace
}  // namespace viosim::models
