// Every packet accounted for: for every backend, under light load and under
// overload, each flow's offered packets are delivered, dropped at a named
// place, or still in flight at the end, exactly; under overload the drops
// happen at bounded queues, the packets in flight stay bounded, and the
// latency stops growing with the run's length.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scenarios/loader/loader.h"
#include "scenarios/runner/run_scenario.h"
#include "tests/support/drop_counts.h"

namespace viosim {
namespace {

RunSummary run_all_backends(const std::vector<std::string>& set, const std::string& example = "compare_paths") {
  scenarios::LoadOptions options;
  options.set = set;
  const auto loaded = scenarios::load_scenario(
      std::string(VIOSIM_SOURCE_DIR) + "/scenarios/examples/" + example + ".textproto", options);
  if (!loaded.ok()) throw std::runtime_error(scenarios::format_diagnostics(loaded.diagnostics));
  Scenario s = *loaded.scenario;
  s.clear_sweep();
  s.mutable_compare()->clear_backend();
  for (int b = 0; b < Backend_descriptor()->value_count(); ++b) {
    s.mutable_compare()->add_backend(static_cast<Backend>(Backend_descriptor()->value(b)->number()));
  }
  return run(s);
}

void expect_conserved(const RunSummary& summary) {
  ASSERT_EQ(summary.backend_size(), Backend_descriptor()->value_count());
  for (const BackendResult& b : summary.backend()) {
    uint64_t offered = 0;
    for (const FlowResult& f : b.flows()) {
      EXPECT_GT(f.offered_packets(), 0u) << b.backend() << " " << f.name();
      EXPECT_EQ(f.offered_packets(), f.delivered_packets() + dropped(f) + f.in_flight_packets())
          << b.backend() << " " << f.name();
      offered += f.offered_packets();
    }
    EXPECT_EQ(b.offered_packets(), offered) << b.backend();
  }
}

TEST(Conservation, EveryPacketIsDeliveredDroppedOrInFlightUnderLightLoad) {
  const RunSummary s = run_all_backends({"run.warmup_ms=1", "run.duration_ms=10"});
  expect_conserved(s);
  for (const BackendResult& b : s.backend()) {
    for (const FlowResult& f : b.flows()) EXPECT_EQ(dropped(f), 0u) << b.backend() << " " << f.name();
  }
}

// Two guest threads on two vCPUs sending on one queue pair, over what most
// paths take: every path runs it (E1000's register writes once ran on the
// interrupt vCPU's thread whoever wrote them, and failed) and loses nothing
// it does not count.
TEST(Conservation, SendersOnTwoVcpusOfOneQueue) {
  expect_conserved(run_all_backends({"run.warmup_ms=1", "run.duration_ms=10"}, "in_order"));
}

// 4 Mpps of 64-byte frames into one vCPU overloads every path.
const std::vector<std::string> kOverload = {
    "run.warmup_ms=1", "traffic.flow[stream].open_loop.rate_pps=4000000",
    "traffic.flow[stream].open_loop.arrival=CONSTANT"};

TEST(Conservation, UnderOverloadPacketsAreDroppedAtBoundedQueues) {
  std::vector<std::string> set = kOverload;
  set.push_back("run.duration_ms=10");
  const RunSummary s = run_all_backends(set);
  expect_conserved(s);
  for (const BackendResult& b : s.backend()) {
    const FlowResult& stream = b.flows(1);
    ASSERT_EQ(stream.name(), "stream");
    EXPECT_GT(dropped(stream), stream.offered_packets() / 4) << b.backend();
    // Bounded queues hold a few thousand packets at most, whatever the load.
    EXPECT_LT(stream.in_flight_packets(), 20000u) << b.backend();
    for (const PlaceCount& p : stream.drops_by_place()) {
      EXPECT_TRUE(p.place() == "nic_ring" || p.place() == "tap" || p.place() == "vring" || p.place() == "socket" ||
                  p.place() == "qdisc" || p.place() == "wire")
          << b.backend() << " drops at " << p.place();
    }
  }
}

TEST(Conservation, UnderOverloadLatencyStopsGrowingWithTheRun) {
  std::vector<std::string> shorter = kOverload, longer = kOverload;
  shorter.push_back("run.duration_ms=10");
  longer.push_back("run.duration_ms=30");
  const RunSummary a = run_all_backends(shorter), b = run_all_backends(longer);
  for (int i = 0; i < a.backend_size(); ++i) {
    const double p99_short = a.backend(i).flows(1).latency_us().p99();
    const double p99_long = b.backend(i).flows(1).latency_us().p99();
    EXPECT_LT(p99_long, 1.5 * p99_short + 20) << a.backend(i).backend() << ": p99 " << p99_short << " us over 10 ms, "
                                              << p99_long << " us over 30 ms";
  }
}

}  // namespace
}  // namespace viosim
