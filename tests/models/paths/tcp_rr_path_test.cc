// TCP request/response (netperf TCP_RR) between the external peer and a
// VM, on every path and with the client at either end: messages of any
// size as segments of one stream, ACKs riding on the replies, latency the
// whole transaction's.
#include <gtest/gtest.h>

#include <tuple>

#include "models/paths/path_model.h"
#include "tests/models/paths/tcp_checks.h"

namespace viosim::models {
namespace {

// Pure ACKs: what the ends handed their stacks beyond data segments.
uint64_t pure_acks(const FlowResults& f) { return f.offered_packets - f.tcp_stats.segments; }

class TcpRrPathTest : public ::testing::TestWithParam<std::tuple<PathBackend, bool>> {};

// Small messages: one segment each way per transaction. After the first
// exchanges the connection is in ping-pong mode, so each reply carries
// the ACK and almost no pure ACK goes.
TEST_P(TcpRrPathTest, SmallMessagesTakeOneSegmentEachWayAndAcksRideOnReplies) {
  const auto [backend, from_guest] = GetParam();
  const PathResults r = run_path(tcp_rr_flow(backend, 64, 64, from_guest));
  const FlowResults& f = r.flows.at(0);
  ASSERT_TRUE(f.tcp);
  EXPECT_TRUE(f.round_trip);
  EXPECT_GT(f.packets, 300u) << "transactions in 60 ms";
  EXPECT_LE(f.tcp_stats.segments, 2 * f.packets + 4) << "a segment each way per transaction";
  EXPECT_EQ(f.tcp_stats.retransmits, 0u);
  EXPECT_LT(pure_acks(f), 40u) << "quick ACKs at the start only";
  // The round trip crosses the peer's stack twice (13 us) at least.
  EXPECT_GT(double(f.latency.min()), 13e6);
  expect_conserved(f);
}

// A 1 MB response: hundreds of segments, the client's receiver ACKing
// every second one, each transaction at least the response's time on the
// wire; every response byte arrives once.
TEST_P(TcpRrPathTest, MegabyteResponsesArriveWholeAndTakeTheirTimeOnTheWire) {
  const auto [backend, from_guest] = GetParam();
  const uint32_t mb = 1 << 20;
  const PathConfig c = tcp_rr_flow(backend, 100, mb, from_guest);
  const PathResults r = run_path(c);
  const FlowResults& f = r.flows.at(0);
  ASSERT_GT(f.packets, 3u);
  const double wire_ps = double(mb) * 8 / double(c.wire.line_rate_bps) * 1e12;
  EXPECT_GT(double(f.latency.min()), wire_ps);
  EXPECT_GE(f.payload_bytes, f.packets * (uint64_t{mb} + 100)) << "each transaction's bytes, both ways";
  EXPECT_GE(f.tcp_stats.segments, f.packets * (mb / 1448)) << "a segment per MSS of each response";
  EXPECT_GT(pure_acks(f), f.packets) << "bulk responses are ACKed as a stream is";
  expect_conserved(f);
}

INSTANTIATE_TEST_SUITE_P(Paths, TcpRrPathTest,
                         ::testing::Combine(::testing::Values(PathBackend::kE1000, PathBackend::kVirtioUserspace,
                                                              PathBackend::kVhostNet, PathBackend::kVhostUser,
                                                              PathBackend::kPassthrough, PathBackend::kBareMetal,
                                                              PathBackend::kVdpa),
                                            ::testing::Bool()),
                         [](const ::testing::TestParamInfo<std::tuple<PathBackend, bool>>& info) {
                           return std::string(backend_name(std::get<0>(info.param))) +
                                  (std::get<1>(info.param) ? "_ClientInVm" : "_ClientOutside");
                         });

// Several transactions in flight per connection go back to back in the
// stream: more transactions per second than one at a time, and the same
// results on a rerun.
TEST(TcpRrPath, TransactionsInFlightRaiseTheRateAndRerunsAreIdentical) {
  auto flow = [](uint32_t outstanding) {
    PathConfig c = tcp_rr_flow(PathBackend::kVhostNet, 200, 200, false, 2, outstanding);
    c.flows[0].tcp.nodelay = true;
    return c;
  };
  const PathResults one = run_path(flow(1));
  const PathResults four = run_path(flow(4));
  const PathResults again = run_path(flow(4));
  EXPECT_GT(four.flows[0].packets, one.flows[0].packets * 3 / 2);
  EXPECT_EQ(four.fingerprint, again.fingerprint);
  expect_conserved(four.flows[0]);
}

// Without TCP_NODELAY, Nagle's test holds each small request while one
// sent before it is unacknowledged: the held ones go together when the
// ACK comes, so the requests take fewer segments and wait longer.
TEST(TcpRrPath, NagleBatchesRequestsInFlightWithoutNodelay) {
  PathConfig nodelay = tcp_rr_flow(PathBackend::kVhostNet, 200, 200, true, 1, 4);
  nodelay.flows[0].tcp.nodelay = true;
  PathConfig nagle = nodelay;
  nagle.flows[0].tcp.nodelay = false;
  const PathResults a = run_path(nodelay), b = run_path(nagle);
  const FlowResults &fa = a.flows[0], &fb = b.flows[0];
  EXPECT_LT(double(fb.tcp_stats.segments) / double(fb.packets), double(fa.tcp_stats.segments) / double(fa.packets));
  EXPECT_GT(fb.latency.mean(), fa.latency.mean() * 1.2);
  expect_conserved(fb);
}

// A client on a 2-vCPU VM whose connections' data RSS spreads over both
// queues: each connection's responses reach the vCPU that owns it, and
// every transaction completes.
TEST(TcpRrPath, AClientOnSeveralVcpusReadsEachConnectionWhereItOwnsIt) {
  PathConfig c = tcp_rr_flow(PathBackend::kVhostNet, 64, 64, true, 8, 1);
  c.cores = 12;
  c.vm().vcpu_cores = {2, 3};
  c.vm().backend_cores = {4, 5};
  c.vm().queue_pairs = 2;
  c.nic_queues = 2;
  c.irq_cores = {8, 9};
  c.flows[0].tuple = {0x0a000101, 0x0a000001, 49152, 5201, true};
  const PathResults r = run_path(c);
  EXPECT_GT(r.flows[0].packets, 2000u);
  expect_conserved(r.flows[0]);
}

// A request of several segments reaches the server whole before it
// answers: the response cannot start before the last request byte is in.
TEST(TcpRrPath, TheServerAnswersAWholeRequestOnly) {
  const PathConfig c = tcp_rr_flow(PathBackend::kVhostNet, 300'000, 64, true);
  const PathResults r = run_path(c);
  const FlowResults& f = r.flows.at(0);
  ASSERT_GT(f.packets, 3u);
  const double wire_ps = 300'000.0 * 8 / double(c.wire.line_rate_bps) * 1e12;
  EXPECT_GT(double(f.latency.min()), wire_ps);
  EXPECT_GE(f.payload_bytes, f.packets * 300'064);
}

}  // namespace
}  // namespace viosim::models
