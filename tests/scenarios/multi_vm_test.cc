// Several VMs on one host: each VM's flows reach its own guest through its
// own backend, the host's bridge (tap-based backends) or the NIC's
// embedded switch (a VF) sorting the frames; a VM that keeps its backend
// keeps it under `compare`; results come per VM; the graph draws every VM.
#include <gtest/gtest.h>

#include <optional>
#include <set>

#include "models/paths/path_graph.h"
#include "models/paths/path_model.h"
#include "scenarios/builder/path_builder.h"
#include "scenarios/loader/loader.h"

namespace viosim::scenarios {
namespace {

const char* kHost =
    "name: \"host\"\n"
    "run { duration_ms: 30 warmup_ms: 5 }\n"
    "host { cores: 16 nic { queues: 4 line_rate_gbps: 25 } }\n"
    "vm { name: \"web0\" vcpus: 1 pin_cores: [2] }\n"
    "vm { name: \"web1\" vcpus: 2 pin_cores: [3, 4] nic { queues: 2 } }\n"
    "vm { name: \"web2\" vcpus: 1 }\n"
    "vm { name: \"vf\" vcpus: 1 pin_cores: [5] nic { backend: PASSTHROUGH fixed_backend: true } }\n"
    "traffic {\n"
    "  flow { name: \"rr0\" dst: \"web0\" dst_ip: \"10.0.0.10\" request_response {} }\n"
    "  flow { name: \"rr1\" dst: \"web1\" dst_ip: \"10.0.0.11\" connections: 4 request_response {} }\n"
    "  flow { name: \"up2\" src: \"web2\" dst: \"external\" src_ip: \"10.0.0.12\" open_loop { rate_pps: 50000 } }\n"
    "  flow { name: \"rrvf\" dst: \"vf\" dst_ip: \"10.0.0.13\" request_response {} }\n"
    "}\n"
    "compare { backend: [VIRTIO_USERSPACE, VHOST_NET, VHOST_USER] }\n";

viosim::Scenario load_host(const std::string& text) {
  const LoadResult r = load_scenario_text("host.textproto", text, {});
  EXPECT_TRUE(r.ok()) << format_diagnostics(r.diagnostics);
  return r.ok() ? *r.scenario : viosim::Scenario();
}

// offered = delivered + drops + in flight, for every flow of the run.
void expect_vms_conserved(const models::PathResults& r, const std::string& context) {
  for (const auto& f : r.flows) {
    EXPECT_EQ(f.offered_packets, f.delivered_packets + f.drops() + f.in_flight_packets) << context << " " << f.name;
  }
}

TEST(MultiVm, EachVmGetsItsOwnTrafficThroughItsOwnBackend) {
  const viosim::Scenario s = load_host(kHost);
  for (models::PathBackend backend : compared_backends(s)) {
    const std::string name(models::backend_name(backend));
    const models::PathConfig c = build_path_config(s, backend);
    const models::PathResults r = models::run_path(c);
    ASSERT_EQ(r.vms.size(), 4u) << name;
    expect_vms_conserved(r, name);
    EXPECT_EQ(r.vms[0].backend, name);
    EXPECT_EQ(r.vms[2].backend, name);
    EXPECT_EQ(r.vms[3].backend, "PASSTHROUGH") << "the VF keeps its backend under compare";
    std::set<uint32_t> vcpu_cores;
    for (size_t k = 0; k < r.vms.size(); ++k) {
      const auto& vm = r.vms[k];
      ASSERT_EQ(vm.flows.size(), 1u) << name << " " << vm.name;
      const models::FlowResults& f = r.flows[vm.flows[0]];
      EXPECT_GT(f.packets, 100u) << name << " " << f.name;
      // Every packet of the flow crossed this VM's NIC and no other's:
      // a transaction twice, a one-way packet once.
      const double crossings = double(f.packets) * (f.round_trip ? 2.0 : 1.0);
      EXPECT_NEAR(double(vm.nic_packets), crossings, 0.02 * crossings + 8) << name << " " << vm.name;
      for (uint32_t core : vm.vcpu_cores) EXPECT_TRUE(vcpu_cores.insert(core).second) << "core " << core << " twice";
      // Its vCPUs ran guest code on their own cores.
      EXPECT_GT(vm.vcpu_cpu_s[static_cast<size_t>(models::CpuCategory::kGuestKernel)], 0.0) << name << " " << vm.name;
    }
    // The unpinned VM's vCPU went to a core nobody pinned.
    EXPECT_EQ(c.vm(2).vcpu_cores.size(), 1u);
    EXPECT_TRUE(c.vm(2).vcpu_core < 2 || c.vm(2).vcpu_core > 5) << c.vm(2).vcpu_core;
    EXPECT_EQ(models::run_path(c).fingerprint, r.fingerprint) << name;
  }
}

TEST(MultiVm, TheGraphDrawsEveryVmAroundOneSwitch) {
  const viosim::Scenario s = load_host(kHost);
  const models::PathGraph g = models::build_path_graph(build_path_config(s, models::PathBackend::kVhostNet));
  std::set<std::string> names;
  for (auto [it, end] = boost::vertices(g); it != end; ++it) names.insert(g[*it].name);
  for (const char* vm : {"web0", "web1", "web2", "vf"}) {
    EXPECT_TRUE(names.count(std::string(vm) + ": application")) << vm;
  }
  EXPECT_TRUE(names.count("web0: tap queue"));
  EXPECT_TRUE(names.count("vf: VF driver"));
  EXPECT_EQ(names.count("bridge"), 1u);  // one switch, shared
  EXPECT_NO_THROW(models::check_path_graph(g));
}

TEST(MultiVm, AnotherVmsLoadDoesNotChangeAVmOnItsOwnCoresAndQueue) {
  // web0's round trips with web1 idle and with web1 flooded: separate
  // vCPU and backend cores, and RSS puts the two flows on different host
  // NIC queues, so web0's latency stays within a few percent.
  const std::string base =
      "name: \"pair\"\n"
      "run { duration_ms: 30 warmup_ms: 5 }\n"
      "host { cores: 16 nic { queues: 8 line_rate_gbps: 25 coalescing { rx_usecs: 0 adaptive: false } } }\n"
      "vm { name: \"web0\" vcpus: 1 pin_cores: [2] nic { backend: VHOST_NET } }\n"
      "vm { name: \"web1\" vcpus: 1 pin_cores: [3] }\n"
      "traffic {\n"
      "  flow { name: \"rr0\" dst: \"web0\" dst_ip: \"10.0.0.10\" request_response {} }\n";
  const viosim::Scenario quiet = load_host(base + "}\n");
  const viosim::Scenario loud = load_host(
      base + "  flow { name: \"flood\" dst: \"web1\" dst_ip: \"10.0.0.11\" open_loop { rate_pps: 300000 } }\n}\n");
  const models::PathResults a = models::run_path(build_path_config(quiet, models::PathBackend::kVhostNet));
  const models::PathResults b = models::run_path(build_path_config(loud, models::PathBackend::kVhostNet));
  const double p50_a = double(a.flows[0].latency.percentile(0.5));
  const double p50_b = double(b.flows[0].latency.percentile(0.5));
  EXPECT_NEAR(p50_b, p50_a, 0.1 * p50_a);
  EXPECT_GT(b.flows[1].packets, 5000u);
}

const char* kCopies =
    "name: \"copies\"\n"
    "run { duration_ms: 30 warmup_ms: 5 }\n"
    "host { cores: 12 nic { queues: 4 line_rate_gbps: 25 } }\n"
    "vm { name: \"db\" vcpus: 1 pin_cores: [11] nic { backend: PASSTHROUGH fixed_backend: true } }\n"
    "vm { name: \"web\" vcpus: 1 count: 4 }\n"
    "traffic {\n"
    "  flow { name: \"probe\" dst: \"web\" dst_ip: \"10.0.1.0\" connections: 2 request_response {} }\n"
    "  flow { name: \"up\" src: \"web\" dst: \"external\" src_ip: \"10.0.1.0\" open_loop { rate_pps: 20000 } }\n"
    "}\n";

TEST(MultiVm, ACountMakesThatManyCopiesAndAFlowRunsInEach) {
  const viosim::Scenario s = load_host(kCopies);
  const models::PathConfig c = build_path_config(s, models::PathBackend::kVhostNet);
  ASSERT_EQ(c.vms.size(), 5u);
  EXPECT_EQ(c.vm(1).name, "web0");
  EXPECT_EQ(c.vm(4).name, "web3");
  std::set<uint32_t> cores{11};
  for (size_t k = 1; k < 5; ++k) {
    EXPECT_TRUE(cores.insert(c.vm(k).vcpu_core).second) << c.vm(k).name;
    EXPECT_TRUE(cores.insert(c.vm(k).backend_core).second) << c.vm(k).name;
  }
  // The flow as written, in each of the 4 copies.
  ASSERT_EQ(c.flows.size(), 2u);
  EXPECT_EQ(c.flows[0].vm, 1u);
  EXPECT_EQ(c.flows[0].copies, 4u);
  EXPECT_EQ(c.flows[0].connections, 8u);
  EXPECT_DOUBLE_EQ(c.flows[1].rate_pps, 80'000.0);
  const models::PathResults r = models::run_path(c);
  ASSERT_EQ(r.vms.size(), 5u);
  for (size_t k = 1; k < 5; ++k) {
    const auto& vm = r.vms[k];
    EXPECT_EQ(vm.flows, (std::vector<size_t>{0, 1})) << vm.name;
    // Each copy answers its share of the probe and sends a quarter of the
    // stream: about 20,000 packets/s of its own over the 25 ms window.
    EXPECT_GT(vm.queues.at(0).tx_packets, 400u) << vm.name;
    EXPECT_GT(vm.queues.at(0).rx_packets, 100u) << vm.name;
  }
  EXPECT_NEAR(double(r.flows[1].packets), 80'000 * r.window_s, 0.05 * 80'000 * r.window_s);
  EXPECT_EQ(r.vms[0].nic_packets, 0u);  // no flow ends in db
}

TEST(MultiVm, CopiesAreRefusedWhereTheyDoNotFit) {
  auto errors = [](const std::string& text) {
    const LoadResult r = load_scenario_text("copies.textproto", text, {});
    EXPECT_FALSE(r.ok());
    return format_diagnostics(r.diagnostics);
  };
  std::string text = kCopies;
  // 40 copies need 80 cores.
  std::string many = text;
  many.replace(many.find("count: 4"), 8, "count: 40");
  const std::string crowded = errors(many);
  EXPECT_NE(crowded.find("copies.textproto:5:27: error: the host's 12 cores leave none for the vCPUs and backend "
                         "threads of copy 5 of 40 of vm \"web\""),
            std::string::npos)
      << crowded;
  // Pins for some copies only.
  std::string pins = text;
  pins.replace(pins.find("count: 4"), 8, "count: 4 pin_cores: [1, 2]");
  EXPECT_NE(errors(pins).find("has 4 vCPUs (4 copies) but pin_cores lists 2 cores"), std::string::npos)
      << errors(pins);
  // A copy's name taken by another VM.
  std::string clash = text;
  clash.replace(clash.find("name: \"db\""), 10, "name: \"web2\"");
  EXPECT_NE(errors(clash).find("copy \"web2\" of vm \"web\" has the name of vm[0]"), std::string::npos) << errors(clash);
}

}  // namespace
}  // namespace viosim::scenarios

namespace viosim::scenarios {
namespace {

// A CPU-bound VM (cpu_load) beside a VM under load: on cores of its own its
// vCPUs are busy for busy / (busy + idle) of the time and the other VM
// sees nothing of it; on the other VM's vCPU core (overcommitted) the two
// take turns, and the open-loop load into the other VM waits for slices.
std::string noisy(const std::string& batch_pins) {
  return "name: \"noisy\"\n"
         "run { duration_ms: 200 warmup_ms: 50 }\n"
         // No interrupt moderation: its delays (up to i40e's 126 us under a
         // stream) would hide the scheduler's.
         "host { cores: 16 allow_overcommit: true nic { queues: 4 coalescing { rx_usecs: 0 adaptive: false } } }\n"
         "vm { name: \"db\" pin_cores: [2] }\n"
         "vm { name: \"batch\" vcpus: 2 pin_cores: [" +
         batch_pins +
         "] nic { queues: 1 } cpu_load { busy_us: 8000 idle_us: 2000 } }\n"
         "traffic { flow { name: \"in\" dst: \"db\" open_loop { rate_pps: 150000 } } }\n"
         "compare { backend: [VHOST_NET] }\n";
}

TEST(MultiVm, ACpuLoadKeepsItsVcpusBusyAndSharesACoreOnlyWhenPinnedThere) {
  auto run = [](const std::string& pins) {
    const viosim::Scenario s = load_host(noisy(pins));
    return models::run_path(build_path_config(s, models::PathBackend::kVhostNet));
  };
  const models::PathResults apart = run("3, 4");
  const models::PathResults shared = run("2, 4");
  const size_t user = static_cast<size_t>(models::CpuCategory::kGuestUser);
  // Both vCPUs load, the one without a queue pair too: 80 % busy each.
  ASSERT_EQ(apart.vms[1].vcpu_cores, (std::vector<uint32_t>{3, 4}));
  EXPECT_NEAR(apart.vms[1].vcpu_cpu_s[user] / 0.150, 2 * 0.8, 0.05);
  EXPECT_TRUE(apart.vms[1].flows.empty());
  // Apart, db's load sees tens of microseconds; sharing the core it
  // sometimes waits for the tick that ends batch's slice (4 ms ticks).
  const double p99_apart = double(apart.flows[0].latency.percentile(0.99));  // ps
  const double p99_shared = double(shared.flows[0].latency.percentile(0.99));
  EXPECT_LT(p99_apart, 100e6);
  EXPECT_GT(p99_shared, 200e6);
  EXPECT_GT(p99_shared, 5 * p99_apart);
  // The shared vCPU still does its work, stretched: less than 80 % busy.
  EXPECT_LT(shared.vms[1].vcpu_cpu_s[user], apart.vms[1].vcpu_cpu_s[user]);
}

}  // namespace
}  // namespace viosim::scenarios

namespace viosim::scenarios {
namespace {

// VM to VM on one host: a ping-pong one way and a stream the other, on
// every backend. The frames turn around in the host (the bridge, OVS-DPDK,
// or the NIC's embedded switch for VFs), so nothing reaches the wire; both
// VMs' NICs carry both flows.
TEST(MultiVm, VmToVmFlowsTurnAroundInTheHost) {
  const viosim::Scenario s = load_host(
      "name: \"v2v\"\n"
      "run { duration_ms: 30 warmup_ms: 5 }\n"
      "host { cores: 16 nic { queues: 2 line_rate_gbps: 25 } }\n"
      "vm { name: \"a\" vcpus: 1 }\n"
      "vm { name: \"b\" vcpus: 1 }\n"
      "traffic {\n"
      "  flow { name: \"ping\" src: \"a\" dst: \"b\" src_ip: \"10.0.0.1\" dst_ip: \"10.0.0.2\" request_response {} }\n"
      "  flow { name: \"stream\" src: \"b\" dst: \"a\" src_ip: \"10.0.0.2\" dst_ip: \"10.0.0.1\" dst_port: 6000\n"
      "         open_loop { rate_pps: 50000 } }\n"
      "}\n"
      "compare { backend: [E1000, VIRTIO_USERSPACE, VHOST_NET, VHOST_USER, PASSTHROUGH] }\n");
  for (models::PathBackend backend : compared_backends(s)) {
    const std::string name(models::backend_name(backend));
    const models::PathConfig c = build_path_config(s, backend);
    ASSERT_TRUE(c.flows[0].vm_to_vm());
    const models::PathResults r = models::run_path(c);
    ASSERT_EQ(r.flows.size(), 2u);
    const models::FlowResults& ping = r.flows[0];
    const models::FlowResults& stream = r.flows[1];
    EXPECT_GT(ping.packets, 100u) << name;  // e1000: a round trip of about 130 us
    EXPECT_NEAR(double(stream.packets), 50'000 * r.window_s, 0.05 * 50'000 * r.window_s) << name;
    expect_vms_conserved(r, name);
    // Each ping crosses a's NIC and b's twice (request and response), each
    // stream packet both once.
    const double crossings = 2.0 * double(ping.packets) + double(stream.packets);
    for (const auto& vm : r.vms) {
      EXPECT_NEAR(double(vm.nic_packets), crossings, 0.03 * crossings + 16) << name << " " << vm.name;
      EXPECT_EQ(vm.flows.size(), 2u) << name << " " << vm.name;
    }
    // Nothing reached the wire.
    EXPECT_EQ(r.wire_frames, 0u) << name;
    EXPECT_EQ(models::run_path(c).fingerprint, r.fingerprint) << name;
  }
}

// A VF beside a tap-based or a vhost-user VM: their frames to each other
// turn around in the NIC's switch. The host kernel cleans the completions
// of the frames it transmitted (the tap VM's), and only those: not the
// VF's, to the other VM or to the wire, nor DPDK's.
TEST(MultiVm, AVfAndAnotherBackendTalkThroughTheNicAndOnlyKernelFramesCompleteInTheKernel) {
  const viosim::Scenario s = load_host(
      "name: \"mixed\"\n"
      "run { duration_ms: 30 warmup_ms: 0 }\n"
      "host { cores: 16 nic { queues: 2 line_rate_gbps: 25 } }\n"
      "vm { name: \"vf\" vcpus: 2 nic { queues: 2 backend: PASSTHROUGH fixed_backend: true } }\n"
      "vm { name: \"b\" vcpus: 2 nic { queues: 2 } }\n"
      "traffic {\n"
      "  flow { name: \"vf_to_b\" src: \"vf\" dst: \"b\" src_ip: \"10.0.0.1\" dst_ip: \"10.0.0.2\" connections: 8\n"
      "         open_loop { rate_pps: 20000 } }\n"
      "  flow { name: \"b_to_vf\" src: \"b\" dst: \"vf\" src_ip: \"10.0.0.2\" dst_ip: \"10.0.0.1\" connections: 8\n"
      "         dst_port: 6000 open_loop { rate_pps: 20000 } }\n"
      "  flow { name: \"vf_out\" src: \"vf\" dst: \"external\" src_ip: \"10.0.0.1\" dst_port: 7000 open_loop { "
      "rate_pps: 10000 } }\n"
      "}\n"
      "compare { backend: [VHOST_NET, VHOST_USER] }\n");
  for (models::PathBackend backend : compared_backends(s)) {
    const std::string name(models::backend_name(backend));
    const models::PathConfig c = build_path_config(s, backend);
    const models::PathResults r = models::run_path(c);
    ASSERT_EQ(r.flows.size(), 3u) << name;
    for (const auto& f : r.flows) {
      EXPECT_NEAR(double(f.packets), f.name == "vf_out" ? 300 : 600, f.name == "vf_out" ? 60 : 90)
          << name << " " << f.name;
    }
    expect_vms_conserved(r, name);
    // Only the VF's frames to the peer went on the wire.
    EXPECT_EQ(r.wire_frames, r.flows[2].delivered_packets) << name;
    uint64_t kernel_completions = 0;
    for (size_t q = 0; q < c.nic_queues && q < r.per_queue.size(); ++q) kernel_completions += r.per_queue[q].tx_frames;
    if (backend == models::PathBackend::kVhostNet) {
      // Each of b's frames the bridge sent into the NIC, and nothing else.
      const models::FlowResults& back = r.flows[1];
      EXPECT_GE(kernel_completions, back.delivered_packets) << name;
      EXPECT_LE(kernel_completions, back.offered_packets) << name;
    } else {
      EXPECT_EQ(kernel_completions, 0u) << name;
    }
    // The VF's RSS and the tap's flow hash spread the eight connections
    // over both queues (a vhost-user port gets them on its one PMD's queue).
    for (const auto& vm : r.vms) {
      ASSERT_EQ(vm.queues.size(), 2u) << name << " " << vm.name;
      if (vm.name == "b" && backend == models::PathBackend::kVhostUser) continue;
      for (const auto& q : vm.queues) EXPECT_GT(q.rx_packets, 0u) << name << " " << vm.name;
    }
  }
}

// OVS's kernel datapath in place of the bridge: each new megaflow's first
// frames go up to the handler, which installs it; from then on the frames
// hit. With megaflows per pair of ports there is one per (in, out) port
// pair, with megaflows per connection one per connection and direction.
TEST(MultiVm, TheOvsKernelDatapathInstallsAMegaflowPerNewFlowThenSwitchesOnHits) {
  for (const char* megaflow : {"PORTS", "CONNECTION"}) {
    const viosim::Scenario s =
        load_host(std::string("name: \"ovs\"\n"
                              "run { duration_ms: 20 warmup_ms: 0 }\n"
                              "host { cores: 16 nic { queues: 2 } kernel_switch { kind: OVS megaflow: ") +
                  megaflow +
                  " } }\n"
                  "vm { name: \"a\" vcpus: 1 nic { backend: VHOST_NET } }\n"
                  "vm { name: \"b\" vcpus: 1 nic { backend: VHOST_NET } }\n"
                  "traffic {\n"
                  "  flow { name: \"rr\" dst: \"a\" connections: 4 request_response {} }\n"
                  "  flow { name: \"stream\" src: \"b\" dst: \"a\" src_ip: \"10.0.0.2\" dst_ip: "
                  "\"10.0.0.1\" dst_port: 6000\n"
                  "         open_loop { rate_pps: 50000 } }\n"
                  "}\n");
    const models::PathConfig c = build_path_config(s, models::PathBackend::kVhostNet);
    const models::PathResults r = models::run_path(c);
    ASSERT_TRUE(r.ovs_kernel.has_value()) << megaflow;
    const models::PathResults::OvsKernel& o = *r.ovs_kernel;
    // rr: in from the NIC to a, out from a's tap; stream: b's tap to a's.
    const uint64_t expected = std::string(megaflow) == "PORTS" ? 3 : 4 * 2 + 1;
    EXPECT_EQ(o.megaflows, expected) << megaflow;
    EXPECT_EQ(o.installed, expected) << megaflow;
    EXPECT_GE(o.upcalls, expected) << megaflow;
    EXPECT_EQ(o.upcall_drops, 0u) << megaflow;
    EXPECT_GT(o.hits, 50 * o.upcalls) << megaflow;
    EXPECT_GT(o.handler_busy, 0.0) << megaflow;
    for (const auto& f : r.flows) {
      EXPECT_GT(f.packets, 100u) << megaflow << " " << f.name;
    }
    expect_vms_conserved(r, megaflow);
    // The graph draws the datapath and the handler between the taps and the NIC.
    const models::PathGraph g = models::build_path_graph(c);
    std::set<std::string> places;
    for (auto [it, end] = boost::vertices(g); it != end; ++it) places.insert(g[*it].name);
    EXPECT_TRUE(places.count("OVS datapath")) << megaflow;
    EXPECT_TRUE(places.count("ovs-vswitchd handler")) << megaflow;
    EXPECT_FALSE(places.count("bridge")) << megaflow;
    EXPECT_NO_THROW(models::check_path_graph(g)) << megaflow;
    EXPECT_EQ(models::run_path(c).fingerprint, r.fingerprint) << megaflow;
  }
}

// The host's stack leaves a datagram's checksum to the device
// (CHECKSUM_PARTIAL); a tap that takes no checksum offload (an e1000 VM's)
// has it filled in software as the frame goes in (validate_xmit_skb ->
// skb_checksum_help), a pass over the datagram on the sending core. A
// virtio VM's tap takes it partial. The process's core is otherwise the
// same for both.
TEST(MultiVm, ATapWithoutChecksumOffloadFillsTheHostsPartialChecksums) {
  const viosim::Scenario s = load_host(
      "name: \"csum\"\n"
      "run { duration_ms: 20 warmup_ms: 2 }\n"
      "host { cores: 8 nic { queues: 1 } }\n"
      "vm { name: \"web\" vcpus: 1 }\n"
      "traffic { flow { name: \"down\" src: \"host\" dst: \"web\" dst_port: 6000 "
      "open_loop { rate_pps: 20000 frame_bytes: 1400 } } }\n"
      "compare { backend: [E1000, VIRTIO_USERSPACE] }\n");
  double per_packet[2] = {};
  models::PathConfig e1000;
  for (models::PathBackend backend : compared_backends(s)) {
    const models::PathConfig c = build_path_config(s, backend);
    if (backend == models::PathBackend::kE1000) e1000 = c;
    const models::PathResults r = models::run_path(c);
    ASSERT_EQ(r.flows[0].drops(), 0u);
    ASSERT_GT(r.flows[0].packets, 300u);
    per_packet[backend == models::PathBackend::kE1000 ? 0 : 1] =
        r.per_core_s[*c.host_app][static_cast<size_t>(models::CpuCategory::kHostKernel)] / double(r.flows[0].packets);
  }
  // The UDP datagram: the frame less Ethernet (with its FCS) and IP.
  const double checksum_s = double(1400 - 38) / double(e1000.host_net.copy_bytes_per_s);
  EXPECT_NEAR(per_packet[0] - per_packet[1], checksum_s, 0.1 * checksum_s);
}

// A process on the host: its frames go through the host's stack and the
// kernel's switch into the VM's tap and back, never through the NIC; the
// graph draws the process's places apart from the VM's.
TEST(MultiVm, AHostProcessTalksToAVmThroughTheKernelSwitch) {
  const viosim::Scenario s = load_host(
      "name: \"host\"\n"
      "run { duration_ms: 30 warmup_ms: 5 }\n"
      "host { cores: 8 nic { queues: 2 } }\n"
      "vm { name: \"web\" vcpus: 1 count: 2 }\n"
      "traffic {\n"
      "  flow { name: \"ping\" src: \"host\" dst: \"web\" connections: 2 request_response {} }\n"
      "  flow { name: \"up\" src: \"web\" dst: \"host\" dst_port: 6000 open_loop { rate_pps: 20000 } }\n"
      "}\n"
      "compare { backend: [E1000, VIRTIO_USERSPACE, VHOST_NET] }\n");
  for (models::PathBackend backend : compared_backends(s)) {
    const std::string name(models::backend_name(backend));
    const models::PathConfig c = build_path_config(s, backend);
    ASSERT_TRUE(c.host_app.has_value()) << name;
    ASSERT_TRUE(c.flows[0].host_end && !c.flows[0].from_guest) << name;
    const models::PathResults r = models::run_path(c);
    const models::FlowResults& ping = r.flows[0];
    const models::FlowResults& up = r.flows[1];
    EXPECT_GT(ping.packets, 200u) << name;
    // Two copies at 20 kpkt/s each.
    EXPECT_NEAR(double(up.packets), 40'000 * r.window_s, 0.05 * 40'000 * r.window_s) << name;
    expect_vms_conserved(r, name);
    for (const auto& f : r.flows) EXPECT_EQ(f.drops(), 0u) << name << " " << f.name;
    // Nothing stuck on the way: at most one request or response per
    // connection (two to each copy), and half a millisecond of the stream.
    EXPECT_LE(ping.in_flight_packets, 4u) << name;
    EXPECT_LE(up.in_flight_packets, 20u) << name;
    // Both copies serve their share; nothing goes out of the host NIC.
    for (const auto& vm : r.vms) EXPECT_GT(vm.nic_packets, 100u) << name << " " << vm.name;
    EXPECT_EQ(r.wire_frames, 0u) << name;
    // The process's core worked for it, all of it the host's: its
    // application as host user, its stack, the switch and the tap output as
    // host kernel. None of it is a guest's.
    ASSERT_LT(*c.host_app, r.per_core_s.size());
    const auto& on_core = r.per_core_s[*c.host_app];
    EXPECT_GT(on_core[static_cast<size_t>(models::CpuCategory::kHostUser)], 0.0) << name;
    EXPECT_GT(on_core[static_cast<size_t>(models::CpuCategory::kHostKernel)], 0.0) << name;
    EXPECT_EQ(on_core[static_cast<size_t>(models::CpuCategory::kGuestUser)], 0.0) << name;
    EXPECT_EQ(on_core[static_cast<size_t>(models::CpuCategory::kGuestKernel)], 0.0) << name;
    // The graph joins the process's stack and the VMs' taps through the
    // bridge, apart from the VMs' own places.
    const models::PathGraph g = models::build_path_graph(c);
    auto edge = [&g](const std::string& from, const std::string& to) {
      for (auto [it, end] = boost::edges(g); it != end; ++it) {
        if (g[boost::source(*it, g)].name == from && g[boost::target(*it, g)].name == to) return true;
      }
      return false;
    };
    EXPECT_TRUE(edge("host process: UDP/IP stack", "bridge")) << name;
    EXPECT_TRUE(edge("bridge", "host process: UDP/IP stack")) << name;
    EXPECT_TRUE(edge("host process: application", "host process: UDP/IP stack")) << name;
    EXPECT_FALSE(edge("host process: UDP/IP stack", "web0: UDP/IP stack")) << name;
    EXPECT_EQ(models::run_path(c).fingerprint, r.fingerprint) << name;
  }
}

// The same through OVS's kernel datapath: the process's first frames miss
// and go up to the handler, the rest hit.
TEST(MultiVm, AHostProcessTalksToAVmThroughOvsToo) {
  const viosim::Scenario s = load_host(
      "name: \"host\"\n"
      "run { duration_ms: 20 warmup_ms: 0 }\n"
      "host { cores: 8 nic { queues: 2 } kernel_switch { kind: OVS handler_core: 1 } }\n"
      "vm { name: \"web\" vcpus: 1 }\n"
      "traffic { flow { name: \"ping\" src: \"host\" dst: \"web\" request_response {} } }\n");
  const models::PathConfig c = build_path_config(s, models::PathBackend::kVhostNet);
  ASSERT_TRUE(c.host_app.has_value());
  EXPECT_NE(*c.host_app, c.handler_core);  // a core of its own while there are free ones
  // host.process_core places it; then its core is the one that works.
  viosim::Scenario pinned = s;
  pinned.mutable_host()->set_process_core(7);
  const models::PathConfig pc = build_path_config(pinned, models::PathBackend::kVhostNet);
  ASSERT_EQ(pc.host_app, std::optional<uint32_t>(7));
  const models::PathResults pr = models::run_path(pc);
  EXPECT_GT(pr.per_core_s[7][static_cast<size_t>(models::CpuCategory::kHostUser)], 0.0);
  EXPECT_EQ(pr.per_core_s[*c.host_app][static_cast<size_t>(models::CpuCategory::kHostUser)], 0.0);
  const models::PathResults r = models::run_path(c);
  ASSERT_TRUE(r.ovs_kernel.has_value());
  EXPECT_EQ(r.ovs_kernel->megaflows, 2u);  // the process's port to the tap, and back
  EXPECT_GT(r.ovs_kernel->hits, 100u);
  EXPECT_GT(r.flows[0].packets, 200u);
  EXPECT_LE(r.flows[0].in_flight_packets, 1u);
  EXPECT_EQ(r.wire_frames, 0u);
  // The handler's translation is ovs-vswitchd's userspace work; its
  // recvmsg, sendmsg and the executes are the host kernel's.
  const auto& handler = r.per_core_s[c.handler_core];
  EXPECT_GT(handler[static_cast<size_t>(models::CpuCategory::kHostUser)], 0.0);
  EXPECT_GT(handler[static_cast<size_t>(models::CpuCategory::kHostKernel)], 0.0);
}

}  // namespace
}  // namespace viosim::scenarios
