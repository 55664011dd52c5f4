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

}  // namespace
}  // namespace viosim
