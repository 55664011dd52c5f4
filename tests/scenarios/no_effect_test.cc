// The loader's no-effect warnings (scenarios/loader/no_effect.cc): a value
// that changes nothing where it is set is warned about once, and not when
// a sweep may make it matter at some point.
#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "scenarios/loader/loader.h"

namespace viosim::scenarios {
namespace {

std::vector<Diagnostic> warnings_of(const std::string& text) {
  const LoadResult r = load_scenario_text("w.textproto", text, {});
  EXPECT_TRUE(r.ok()) << format_diagnostics(r.diagnostics);
  return r.warnings;
}

TEST(NoEffect, CoalescingValuesUnderAdaptiveModerationAreWarnedUnlessSwept) {
  const std::string base =
      "name: \"w\"\n"
      "host { cores: 16 nic { queues: 1 line_rate_gbps: 10 coalescing { rx_usecs: 50 } } }\n"
      "vm { name: \"vm0\" }\n"
      "traffic { flow { name: \"rr\" dst: \"vm0\" request_response {} } }\n";
  // Even the driver's default value: set, it has no effect.
  const LoadResult warned = load_scenario_text("w.textproto", base, {});
  ASSERT_TRUE(warned.ok()) << format_diagnostics(warned.diagnostics);
  ASSERT_EQ(warned.warnings.size(), 1u);
  EXPECT_NE(warned.warnings[0].message.find("rx_usecs has no effect with adaptive: true"), std::string::npos);
  const LoadResult swept = load_scenario_text(
      "w.textproto",
      base + "sweep { axis { field: \"host.nic[0].coalescing.adaptive\" values: [\"true\", \"false\"] } }\n", {});
  ASSERT_TRUE(swept.ok()) << format_diagnostics(swept.diagnostics);
  EXPECT_TRUE(swept.warnings.empty()) << format_diagnostics(swept.warnings);
}

const std::string kGuest =
    "name: \"g\"\n"
    "host { cores: 16 nic { queues: 1 line_rate_gbps: 10 } }\n"
    "traffic { flow { name: \"rr\" dst: \"vm0\" request_response {} } }\n";

TEST(NoEffect, GuestHaltPollNsWithoutHaltpollUnlessTheDriverIsSwept) {
  const std::string vm = "vm { name: \"vm0\" guest { guest_halt_poll_ns: 100000 } }\n";
  const auto warned = warnings_of(kGuest + vm);
  ASSERT_EQ(warned.size(), 1u) << format_diagnostics(warned);
  EXPECT_NE(warned[0].message.find("unless idle_driver is HALTPOLL"), std::string::npos);
  const auto swept = warnings_of(kGuest + vm +
                                 "sweep { axis { field: \"vm[vm0].guest.idle_driver\" values: [\"HALT\", "
                                 "\"HALTPOLL\"] } }\n");
  EXPECT_TRUE(swept.empty()) << format_diagnostics(swept);
}

TEST(NoEffect, KvmHaltPollingUnderHaltpollIsWarnedOnce) {
  // A CPU load whose halts (100 us) fit the haltpoll window: the guest
  // polls, KVM's polling is off; its window is warned about once, for that
  // reason, not also as too short for the load's halts.
  const std::string text = kGuest +
                           "vm { name: \"vm0\" }\n"
                           "vm { name: \"batch\" guest { idle_driver: HALTPOLL } halt_polling { halt_poll_ns: 50000 } "
                           "cpu_load { busy_us: 1000 idle_us: 100 } }\n";
  const auto warned = warnings_of(text);
  ASSERT_EQ(warned.size(), 1u) << format_diagnostics(warned);
  EXPECT_NE(warned[0].message.find("haltpoll driver turns KVM's halt polling off"), std::string::npos);
}

TEST(NoEffect, HaltpollUnderLongHaltsUnlessTheHaltsAreSwept) {
  const std::string vm =
      "vm { name: \"vm0\" }\n"
      "vm { name: \"batch\" guest { idle_driver: HALTPOLL } cpu_load { busy_us: 1000 idle_us: 1000 } }\n";
  const auto warned = warnings_of(kGuest + vm);
  ASSERT_EQ(warned.size(), 1u) << format_diagnostics(warned);
  EXPECT_NE(warned[0].message.find("idle_driver HALTPOLL has no effect"), std::string::npos);
  const auto swept = warnings_of(kGuest + vm +
                                 "sweep { axis { field: \"vm[batch].cpu_load.idle_us\" values: [\"100\", "
                                 "\"1000\"] } }\n");
  EXPECT_TRUE(swept.empty()) << format_diagnostics(swept);
}

// A client on two vCPUs sends reschedule IPIs only where responses can
// land on the other vCPU: behind a VF or vhost-user, not behind a tap,
// whose automq steering returns them to the sender's queue.
TEST(NoEffect, IpiVirtualizationBehindATapIsWarned) {
  const std::string text =
      "name: \"i\"\n"
      "host { profile: \"sapphire-rapids\" cores: 16 nic { queues: 2 } }\n"
      "vm { name: \"client\" vcpus: 2 nic { queues: 2 } interrupts { ipi_virtualization: false } }\n"
      "traffic { flow { name: \"rr\" src: \"client\" dst: \"external\" connections: 16 request_response {} } }\n";
  const auto tap = warnings_of(text + "compare { backend: [VHOST_NET, VIRTIO_USERSPACE] }\n");
  ASSERT_EQ(tap.size(), 1u) << format_diagnostics(tap);
  EXPECT_NE(tap[0].message.find("automq"), std::string::npos);
  EXPECT_TRUE(warnings_of(text + "compare { backend: [VHOST_NET, PASSTHROUGH] }\n").empty());
  // The host's own offer is the default: nothing set, nothing to warn of.
  const std::string unset = text.substr(0, text.find(" interrupts {")) + " }\n" + text.substr(text.find("traffic"));
  EXPECT_TRUE(warnings_of(unset + "compare { backend: [VHOST_NET] }\n").empty());
}

}  // namespace
}  // namespace viosim::scenarios

