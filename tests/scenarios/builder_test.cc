// The builder's multi-queue decisions: queue pairs = min(vCPUs, queues),
// vCPUs where pin_cores puts them, a vhost worker core per queue pair, a
// shared vector when the device has too few, a random RSS key drawn from the
// seed, and VF queues moderating as the uplink NIC does.
#include <gtest/gtest.h>

#include "scenarios/builder/path_builder.h"
#include "scenarios/loader/loader.h"
#include "scenarios/loader/sweep_expand.h"

namespace viosim::scenarios {
namespace {

models::PathConfig build(const std::string& vm, models::PathBackend backend, const std::vector<std::string>& set = {}) {
  const std::string text =
      "name: \"mq\"\n"
      "host { cores: 16 nic { queues: 8 line_rate_gbps: 25 coalescing { rx_usecs: 24 adaptive: false } } }\n" +
      vm + "traffic { flow { name: \"rr\" dst: \"vm0\" request_response {} } }\n";
  LoadOptions options;
  options.set = set;
  const LoadResult r = load_scenario_text("mq.textproto", text, options);
  EXPECT_TRUE(r.ok()) << format_diagnostics(r.diagnostics);
  if (!r.ok()) return {};
  return build_path_config(*r.scenario, backend);
}

const std::string kFourVcpus =
    "vm { name: \"vm0\" vcpus: 4 pin_cores: [2, 3, 4, 5] nic { queues: 8 } }\n";

TEST(Builder, QueuePairsAreTheSmallerOfVcpusAndQueues) {
  const models::PathConfig c = build(kFourVcpus, models::PathBackend::kVhostNet);
  EXPECT_EQ(c.vm().queue_pairs, 4u);
  EXPECT_EQ(c.vm().vcpu_cores, (std::vector<uint32_t>{2, 3, 4, 5}));
  ASSERT_EQ(c.vm().backend_cores.size(), 4u);  // a worker core each, none of them a vCPU's
  for (uint32_t core : c.vm().backend_cores) EXPECT_TRUE(core < 2 || core > 5) << core;
  EXPECT_FALSE(c.vm().shared_vector);
  EXPECT_EQ(build(kFourVcpus, models::PathBackend::kVhostNet, {"vm[vm0].nic.queues=2"}).vm().queue_pairs, 2u);
  EXPECT_EQ(build(kFourVcpus, models::PathBackend::kE1000, {"vm[vm0].nic.queues=1"}).vm().queue_pairs, 1u);
  // QEMU's one main loop: one backend core whatever the queues.
  EXPECT_EQ(build(kFourVcpus, models::PathBackend::kVirtioUserspace).vm().backend_cores.size(), 1u);
}

TEST(Builder, TooFewVectorsShareOne) {
  // The device's 8 queue pairs (4 active) need 2 x 8 + 1 vectors for one each.
  EXPECT_FALSE(build(kFourVcpus, models::PathBackend::kVhostNet, {"vm[vm0].nic.vectors=17"}).vm().shared_vector);
  EXPECT_TRUE(build(kFourVcpus, models::PathBackend::kVhostNet, {"vm[vm0].nic.vectors=16"}).vm().shared_vector);
  EXPECT_FALSE(build(kFourVcpus, models::PathBackend::kVhostNet).vm().shared_vector);  // QEMU's default 2 x 8 + 2
  // A VF's queues have MSI-X vectors of their own.
  EXPECT_FALSE(build(kFourVcpus, models::PathBackend::kPassthrough, {"vm[vm0].nic.vectors=2"}).vm().shared_vector);
}

TEST(Builder, RandomRssKeysComeFromTheSeed) {
  const auto key = [](const std::string& seed) {
    return build(kFourVcpus, models::PathBackend::kVhostNet, {"host.nic[0].rss.key_hex=random", "seed=" + seed})
        .rss_key;
  };
  EXPECT_EQ(key("1").size(), 40u);
  EXPECT_EQ(key("1"), key("1"));
  EXPECT_NE(key("1"), key("2"));
  EXPECT_NE(key("1"), build(kFourVcpus, models::PathBackend::kVhostNet).rss_key);  // not the default key
}

TEST(Builder, VfQueuesModerateAsTheUplinkNic) {
  // The default profile's class (i40e): rx_usecs is both ITRs.
  const models::PathConfig c = build(kFourVcpus, models::PathBackend::kPassthrough, {"vm[vm0].nic.queue_size=1024"});
  EXPECT_EQ(c.vm().hw_queue.moderation.mode, models::ModerationMode::kI40e);
  EXPECT_FALSE(c.vm().hw_queue.moderation.i40e.adaptive);
  EXPECT_EQ(c.vm().hw_queue.moderation.i40e.usecs, core::Microseconds(24));
  EXPECT_EQ(c.nic.moderation.i40e.usecs, core::Microseconds(24));
  EXPECT_EQ(c.vm().hw_queue.rx_ring, 1024u);
  // mlx5: a CQ timer (rx from the newest completion) with its frame threshold.
  const models::PathConfig m = build(kFourVcpus, models::PathBackend::kPassthrough,
                                     {"host.nic[0].driver=MLX5", "host.nic[0].coalescing.rx_frames=16"});
  EXPECT_EQ(m.vm().hw_queue.moderation.mode, models::ModerationMode::kFixed);
  EXPECT_EQ(m.vm().hw_queue.moderation.fixed.rx_usecs, core::Microseconds(24));
  EXPECT_EQ(m.vm().hw_queue.moderation.fixed.rx_frames, 16u);
  EXPECT_EQ(m.vm().hw_queue.moderation.fixed.timer, models::CoalesceTimer::kRestartOnFrame);
  ASSERT_TRUE(m.vm().hw_queue.moderation.fixed_tx.has_value());
  EXPECT_EQ(m.vm().hw_queue.moderation.fixed_tx->timer, models::CoalesceTimer::kFromFirstFrame);
  EXPECT_EQ(m.vm().hw_queue.moderation.fixed_tx->rx_usecs, core::Microseconds(24));  // the scenario's, both sides
}

TEST(Builder, An82599VfRunsIxgbevfsLatencyRangeItr) {
  const models::PathConfig c =
      build(kFourVcpus, models::PathBackend::kPassthrough,
            {"host.nic[0].driver=IXGBE", "host.nic[0].line_rate_gbps=10", "host.nic[0].coalescing.adaptive=true"});
  EXPECT_EQ(c.nic.moderation.ixgbe.algorithm, models::IxgbeItrAlgorithm::kAdaptive);
  EXPECT_EQ(c.vm().hw_queue.moderation.ixgbe.algorithm, models::IxgbeItrAlgorithm::kLatencyRange);
  // Bare metal drives the NIC with ixgbe itself.
  const models::PathConfig b =
      build(kFourVcpus, models::PathBackend::kBareMetal,
            {"host.nic[0].driver=IXGBE", "host.nic[0].line_rate_gbps=10", "host.nic[0].coalescing.adaptive=true"});
  EXPECT_EQ(b.vm().hw_queue.moderation.ixgbe.algorithm, models::IxgbeItrAlgorithm::kAdaptive);
}

TEST(Builder, CoalescingDefaultsAreTheDriversAtEverySweepPoint) {
  const std::string text =
      "name: \"d\"\n"
      "host { cores: 16 nic { queues: 1 line_rate_gbps: 10 coalescing { adaptive: false } } }\n"
      "vm { name: \"vm0\" }\n"
      "traffic { flow { name: \"rr\" dst: \"vm0\" request_response {} } }\n"
      "sweep { axis { field: \"host.nic[0].driver\" values: [\"I40E\", \"MLX5\"] } }\n";
  const LoadResult r = load_scenario_text("d.textproto", text, {});
  ASSERT_TRUE(r.ok()) << format_diagnostics(r.diagnostics);
  EXPECT_TRUE(r.warnings.empty()) << format_diagnostics(r.warnings);
  const sweep::AxisGrid grid = sweep::expand_axes(*r.scenario);
  ASSERT_EQ(grid.points.size(), 2u);
  const models::PathConfig i40e =
      build_path_config(sweep::scenario_at(*r.scenario, grid, 0), models::PathBackend::kVhostNet);
  EXPECT_EQ(i40e.nic.moderation.mode, models::ModerationMode::kI40e);
  EXPECT_EQ(i40e.nic.moderation.i40e.usecs, core::Microseconds(50));  // I40E_ITR_20K
  const models::PathConfig mlx5 =
      build_path_config(sweep::scenario_at(*r.scenario, grid, 1), models::PathBackend::kVhostNet);
  EXPECT_EQ(mlx5.nic.moderation.mode, models::ModerationMode::kFixed);
  // Unset, each CQ has the driver's: rx 3 us from the CQE, tx 16 us.
  EXPECT_EQ(mlx5.nic.moderation.fixed.rx_usecs, core::Microseconds(3));
  EXPECT_EQ(mlx5.nic.moderation.fixed.rx_frames, 32u);
  ASSERT_TRUE(mlx5.nic.moderation.fixed_tx.has_value());
  EXPECT_EQ(mlx5.nic.moderation.fixed_tx->rx_usecs, core::Microseconds(16));
  EXPECT_EQ(mlx5.nic.moderation.fixed_tx->rx_frames, 32u);
}

TEST(Builder, AdaptiveModerationCountsTheJiffiesOfItsKernel) {
  // The host NIC's driver runs on the host's HZ, a VF's in the guest.
  const models::PathConfig c =
      build(kFourVcpus, models::PathBackend::kPassthrough,
            {"host.nic[0].coalescing.adaptive=true", "host.scheduler.tick_hz=1000", "vm[vm0].guest.hz=100"});
  EXPECT_EQ(c.nic.moderation.mode, models::ModerationMode::kI40e);
  EXPECT_TRUE(c.nic.moderation.i40e.adaptive);
  EXPECT_EQ(c.nic.moderation.i40e.jiffy, core::Milliseconds(1));
  EXPECT_EQ(c.vm().hw_queue.moderation.i40e.jiffy, core::Milliseconds(10));
  EXPECT_EQ(c.nic.moderation.i40e.link_speed_mbps, 25000u);
  const models::PathConfig x =
      build(kFourVcpus, models::PathBackend::kVhostNet,
            {"host.nic[0].driver=IXGBE", "host.nic[0].line_rate_gbps=10", "host.nic[0].coalescing.adaptive=true"});
  EXPECT_EQ(x.nic.moderation.mode, models::ModerationMode::kIxgbe);
  EXPECT_EQ(x.nic.moderation.ixgbe.algorithm, models::IxgbeItrAlgorithm::kAdaptive);
  EXPECT_EQ(x.nic.moderation.ixgbe.jiffy, core::Milliseconds(4));  // Debian's HZ 250
}

}  // namespace
}  // namespace viosim::scenarios
