// PHOLD against the peer engines of ../shared/bench-peers: with the
// harness's streams it must process exactly the events they do, whichever
// pending-event set runs it, and reruns are bit-identical.
#include "models/synthetic/phold.h"

#include <gtest/gtest.h>

#include "tests/models/synthetic/harness_stream.h"

namespace viosim::models {
namespace {

struct Outcome {
  uint64_t events;
  uint64_t handled;
  std::string fingerprint;
};

Outcome run_phold(core::QueueKind kind, uint32_t lps, uint32_t pop, double tend_s, uint64_t seed) {
  core::Simulator sim(core::SimulatorOptions{kind, seed});
  Phold::Config c;
  c.lps = lps;
  c.population = pop;
  c.lookahead = core::Milliseconds(100);
  c.mean_delay = core::Seconds(1);
  c.end = core::Time::zero() + core::Duration::from_seconds(tend_s);
  c.lp_stream_seed = [seed](uint32_t lp) { return harness_stream(seed, lp); };
  Phold phold(sim, "phold", c);
  sim.run();
  return {sim.events_executed(), phold.messages_handled(), sim.fingerprint().hex()};
}

// 1,816,047 events for phold-10k seed 1, as the baseline, ns-3 and SimGrid
// report in the harness README.
TEST(Phold, MatchesThePeerEnginesEventCount) {
  for (core::QueueKind k : core::all_queue_kinds()) {
    const Outcome o = run_phold(k, 1000, 10, 200, 1);
    EXPECT_EQ(o.events, 1'816'047u) << core::queue_kind_name(k);
    EXPECT_EQ(o.handled, o.events);
  }
}

TEST(Phold, RerunsAreBitIdenticalAndQueueIndependent) {
  const Outcome a = run_phold(core::QueueKind::kQuadHeap, 64, 1, 2000, 3);
  const Outcome b = run_phold(core::QueueKind::kQuadHeap, 64, 1, 2000, 3);
  const Outcome c = run_phold(core::QueueKind::kCalendar, 64, 1, 2000, 3);
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(a.fingerprint, c.fingerprint);
  EXPECT_EQ(a.events, c.events);
  const Outcome d = run_phold(core::QueueKind::kQuadHeap, 64, 1, 2000, 4);
  EXPECT_NE(a.fingerprint, d.fingerprint);
}

TEST(Phold, NameDerivedStreamsWithoutOverride) {
  core::Simulator sim(core::SimulatorOptions{core::QueueKind::kQuadHeap, 1});
  Phold::Config c;
  c.lps = 10;
  c.population = 2;
  c.end = core::Time::zero() + core::Seconds(50);
  Phold phold(sim, "phold", c);
  sim.run();
  // 20 messages, each lives ~1.1 s on average over 50 s: about 900 events.
  EXPECT_GT(phold.messages_handled(), 600u);
  EXPECT_LT(phold.messages_handled(), 1200u);
  EXPECT_EQ(sim.pending_events(), 0u);
}

}  // namespace
}  // namespace viosim::models
