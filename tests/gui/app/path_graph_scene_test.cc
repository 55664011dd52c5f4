// The path graph drawn for a host with several VMs: each VM's places in a
// band of their own, the host's shared places (the switch, the NIC) in a
// band between them; with one VM, no bands and the columns as before.
#include "gui/app/path_graph_scene.h"

#include <gtest/gtest.h>

#include <string>

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

TEST(PathGraphScene, OneVmHasNoBands) {
  const explain::Journey j = journey_of("explain_rr.textproto", "VHOST_NET");
  PathGraphScene scene;
  scene.set_journey(j);
  EXPECT_TRUE(scene.band_of("").isEmpty());
  for (const explain::PathPlace& p : j.places) EXPECT_FALSE(scene.box_of(p.name).isEmpty()) << p.name;
}

}  // namespace
}  // namespace viosim::gui
