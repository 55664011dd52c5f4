// XPS end to end: by default vCPU i sends on queue pair i; guest.xps maps
// each transmit queue's vCPUs, and a vCPU takes only the queues that name
// it (all of them, by the flow hash, when none does).
#include <gtest/gtest.h>

#include <string>

#include "scenarios/loader/loader.h"
#include "scenarios/runner/run_scenario.h"

namespace viosim {
namespace {

BackendResult senders(const std::string& xps) {
  const std::string text =
      "name: \"xps\"\nseed: 3\nrun { duration_ms: 20 warmup_ms: 5 }\n"
      "host { cores: 16 nic { queues: 2 line_rate_gbps: 25 } }\n"
      "vm { name: \"c\" vcpus: 3 nic { backend: VHOST_NET queues: 2 } guest { app_vcpus: [0, 1, 2] " +
      xps +
      " } }\n"
      "traffic { flow { name: \"out\" src: \"c\" dst: \"external\" connections: 12 "
      "open_loop { rate_pps: 200000 frame_bytes: 64 } } }\n";
  const scenarios::LoadResult r = scenarios::load_scenario_text("xps.textproto", text, {});
  EXPECT_TRUE(r.ok()) << scenarios::format_diagnostics(r.diagnostics);
  return r.ok() ? run(*r.scenario).backend(0) : BackendResult();
}

uint64_t sent_on(const BackendResult& b, uint32_t queue) { return b.per_vm_queue(queue).tx_packets(); }

TEST(Xps, ByDefaultEachVcpuSendsOnItsOwnQueueAndTheThirdOnTheFirst) {
  const BackendResult b = senders("");
  ASSERT_EQ(b.per_vm_queue_size(), 2);
  // vCPUs 0 and 2 on queue 0, vCPU 1 on queue 1: two thirds and a third.
  const double share = double(sent_on(b, 0)) / double(sent_on(b, 0) + sent_on(b, 1));
  EXPECT_NEAR(share, 2.0 / 3.0, 0.05);
}

TEST(Xps, AQueueNoVcpuNamesCarriesNothingFromTheNamedOnes) {
  const BackendResult b = senders("xps { cpus: [0, 1, 2] } xps { }");
  EXPECT_GT(sent_on(b, 0), 1000u);
  EXPECT_EQ(sent_on(b, 1), 0u);
}

TEST(Xps, AVcpuNoQueueNamesSpreadsItsFlowsOverAllOfThem) {
  // vCPU 2 is in no map: its connections hash over both queues, while
  // vCPUs 0 and 1 keep to queue 0.
  const BackendResult b = senders("xps { cpus: [0, 1] } xps { }");
  const uint64_t q1 = sent_on(b, 1);
  EXPECT_GT(q1, 0u);
  EXPECT_LT(q1, sent_on(b, 0) / 2);  // at most vCPU 2's third
}

}  // namespace
}  // namespace viosim
