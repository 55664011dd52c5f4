// VIRTIO_F_IN_ORDER end to end, on the paths whose device side offers it:
// where the real device returns a batch with one used element (vhost-net's
// transmit batches on the split ring, DPDK's packed-ring dequeue), fewer
// cache lines move between the vCPU's core and the backend's per packet;
// where it writes one per buffer anyway (QEMU), the run still conserves
// every packet; VDPA, which does not offer the bit, is refused; reruns are
// bit-identical.
#include <gtest/gtest.h>

#include <string>

#include "scenarios/loader/loader.h"
#include "scenarios/runner/run_scenario.h"
#include "tests/support/drop_counts.h"

namespace viosim {
namespace {

// Two guest threads sending on one queue pair, faster than its backend
// takes them: the backend finds the transmit ring in batches.
std::string in_order_scenario(const std::string& backend, bool packed, bool in_order, uint32_t rate_pps) {
  return "name: \"in_order\"\nseed: 7\nrun { duration_ms: 20 warmup_ms: 5 }\n"
         "host { cores: 8 nic { queues: 1 line_rate_gbps: 25 } }\n"
         "vm { name: \"vm0\" vcpus: 2 pin_cores: [2, 3] guest { app_vcpus: [0, 1] } nic { backend: " +
         backend + " queues: 1 backend_cores: [4] features { ring_packed: " + (packed ? "true" : "false") +
         " in_order: " + (in_order ? "true" : "false") +
         " } } }\n"
         "traffic { flow { name: \"f\" src: \"vm0\" dst: \"external\" connections: 2 open_loop { rate_pps: " +
         std::to_string(rate_pps) + " frame_bytes: 64 } } }\n";
}

BackendResult run_in_order(const std::string& text) {
  const scenarios::LoadResult r = scenarios::load_scenario_text("in_order.textproto", text, {});
  EXPECT_TRUE(r.ok()) << scenarios::format_diagnostics(r.diagnostics);
  return r.ok() ? run(*r.scenario).backend(0) : BackendResult();
}

struct Path {
  const char* backend;
  bool packed;
  // At least this many fewer lines a packet with the bit (negative: at
  // most that many more). A vhost worker behind the guests returns batches
  // of many with one used element each. A PMD (DPDK batches only a packed
  // ring's dequeue) polls so often that its bursts hold a packet or two: no
  // fewer. Where the device writes an element per buffer anyway (QEMU,
  // DPDK's split ring) only the driver's order changes; its descriptors in
  // ring order share lines with the ones the device is reading when the
  // device keeps pace (QEMU's split ring), a few tenths of a line more.
  double fewer_lines;
};

class InOrder : public ::testing::TestWithParam<Path> {};

// A transmit stream the backend takes in batches: the same packets
// delivered, every one accounted for, and where the device returns a batch
// with one used element the lines the others would have filled move no more.
TEST_P(InOrder, BatchedUsedElementsMoveFewerLines) {
  const Path p = GetParam();
  const BackendResult off = run_in_order(in_order_scenario(p.backend, p.packed, false, 1000000));
  const BackendResult on = run_in_order(in_order_scenario(p.backend, p.packed, true, 1000000));
  ASSERT_GT(off.nic_packets(), 5000u);
  for (const BackendResult* b : {&off, &on}) {
    EXPECT_EQ(b->offered_packets(), b->delivered_packets() + dropped(*b) + b->in_flight_packets());
  }
  EXPECT_NEAR(static_cast<double>(on.delivered_packets()), static_cast<double>(off.delivered_packets()),
              0.02 * static_cast<double>(off.delivered_packets()));
  EXPECT_LE(on.cache_line_transfers_per_packet(), off.cache_line_transfers_per_packet() - p.fewer_lines);
}

TEST_P(InOrder, RerunsAreBitIdentical) {
  const std::string text = in_order_scenario(GetParam().backend, GetParam().packed, true, 1000000);
  EXPECT_EQ(run_in_order(text).fingerprint(), run_in_order(text).fingerprint());
}

INSTANTIATE_TEST_SUITE_P(Paths, InOrder,
                         ::testing::Values(Path{"VHOST_NET", false, 0.1}, Path{"VHOST_USER", true, 0.0},
                                           Path{"VHOST_USER", false, -0.05}, Path{"VIRTIO_USERSPACE", false, -0.4},
                                           Path{"VIRTIO_USERSPACE", true, -0.05}),
                         [](const ::testing::TestParamInfo<Path>& info) {
                           return std::string(info.param.backend) + (info.param.packed ? "Packed" : "Split");
                         });

TEST(InOrder, VdpaRefusesIt) {
  const scenarios::LoadResult r =
      scenarios::load_scenario_text("in_order.textproto", in_order_scenario("VDPA", false, true, 1000), {});
  ASSERT_FALSE(r.ok());
  const std::string text = scenarios::format_diagnostics(r.diagnostics);
  EXPECT_NE(text.find("in_order.textproto:5:"), std::string::npos) << text;
  EXPECT_NE(text.find("VIRTIO_F_IN_ORDER"), std::string::npos) << text;
}

}  // namespace
}  // namespace viosim
