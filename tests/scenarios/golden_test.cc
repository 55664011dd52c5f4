// Golden fingerprints: every example scenario on every backend (as
// `--backend NAME` runs it; a combination the loader refuses, such as E1000
// with several queues, is left out), run short (5 ms, 1 ms warm-up; a
// sweep's base point), must give the event fingerprint pinned in
// tests/golden/fingerprints.csv. A model change that
// moves them updates the table in the same commit, saying why:
//   scripts/update-golden.sh   (runs this test with VIOSIM_UPDATE_GOLDEN=1)
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "scenarios/loader/loader.h"
#include "scenarios/runner/run_scenario.h"

namespace viosim {
namespace {

namespace fs = std::filesystem;

const fs::path kTable = fs::path(VIOSIM_SOURCE_DIR) / "tests/golden/fingerprints.csv";
constexpr char kHeader[] = "scenario,backend,fingerprint";

std::vector<std::string> golden_example_files() {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(VIOSIM_SOURCE_DIR) / "scenarios/examples")) {
    if (entry.path().extension() == ".textproto") {
      files.push_back(fs::relative(entry.path(), VIOSIM_SOURCE_DIR).string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// scenario,backend -> fingerprint, from the checked-in table.
std::map<std::string, std::string> pinned() {
  std::map<std::string, std::string> table;
  std::ifstream in(kTable);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    const size_t last = line.rfind(',');
    if (last != std::string::npos) table[line.substr(0, last)] = line.substr(last + 1);
  }
  return table;
}

TEST(Golden, EveryExampleOnEveryBackendGivesItsPinnedFingerprint) {
  std::ostringstream now;
  now << kHeader << "\n";
  for (const std::string& file : golden_example_files()) {
    size_t ran = 0;
    for (int i = 0; i < Backend_descriptor()->value_count(); ++i) {
      scenarios::LoadOptions options;
      options.set = {"run.warmup_ms=1", "run.duration_ms=5"};
      options.backend = Backend_descriptor()->value(i)->name();
      const auto loaded = scenarios::load_scenario(fs::path(VIOSIM_SOURCE_DIR) / file, options);
      if (!loaded.ok()) continue;
      Scenario scenario = *loaded.scenario;
      scenario.clear_sweep();
      const RunSummary summary = run(scenario);
      for (const BackendResult& b : summary.backend()) {
        now << file << "," << b.backend() << "," << b.fingerprint() << "\n";
        ++ran;
      }
    }
    EXPECT_GT(ran, 0u) << file << " runs on no backend";
  }
  if (std::getenv("VIOSIM_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(kTable) << now.str();
    GTEST_SKIP() << "wrote " << kTable;
  }
  const auto table = pinned();
  ASSERT_FALSE(table.empty()) << kTable << " is missing or empty: run scripts/update-golden.sh";
  std::istringstream rows(now.str());
  std::string line;
  std::getline(rows, line);
  size_t rows_now = 0;
  while (std::getline(rows, line)) {
    ++rows_now;
    const size_t last = line.rfind(',');
    const std::string key = line.substr(0, last);
    const auto it = table.find(key);
    if (it == table.end()) {
      ADD_FAILURE() << key << " is not in " << kTable << " (a new example or backend: scripts/update-golden.sh)";
    } else {
      EXPECT_EQ(line.substr(last + 1), it->second) << key << ": the fingerprint moved; if the model changed on "
                                                              "purpose, scripts/update-golden.sh and say why";
    }
  }
  EXPECT_EQ(rows_now, table.size()) << kTable << " pins rows no example runs any more";
}

}  // namespace
}  // namespace viosim
