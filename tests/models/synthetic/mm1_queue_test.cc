// M/M/1 against the peer engines (same mean sojourn to 6 decimals with the
// harness streams) and against queueing theory with name-derived streams.
#include "models/synthetic/mm1_queue.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/models/synthetic/harness_stream.h"

namespace viosim::models {
namespace {

// 9.887315 for seed 1, as the baseline, ns-3 and SimGrid report.
TEST(Mm1Queue, MatchesThePeerEnginesMeanSojourn) {
  core::Simulator sim(core::SimulatorOptions{core::QueueKind::kQuadHeap, 1});
  Mm1Queue::Config c;
  c.customers = 1'000'000;
  c.arrival_stream_seed = harness_stream(1, 0);
  c.service_stream_seed = harness_stream(1, 1);
  Mm1Queue q(sim, "mm1", c);
  sim.run();
  EXPECT_EQ(sim.events_executed(), 2'000'000u);
  EXPECT_EQ(q.departed(), 1'000'000u);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", q.mean_sojourn_s());
  EXPECT_STREQ(buf, "9.887315");
}

TEST(Mm1Queue, AgreesWithTheory) {
  // rho = 0.5: mean sojourn 1 / (mu - lambda) = 2 s, median ln 2 * 2 s
  // (the sojourn of M/M/1 is exponential).
  core::Simulator sim(core::SimulatorOptions{core::QueueKind::kCalendar, 8});
  Mm1Queue::Config c;
  c.arrival_rate_per_s = 0.5;
  c.service_rate_per_s = 1.0;
  c.customers = 400'000;
  Mm1Queue q(sim, "mm1", c);
  sim.run();
  EXPECT_NEAR(q.mean_sojourn_s(), 2.0, 0.05);
  const double p50_s = double(q.sojourn().histogram().percentile(0.5)) * 1e-12;
  EXPECT_NEAR(p50_s, std::log(2.0) * 2.0, 0.05);
  const double p99_s = double(q.sojourn().histogram().percentile(0.99)) * 1e-12;
  EXPECT_NEAR(p99_s, std::log(100.0) * 2.0, 0.3);
}

}  // namespace
}  // namespace viosim::models
