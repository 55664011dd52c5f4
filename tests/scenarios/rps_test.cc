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

BackendResult run_rps(const std::string& text) {
  const scenarios::LoadResult r = scenarios::load_scenario_text("rps.textproto", text, {});
  EXPECT_TRUE(r.ok()) << scenarios::format_diagnostics(r.diagnostics);
  return r.ok() ? run(*r.scenario).backend(0) : BackendResult();
}

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
  return run_rps(text);
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

// Per-queue maps (guest.rx_queue): a two-queue NIC whose queue 0 steers
// to vCPU 2 and queue 1 to vCPU 3; with only queue 0's entry, queue 1 has
// no map and its own vCPU (1) runs its stack.
BackendResult two_queues(const std::string& guest_extra) {
  const std::string text =
      "name: \"rxq\"\nseed: 43\nrun { duration_ms: 20 warmup_ms: 8 }\n"
      "host { cores: 16 nic { queues: 2 line_rate_gbps: 25 } }\n"
      "vm { name: \"rx\" vcpus: 4 pin_cores: [2, 3, 4, 5] nic { backend: VHOST_NET queues: 2 } "
      "guest { app_vcpus: [0, 1, 2, 3] " +
      guest_extra +
      " } }\n"
      "traffic { flow { name: \"flood\" dst: \"rx\" connections: 64 open_loop { rate_pps: 300000 frame_bytes: 64 "
      "} } }\n";
  return run_rps(text);
}

TEST(Rps, EachReceiveQueueSteersByItsOwnMap) {
  const BackendResult both = two_queues("rx_queue { rps_cpus: [2] } rx_queue { rps_cpus: [3] }");
  const BackendResult first = two_queues("rx_queue { rps_cpus: [2] }");
  // vCPU 2 is on core 4, vCPU 3 on core 5, vCPU 1 (queue 1's) on core 3.
  // Each runs its readers' receives too (about 8 % here).
  EXPECT_GT(guest_kernel(both, 4), 0.15);
  EXPECT_GT(guest_kernel(both, 5), 0.15);
  EXPECT_GT(guest_kernel(first, 4), 0.15);
  EXPECT_LT(guest_kernel(first, 5), guest_kernel(both, 5) - 0.1);   // nothing steered to vCPU 3
  EXPECT_GT(guest_kernel(first, 3), guest_kernel(both, 3) + 0.05);  // queue 1's stack stays on vCPU 1
}

// Flow limit: one heavy connection and many light ones share vCPU 1's
// backlog, which overflows. Without flow limit every flow loses at the
// backlog's tail; with it on vCPU 0 (the one queuing), the heavy flow,
// over half of the last 128 packets, is dropped early and the light flows
// get through.
BackendResult heavy_and_light(const std::string& guest_extra) {
  const std::string text =
      "name: \"fl\"\nseed: 43\nrun { duration_ms: 20 warmup_ms: 8 }\n"
      "host { cores: 16 nic { queues: 1 line_rate_gbps: 25 } }\n"
      "vm { name: \"rx\" vcpus: 2 pin_cores: [2, 3] nic { backend: VHOST_NET queues: 1 } "
      "guest { app_vcpus: [0, 1] rps_cpus: [1] netdev_max_backlog: 64 " +
      guest_extra +
      " } }\n"
      "traffic {\n"
      "  flow { name: \"heavy\" dst: \"rx\" open_loop { rate_pps: 700000 frame_bytes: 64 } }\n"
      "  flow { name: \"light\" dst: \"rx\" src_port: 40000 connections: 32 open_loop { rate_pps: 100000 "
      "frame_bytes: 64 } }\n"
      "}\n";
  return run_rps(text);
}

uint64_t flow_drops(const BackendResult& b, const std::string& flow) {
  for (const FlowResult& f : b.flows()) {
    if (f.name() != flow) continue;
    uint64_t n = 0;
    for (const PlaceCount& c : f.drops_by_place()) n += c.count();
    return n;
  }
  ADD_FAILURE() << "no flow " << flow;
  return 0;
}

TEST(Rps, FlowLimitDropsTheHeavyFlowFirst) {
  const BackendResult off = heavy_and_light("");
  const BackendResult on = heavy_and_light("flow_limit_cpus: [0]");
  ASSERT_GT(drops_at(off, "backlog"), 0u);
  ASSERT_GT(flow_drops(off, "light"), 0u);
  EXPECT_GT(flow_drops(on, "heavy"), 0u);
  EXPECT_LT(flow_drops(on, "light"), flow_drops(off, "light") / 4);
  for (const BackendResult* b : {&off, &on}) {
    uint64_t all = 0;
    for (const PlaceCount& c : b->drops_by_place()) all += c.count();
    EXPECT_EQ(b->offered_packets(), b->delivered_packets() + all + b->in_flight_packets());
  }
}

