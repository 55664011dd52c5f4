// VMs that forward: a flow routed through them (via) enters each in turn
// through the host's switch and leaves it back to the switch; a poll-mode
// forwarder polls its rings without interrupts or kicks a polling backend
// would need; every packet lost along a chain is counted at the VM whose
// way in or out it was lost on; a response takes the route backwards.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "scenarios/loader/loader.h"
#include "scenarios/runner/run_scenario.h"

namespace viosim {
namespace {

Scenario load_forwarding(const std::string& text) {
  const scenarios::LoadResult r = scenarios::load_scenario_text("forwarding.textproto", text, {});
  EXPECT_TRUE(r.ok()) << scenarios::format_diagnostics(r.diagnostics);
  EXPECT_TRUE(r.warnings.empty()) << scenarios::format_diagnostics(r.warnings);
  return r.ok() ? *r.scenario : Scenario();
}

uint64_t sum(const google::protobuf::RepeatedPtrField<PlaceCount>& places) {
  uint64_t n = 0;
  for (const PlaceCount& p : places) n += p.count();
  return n;
}

const VmResult& vm(const BackendResult& b, const std::string& name) {
  for (const VmResult& v : b.vms()) {
    if (v.name() == name) return v;
  }
  throw std::runtime_error("no vm " + name);
}

const char* kPvp =
    "name: \"pvp\"\n"
    "run { duration_ms: 20 warmup_ms: 5 }\n"
    "host { cores: 8 }\n"
    "vm { name: \"vnf\" vcpus: 2 pin_cores: [2, 3] forward { mode: POLL_MODE } }\n"
    "traffic { flow { name: \"pvp\" src: \"external\" dst: \"external\" via: [\"vnf\"]\n"
    "                 open_loop { rate_pps: 500000 } } }\n"
    "compare { backend: [VHOST_USER, VHOST_NET] }\n";

TEST(Forwarding, APollModeForwarderTakesNoInterruptAndNoKickFromAPollingSwitch) {
  const RunSummary s = run(load_forwarding(kPvp));
  ASSERT_EQ(s.backend_size(), 2);
  const BackendResult& b = s.backend(0);
  ASSERT_EQ(b.backend(), "VHOST_USER");
  const VmResult& v = vm(b, "vnf");
  ASSERT_EQ(v.queues_size(), 1);
  EXPECT_GT(v.queues(0).rx_packets(), 5000u);
  EXPECT_EQ(v.queues(0).rx_packets(), v.queues(0).tx_packets());
  EXPECT_EQ(v.queues(0).interrupts(), 0u);
  EXPECT_EQ(v.queues(0).kicks(), 0u);
  // Its only exits are the busy lcore's ticks (250 a second: a
  // preemption-timer exit and a write re-arming the next each), about 8 in
  // the 15 ms measured against 7,500 packets.
  EXPECT_GT(v.exits_per_packet(), 0);
  EXPECT_LT(v.exits_per_packet(), 0.002);
  // The forwarding lcore (vCPU 1, on core 3) spins all the time but for
  // its ticks.
  ASSERT_EQ(v.vcpu_cores_size(), 1);
  EXPECT_EQ(v.vcpu_cores(0), 3u);
  double user = 0;
  for (const NamedValue& c : v.vcpu_cpu_by_category()) user += c.name() == "guest_user" ? c.value() : 0;
  EXPECT_GT(user, 0.998);
  EXPECT_LT(user, 1.0);
  EXPECT_EQ(b.flows(0).drops_by_place_size(), 0);
}

TEST(Forwarding, APollModeForwarderKicksAVhostNetWorkerThatWaitsForIt) {
  // vhost-net re-enables notifications when its ring is empty: the PMD,
  // which negotiates no EVENT_IDX, kicks whenever the flag is clear. It
  // still takes no interrupt.
  const RunSummary s = run(load_forwarding(kPvp));
  const BackendResult& b = s.backend(1);
  ASSERT_EQ(b.backend(), "VHOST_NET");
  const VmResult& v = vm(b, "vnf");
  EXPECT_GT(v.queues(0).kicks(), 0u);
  EXPECT_LT(v.queues(0).kicks(), v.queues(0).tx_packets());
  EXPECT_EQ(v.queues(0).interrupts(), 0u);
}

TEST(Forwarding, AKernelForwarderIsDrivenByInterruptsAndForwardsEveryPacket) {
  Scenario s = load_forwarding(kPvp);
  s.mutable_vm(0)->mutable_forward()->set_mode(Forwarder::KERNEL);
  const RunSummary r = run(s);
  for (const BackendResult& b : r.backend()) {
    SCOPED_TRACE(b.backend());
    const VmResult& v = vm(b, "vnf");
    EXPECT_GT(v.queues(0).interrupts(), 0u);
    const FlowResult& f = b.flows(0);
    EXPECT_EQ(sum(f.drops_by_place()), 0u);
    // What it forwarded was delivered or is still on its way out.
    EXPECT_GE(v.forwarded_packets(), f.delivered_packets());
    EXPECT_LE(v.forwarded_packets(), f.delivered_packets() + f.in_flight_packets());
  }
}

// A chain of three VNFs overloaded by a bulk transfer that ends early: the
// run drains, so every packet the peer sent was forwarded by each VNF it
// reached, or lost on the way into or out of one of them.
TEST(Forwarding, AChainConservesPacketsVnfByVnf) {
  const RunSummary r = run(load_forwarding(
      "name: \"chain\"\n"
      "run { duration_ms: 10 warmup_ms: 1 }\n"
      "host { cores: 12 }\n"
      "vm { name: \"a\" vcpus: 1 forward { mode: KERNEL } }\n"
      "vm { name: \"b\" vcpus: 2 forward { mode: POLL_MODE } }\n"
      "vm { name: \"c\" vcpus: 1 forward { mode: KERNEL } }\n"
      "traffic { flow { name: \"chain\" src: \"external\" dst: \"external\" via: [\"a\", \"b\", \"c\"]\n"
      "                 connections: 4 bulk { total_bytes: 1000000 frame_bytes: 64 } } }\n"
      "compare { backend: [VHOST_NET, VHOST_USER, VIRTIO_USERSPACE] }\n"));
  ASSERT_EQ(r.backend_size(), 3);
  for (const BackendResult& b : r.backend()) {
    SCOPED_TRACE(b.backend());
    const FlowResult& f = b.flows(0);
    ASSERT_EQ(f.in_flight_packets(), 0u) << "the run drained";
    const uint64_t lost = sum(f.drops_by_place());
    EXPECT_GT(lost, 0u) << "the chain was overloaded";
    EXPECT_EQ(f.offered_packets(), f.delivered_packets() + lost);
    uint64_t reached = f.offered_packets();
    uint64_t by_vnfs = 0;
    for (const char* name : {"a", "b", "c"}) {
      const VmResult& v = vm(b, name);
      EXPECT_EQ(v.forwarded_packets(), reached - sum(v.drops_in_by_place())) << name;
      reached = v.forwarded_packets() - sum(v.drops_out_by_place());
      by_vnfs += sum(v.drops_in_by_place()) + sum(v.drops_out_by_place());
      ASSERT_EQ(v.flows_size(), 1);
      EXPECT_EQ(v.flows(0), "chain");
    }
    EXPECT_EQ(reached, f.delivered_packets());
    EXPECT_EQ(by_vnfs, lost) << "every drop is some VNF's";
  }
}

TEST(Forwarding, AResponseTakesTheRouteBackwards) {
  const RunSummary r =
      run(load_forwarding("name: \"rr\"\n"
                          "run { duration_ms: 10 warmup_ms: 1 }\n"
                          "host { cores: 12 }\n"
                          "vm { name: \"a\" vcpus: 1 forward { mode: KERNEL } }\n"
                          "vm { name: \"b\" vcpus: 2 forward { mode: POLL_MODE } }\n"
                          "traffic { flow { name: \"rr\" src: \"external\" dst: \"external\" via: [\"a\", \"b\"]\n"
                          "                 request_response { outstanding: 2 } } }\n"
                          "compare { backend: [VHOST_USER] }\n"));
  const BackendResult& b = r.backend(0);
  const FlowResult& f = b.flows(0);
  EXPECT_EQ(f.latency_kind(), "round_trip");
  EXPECT_GT(f.delivered_packets(), 100u);
  EXPECT_EQ(sum(f.drops_by_place()), 0u);
  // Requests and responses both cross each VNF once: the counts differ by
  // at most the packets between the two when the run stops (2 outstanding).
  const uint64_t fa = vm(b, "a").forwarded_packets(), fb = vm(b, "b").forwarded_packets();
  EXPECT_LE(std::max(fa, fb) - std::min(fa, fb), 2u);
  EXPECT_GE(vm(b, "a").forwarded_packets() + 4, f.offered_packets());
}

// Each VNF reports its hop of the route: from the host's hand-over into it
// to its forward. The hops lie within the one-way latency, which also has
// the peer's stack, the wire and the way out.
TEST(Forwarding, EachVnfReportsItsHopOfTheRoute) {
  const RunSummary r =
      run(load_forwarding("name: \"hops\"\n"
                          "run { duration_ms: 10 warmup_ms: 2 }\n"
                          "host { cores: 12 }\n"
                          "vm { name: \"a\" vcpus: 1 forward { mode: KERNEL } }\n"
                          "vm { name: \"b\" vcpus: 2 forward { mode: POLL_MODE } }\n"
                          "traffic { flow { name: \"in\" src: \"external\" dst: \"external\" via: [\"a\", \"b\"]\n"
                          "                 open_loop { rate_pps: 20000 } } }\n"
                          "compare { backend: [VHOST_NET, VHOST_USER] }\n"));
  for (const BackendResult& b : r.backend()) {
    SCOPED_TRACE(b.backend());
    double hops = 0;
    for (const char* name : {"a", "b"}) {
      const VmResult& v = vm(b, name);
      ASSERT_TRUE(v.has_transit_us()) << name;
      EXPECT_GT(v.transit_us().p50(), 0) << name;
      hops += v.transit_us().mean();
    }
    EXPECT_LT(hops, b.flows(0).latency_us().mean());
  }
}

// P2P: in by one port, out by the other through the host's switch alone,
// whichever owns the NIC (OVS-DPDK, the kernel's bridge); no VM sees it.
TEST(Forwarding, P2pCrossesTheHostSwitchAloneFromPortToPort) {
  const RunSummary r = run(load_forwarding(
      "name: \"p2p\"\n"
      "run { duration_ms: 10 warmup_ms: 2 }\n"
      "host { cores: 8 nic { name: \"nic0\" queues: 1 ports: 2 } ovs_dpdk { pmd_cores: [6] } }\n"
      "vm { name: \"idle\" pin_cores: [2] }\n"
      "traffic { flow { name: \"p2p\" src: \"external\" dst: \"external\" connections: 4 bidirectional: true\n"
      "                 open_loop { rate_pps: 100000 } } }\n"
      "compare { backend: [VHOST_USER, VHOST_NET] }\n"));
  for (const BackendResult& b : r.backend()) {
    SCOPED_TRACE(b.backend());
    ASSERT_EQ(b.flows_size(), 2);  // and its reverse, port 1 to port 0
    for (const FlowResult& f : b.flows()) {
      EXPECT_GT(f.delivered_packets(), 500u) << f.name();
      EXPECT_EQ(sum(f.drops_by_place()), 0u) << f.name();
      EXPECT_EQ(f.offered_packets(), f.delivered_packets() + f.in_flight_packets()) << f.name();
    }
    EXPECT_EQ(vm(b, "idle").nic_packets(), 0u);
    EXPECT_EQ(vm(b, "idle").flows_size(), 0);
  }
}

TEST(Forwarding, EachVnfOnTheRouteLengthensTheRoundTrip) {
  std::map<int, double> p50;
  for (int vnfs : {1, 2, 4}) {
    std::string text =
        "name: \"chain latency\"\n"
        "run { duration_ms: 10 warmup_ms: 1 }\n"
        "host { cores: 16 }\n";
    std::string via;
    for (int k = 0; k < vnfs; ++k) {
      text += "vm { name: \"vnf" + std::to_string(k) + "\" vcpus: 2 forward { mode: POLL_MODE } }\n";
      via += std::string(k > 0 ? ", " : "") + "\"vnf" + std::to_string(k) + "\"";
    }
    text += "traffic { flow { name: \"rr\" src: \"external\" dst: \"external\" via: [" + via +
            "] request_response {} } }\ncompare { backend: [VHOST_USER] }\n";
    const RunSummary r = run(load_forwarding(text));
    p50[vnfs] = r.backend(0).flows(0).latency_us().p50();
  }
  EXPECT_LT(p50[1], p50[2]);
  EXPECT_LT(p50[2], p50[4]);
}

}  // namespace
}  // namespace viosim
