// The searched traffic of real scenarios: which flows, the total rate as
// written and at the line rate, the scenario at another rate, and what a
// run's results say about the searched flows only.
#include "scenarios/search/searched_traffic.h"

#include <gtest/gtest.h>

#include <cmath>

#include "scenarios/loader/loader.h"

namespace viosim::search {
namespace {

// vm0 takes 100 kpps of 64 B frames; two copies of vm1 each take 100 Mb/s
// of 128 B frames both ways; vm0 also answers a ping.
constexpr char kScenario[] = R"(
name: "searched"
host { cores: 8 nic { name: "nic0" queues: 2 line_rate_gbps: 10 } }
vm { name: "vm0" vcpus: 1 }
vm { name: "vm1" vcpus: 1 count: 2 }
traffic {
  flow { name: "a" src: "external" dst: "vm0" open_loop { rate_pps: 100000 frame_bytes: 64 } }
  flow { name: "b" src: "vm1" dst: "external" bidirectional: true open_loop { rate_mbps: 100 frame_bytes: 128 } }
  flow { name: "ping" src: "external" dst: "vm0" request_response {} }
}
)";

viosim::Scenario load() {
  auto r = scenarios::load_scenario_text("searched.textproto", kScenario);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.diagnostics.front().message);
  return *r.scenario;
}

constexpr double kB = 100e6 / (8 * 128);  // pps of flow b, one direction, one copy

TEST(SearchedTraffic, TakesEveryOpenLoopFlowByDefault) {
  const SearchedTraffic t(load(), {});
  EXPECT_EQ(t.flow_names(), (std::vector<std::string>{"a", "b"}));
  // b: two copies, both directions.
  EXPECT_DOUBLE_EQ(t.nominal_pps(), 100000 + 4 * kB);
  EXPECT_DOUBLE_EQ(t.mean_frame_bytes(), (100000 * 64 + 4 * kB * 128) / (100000 + 4 * kB));
}

TEST(SearchedTraffic, TheLineRateIsWhereTheBusiestDirectionFillsTheNic) {
  const SearchedTraffic t(load(), {});
  // Inbound carries a and one direction of b's copies: 84 B and 148 B on
  // the wire per packet.
  const double inbound_bps = 100000 * 84 * 8 + 2 * kB * 148 * 8;
  EXPECT_NEAR(t.line_rate_pps(), 10e9 / inbound_bps * t.nominal_pps(), 1e-6 * t.line_rate_pps());
  // One flow alone: 64 B frames at 10 Gb/s.
  EXPECT_NEAR(SearchedTraffic(load(), {"a"}).line_rate_pps(), 10e9 / (84 * 8), 1e-3);
}

TEST(SearchedTraffic, ScalesTheSearchedFlowsTogether) {
  const SearchedTraffic t(load(), {});
  const viosim::Scenario s = t.at_rate(2 * t.nominal_pps());
  EXPECT_DOUBLE_EQ(s.traffic().flow(0).open_loop().rate_pps(), 200000);
  ASSERT_TRUE(s.traffic().flow(1).open_loop().has_rate_pps());  // rate_mbps became pps
  EXPECT_DOUBLE_EQ(s.traffic().flow(1).open_loop().rate_pps(), 2 * kB);
  EXPECT_TRUE(s.traffic().flow(2).has_request_response());
}

TEST(SearchedTraffic, CountsOnlyTheSearchedFlowsBothWays) {
  const SearchedTraffic t(load(), {"b"});
  viosim::BackendResult r;
  const auto add = [&](const std::string& name, uint64_t offered, uint64_t lost, double pps, bool growing) {
    viosim::FlowResult* f = r.add_flows();
    f->set_name(name);
    f->set_offered_packets(offered);
    f->set_throughput_pps(pps);
    f->set_still_growing(growing);
    viosim::PlaceCount* p = f->add_drops_by_place();
    p->set_place("tap");
    p->set_count(lost);
  };
  add("a", 1000, 500, 10, true);
  add("a (reverse)", 1000, 500, 10, true);  // a is one-way: some other flow's name
  add("b", 1000, 3, 20, false);
  add("b (reverse)", 1000, 4, 30, false);
  // Each direction of b is half the searched rate; at this total the run
  // (100 ms) asks for 1,000 packets each way.
  const TrialOutcome o = t.outcome(r, 20000);
  EXPECT_EQ(o.offered, 2000u);
  EXPECT_EQ(o.lost, 7u);
  EXPECT_EQ(o.unsent, 0u);
  EXPECT_DOUBLE_EQ(o.receive_rate, 50);
  EXPECT_FALSE(o.still_growing);
}

TEST(SearchedTraffic, ASenderInsideTheHostThatFallsBehindLeavesPacketsUnsent) {
  const SearchedTraffic t(load(), {"b"});
  viosim::BackendResult r;
  for (const char* name : {"b", "b (reverse)"}) {
    viosim::FlowResult* f = r.add_flows();
    f->set_name(name);
    f->set_offered_packets(1000);
  }
  // 2,000 asked each way: vm1's copies sent 1,000 (the shortfall beyond
  // 4 standard deviations of Poisson arrivals counts); the external peer's
  // reverse direction is never short.
  const TrialOutcome o = t.outcome(r, 40000);
  const double expected = 2000;
  EXPECT_EQ(o.unsent, static_cast<uint64_t>(std::ceil(expected - 1000 - (4 * std::sqrt(expected) + 2))));
  EXPECT_EQ(o.lost, 0u);
  EXPECT_GT(o.loss_ratio(), 0.2);
  // Within the spread: nothing unsent.
  EXPECT_EQ(t.outcome(r, 20000 * 1.05).unsent, 0u);
}

TEST(SearchedTraffic, RefusesFlowsWithoutAnOfferedRate) {
  EXPECT_THROW(SearchedTraffic(load(), {"ping"}), SearchError);
  EXPECT_THROW(SearchedTraffic(load(), {"nope"}), SearchError);
  try {
    SearchedTraffic(load(), {"pnig"});
  } catch (const SearchError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean \"ping\""), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace viosim::search
