// Calibration cases: each runs a scenario of scenarios/examples/calibration
// through viosim::run and checks a published figure with a stated
// tolerance. Sources: reference/calibration.md.
#include <gtest/gtest.h>

#include "scenarios/loader/loader.h"
#include "scenarios/runner/run_scenario.h"

namespace viosim {
namespace {

const BackendResult& backend(const RunSummary& s, const std::string& name) {
  for (const BackendResult& b : s.backend()) {
    if (b.backend() == name) return b;
  }
  throw std::runtime_error("no result for " + name);
}

// calibration.md section 3 (github.com/bookpanda/microvm-networking,
// cloudlab/results/multinode): 64-byte UDP ping-pong from a second node.
// One-way latency userspace / vhost-net = 65.3 / 48.4 = 1.35 (+-20 %);
// host syscalls per message in the VMM: 8.3 (userspace; +-20 %) and
// 0.007 (vhost-net; below 0.1). A message is one ping-pong round trip,
// which crosses the VM's virtual NIC twice.
TEST(Calibration, VhostNetVersusUserspaceVirtio) {
  const auto loaded = scenarios::load_scenario(std::string(VIOSIM_SOURCE_DIR) +
                                               "/scenarios/examples/calibration/vhost_net_vs_userspace.textproto");
  ASSERT_TRUE(loaded.ok()) << scenarios::format_diagnostics(loaded.diagnostics);
  const RunSummary s = run(*loaded.scenario);
  ASSERT_EQ(s.latency_kind(), "round_trip");
  const BackendResult& vhost = backend(s, "VHOST_NET");
  const BackendResult& user = backend(s, "VIRTIO_USERSPACE");
  const double ratio = user.latency_us().mean() / vhost.latency_us().mean();
  EXPECT_NEAR(ratio, 1.35, 0.27) << "userspace " << user.latency_us().mean() << " us, vhost-net "
                                 << vhost.latency_us().mean() << " us";
  const double user_per_message = 2 * user.syscalls_per_packet();
  EXPECT_NEAR(user_per_message, 8.3, 1.66);
  EXPECT_LT(2 * vhost.syscalls_per_packet(), 0.1);
  EXPECT_EQ(user.drops(), 0u);
  EXPECT_EQ(vhost.drops(), 0u);
}

}  // namespace
}  // namespace viosim
