// viosim::run and the results folder: summary.json holds the documented
// fields for every backend, results.csv its documented columns, and a
// failing write leaves nothing behind.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "scenarios/loader/loader.h"
#include "scenarios/runner/results_folder.h"
#include "scenarios/runner/run_scenario.h"

namespace viosim {
namespace {

namespace fs = std::filesystem;

RunSummary small_run(const std::string& example) {
  scenarios::LoadOptions options;
  options.set = {"run.duration_ms=20", "run.warmup_ms=2"};
  const auto loaded =
      scenarios::load_scenario(std::string(VIOSIM_SOURCE_DIR) + "/scenarios/examples/" + example, options);
  if (!loaded.ok()) throw std::runtime_error(scenarios::format_diagnostics(loaded.diagnostics));
  return run(*loaded.scenario);
}

TEST(Runner, SummaryJsonHasTheDocumentedFieldsForEveryBackend) {
  const RunSummary s = small_run("rr_64b_all_paths.textproto");
  ASSERT_GE(s.backend_size(), 3);
  const std::string json = summary_json(s);
  for (const char* field : {"\"backend\"", "\"throughput_pps\"", "\"throughput_gbps\"", "\"latency_us\"", "\"mean\"",
                            "\"p50\"", "\"p99\"", "\"p999\"", "\"drops\"", "\"exits_per_packet\"",
                            "\"exits_by_reason\"", "\"interrupts_per_packet\"", "\"syscalls_per_packet\"",
                            "\"context_switches_per_packet\"", "\"cpu_cycles_per_packet\"", "\"cpu_by_category\"",
                            "\"events\"", "\"sim_time_s\"", "\"wall_s\"", "\"latency_kind\""}) {
    EXPECT_NE(json.find(field), std::string::npos) << field;
  }
  EXPECT_EQ(s.latency_kind(), "round_trip");
  for (const BackendResult& b : s.backend()) {
    EXPECT_GT(b.throughput_pps(), 0) << b.backend();
    EXPECT_GT(b.latency_us().p99(), b.latency_us().p50() * 0.99) << b.backend();
    EXPECT_EQ(b.cpu_by_category_size(), models::kCpuCategories) << b.backend();
  }
  // All seven paths of the example ran.
  EXPECT_EQ(s.backend_size(), 7);
  EXPECT_EQ(s.skipped_size(), 0);
}

TEST(Runner, CsvHasTheDocumentedColumnsAndARowPerBackend) {
  const RunSummary s = small_run("rr_64b_all_paths.textproto");
  std::istringstream csv(results_csv(s));
  std::string header;
  std::getline(csv, header);
  std::string expected;
  for (const std::string& c : results_csv_columns()) expected += (expected.empty() ? "" : ",") + c;
  EXPECT_EQ(header, expected);
  int rows = 0;
  for (std::string line; std::getline(csv, line); ++rows) {
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), std::count(header.begin(), header.end(), ',')) << line;
  }
  int flows = 0;
  for (const BackendResult& b : s.backend()) flows += b.flows_size();
  EXPECT_EQ(rows, flows);  // a row per backend and flow
}

// Several VMs: each flow's row names the VMs it ends in, and the table
// has a row per VM after its backend's flows.
TEST(Runner, WithSeveralVmsTheCsvNamesEachFlowsVmsAndTheTableHasARowPerVm) {
  const RunSummary s = small_run("vm_to_vm.textproto");
  std::istringstream csv(results_csv(s));
  std::string header;
  std::getline(csv, header);
  ASSERT_EQ(header.rfind("backend,flow,vm,", 0), 0u) << header;
  int rows = 0;
  for (std::string line; std::getline(csv, line); ++rows) {
    const std::string flow = line.substr(line.find(',') + 1, line.find(',', line.find(',') + 1) - line.find(',') - 1);
    const bool ping = flow == "ping";
    EXPECT_NE(line.find(ping ? ",ping,a;b," : ",stream,a;b,"), std::string::npos) << line;
  }
  EXPECT_EQ(rows, 2 * s.backend_size());
  const std::string table = results_table(s);
  size_t vm_rows = 0;
  for (size_t at = table.find("vm a"); at != std::string::npos; at = table.find("vm a", at + 1)) ++vm_rows;
  for (size_t at = table.find("vm b"); at != std::string::npos; at = table.find("vm b", at + 1)) ++vm_rows;
  EXPECT_EQ(vm_rows, 2u * s.backend_size());
}

TEST(Runner, SameScenarioSameSeedIsBitIdentical) {
  const RunSummary a = small_run("rr_64b_all_paths.textproto");
  const RunSummary b = small_run("rr_64b_all_paths.textproto");
  ASSERT_EQ(a.backend_size(), b.backend_size());
  for (int i = 0; i < a.backend_size(); ++i) {
    EXPECT_EQ(a.backend(i).fingerprint(), b.backend(i).fingerprint());
    EXPECT_EQ(a.backend(i).latency_us().p999(), b.backend(i).latency_us().p999());
  }
}

