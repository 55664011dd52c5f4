// TCP between two VMs on one host, through every backend's switch: a
// stream and request/response, with nothing on the wire. A TSO skb
// crosses the bridge or OVS whole where both ends' features allow (the
// host's GSO or the receiving tap cuts it otherwise), and the NIC cuts it
// into frames before its switch turns them around to the other VF.
#include <gtest/gtest.h>

#include <string>

#include "scenarios/loader/loader.h"
#include "scenarios/runner/run_scenario.h"
#include "tests/support/drop_counts.h"

namespace viosim {
namespace {

BackendResult run_between_vms(const std::string& backend, const std::string& load) {
  const std::string text =
      "name: \"vm2vm\"\nseed: 5\nrun { duration_ms: 30 warmup_ms: 0 }\n"
      "host { cores: 16 nic { queues: 2 line_rate_gbps: 25 } }\n"
      "vm { name: \"a\" vcpus: 1 pin_cores: [2] }\nvm { name: \"b\" vcpus: 1 pin_cores: [3] }\n"
      "traffic { flow { name: \"tcp\" src: \"a\" dst: \"b\" src_ip: \"10.0.0.1\" dst_ip: \"10.0.0.2\" "
      "protocol: TCP " +
      load + " } }\ncompare { backend: [" + backend + "] }\n";
  const scenarios::LoadResult r = scenarios::load_scenario_text("vm2vm.textproto", text, {});
  EXPECT_TRUE(r.ok()) << scenarios::format_diagnostics(r.diagnostics);
  return r.ok() ? run(*r.scenario).backend(0) : BackendResult();
}

class TcpVmToVm : public ::testing::TestWithParam<const char*> {};

// Every byte of a 3 MB stream reaches b once, and every packet offered is
// delivered, dropped at a place, or on its way.
TEST_P(TcpVmToVm, AStreamDeliversEveryByteAndConservesPackets) {
  const BackendResult b = run_between_vms(GetParam(), "bulk { total_bytes: 3000000 frame_bytes: 1518 }");
  ASSERT_EQ(b.flows_size(), 1);
  const FlowResult& f = b.flows(0);
  ASSERT_TRUE(f.has_tcp());
  EXPECT_NEAR(f.tcp().goodput_gbps() * 1e9 / 8 * 0.030, 3000000.0, 1.0) << "all of it in the 30 ms window";
  EXPECT_EQ(f.offered_packets(), f.delivered_packets() + dropped(f) + f.in_flight_packets());
}

// A 64-byte ping-pong over TCP completes transaction after transaction.
TEST_P(TcpVmToVm, RequestResponseCompletesTransactions) {
  const BackendResult b = run_between_vms(GetParam(), "request_response { request_bytes: 64 response_bytes: 64 }");
  ASSERT_EQ(b.flows_size(), 1);
  const FlowResult& f = b.flows(0);
  EXPECT_GT(f.throughput_pps() * 0.030, 50.0) << "transactions in 30 ms";
  EXPECT_EQ(f.tcp().retransmitted_segments(), 0u);
  EXPECT_EQ(f.offered_packets(), f.delivered_packets() + dropped(f) + f.in_flight_packets());
}

INSTANTIATE_TEST_SUITE_P(Backends, TcpVmToVm,
                         ::testing::Values("E1000", "VIRTIO_USERSPACE", "VHOST_NET", "VHOST_USER", "PASSTHROUGH"),
                         [](const ::testing::TestParamInfo<const char*>& info) { return std::string(info.param); });

// A process on the host streams into the VM and the VM streams back, over
// the kernel's switch and the VM's tap: every byte arrives once, the tap
// cutting the host's GSO skbs where the VM's NIC takes no TSO (e1000).
class TcpHostEnd : public ::testing::TestWithParam<const char*> {};

TEST_P(TcpHostEnd, StreamsBetweenTheHostAndAVmDeliverEveryByte) {
  for (const char* ends : {"src: \"host\" dst: \"a\"", "src: \"a\" dst: \"host\""}) {
    SCOPED_TRACE(ends);
    const std::string text =
        "name: \"host\"\nseed: 5\nrun { duration_ms: 30 warmup_ms: 0 }\n"
        "host { cores: 16 nic { queues: 1 line_rate_gbps: 25 } }\n"
        "vm { name: \"a\" vcpus: 1 pin_cores: [2] nic { queues: 1 } }\n"
        "traffic { flow { name: \"tcp\" " +
        std::string(ends) +
        " dst_ip: \"10.0.0.2\" protocol: TCP bulk { total_bytes: 3000000 frame_bytes: 1518 } } }\n"
        "compare { backend: [" +
        GetParam() + "] }\n";
    const scenarios::LoadResult r = scenarios::load_scenario_text("host.textproto", text, {});
    ASSERT_TRUE(r.ok()) << scenarios::format_diagnostics(r.diagnostics);
    const FlowResult f = run(*r.scenario).backend(0).flows(0);
    EXPECT_NEAR(f.tcp().goodput_gbps() * 1e9 / 8 * 0.030, 3000000.0, 1.0);
    EXPECT_EQ(f.offered_packets(), f.delivered_packets() + dropped(f) + f.in_flight_packets());
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, TcpHostEnd, ::testing::Values("E1000", "VIRTIO_USERSPACE", "VHOST_NET"),
                         [](const ::testing::TestParamInfo<const char*>& info) { return std::string(info.param); });

// 256 KB responses after 300 ms of thought, longer than the RTO: with
// Linux's default each response starts again from the initial window, so
// it takes more round trips and a smaller mean window than with
// net.ipv4.tcp_slow_start_after_idle off.
TEST(TcpIdle, ALongThinkTimeRestartsTheWindowUnlessTurnedOff) {
  auto run_rr = [](bool restart) {
    const std::string text =
        std::string(
            "name: \"idle\"\nseed: 5\nrun { duration_ms: 2000 warmup_ms: 400 }\n"
            "host { cores: 16 nic { queues: 1 line_rate_gbps: 25 } }\n"
            "vm { name: \"a\" vcpus: 1 pin_cores: [2] }\n"
            "traffic { flow { name: \"rr\" dst: \"a\" protocol: TCP request_response { request_bytes: 64 "
            "response_bytes: 262144 think_time_us: 300000 tcp_slow_start_after_idle: ") +
        (restart ? "true" : "false") + " } } }\ncompare { backend: [VHOST_NET] }\n";
    const scenarios::LoadResult r = scenarios::load_scenario_text("idle.textproto", text, {});
    EXPECT_TRUE(r.ok()) << scenarios::format_diagnostics(r.diagnostics);
    return r.ok() ? run(*r.scenario).backend(0) : BackendResult();
  };
  const BackendResult on = run_rr(true);
  const BackendResult off = run_rr(false);
  ASSERT_EQ(on.flows_size(), 1);
  ASSERT_EQ(off.flows_size(), 1);
  EXPECT_GE(on.flows(0).throughput_pps() * 1.6, 4.0) << "transactions measured";
  EXPECT_LT(on.flows(0).tcp().cwnd_mean_segments(), off.flows(0).tcp().cwnd_mean_segments());
  EXPECT_GT(on.flows(0).latency_us().p50(), off.flows(0).latency_us().p50());
}

// A guest NAPI poll that uses its whole budget is polled again, and
// __napi_poll's napi_gro_flush(n, HZ >= 1000) keeps, at HZ 1000, the skbs
// GRO has held since this jiffy (below 1000 it hands up everything). One
// stream into bare metal, whose busy vCPU's polls often take all 64: at
// HZ 1000 its skbs are larger, so fewer (about 15 % fewer here; the
// tick's own costs moved the count by under 1 % before this rule).
TEST(TcpGro, AtHz1000AGuestPollOnItsWholeBudgetKeepsThisJiffysSkbs) {
  auto skbs = [](int hz) {
    const std::string text =
        "name: \"gro\"\nseed: 17\nrun { duration_ms: 60 warmup_ms: 20 }\n"
        "host { profile: \"skylake-sp\" cores: 12 nic { name: \"nic0\" queues: 2 line_rate_gbps: 25 } }\n"
        "vm { name: \"vm0\" vcpus: 2 pin_cores: [2, 3] guest { hz: " +
        std::to_string(hz) +
        " } nic { queues: 2 queue_size: 256 backend_cores: [4, 5] } }\n"
        "traffic { flow { name: \"stream\" src: \"external\" dst: \"vm0\" protocol: TCP connections: 1 "
        "bulk { frame_bytes: 1518 } } }\ncompare { backend: [BARE_METAL] }\n";
    const scenarios::LoadResult r = scenarios::load_scenario_text("gro.textproto", text, {});
    EXPECT_TRUE(r.ok()) << scenarios::format_diagnostics(r.diagnostics);
    return r.ok() ? run(*r.scenario).backend(0).flows(0).tcp().receive_skbs() : 0;
  };
  const uint64_t at_250 = skbs(250);
  const uint64_t at_1000 = skbs(1000);
  ASSERT_GT(at_250, 1000u);
  EXPECT_LT(double(at_1000), 0.9 * double(at_250));
}

}  // namespace
}  // namespace viosim
