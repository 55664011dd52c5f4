// Checks every TCP stream test makes, whichever way the stream goes.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "models/paths/path_model.h"

namespace viosim::models {

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
