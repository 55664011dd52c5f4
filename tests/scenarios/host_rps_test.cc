// RPS in the host kernel (host.nic.rps_cpus): four vhost-net VMs take a
// 64-byte flood through one host NIC queue, whose interrupt core runs
// NAPI and, without RPS, the bridge and the taps for every frame too. It
// saturates and the NIC's ring drops; with the bridge's work spread over
// two more cores' backlogs the same queue carries the whole load. A
// backlog past netdev_max_backlog drops there, counted at "host_backlog".
#include <gtest/gtest.h>

#include <string>

#include "scenarios/loader/loader.h"
#include "scenarios/runner/run_scenario.h"
#include "tests/support/drop_counts.h"

namespace viosim {
namespace {

BackendResult host_flood(const std::string& nic_extra, const std::string& host_extra = "", int queues = 1) {
  std::string text =
      "name: \"host rps\"\nseed: 3\nrun { duration_ms: 20 warmup_ms: 8 }\n"
      "host { cores: 14 nic { name: \"nic0\" queues: " +
      std::to_string(queues) + " line_rate_gbps: 25 " + nic_extra + " } " + host_extra + " }\n";
  const char* names[] = {"a", "b", "c", "d"};
  for (int v = 0; v < 4; ++v) {
    text += "vm { name: \"" + std::string(names[v]) + "\" vcpus: 1 pin_cores: [" + std::to_string(2 + 2 * v) +
            "] nic { backend: VHOST_NET queues: 1 backend_cores: [" + std::to_string(3 + 2 * v) + "] } }\n";
  }
  text += "traffic {\n";
  for (const char* n : names) {
    text += "  flow { name: \"to_" + std::string(n) + "\" dst: \"" + n +
            "\" connections: 16 open_loop { rate_pps: 400000 frame_bytes: 64 } }\n";
  }
  text += "}\n";
  const scenarios::LoadResult r = scenarios::load_scenario_text("host_rps.textproto", text, {});
  EXPECT_TRUE(r.ok()) << scenarios::format_diagnostics(r.diagnostics);
  return r.ok() ? run(*r.scenario).backend(0) : BackendResult();
}

double busy(const BackendResult& b, uint32_t core) {
  for (const CoreUsage& c : b.per_core()) {
    if (c.core() == core) return c.busy();
  }
  return 0;
}

uint64_t host_drops_at(const BackendResult& b, const std::string& place) {
  for (const PlaceCount& c : b.drops_by_place()) {
    if (c.place() == place) return c.count();
  }
  return 0;
}

TEST(HostRps, TheBridgeMovesToTheBacklogCoresAndTheQueueCarriesMore) {
  const BackendResult off = host_flood("");
  const BackendResult on = host_flood("rps_cpus: [10, 11]");
  // Without RPS the interrupt core (0) does everything and the ring drops.
  EXPECT_GT(busy(off, 0), 0.99);
  EXPECT_GT(host_drops_at(off, "nic_ring"), 0u);
  EXPECT_LT(busy(off, 10), 0.01);
  // With it the two backlog cores share the bridge's and the taps' work.
  EXPECT_LT(busy(on, 0), busy(off, 0) - 0.05);
  EXPECT_GT(busy(on, 10), 0.3);
  EXPECT_GT(busy(on, 11), 0.3);
  EXPECT_EQ(dropped(on), 0u);
  EXPECT_GT(on.throughput_pps(), off.throughput_pps() * 1.15);
  for (const BackendResult* b : {&off, &on}) {
    EXPECT_EQ(b->offered_packets(), b->delivered_packets() + dropped(*b) + b->in_flight_packets());
  }
}

TEST(HostRps, AFullBacklogDropsAndCountsThere) {
  const BackendResult b = host_flood("rps_cpus: [10, 11]", "netdev_max_backlog: 4");
  EXPECT_GT(host_drops_at(b, "host_backlog"), 0u);
  EXPECT_EQ(b.offered_packets(), b.delivered_packets() + dropped(b) + b.in_flight_packets());
}

// Each receive queue's own map (rx_queue): a queue's frames go to its own
// map's backlogs, and a queue without one runs the bridge on its polling
// core.
TEST(HostRps, EachReceiveQueueSteersByItsOwnMap) {
  const BackendResult first = host_flood("rx_queue { rps_cpus: [10] } rx_queue { }", "", 2);
  const BackendResult second = host_flood("rx_queue { } rx_queue { rps_cpus: [11] }", "", 2);
  EXPECT_GT(busy(first, 10), 0.1);
  EXPECT_LT(busy(first, 11), 0.01);
  EXPECT_GT(busy(second, 11), 0.1);
  EXPECT_LT(busy(second, 10), 0.01);
  for (const BackendResult* b : {&first, &second}) {
    EXPECT_EQ(b->offered_packets(), b->delivered_packets() + dropped(*b) + b->in_flight_packets());
  }
}

}  // namespace
}  // namespace viosim
