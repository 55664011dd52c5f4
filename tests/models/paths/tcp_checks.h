// Checks every TCP stream test makes, whichever way the stream goes.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "models/paths/path_model.h"

namespace viosim::models {

// A 60 ms run (no warm-up) of one bulk TCP flow of `connections` between
// the external peer and the VM, into it or (`from_guest`) out of it, in
// 1518-byte frames; `bytes` in all (0: without end).
inline PathConfig tcp_bulk(PathBackend backend, uint64_t bytes, uint32_t connections, bool from_guest) {
  PathConfig c;
  c.backend = backend;
  c.duration = core::Milliseconds(60);
  c.warmup = core::Duration::zero();
  FlowConfig f;
  f.name = from_guest ? "up" : "stream";
  f.pattern = FlowConfig::Pattern::kBulk;
  f.from_guest = from_guest;
  f.is_tcp = true;
  f.frame_bytes = 1518;
  f.tcp.mss = 1518 - kTcpFrameOverhead;
  f.tcp_bytes = bytes;
  f.connections = connections;
  c.flows.push_back(f);
  return c;
}

// A 60 ms run (no warm-up) of one TCP request/response flow (netperf
// TCP_RR) of `connections` between the external peer and the VM, with the
// client outside or (`from_guest`) in the VM; message payloads as given.
inline PathConfig tcp_rr_flow(PathBackend backend, uint32_t request, uint32_t response, bool from_guest,
                              uint32_t connections = 1, uint32_t outstanding = 1) {
  PathConfig c;
  c.backend = backend;
  c.duration = core::Milliseconds(60);
  c.warmup = core::Duration::zero();
  FlowConfig f;
  f.name = "rr";
  f.pattern = FlowConfig::Pattern::kRequestResponse;
  f.from_guest = from_guest;
  f.is_tcp = true;
  f.request_bytes = request;
  f.response_bytes = response;
  f.connections = connections;
  f.conn_outstanding = outstanding;
  f.outstanding = outstanding * connections;
  c.flows.push_back(f);
  return c;
}

// Its first flow's goodput is above 1 Gb/s and at most the line rate's
// payload, and a rerun gives the same fingerprint.
inline void expect_goodput_under_line_rate_and_identical_reruns(const PathConfig& c) {
  const PathResults a = run_path(c);
  const PathResults b = run_path(c);
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  const FlowResults& f = a.flows[0];
  const double goodput = double(f.payload_bytes) * 8 / a.window_s;
  const double line_payload = double(c.wire.line_rate_bps) * 1448.0 / double(wire_bytes(1518));
  EXPECT_GT(goodput, 1e9);
  EXPECT_LE(goodput, line_payload);
}

// Every path, for the parametrised stream tests.
inline auto every_tcp_path() {
  return ::testing::Values(PathBackend::kE1000, PathBackend::kVirtioUserspace, PathBackend::kVhostNet,
                           PathBackend::kVhostUser, PathBackend::kPassthrough, PathBackend::kBareMetal,
                           PathBackend::kVdpa);
}
inline std::string path_test_name(const ::testing::TestParamInfo<PathBackend>& info) {
  return std::string(backend_name(info.param));
}

// Every packet offered is delivered, dropped at a place, or on its way.
inline void expect_conserved(const FlowResults& f) {
  EXPECT_EQ(f.offered_packets, f.delivered_packets + f.drops() + f.in_flight_packets);
}

}  // namespace viosim::models
