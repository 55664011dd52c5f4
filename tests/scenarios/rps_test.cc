// RPS end to end on a single-queue virtio NIC in an 8-vCPU guest: without
// it vCPU 0, which takes the queue's interrupts, runs the whole stack; with
// rps_cpus the stack runs on the CPUs of the mask, the single queue
// carries more, and a backlog past netdev_max_backlog loses packets where
// it overflows, counted there.
#include <gtest/gtest.h>

#include <string>

#include "scenarios/loader/loader.h"
#include "scenarios/runner/run_scenario.h"

namespace viosim {
namespace {

BackendResult flood(const std::string& guest_extra, double rate_pps) {
  const std::string text =
      "name: \"rps\"\nseed: 43\nrun { duration_ms: 20 warmup_ms: 8 }\n"
      "host { cores: 16 nic { queues: 1 line_rate_gbps: 25 } }\n"
      "vm { name: \"rx\" vcpus: 8 pin_cores: [0, 2, 3, 4, 5, 6, 7, 8] nic { backend: VHOST_NET queues: 1 } "
      "guest { app_vcpus: [0, 1, 2, 3, 4, 5, 6, 7] " +
      guest_extra +
      " } }\n"
      "traffic { flow { name: \"flood\" dst: \"rx\" connections: 64 open_loop { rate_pps: " +
      std::to_string(rate_pps) + " frame_bytes: 64 } } }\n";
  const scenarios::LoadResult r = scenarios::load_scenario_text("rps.textproto", text, {});
  EXPECT_TRUE(r.ok()) << scenarios::format_diagnostics(r.diagnostics);
  return r.ok() ? run(*r.scenario).backend(0) : BackendResult();
}

// The guest kernel's share of host core `core` (a vCPU's).
double guest_kernel(const BackendResult& b, uint32_t core) {
  for (const CoreUsage& c : b.per_core()) {
    if (c.core() != core) continue;
    for (const NamedValue& v : c.by_category()) {
      if (v.name() == "guest_kernel") return v.value();
    }
  }
  return 0;
}

uint64_t drops_at(const BackendResult& b, const std::string& place) {
  for (const PlaceCount& c : b.drops_by_place()) {
    if (c.place() == place) return c.count();
  }
  return 0;
}

TEST(Rps, TheStackMovesOffTheInterruptedVcpuToTheMask) {
  const BackendResult off = flood("", 400000);
  const BackendResult on = flood("rps_cpus: [1, 2, 3, 4, 5, 6, 7]", 400000);
  ASSERT_EQ(off.drops(), 0u);
  ASSERT_EQ(on.drops(), 0u);
  // vCPU 0 (core 0) keeps the driver and the steering; vCPU 1 (core 2)
  // gets a seventh of the stack.
  EXPECT_LT(guest_kernel(on, 0), guest_kernel(off, 0) * 0.7);
  EXPECT_GT(guest_kernel(on, 2), guest_kernel(off, 2) + 0.02);
  // The backlogs are woken by IPIs from vCPU 0.
  EXPECT_GT(on.vms(0).ipis_per_s(), off.vms(0).ipis_per_s());
}

TEST(Rps, TheSingleQueueCarriesMoreWithTheStackSpread) {
  const BackendResult off = flood("", 1200000);
  const BackendResult on = flood("rps_cpus: [1, 2, 3, 4, 5, 6, 7]", 1200000);
  EXPECT_GT(on.throughput_pps(), off.throughput_pps() * 1.3);
  EXPECT_EQ(drops_at(on, "backlog"), 0u);
}

TEST(Rps, AFullBacklogDropsAndCountsThere) {
  const BackendResult b = flood("rps_cpus: [1] netdev_max_backlog: 8", 800000);
  const uint64_t backlog = drops_at(b, "backlog");
  EXPECT_GT(backlog, 0u);
  EXPECT_GT(b.drops(), 0u);  // the run's total counts them too
  uint64_t all = 0;
  for (const PlaceCount& c : b.drops_by_place()) all += c.count();
  EXPECT_EQ(b.offered_packets(), b.delivered_packets() + all + b.in_flight_packets());
}

}  // namespace
}  // namespace viosim
