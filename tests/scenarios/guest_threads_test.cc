// Where a guest's applications run (guest.app_vcpus) and what its
// scheduler does with them (scenarios/examples/guest_flood): under a UDP
// flood, an application sharing the vCPU that takes the queue's
// interrupts gets what is left after the interrupts and the softirqs at
// their exit, and CFS's share against ksoftirqd; on a vCPU of its own it
// keeps up with far more, woken by reschedule IPIs while it sleeps.
#include <gtest/gtest.h>

#include <string>

#include "scenarios/loader/loader.h"
#include "scenarios/runner/run_scenario.h"
#include "tests/support/drop_counts.h"

namespace viosim {
namespace {

BackendResult threads_flood(uint32_t app_vcpu, uint32_t rate_pps) {
  const std::string text =
      "name: \"flood\"\nseed: 41\nrun { duration_ms: 200 warmup_ms: 80 }\n"
      "host { cores: 8 nic { queues: 1 line_rate_gbps: 25 } }\n"
      "vm { name: \"rx\" vcpus: 2 nic { backend: VHOST_NET } guest { app_vcpus: [" +
      std::to_string(app_vcpu) +
      "] } }\n"
      "traffic { flow { name: \"flood\" dst: \"rx\" protocol: UDP open_loop { rate_pps: " +
      std::to_string(rate_pps) + " frame_bytes: 64 } } }\n";
  const scenarios::LoadResult r = scenarios::load_scenario_text("flood.textproto", text, {});
  EXPECT_TRUE(r.ok()) << scenarios::format_diagnostics(r.diagnostics);
  return run(*r.scenario).backend(0);
}

TEST(GuestThreads, AnApplicationBesideTheInterruptsStarvesUnderAFloodOneOnItsOwnVcpuDoesNot) {
  const BackendResult shared = threads_flood(0, 1'000'000);
  const BackendResult apart = threads_flood(1, 1'000'000);
  const double shared_pps = shared.flows(0).throughput_pps();
  const double apart_pps = apart.flows(0).throughput_pps();
  EXPECT_GT(apart_pps, 1.4 * shared_pps) << shared_pps << " vs " << apart_pps;
  // Sharing: ksoftirqd and the application preempt each other.
  EXPECT_GT(shared.vms(0).preemptions_per_s(), 1000);
  EXPECT_EQ(shared.vms(0).ipis_per_s(), 0) << "one vCPU wakes nothing elsewhere";
  // What it cannot take is lost at its socket and, once the guest's ring
  // is full, at the host's tap.
  EXPECT_GT(dropped(shared.flows(0)), 2 * dropped(apart.flows(0)));
  // Apart: nothing to time-slice; vCPU 0 wakes the application on vCPU 1.
  EXPECT_EQ(apart.vms(0).preemptions_per_s(), 0);
  EXPECT_GT(apart.vms(0).ipis_per_s(), 0);
}

// Below the knee both keep up; apart, every sleep of the application ends
// with an IPI from vCPU 0, about one per wake-up (no more than one per
// packet).
TEST(GuestThreads, BelowTheKneeBothKeepUpAndWakeUpsCostIpis) {
  const BackendResult shared = threads_flood(0, 200'000);
  const BackendResult apart = threads_flood(1, 200'000);
  EXPECT_NEAR(shared.flows(0).throughput_pps(), 200'000, 4'000);
  EXPECT_NEAR(apart.flows(0).throughput_pps(), 200'000, 4'000);
  EXPECT_GT(apart.vms(0).ipis_per_s(), 10'000);
  EXPECT_LE(apart.vms(0).ipis_per_s(), apart.flows(0).throughput_pps());
}

// One sending thread behind on two open-loop flows sends in the order
// their packets fell due: each flow gets its share (it once served the
// first flow listed whenever it was due, and the second got nothing).
TEST(GuestThreads, ASenderBehindOnTwoFlowsServesBoth) {
  const std::string text =
      "name: \"two\"\nseed: 42\nrun { duration_ms: 20 warmup_ms: 5 }\n"
      "host { cores: 8 nic { queues: 1 line_rate_gbps: 25 } }\n"
      "vm { name: \"tx\" vcpus: 1 nic { backend: VHOST_NET } }\n"
      "traffic {\n"
      "  flow { name: \"a\" src: \"tx\" dst: \"external\" open_loop { rate_pps: 500000 frame_bytes: 64 } }\n"
      "  flow { name: \"b\" src: \"tx\" dst: \"external\" src_port: 49200 open_loop { rate_pps: 500000 "
      "frame_bytes: 64 } }\n"
      "}\n";
  const scenarios::LoadResult r = scenarios::load_scenario_text("two.textproto", text, {});
  ASSERT_TRUE(r.ok()) << scenarios::format_diagnostics(r.diagnostics);
  const BackendResult b = run(*r.scenario).backend(0);
  ASSERT_EQ(b.flows_size(), 2);
  const double a = b.flows(0).throughput_pps();
  const double second = b.flows(1).throughput_pps();
  EXPECT_LT(a + second, 900000);  // the thread is behind
  EXPECT_GT(second, 0.4 * (a + second));
  EXPECT_GT(a, 0.4 * (a + second));
}

}  // namespace
}  // namespace viosim
