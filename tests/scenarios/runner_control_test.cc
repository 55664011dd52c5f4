// viosim::run under outside control: each backend's result is handed over
// as soon as it is done, snapshots name the backend running, and a cancel
// request ends the whole run with models::Cancelled (no partial summary).
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

#include "scenarios/loader/loader.h"
#include "scenarios/runner/run_scenario.h"

namespace viosim {
namespace {

Scenario short_compare() {
  scenarios::LoadOptions options;
  options.set = {"run.duration_ms=6", "run.warmup_ms=1", "compare.backend=[VIRTIO_USERSPACE, VHOST_NET]"};
  const auto loaded =
      scenarios::load_scenario(std::string(VIOSIM_SOURCE_DIR) + "/scenarios/examples/compare_paths.textproto", options);
  if (!loaded.ok()) throw std::runtime_error(scenarios::format_diagnostics(loaded.diagnostics));
  return *loaded.scenario;
}

TEST(RunnerControl, BackendsAreHandedOverInOrderAndSnapshotsNameThem) {
  std::vector<std::string> done;
  std::vector<std::string> snapshot_backends;
  RunOptions options;
  options.backend_done = [&](const BackendResult& r) { done.push_back(r.backend()); };
  options.snapshot = [&](const std::string& backend, int index, int count, const models::PathSnapshot& s) {
    EXPECT_EQ(count, 2);
    EXPECT_EQ(backend, index == 0 ? "VIRTIO_USERSPACE" : "VHOST_NET");
    EXPECT_LE(s.now - core::Time::zero(), s.duration);
    if (snapshot_backends.empty() || snapshot_backends.back() != backend) snapshot_backends.push_back(backend);
  };
  const RunSummary summary = run(short_compare(), options);
  ASSERT_EQ(summary.backend_size(), 2);
  EXPECT_EQ(done, (std::vector<std::string>{"VIRTIO_USERSPACE", "VHOST_NET"}));
  EXPECT_EQ(snapshot_backends, done);
  // Watching changes nothing.
  const RunSummary plain = run(short_compare());
  for (int i = 0; i < 2; ++i) EXPECT_EQ(summary.backend(i).fingerprint(), plain.backend(i).fingerprint());
}

TEST(RunnerControl, CancelStopsTheWholeRun) {
  std::atomic<bool> cancel{false};
  std::vector<std::string> done;
  RunOptions options;
  options.cancel = &cancel;
  options.backend_done = [&](const BackendResult& r) { done.push_back(r.backend()); };
  // Cancel halfway through the second backend: the first is done, the second never is.
  options.snapshot = [&](const std::string&, int index, int, const models::PathSnapshot& s) {
    if (index == 1 && s.now - core::Time::zero() >= core::Milliseconds(3)) cancel = true;
  };
  EXPECT_THROW(run(short_compare(), options), models::Cancelled);
  EXPECT_EQ(done, std::vector<std::string>{"VIRTIO_USERSPACE"});
}

}  // namespace
}  // namespace viosim