TEST(Runner, EveryBackendCarriesACompactLatencyCdfConsistentWithItsPercentiles) {
  const RunSummary s = small_run("rr_64b_all_paths.textproto");
  int curves = 0;  // backends whose round trips spread over more than one bucket
  for (const BackendResult& b : s.backend()) {
    const auto& cdf = b.latency_cdf();
    // One point when every sample fell in one bucket (bare metal's round
    // trips are all alike in this short run).
    ASSERT_GE(cdf.size(), 1) << b.backend();
    curves += cdf.size() >= 2;
    EXPECT_LE(cdf.size(), int(kLatencyCdfPoints)) << b.backend();
    EXPECT_DOUBLE_EQ(cdf.rbegin()->cumulative_fraction(), 1.0) << b.backend();
    for (int i = 1; i < cdf.size(); ++i) {
      EXPECT_GT(cdf[i].latency_us(), cdf[i - 1].latency_us()) << b.backend();
      EXPECT_GT(cdf[i].cumulative_fraction(), cdf[i - 1].cumulative_fraction()) << b.backend();
    }
    // The median lies where the curve crosses one half (within a bucket: 1/128 of the value).
    double crossing = 0;
    for (const LatencyCdfPoint& p : cdf) {
      if (p.cumulative_fraction() >= 0.5) {
        crossing = p.latency_us();
        break;
      }
    }
    EXPECT_NEAR(crossing, b.latency_us().p50(), b.latency_us().p50() * 0.02) << b.backend();
  }
  EXPECT_GE(curves, 3);
}

TEST(Runner, FolderHoldsTheLatencyCdfCsvAndTheSummaryReadsBack) {
  const RunSummary s = small_run("rr_64b_all_paths.textproto");
  const fs::path dir = fs::path(testing::TempDir()) / ("viosim_cdf_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  bool extra_written = false;
  write_results_folder(dir.string(), Scenario(), s, [&](const std::string& staging) {
    EXPECT_TRUE(fs::exists(fs::path(staging) / "summary.json"));
    extra_written = true;
  });
  EXPECT_TRUE(extra_written);

  std::ifstream csv(dir / "latency_cdf.csv");
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "backend,flow,latency_kind,latency_us,cumulative_fraction");
  int rows = 0, expected = 0;
  for (const BackendResult& b : s.backend()) {
    for (const FlowResult& f : b.flows()) expected += f.latency_cdf_size();
  }
  for (; std::getline(csv, line); ++rows) EXPECT_EQ(std::count(line.begin(), line.end(), ','), 4) << line;
  EXPECT_EQ(rows, expected);

  const RunSummary back = read_summary_json((dir / "summary.json").string());
  EXPECT_EQ(back.SerializeAsString(), s.SerializeAsString());
  EXPECT_THROW(read_summary_json((dir / "missing.json").string()), std::runtime_error);
  EXPECT_THROW(read_summary_json((dir / "results.csv").string()), std::runtime_error);
  fs::remove_all(dir);
}

TEST(Runner, AFailedWriteLeavesNoFolder) {
  const RunSummary s = small_run("rr_64b_all_paths.textproto");
  const fs::path base = fs::path(testing::TempDir()) / ("viosim_runner_" + std::to_string(::getpid()));
  fs::create_directories(base);
  const fs::path blocked = base / "ro";
  fs::create_directories(blocked);
  fs::permissions(blocked, fs::perms::owner_read | fs::perms::owner_exec);
  const bool root = ::geteuid() == 0;  // root writes anywhere: use an existing target instead
  const fs::path target = root ? base / "exists" : blocked / "results";
  if (root) {
    fs::create_directories(target);  // an existing folder that is not empty
    std::ofstream(target / "keep") << "x";
  }
  EXPECT_THROW(write_results_folder(target.string(), Scenario(), s), std::runtime_error);
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(root ? base : blocked)) ++entries;
  EXPECT_EQ(entries, root ? 2u : 0u);
  fs::permissions(blocked, fs::perms::owner_all);
  fs::remove_all(base);
}

}  // namespace
}  // namespace viosim

namespace viosim {
namespace {

// The lost wake-up, end to end: with an instant peer and a few microseconds
// of moderation, the first request reaches the host NIC while its softirq
// thread is still starting. Every backend must still deliver.
TEST(Runner, AnInterruptWhileTheHostStartsIsNotLost) {
  scenarios::LoadOptions options;
  options.set = {"run.duration_ms=2", "run.warmup_ms=0.5", "external.rx_latency_us=0", "external.tx_latency_us=0",
                 "external.propagation_ns=0", "host.nic[0].coalescing.adaptive=false",
                 "host.nic[0].coalescing.rx_usecs=2"};
  const auto loaded =
      scenarios::load_scenario(std::string(VIOSIM_SOURCE_DIR) + "/scenarios/examples/explain_rr.textproto", options);
  ASSERT_TRUE(loaded.ok()) << scenarios::format_diagnostics(loaded.diagnostics);
  Scenario s = *loaded.scenario;
  s.mutable_compare()->clear_backend();
  for (int b = 0; b < Backend_descriptor()->value_count(); ++b) {
    s.mutable_compare()->add_backend(static_cast<Backend>(Backend_descriptor()->value(b)->number()));
  }
  const RunSummary summary = run(s);
  ASSERT_EQ(summary.backend_size(), Backend_descriptor()->value_count());
  for (const BackendResult& b : summary.backend()) EXPECT_GT(b.throughput_pps(), 0) << b.backend();
}

}  // namespace
}  // namespace viosim
