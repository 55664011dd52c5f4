// The path graph drawn for a host with several VMs: each VM's places in a
// band of their own, the host's shared places (the switch, the NIC) in a
// band between them; with one VM, no bands and the columns as before.
#include "gui/app/path_graph_scene.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scenarios/explain/explain.h"
#include "scenarios/loader/loader.h"

namespace viosim::gui {
namespace {

explain::Journey journey_of(const std::string& example, const std::string& backend) {
  scenarios::LoadOptions options;
  options.set = {"run.duration_ms=6", "run.warmup_ms=1"};
  const auto loaded =
      scenarios::load_scenario(std::string(VIOSIM_SOURCE_DIR) + "/scenarios/examples/" + example, options);
  if (!loaded.ok()) throw std::runtime_error(scenarios::format_diagnostics(loaded.diagnostics));
  return explain::explain_packet(*loaded.scenario, {.backend = backend});
}

TEST(PathGraphScene, EachVmHasItsBandAndTheSwitchSitsBetween) {
  const explain::Journey j = journey_of("vm_to_vm.textproto", "VHOST_NET");
  PathGraphScene scene;
  scene.set_journey(j);
  const QRectF a = scene.band_of("a"), b = scene.band_of("b"), host = scene.band_of("");
  ASSERT_FALSE(a.isEmpty());
  ASSERT_FALSE(b.isEmpty());
  ASSERT_FALSE(host.isEmpty());
  // Top to bottom: a, the host, b; no overlap.
  EXPECT_LE(a.bottom(), host.top());
  EXPECT_LE(host.bottom(), b.top());
  int in_a = 0, in_b = 0, shared = 0;
  for (const explain::PathPlace& p : j.places) {
    const QRectF box = scene.box_of(p.name);
    ASSERT_FALSE(box.isEmpty()) << p.name;
    const QRectF& band = p.name.rfind("a: ", 0) == 0 ? a : p.name.rfind("b: ", 0) == 0 ? b : host;
    EXPECT_TRUE(band.contains(box)) << p.name;
    in_a += &band == &a;
    in_b += &band == &b;
    shared += &band == &host;
  }
  EXPECT_GT(in_a, 3);
  EXPECT_GT(in_b, 3);
  EXPECT_GE(shared, 1);  // the bridge at least
  EXPECT_FALSE(scene.box_of("bridge").isEmpty());
}

// A chain: each VNF's band, the packet's hops stepping from one band to
// the next in the route's order, each forwarder in its own.
TEST(PathGraphScene, AChainShowsEachVnfAndThePacketCrossingThemInTurn) {
  scenarios::LoadOptions options;
  options.set = {"run.duration_ms=6", "run.warmup_ms=1", "traffic.flow[0].chain.length=3"};
  const auto loaded =
      scenarios::load_scenario(std::string(VIOSIM_SOURCE_DIR) + "/scenarios/examples/chain_latency.textproto", options);
  ASSERT_TRUE(loaded.ok()) << scenarios::format_diagnostics(loaded.diagnostics);
  const explain::Journey j = explain::explain_packet(*loaded.scenario, {.backend = "VHOST_USER"});
  PathGraphScene scene;
  scene.set_journey(j);
  for (const char* vnf : {"vnf0", "vnf1", "vnf2"}) ASSERT_FALSE(scene.band_of(vnf).isEmpty()) << vnf;
  std::vector<std::string> bands_in_turn;
  for (const explain::Hop& hop : j.hops) {
    scene.highlight(hop.place, {hop.place}, {});
    EXPECT_EQ(scene.highlighted_place(), hop.place);
    const size_t colon = hop.place.find(": ");
    if (colon == std::string::npos) continue;
    const std::string vm = hop.place.substr(0, colon);
    EXPECT_TRUE(scene.band_of(vm).contains(scene.box_of(hop.place))) << hop.place;
    if (bands_in_turn.empty() || bands_in_turn.back() != vm) bands_in_turn.push_back(vm);
  }
  const bool request = j.direction == "peer through vnf0, vnf1, vnf2 to peer";
  const std::vector<std::string> forwards{"vnf0", "vnf1", "vnf2"}, backwards{"vnf2", "vnf1", "vnf0"};
  EXPECT_EQ(bands_in_turn, request ? forwards : backwards) << j.direction;
}

TEST(PathGraphScene, OneVmHasNoBands) {
  const explain::Journey j = journey_of("explain_rr.textproto", "VHOST_NET");
  PathGraphScene scene;
  scene.set_journey(j);
  EXPECT_TRUE(scene.band_of("").isEmpty());
  for (const explain::PathPlace& p : j.places) EXPECT_FALSE(scene.box_of(p.name).isEmpty()) << p.name;
}

}  // namespace
}  // namespace viosim::gui