namespace viosim::scenarios {
namespace {

// RFS records a flow's CPU only for a connected socket: a VM that serves
// request/response (or sinks a stream) has none, one that runs a client has.
TEST(NoEffect, RfsWithoutAClientInTheVmIsWarned) {
  const std::string head =
      "name: \"r\"\n"
      "host { cores: 16 nic { queues: 1 line_rate_gbps: 10 } }\n"
      "vm { name: \"vm0\" vcpus: 2 guest { rps_sock_flow_entries: 4096 rps_flow_cnt: 4096 } }\n";
  const std::vector<Diagnostic> server =
      warnings_of(head + "traffic { flow { name: \"rr\" dst: \"vm0\" request_response {} } }\n");
  ASSERT_EQ(server.size(), 1u) << format_diagnostics(server);
  EXPECT_NE(server[0].message.find("RFS has no effect"), std::string::npos) << server[0].message;
  const std::vector<Diagnostic> client =
      warnings_of(head + "traffic { flow { name: \"rr\" src: \"vm0\" dst: \"external\" request_response {} } }\n");
  EXPECT_TRUE(client.empty()) << format_diagnostics(client);
}

// The host NIC's qdisc and RPS are the host kernel's: only what a
// tap-based VM (or a P2P flow through the kernel's switch) sends or
// receives passes them; the qdisc's parameters belong to their qdisc.
TEST(NoEffect, HostQdiscWithoutTheKernelSendingIsWarned) {
  const std::string host =
      "name: \"h\"\nhost { cores: 16 nic { queues: 1 qdisc: FQ_CODEL txqueuelen: 500 rps_cpus: [3] } }\n";
  const std::string flow = "traffic { flow { name: \"rr\" dst: \"vm0\" request_response {} } }\n";
  const auto vf = warnings_of(host + "vm { name: \"vm0\" nic { backend: PASSTHROUGH } }\n" + flow);
  ASSERT_EQ(vf.size(), 3u) << format_diagnostics(vf);
  EXPECT_NE(vf[0].message.find("qdisc has no effect: the host kernel's stack neither sends nor receives through nic"),
            std::string::npos);
  EXPECT_NE(vf[1].message.find("txqueuelen has no effect: the host kernel's stack neither"), std::string::npos);
  EXPECT_NE(vf[2].message.find("rps_cpus has no effect: the host kernel's stack neither"), std::string::npos);
  const auto tap = warnings_of(host + "vm { name: \"vm0\" nic { backend: VHOST_NET } }\n" + flow);
  ASSERT_EQ(tap.size(), 1u) << format_diagnostics(tap);
  EXPECT_NE(tap[0].message.find("txqueuelen has no effect: it bounds PFIFO_FAST, and the qdisc is FQ_CODEL"),
            std::string::npos);
}

// Flow limit is checked by the vCPU that queues to a backlog: one that
// polls a receive queue.
TEST(NoEffect, FlowLimitOnlyOnVcpusThatPollNoQueueIsWarned) {
  const std::string base =
      "name: \"f\"\nhost { cores: 16 nic { queues: 1 } }\n"
      "traffic { flow { name: \"in\" dst: \"vm0\" open_loop { rate_pps: 1000 } } }\n";
  const auto idle = warnings_of(base +
                                "vm { name: \"vm0\" vcpus: 4 nic { backend: VHOST_NET queues: 1 } guest { rps_cpus: "
                                "[1, 2] flow_limit_cpus: [1, 3] } }\n");
  ASSERT_EQ(idle.size(), 1u) << format_diagnostics(idle);
  EXPECT_NE(idle[0].message.find("none of these polls a receive queue (only vCPU 0 does)"), std::string::npos);
  const auto polling = warnings_of(base +
                                   "vm { name: \"vm0\" vcpus: 4 nic { backend: VHOST_NET queues: 1 } guest { "
                                   "rps_cpus: [1, 2] flow_limit_cpus: [0] } }\n");
  EXPECT_TRUE(polling.empty()) << format_diagnostics(polling);
}

// A setting on one direction of the path where frames only go the other
// way: the host NIC's qdisc with frames only coming in, its RPS with frames
// only going out, a guest's RPS on a VM that only sends, its XPS on one
// that only receives.
TEST(NoEffect, SettingsOfTheDirectionNoFrameTakesAreWarned) {
  const std::string head = "name: \"d\"\nhost { cores: 16 nic { name: \"nic0\" queues: 1 line_rate_gbps: 10 ";
  const std::string into_vm =
      "traffic { flow { name: \"in\" dst: \"vm0\" open_loop { rate_pps: 1000 frame_bytes: 64 } } }\n";
  const std::string out_of_vm =
      "traffic { flow { name: \"out\" src: \"vm0\" dst: \"external\" open_loop { rate_pps: 1000 frame_bytes: 64 } } "
      "}\n";
  const std::string vm = "vm { name: \"vm0\" vcpus: 2 nic { queues: 2 } ";

  auto only = [](const std::vector<Diagnostic>& w, const std::string& text) {
    EXPECT_EQ(w.size(), 1u) << format_diagnostics(w);
    return !w.empty() && w[0].message.find(text) != std::string::npos;
  };
  EXPECT_TRUE(only(warnings_of(head + "qdisc: FQ_CODEL } }\n" + vm + "}\n" + into_vm),
                   "qdisc has no effect: no flow's frames go out through nic \"nic0\""));
  EXPECT_TRUE(only(warnings_of(head + "rps_cpus: [10] } }\n" + vm + "}\n" + out_of_vm),
                   "rps_cpus has no effect: no flow's frames come in through nic \"nic0\""));
  EXPECT_TRUE(only(warnings_of(head + "} }\n" + vm + "guest { rps_cpus: [1] } }\n" + out_of_vm),
                   "rps_cpus has no effect: no flow's frames enter vm \"vm0\""));
  EXPECT_TRUE(only(warnings_of(head + "} }\n" + vm + "guest { xps { cpus: [1] } xps { cpus: [0] } } }\n" + into_vm),
                   "xps has no effect: no flow's frames leave vm \"vm0\""));
  // Both ways (request/response): no warning.
  const std::string rr = "traffic { flow { name: \"rr\" dst: \"vm0\" request_response {} } }\n";
  EXPECT_TRUE(
      warnings_of(head + "qdisc: FQ_CODEL rps_cpus: [10] } }\n" + vm + "guest { rps_cpus: [1] } }\n" + rr).empty());
}

// A sweep that may turn a flow around (bidirectional, its ends) leaves
// every direction possible: nothing is warned as idle for want of one.
TEST(NoEffect, NoDirectionWarningWhenASweepMayTurnAFlowAround) {
  const std::string text =
      "name: \"d\"\nhost { cores: 16 nic { name: \"nic0\" queues: 1 line_rate_gbps: 10 qdisc: FQ_CODEL } }\n"
      "vm { name: \"vm0\" vcpus: 2 nic { queues: 2 } guest { xps { cpus: [1] } xps { cpus: [0] } } }\n"
      "traffic { flow { name: \"in\" dst: \"vm0\" open_loop { rate_pps: 1000 frame_bytes: 64 } } }\n"
      "sweep { axis { field: \"traffic.flow[0].bidirectional\" values: [\"false\", \"true\"] } }\n";
  const auto w = warnings_of(text);
  EXPECT_TRUE(w.empty()) << format_diagnostics(w);
}

}  // namespace
}  // namespace viosim::scenarios

