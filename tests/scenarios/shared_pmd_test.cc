// OVS-DPDK as the switch of several vhost-user VMs: its PMD threads poll
// the physical port's queues and every VM's, dealt as pmd-rxq-assign deals
// them; each VM's traffic gets through; a PMD with more queues to look at
// spends more per packet.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "models/paths/ovs_dpdk.h"
#include "models/paths/path_model.h"
#include "scenarios/builder/path_builder.h"
#include "scenarios/loader/loader.h"

namespace viosim::scenarios {
namespace {

using RxqAssign = models::PathConfig::OvsDpdk::RxqAssign;

viosim::Scenario load_pmd(const std::string& text) {
  const LoadResult r = load_scenario_text("pmd.textproto", text, {});
  EXPECT_TRUE(r.ok()) << format_diagnostics(r.diagnostics);
  return r.ok() ? *r.scenario : viosim::Scenario();
}

// N copies of a vhost-user VM, each taking `pps` of 64-byte frames and
// answering a request/response probe, on the PMD cores given.
std::string host(uint32_t copies, double pps, const std::string& pmd_cores, const std::string& assign = "CYCLES") {
  return "name: \"pmd\"\n"
         "run { duration_ms: 30 warmup_ms: 10 }\n"
         "host { cores: 40 nic { queues: 2 line_rate_gbps: 25 } ovs_dpdk { pmd_cores: [" +
         pmd_cores + "] rxq_assign: " + assign +
         " } }\n"
         "vm { name: \"web\" vcpus: 1 count: " +
         std::to_string(copies) +
         " nic { backend: VHOST_USER } }\n"
         "traffic {\n"
         "  flow { name: \"probe\" dst: \"web\" dst_ip: \"10.0.1.0\" request_response {} }\n"
         "  flow { name: \"load\" dst: \"web\" dst_ip: \"10.0.1.0\" dst_port: 6000 open_loop { rate_pps: " +
         std::to_string(pps) +
         " } }\n"
         "}\n";
}

TEST(SharedPmd, RxqsAreDealtAsPmdRxqAssignDeals) {
  EXPECT_EQ(models::assign_rxqs(7, 3, RxqAssign::kCycles), (std::vector<uint32_t>{0, 1, 2, 2, 1, 0, 0}));
  EXPECT_EQ(models::assign_rxqs(7, 3, RxqAssign::kRoundRobin), (std::vector<uint32_t>{0, 1, 2, 0, 1, 2, 0}));
  EXPECT_EQ(models::assign_rxqs(7, 3, RxqAssign::kGroup), (std::vector<uint32_t>{0, 1, 2, 0, 1, 2, 0}));
  EXPECT_EQ(models::assign_rxqs(3, 1, RxqAssign::kCycles), (std::vector<uint32_t>{0, 0, 0}));
  EXPECT_THROW(models::assign_rxqs(3, 0, RxqAssign::kCycles), std::invalid_argument);
}

TEST(SharedPmd, EveryVhostUserVmIsServedByTheHostsPmds) {
  for (const char* assign : {"CYCLES", "ROUNDROBIN"}) {
    const viosim::Scenario s = load_pmd(host(4, 20'000, "30, 31", assign));
    const models::PathConfig c = build_path_config(s, models::PathBackend::kVhostUser);
    const models::PathResults r = models::run_path(c);
    ASSERT_EQ(r.switch_pmds.size(), 2u) << assign;
    EXPECT_EQ(r.switch_pmds[0].core, 30u);
    EXPECT_EQ(r.switch_pmds[1].core, 31u);
    // Each queue polled by exactly one PMD: the port's two, one per VM.
    std::multiset<std::string> rxqs;
    uint64_t polled = 0;
    for (const auto& pmd : r.switch_pmds) {
      rxqs.insert(pmd.rxqs.begin(), pmd.rxqs.end());
      polled += pmd.packets;
      EXPECT_GT(pmd.busy, 0.0);
      EXPECT_LT(pmd.busy, 1.0);
      EXPECT_GT(pmd.empty_poll_share, 0.0);
    }
    EXPECT_EQ(rxqs, (std::multiset<std::string>{"nic0:q0", "nic0:q1", "web0:q0", "web1:q0", "web2:q0", "web3:q0"}));
    // CYCLES deals serpentine: PMD 0 gets queues 0, 3 and 4 of the six.
    const std::vector<std::string> first = std::string(assign) == "CYCLES"
                                               ? std::vector<std::string>{"nic0:q0", "web1:q0", "web2:q0"}
                                               : std::vector<std::string>{"nic0:q0", "web0:q0", "web2:q0"};
    EXPECT_EQ(r.switch_pmds[0].rxqs, first) << assign;
    // Every VM's flows got through, each packet through one PMD once.
    uint64_t crossed = 0;
    for (const auto& vm : r.vms) {
      EXPECT_GT(vm.nic_packets, 400u) << vm.name;
      crossed += vm.nic_packets;
    }
    EXPECT_NEAR(double(polled), double(crossed), 0.01 * double(crossed) + 16) << assign;
    for (const auto& f : r.flows) {
      EXPECT_EQ(f.offered_packets, f.delivered_packets + f.drops() + f.in_flight_packets) << f.name;
      EXPECT_EQ(f.drops(), 0u) << f.name;
    }
    // The probe is not starved behind the load: its four connections each
    // go round in about 20 us (a PMD that slept through a wake-up would
    // leave one waiting for the next load packet, 50 us later).
    ASSERT_EQ(r.flows[0].name, "probe");
    EXPECT_GT(double(r.flows[0].packets), 4 * r.window_s / 25e-6) << assign;
    EXPECT_LT(r.flows[0].latency.percentile(0.999), 30e6) << assign;  // ps
    // At a fifth busy, most passes find nothing.
    for (const auto& pmd : r.switch_pmds) EXPECT_GT(pmd.empty_poll_share, 0.9) << assign;
    // No vCPU went to a PMD core.
    for (const auto& vm : r.vms) {
      for (uint32_t core : vm.vcpu_cores) EXPECT_TRUE(core != 30 && core != 31) << vm.name;
    }
  }
}

// The same 160 kpkt/s through one PMD, into one VM or into eight: with
// eight ports it looks at ten queues a pass, not three, and is busier for
// the same packets.
TEST(SharedPmd, APmdServingMorePortsSpendsMorePerPacket) {
  const models::PathResults one =
      models::run_path(build_path_config(load_pmd(host(1, 160'000, "30")), models::PathBackend::kVhostUser));
  const models::PathResults eight =
      models::run_path(build_path_config(load_pmd(host(8, 20'000, "30")), models::PathBackend::kVhostUser));
  ASSERT_EQ(one.switch_pmds.size(), 1u);
  ASSERT_EQ(eight.switch_pmds.size(), 1u);
  EXPECT_EQ(one.switch_pmds[0].rxqs.size(), 3u);
  EXPECT_EQ(eight.switch_pmds[0].rxqs.size(), 10u);
  auto busy_per_packet = [](const models::PathResults& r) {
    return r.switch_pmds[0].busy / double(r.switch_pmds[0].packets);
  };
  EXPECT_GT(busy_per_packet(eight), 1.1 * busy_per_packet(one));
}

// Without host.ovs_dpdk, one PMD on a free core serves every vhost-user
// VM, as OVS runs one per NUMA node.
TEST(SharedPmd, WithoutPmdCoresOnePmdServesEveryVm) {
  const viosim::Scenario s = load_pmd(
      "name: \"pmd\"\n"
      "run { duration_ms: 20 warmup_ms: 5 }\n"
      "host { cores: 16 nic { queues: 1 } }\n"
      "vm { name: \"web\" count: 3 nic { backend: VHOST_USER } }\n"
      "traffic { flow { name: \"rr\" dst: \"web\" request_response {} } }\n");
  const models::PathConfig c = build_path_config(s, models::PathBackend::kVhostUser);
  ASSERT_EQ(c.ovs.pmd_cores.size(), 1u);
  const models::PathResults r = models::run_path(c);
  ASSERT_EQ(r.switch_pmds.size(), 1u);
  EXPECT_EQ(r.switch_pmds[0].rxqs.size(), 4u);
  std::set<uint32_t> vcpus;
  for (const auto& vm : r.vms) {
    EXPECT_GT(vm.nic_packets, 100u) << vm.name;
    vcpus.insert(vm.vcpu_cores.begin(), vm.vcpu_cores.end());
  }
  EXPECT_EQ(vcpus.count(r.switch_pmds[0].core), 0u);
}

}  // namespace
}  // namespace viosim::scenarios
