// The packed virtqueue end to end, on each path whose device side has one
// (QEMU's userspace virtio-net, a vhost-user port, vDPA), against the split
// ring on the same path: per packet, fewer cache lines move between the
// vCPU's core and the backend thread's, a vDPA device reads less over PCIe
// before it sends, every packet is accounted for under a flood, and reruns
// are bit-identical.
#include <gtest/gtest.h>

#include <string>

#include "scenarios/loader/loader.h"
#include "scenarios/runner/run_scenario.h"

namespace viosim {
namespace {

std::string packed_scenario(const std::string& backend, bool packed, const std::string& flow) {
  return "name: \"packed\"\nseed: 7\nrun { duration_ms: 30 warmup_ms: 5 }\n"
         "host { cores: 8 nic { queues: 1 line_rate_gbps: 25 } }\n"
         "vm { name: \"vm0\" vcpus: 1 pin_cores: [2] nic { backend: " +
         backend + " queues: 1 backend_cores: [4] features { ring_packed: " + (packed ? "true" : "false") +
         " } } }\n"
         "traffic { flow { name: \"f\" dst: \"vm0\" " +
         flow + " } }\n";
}

BackendResult run_packed(const std::string& text) {
  const scenarios::LoadResult r = scenarios::load_scenario_text("packed.textproto", text, {});
  EXPECT_TRUE(r.ok()) << scenarios::format_diagnostics(r.diagnostics);
  return r.ok() ? run(*r.scenario).backend(0) : BackendResult();
}

const std::string kRr = "request_response { think_time_us: 20 }";

class PackedRing : public ::testing::TestWithParam<std::string> {};

// One request/response at a time: the same round trips, the same
// notifications per packet (the suppression predicates differ but agree
// when each packet meets an idle peer), and fewer lines moved by a host
// thread: the packed ring's descriptor carries what the split ring keeps
// in its avail and used rings and their indices.
TEST_P(PackedRing, MovesFewerCacheLinesPerPacketThanTheSplitRing) {
  const BackendResult split = run_packed(packed_scenario(GetParam(), false, kRr));
  const BackendResult packed = run_packed(packed_scenario(GetParam(), true, kRr));
  ASSERT_GT(split.nic_packets(), 500u);
  ASSERT_GT(packed.nic_packets(), 500u);
  EXPECT_EQ(packed.drops(), 0u);
  EXPECT_NEAR(packed.interrupts_per_packet(), split.interrupts_per_packet(), 0.05);
  if (GetParam() == "VDPA") {
    // The device is hardware: no thread pays lines, but it finds a buffer
    // with one dependent PCIe read (the descriptor) instead of three.
    EXPECT_EQ(packed.cache_line_transfers_per_packet(), 0);
    EXPECT_LT(packed.latency_us().p50(), split.latency_us().p50() - 0.5);
  } else {
    EXPECT_LT(packed.cache_line_transfers_per_packet(), split.cache_line_transfers_per_packet() - 2);
    EXPECT_LE(packed.latency_us().p50(), split.latency_us().p50());
  }
}

// More than the guest can take: every packet offered is delivered, lost
// at a place that counts it, or still in flight.
TEST_P(PackedRing, AFloodIsAccountedFor) {
  const BackendResult b =
      run_packed(packed_scenario(GetParam(), true, "open_loop { rate_pps: 3000000 frame_bytes: 64 }"));
  uint64_t lost = 0;
  for (const PlaceCount& c : b.drops_by_place()) lost += c.count();
  EXPECT_GT(lost, 0u);
  EXPECT_EQ(b.offered_packets(), b.delivered_packets() + lost + b.in_flight_packets());
}

TEST_P(PackedRing, RerunsAreBitIdentical) {
  const std::string text = packed_scenario(GetParam(), true, kRr);
  EXPECT_EQ(run_packed(text).fingerprint(), run_packed(text).fingerprint());
}

INSTANTIATE_TEST_SUITE_P(Backends, PackedRing, ::testing::Values("VIRTIO_USERSPACE", "VHOST_USER", "VDPA"));

}  // namespace
}  // namespace viosim