namespace viosim::scenarios {
namespace {

TEST(NoEffect, GroWithoutATcpFlowIntoTheVmIsWarned) {
  const std::string base =
      "name: \"gro\"\n"
      "host { cores: 16 nic { queues: 1 line_rate_gbps: 10 } }\n"
      "vm { name: \"vm0\" guest { gro: false } }\n";
  const LoadResult udp =
      load_scenario_text("gro.textproto", base + "traffic { flow { name: \"s\" dst: \"vm0\" bulk {} } }\n", {});
  ASSERT_TRUE(udp.ok()) << format_diagnostics(udp.diagnostics);
  ASSERT_EQ(udp.warnings.size(), 1u);
  EXPECT_NE(udp.warnings[0].message.find("gro has no effect"), std::string::npos);
  const LoadResult tcp = load_scenario_text(
      "gro.textproto",
      base + "traffic { flow { name: \"s\" dst: \"vm0\" protocol: TCP bulk { frame_bytes: 1518 } } }\n", {});
  ASSERT_TRUE(tcp.ok()) << format_diagnostics(tcp.diagnostics);
  EXPECT_TRUE(tcp.warnings.empty()) << format_diagnostics(tcp.warnings);
}

// host_tso4 acts on what a VM's guest sends over TCP, through a virtio
// device that offers TSO: no TCP flow out of the VM, only VHOST_USER, or
// no virtio backend at all, and it is warned about.
TEST(NoEffect, HostTso4WhereNoTsoSkbCanGoIsWarned) {
  auto scenario = [](const std::string& backend, const std::string& flow) {
    return "name: \"tso\"\n"
           "host { cores: 16 nic { queues: 1 line_rate_gbps: 10 } }\n"
           "vm { name: \"vm0\" nic { backend: " +
           backend + " features { host_tso4: false } } }\ntraffic { flow { name: \"s\" " + flow + " } }\n";
  };
  const std::string out = "src: \"vm0\" dst: \"external\" protocol: TCP bulk { frame_bytes: 1518 }";
  EXPECT_TRUE(warnings_of(scenario("VHOST_NET", out)).empty());
  // A TCP server in the VM sends its responses with TSO too.
  EXPECT_TRUE(warnings_of(scenario("VHOST_NET", "dst: \"vm0\" protocol: TCP request_response {}")).empty());
  for (const auto& [backend, flow, says] :
       {std::tuple<std::string, std::string, std::string>{"VHOST_NET", "dst: \"vm0\" bulk {}", "no TCP flow sends"},
        {"VHOST_USER", out, "VHOST_USER never offers it"},
        {"E1000", out, "no virtio backend runs"},
        {"BARE_METAL", out, "no virtio backend runs"}}) {
    SCOPED_TRACE(backend);
    const std::vector<Diagnostic> w = warnings_of(scenario(backend, flow));
    ASSERT_EQ(w.size(), 1u) << format_diagnostics(w);
    EXPECT_NE(w[0].message.find(says), std::string::npos) << w[0].message;
  }
}

// tcp_nodelay sets a TCP socket option: on a UDP request/response flow it
// is warned about.
TEST(NoEffect, TcpNodelayOnAUdpFlowIsWarned) {
  auto scenario = [](const std::string& protocol) {
    return "name: \"rr\"\nvm { name: \"vm0\" }\ntraffic { flow { name: \"rr\" dst: \"vm0\" protocol: " + protocol +
           " request_response { tcp_nodelay: false } } }\n";
  };
  EXPECT_TRUE(warnings_of(scenario("TCP")).empty());
  const std::vector<Diagnostic> w = warnings_of(scenario("UDP"));
  ASSERT_EQ(w.size(), 1u) << format_diagnostics(w);
  EXPECT_NE(w[0].message.find("tcp_nodelay has no effect"), std::string::npos) << w[0].message;
}

// tcp_slow_start_after_idle off changes a run only where a connection
// idles past its RTO: a UDP flow, or think time under 200 ms, is warned.
TEST(NoEffect, SlowStartAfterIdleNeedsTcpAndAThinkTimeOverTheRto) {
  auto scenario = [](const std::string& protocol, const std::string& think) {
    return "name: \"rr\"\nvm { name: \"vm0\" }\ntraffic { flow { name: \"rr\" dst: \"vm0\" protocol: " + protocol +
           " request_response { think_time_us: " + think + " tcp_slow_start_after_idle: false } } }\n";
  };
  EXPECT_TRUE(warnings_of(scenario("TCP", "300000")).empty());
  const std::vector<Diagnostic> udp = warnings_of(scenario("UDP", "300000"));
  ASSERT_EQ(udp.size(), 1u) << format_diagnostics(udp);
  EXPECT_NE(udp[0].message.find("is not TCP"), std::string::npos) << udp[0].message;
  const std::vector<Diagnostic> brief = warnings_of(scenario("TCP", "100"));
  ASSERT_EQ(brief.size(), 1u) << format_diagnostics(brief);
  EXPECT_NE(brief[0].message.find("thinks 100 us"), std::string::npos) << brief[0].message;
}

}  // namespace
}  // namespace viosim::scenarios
