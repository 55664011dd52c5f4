// A path is one file: a backend defined in this test alone, registered at
// run time, runs a scenario end to end with no line of shared code naming
// it. The toy gives the guest's driver a hardware queue of its own with no
// IOMMU and no exits (an "ideal device"): it reuses the assembly's shared
// pieces and records its hops as it wires them. A second toy that forgets to
// wire the way back is refused by the connectivity check, which reads the
// graph from that same wiring.
#include <gtest/gtest.h>

#include <boost/graph/graph_traits.hpp>

#include "models/net/path_places.h"
#include "models/paths/assembly.h"
#include "models/paths/backend.h"
#include "models/paths/path_graph.h"
#include "models/paths/path_model.h"
#include "scenarios/builder/path_builder.h"
#include "scenarios/loader/loader.h"

namespace viosim::scenarios {
namespace {

using namespace models::place;

constexpr auto kToyId = static_cast<models::PathBackend>(200);
constexpr auto kOneWayToyId = static_cast<models::PathBackend>(201);

class ToyBackend final : public models::Backend {
 public:
  ToyBackend(models::PathBackend id, std::string_view name, bool wire_the_way_back)
      : Backend(id, name, {.limits = {0, 64, 4096, false, 8}}), way_back_(wire_the_way_back) {}

  void build(models::VmAssembly& a) const override {
    a.build_hardware_queues(false);
    a.guest_stack_hops(kNicDriver, "guest");
    a.hop(kNicDriver, "guest", kHostNic, "device", "toy doorbell");
    if (way_back_) a.hop(kHostNic, "device", kNicDriver, "guest", "toy interrupt");
  }

 private:
  bool way_back_;
};

const ToyBackend& toy() {
  static const ToyBackend b(kToyId, "TOY_DIRECT", true);
  models::register_backend(b);
  return b;
}

const ToyBackend& one_way_toy() {
  static const ToyBackend b(kOneWayToyId, "TOY_ONE_WAY", false);
  models::register_backend(b);
  return b;
}

viosim::Scenario scenario() {
  const std::string text =
      "name: \"toy\"\n"
      "run { duration_ms: 20 warmup_ms: 5 }\n"
      // Without interrupt moderation, whose adaptive ITR would make the
      // comparison below one of moderation phases rather than of the IOMMU.
      "host { cores: 8 nic { queues: 2 line_rate_gbps: 25 coalescing { rx_usecs: 0 adaptive: false } } }\n"
      "vm { name: \"vm0\" vcpus: 2 pin_cores: [2, 3] nic { backend: PASSTHROUGH queues: 2 } }\n"
      "traffic { flow { name: \"rr\" dst: \"vm0\" request_response { outstanding: 2 } connections: 4 } }\n";
  const LoadResult r = load_scenario_text("toy.textproto", text, {});
  EXPECT_TRUE(r.ok()) << format_diagnostics(r.diagnostics);
  return r.ok() ? *r.scenario : viosim::Scenario();
}

TEST(ToyBackend, RunsAScenarioEndToEnd) {
  const ToyBackend& b = toy();
  EXPECT_EQ(models::find_backend("TOY_DIRECT"), &b);
  const models::PathConfig c = build_path_config(scenario(), b.id());
  EXPECT_EQ(c.vm().queue_pairs, 2u);
  const models::PathResults r = models::run_path(c);
  EXPECT_EQ(r.backend, "TOY_DIRECT");
  EXPECT_GT(r.app_packets, 500u);
  // The same hardware queues as a VF's without the IOMMU in front: about
  // as many transactions as passthrough on the same scenario. Not always
  // more: the IOTLB's page walks delay frames, which can let one interrupt
  // and one NAPI poll (whose DDIO loads overlap) take two of them.
  const models::PathResults vf = models::run_path(build_path_config(scenario(), models::PathBackend::kPassthrough));
  EXPECT_GE(r.app_packets * 100, vf.app_packets * 95) << vf.app_packets;
  // Its queues carry the traffic, and every packet offered is accounted for.
  ASSERT_EQ(r.per_vm_queue.size(), 2u);
  for (const auto& q : r.per_vm_queue) EXPECT_GT(q.rx_packets + q.tx_packets, 0u);
  EXPECT_EQ(r.flows.at(0).offered_packets,
            r.flows.at(0).delivered_packets + r.flows.at(0).in_flight_packets);
  // Same scenario, same seed: the same run.
  EXPECT_EQ(models::run_path(c).fingerprint, r.fingerprint);
}

TEST(ToyBackend, ItsGraphIsTheWiringItMade) {
  models::PathConfig c = build_path_config(scenario(), toy().id());
  const models::PathGraph g = models::build_path_graph(c);
  bool doorbell = false, interrupt = false;
  for (auto [it, end] = boost::edges(g); it != end; ++it) {
    doorbell = doorbell || g[*it].how == "toy doorbell";
    interrupt = interrupt || g[*it].how == "toy interrupt";
  }
  EXPECT_TRUE(doorbell);
  EXPECT_TRUE(interrupt);
  EXPECT_NO_THROW(models::check_path_graph(g));
}

TEST(ToyBackend, AWiringThatDoesNotConnectIsRefusedBeforeItRuns) {
  models::PathConfig c = build_path_config(scenario(), toy().id());
  c.backend = one_way_toy().id();
  try {
    models::run_path(c);
    FAIL() << "a path with no way back ran";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("from the peer cannot reach the application"), std::string::npos) << e.what();
  }
}

TEST(ToyBackend, NamesAndIdsAreItsOwn) {
  static const ToyBackend clash(models::PathBackend::kVhostNet, "TOY_CLASH", true);
  EXPECT_THROW(models::register_backend(clash), std::invalid_argument);
  EXPECT_EQ(models::find_backend("TOY_CLASH"), nullptr);
}

}  // namespace
}  // namespace viosim::scenarios
