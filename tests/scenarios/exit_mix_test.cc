// The exit mix of guests on one host (scenarios/examples/exit_mix), per VM
// and per second, counted by hand: an idle guest takes none, a CPU-bound
// one its ticks (a preemption-timer exit and a deadline write each, HZ a
// second), a request/response server two timer writes per request (the
// tick stopped and restarted around each idle period) and a kick per
// response.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "scenarios/loader/loader.h"
#include "scenarios/runner/run_scenario.h"

namespace viosim {
namespace {

const char* kHost =
    "name: \"exit mix\"\n"
    "run { duration_ms: 100 warmup_ms: 20 }\n"
    "host { cores: 10 nic { queues: 2 } }\n"
    "vm { name: \"idle\" vcpus: 1 pin_cores: [2] }\n"
    "vm { name: \"busy\" vcpus: 1 pin_cores: [3] cpu_load { busy_us: 10000 idle_us: 0 } }\n"
    "vm { name: \"web\" vcpus: 1 pin_cores: [4] }\n"
    "traffic { flow { name: \"rr\" dst: \"web\" request_response {} } }\n"
    "compare { backend: [VHOST_NET] }\n";

std::map<std::string, double> mix(const BackendResult& b, const std::string& vm) {
  std::map<std::string, double> m;
  for (const VmResult& v : b.vms()) {
    if (v.name() != vm) continue;
    for (const NamedValue& e : v.exits_per_s()) m[e.name()] = e.value();
  }
  return m;
}

BackendResult run_with(const std::string& extra) {
  const scenarios::LoadResult r = scenarios::load_scenario_text("exit_mix.textproto", std::string(kHost) + extra, {});
  EXPECT_TRUE(r.ok()) << scenarios::format_diagnostics(r.diagnostics);
  const RunSummary s = run(*r.scenario);
  EXPECT_EQ(s.backend_size(), 1);
  return s.backend(0);
}

TEST(ExitMix, IdleNoneBusyItsTicksAServerTwoTimerWritesPerRequest) {
  const BackendResult b = run_with("");
  EXPECT_TRUE(mix(b, "idle").empty());
  // 80 ms measured at 250 Hz: 20 ticks (one either way at the window's
  // ends), 250 a second.
  const auto busy = mix(b, "busy");
  EXPECT_EQ(busy.size(), 2u);
  EXPECT_NEAR(busy.at("preemption_timer"), 250, 12.5);
  EXPECT_EQ(busy.at("msr_write"), busy.at("preemption_timer"));
  const auto web = mix(b, "web");
  const double rr = b.flows(0).throughput_pps();
  ASSERT_GT(rr, 10000);
  EXPECT_NEAR(web.at("msr_write") / rr, 2.0, 0.02);
  EXPECT_NEAR(web.at("ept_misconfig_fast_mmio") / rr, 1.0, 0.01);
  EXPECT_GE(web.at("hlt") / rr, 1.0);
}

TEST(ExitMix, TheTickFollowsConfigHz) {
  const BackendResult b = run_with(
      "vm { name: \"busy1000\" vcpus: 1 pin_cores: [5] guest { hz: 1000 } "
      "cpu_load { busy_us: 10000 idle_us: 0 } }\n");
  EXPECT_NEAR(mix(b, "busy1000").at("preemption_timer"), 1000, 12.5);
  EXPECT_NEAR(mix(b, "busy").at("preemption_timer"), 250, 12.5);
}

// A client thread on vCPU 1 of two behind a VF whose one queue interrupts
// vCPU 0, one request in flight: each response is received on vCPU 0 and
// wakes the client on vCPU 1, idle (halted) meanwhile, with a reschedule
// IPI. The IPI's ICR write exits (msr_write) unless the CPU virtualizes
// it. Every round trip also stops and restarts both vCPUs' ticks (timer
// writes, msr_write too) whatever the IPI does.
struct IpiMix {
  double ipis = 0;        // per response
  double msr_writes = 0;  // per response
};
IpiMix ipi_mix(const std::string& host, const std::string& interrupts) {
  const std::string text =
      "name: \"ipi\"\nrun { duration_ms: 60 warmup_ms: 10 }\n"
      "host { " +
      host +
      " cores: 8 nic { queues: 1 } }\n"
      "vm { name: \"client\" vcpus: 2 pin_cores: [2, 3] nic { queues: 1 } guest { app_vcpus: [1] } " +
      interrupts +
      " }\n"
      "traffic { flow { name: \"rr\" src: \"client\" dst: \"external\" request_response {} } }\n"
      "compare { backend: [PASSTHROUGH] }\n";
  const scenarios::LoadResult r = scenarios::load_scenario_text("ipi.textproto", text, {});
  EXPECT_TRUE(r.ok()) << scenarios::format_diagnostics(r.diagnostics);
  const RunSummary s = run(*r.scenario);
  const BackendResult& b = s.backend(0);
  const double rr = b.flows(0).throughput_pps();
  EXPECT_GT(rr, 10000);
  const auto m = mix(b, "client");
  return {b.vms(0).ipis_per_s() / rr, m.count("msr_write") ? m.at("msr_write") / rr : 0};
}

TEST(ExitMix, AReschedulingIpiExitsUnlessTheHostVirtualizesIt) {
  // Sapphire Rapids offers IPIv; a VM that turns it off pays an exit per IPI.
  const IpiMix spr = ipi_mix("profile: \"sapphire-rapids\"", "");
  const IpiMix spr_off = ipi_mix("profile: \"sapphire-rapids\"", "interrupts { ipi_virtualization: false }");
  EXPECT_NEAR(spr.ipis, 1.0, 0.01);
  EXPECT_NEAR(spr_off.ipis, 1.0, 0.01);
  EXPECT_NEAR(spr_off.msr_writes - spr.msr_writes, 1.0, 0.02);
  // Skylake-SP has none, unless the scenario says its processor does.
  const IpiMix skylake = ipi_mix("", "");
  const IpiMix skylake_ipiv = ipi_mix("virtualization { ipi_virtualization: true }", "");
  EXPECT_NEAR(skylake.msr_writes - skylake_ipiv.msr_writes, 1.0, 0.02);
}

}  // namespace
}  // namespace viosim