// RPS to vCPUs that poll no queue, with no app_vcpus: those vCPUs exist
// to run their backlogs (they once did not, and the run ran the stack on
// vCPU 0 or failed), and what they take reaches the applications, which
// stay on the queue pairs' vCPUs.
TEST(Rps, StackOnVcpusWithoutAQueueAndNoAppVcpus) {
  for (const char* queues : {"1", "2"}) {
    const std::string text =
        std::string(
            "name: \"rps\"\nseed: 44\nrun { duration_ms: 20 warmup_ms: 4 }\n"
            "host { cores: 12 nic { queues: 2 line_rate_gbps: 25 } }\n"
            "vm { name: \"rx\" vcpus: 4 pin_cores: [0, 2, 3, 4] nic { backend: VHOST_NET queues: ") +
        queues +
        " } guest { rps_cpus: [2, 3] } }\n"
        "traffic { flow { name: \"flood\" dst: \"rx\" connections: 16 open_loop { rate_pps: 200000 frame_bytes: "
        "64 } } }\n";
    const BackendResult b = run_rps(text);
    SCOPED_TRACE(queues);
    EXPECT_EQ(b.drops(), 0u);
    EXPECT_EQ(b.offered_packets(), b.delivered_packets() + b.in_flight_packets());
    EXPECT_GT(b.delivered_packets(), 3000u);
    // vCPUs 2 and 3 (cores 3 and 4), which poll no queue, run the stack.
    EXPECT_GT(guest_kernel(b, 3), 0.05);
    EXPECT_GT(guest_kernel(b, 4), 0.05);
  }
}

// RFS end to end: a request/response client on vCPU 2 of a one-queue VM.
// Its connected sockets record the flows in recvmsg, so with both tables
// the responses' stack runs on vCPU 2 instead of vCPU 0, which took the
// interrupt; every transaction still completes. The host NIC's interrupt
// rate is fixed: eight request/response connections can tip the adaptive
// ITR into its bulk mode, where every rate falls (a fraction of a
// microsecond in the host decides it), and this test is about RFS.
TEST(Rps, RfsMovesTheStackToTheReadersVcpu) {
  auto run_rfs = [](const std::string& tables) {
    return run_rps(
        "name: \"rfs\"\nseed: 45\nrun { duration_ms: 20 warmup_ms: 4 }\n"
        "host { cores: 12 nic { queues: 1 line_rate_gbps: 25 coalescing { adaptive: false rx_usecs: 10 } } }\n"
        "vm { name: \"c\" vcpus: 4 pin_cores: [0, 2, 3, 4] nic { backend: VHOST_NET queues: 1 } "
        "guest { app_vcpus: [2] " +
        tables +
        " } }\n"
        "traffic { flow { name: \"rr\" src: \"c\" dst: \"external\" connections: 8 request_response { } } }\n");
  };
  const BackendResult off = run_rfs("");
  const BackendResult on = run_rfs("rps_sock_flow_entries: 4096 rps_flow_cnt: 256");
  // vCPU 0 is core 0, vCPU 2 core 3.
  EXPECT_LT(guest_kernel(on, 0), guest_kernel(off, 0) - 0.05);
  EXPECT_GT(guest_kernel(on, 3), guest_kernel(off, 3) + 0.05);
  for (const BackendResult* b : {&off, &on}) {
    EXPECT_EQ(b->drops(), 0u);
    EXPECT_GT(b->delivered_packets(), 2000u);
  }
}

// RPS maps the validator calls idle (a VM no frame enters) change nothing
// in the run either: no vCPU is added for them.
TEST(Rps, MapsOfAVmThatOnlySendsChangeNothing) {
  auto sender = [](const std::string& guest) {
    return run_rps(
        "name: \"tx\"\nseed: 46\nrun { duration_ms: 10 warmup_ms: 2 }\n"
        "host { cores: 12 nic { queues: 1 line_rate_gbps: 25 } }\n"
        "vm { name: \"s\" vcpus: 2 nic { backend: VHOST_NET queues: 1 } guest { " +
        guest +
        " } }\n"
        "traffic { flow { name: \"out\" src: \"s\" dst: \"external\" open_loop { rate_pps: 50000 frame_bytes: 64 } "
        "} }\n");
  };
  EXPECT_EQ(sender("").fingerprint(), sender("rps_cpus: [1]").fingerprint());
}

}  // namespace
}  // namespace viosim
