// Traces: a run with a trace writes valid JSON (parsed here with
// protobuf's JSON parser into google.protobuf.Value) with a track per core,
// host thread and the vCPU thread, slices, exits and packet arrows, and
// nothing outside the window.
#include <gtest/gtest.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <vector>
#include <set>
#include <sstream>

#include "models/host/trace_cause.h"
#include "scenarios/loader/loader.h"
#include "scenarios/runner/run_scenario.h"

namespace viosim {
namespace {

namespace fs = std::filesystem;

TEST(Trace, HasTheTracksAndStaysInItsWindow) {
  scenarios::LoadOptions options;
  options.set = {"run.duration_ms=6", "run.warmup_ms=1"};
  options.backend = "VHOST_NET";
  const auto loaded = scenarios::load_scenario(std::string(VIOSIM_SOURCE_DIR) + "/scenarios/examples/compare_paths.textproto",
                                               options);
  ASSERT_TRUE(loaded.ok()) << scenarios::format_diagnostics(loaded.diagnostics);
  const fs::path path = fs::path(testing::TempDir()) / ("viosim_trace_" + std::to_string(::getpid()) + ".json");
  RunOptions run_options;
  run_options.trace_path = path.string();
  run_options.trace_from = core::Time::zero() + core::Milliseconds(2);
  run_options.trace_to = core::Time::zero() + core::Microseconds(2500);
  run(*loaded.scenario, run_options);

  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  google::protobuf::Value trace;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(text.str(), &trace).ok());
  const auto& events = trace.struct_value().fields().at("traceEvents").list_value().values();
  std::set<std::string> tracks, phases, names, instant_kinds, places, owners;
  for (const auto& e : events) {
    const auto& f = e.struct_value().fields();
    const std::string ph = f.at("ph").string_value();
    phases.insert(ph);
    if (ph == "M" && f.at("name").string_value() == "thread_name") {
      tracks.insert(f.at("args").struct_value().fields().at("name").string_value());
      continue;
    }
    if (ph == "M") continue;
    names.insert(f.at("name").string_value());
    if (ph == "i") instant_kinds.insert(f.at("cat").string_value());
    if (f.count("args") && f.at("args").struct_value().fields().count("place")) {
      places.insert(f.at("args").struct_value().fields().at("place").string_value());
    }
    if (f.count("args") && f.at("args").struct_value().fields().count("owner")) {
      owners.insert(f.at("args").struct_value().fields().at("owner").string_value());
    }
    const double ts = f.at("ts").number_value();  // microseconds
    EXPECT_GE(ts, 2000.0 - 1e-6);
    const double end = ts + (f.count("dur") ? f.at("dur").number_value() : 0.0);
    EXPECT_LE(end, 2500.0 + 1e-6);
  }
  for (const char* track : {"thread vm0_vcpu0", "thread vhost_worker", "core 0", "peer", "wire_in"}) {
    EXPECT_TRUE(tracks.count(track)) << track;
  }
  for (const char* ph : {"X", "i", "s", "f"}) EXPECT_TRUE(phases.count(ph)) << ph;
  EXPECT_TRUE(names.count("guest_kernel"));
  EXPECT_TRUE(names.count("exit hlt") || names.count("exit ept_misconfig_fast_mmio"));
  // Instants are of the cause kinds; packets' steps name their places;
  // core slices name the thread they ran.
  for (const std::string& kind : instant_kinds) {
    EXPECT_EQ(models::cause_kind_name(models::cause_kind_from_name(kind)), kind);
  }
  for (const char* kind : {"exit", "interrupt", "wakeup", "signal", "copy"}) EXPECT_TRUE(instant_kinds.count(kind)) << kind;
  for (const char* place : {"wire in", "host NIC", "tap queue", "RX vring", "virtio-net driver", "application"}) {
    EXPECT_TRUE(places.count(place)) << place;
  }
  EXPECT_TRUE(owners.count("vm0_vcpu0"));
  EXPECT_TRUE(owners.count("vhost_worker"));
  fs::remove(path);
}

}  // namespace
}  // namespace viosim

namespace viosim {
namespace {

// Perfetto draws a flow arrow only between flow events that lie inside a
// slice of their own track (it drops the others). On every backend, every
// `s`, `t` and `f` event of a trace must be enclosed by an `X` slice of the
// same track.
TEST(Trace, EveryFlowEventLiesInsideASliceOfItsTrack) {
  for (const char* backend :
       {"E1000", "VIRTIO_USERSPACE", "VHOST_NET", "VHOST_USER", "PASSTHROUGH", "BARE_METAL", "VDPA"}) {
    scenarios::LoadOptions options;
    options.set = {"run.duration_ms=4", "run.warmup_ms=1"};
    options.backend = backend;
    const auto loaded = scenarios::load_scenario(
        std::string(VIOSIM_SOURCE_DIR) + "/scenarios/examples/compare_paths.textproto", options);
    ASSERT_TRUE(loaded.ok()) << scenarios::format_diagnostics(loaded.diagnostics);
    const fs::path path =
        fs::path(testing::TempDir()) / ("viosim_enclosed_" + std::to_string(::getpid()) + backend + ".json");
    RunOptions run_options;
    run_options.trace_path = path.string();
    run_options.trace_from = core::Time::zero() + core::Milliseconds(2);
    run_options.trace_to = core::Time::zero() + core::Microseconds(3000);
    run(*loaded.scenario, run_options);
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    google::protobuf::Value trace;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(text.str(), &trace).ok());
    std::map<double, std::vector<std::pair<double, double>>> slices;  // tid -> [ts, ts + dur]
    std::vector<std::pair<double, double>> flows;                     // (tid, ts)
    for (const auto& e : trace.struct_value().fields().at("traceEvents").list_value().values()) {
      const auto& f = e.struct_value().fields();
      const std::string ph = f.at("ph").string_value();
      if (ph == "X") {
        const double ts = f.at("ts").number_value();
        slices[f.at("tid").number_value()].emplace_back(ts, ts + f.at("dur").number_value());
      } else if (ph == "s" || ph == "t" || ph == "f") {
        flows.emplace_back(f.at("tid").number_value(), f.at("ts").number_value());
      }
    }
    ASSERT_GT(flows.size(), 100u) << backend;
    size_t lost = 0;
    for (const auto& [tid, ts] : flows) {
      bool enclosed = false;
      for (const auto& [from, to] : slices[tid]) enclosed = enclosed || (from <= ts + 1e-9 && ts <= to + 1e-9);
      lost += !enclosed;
    }
    EXPECT_EQ(lost, 0u) << backend << ": " << lost << " of " << flows.size() << " flow events lie outside every slice "
                        << "of their track";
    fs::remove(path);
  }
}

}  // namespace
}  // namespace viosim
