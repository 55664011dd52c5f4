// What `validate` accepts, every verb runs: for every scenario file the
// repository ships (the examples, the lessons' scenarios and the test
// corpus, valid or not), `viosim validate` exiting 0 means `viosim run` (or
// `viosim sweep` for a file with a sweep) and `viosim graph`, shortened with
// --set, exit 0 too.
// A file validate refuses is refused by run the same way (exit 2).
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Outcome {
  int status = -1;
  std::string err;
};

Outcome run_viosim(const std::string& args, const fs::path& dir) {
  const fs::path err = dir / "stderr";
  const std::string command = "cd '" VIOSIM_SOURCE_DIR "' && '" VIOSIM_BINARY "' " + args + " >/dev/null 2>'" +
                              err.string() + "'";
  const int raw = std::system(command.c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(err)};
}

std::vector<std::string> scenario_files() {
  std::vector<std::string> files;
  for (const char* root : {"scenarios/examples", "scenarios/lessons/scenarios", "tests/scenarios"}) {
    for (const auto& entry : fs::recursive_directory_iterator(fs::path(VIOSIM_SOURCE_DIR) / root)) {
      if (entry.path().extension() == ".textproto") {
        files.push_back(fs::relative(entry.path(), VIOSIM_SOURCE_DIR).string());
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

class EveryScenarioFile : public testing::TestWithParam<std::string> {};

TEST_P(EveryScenarioFile, ValidateOkMeansEveryVerbRunsIt) {
  const std::string file = GetParam();
  const fs::path dir = fs::path(testing::TempDir()) / ("one_validator_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // Short runs: the warm-up first, so that it stays below the run.
  const std::string shorten = " --set run.warmup_ms=0.2 --set run.duration_ms=1";
  const Outcome validated = run_viosim("validate '" + file + "'" + shorten, dir);
  const bool sweep = slurp(fs::path(VIOSIM_SOURCE_DIR) / file).find("\nsweep") != std::string::npos;
  const std::string verb = sweep ? "sweep" : "run";
  const fs::path out = dir / "out";
  fs::remove_all(out);
  const Outcome ran = run_viosim(verb + " '" + file + "'" + shorten + " -o '" + out.string() + "'", dir);
  if (validated.status == 0) {
    EXPECT_EQ(ran.status, 0) << file << ": validate said ok, " << verb << " said:\n" << ran.err;
    const Outcome graph = run_viosim("graph '" + file + "'" + shorten, dir);
    EXPECT_EQ(graph.status, 0) << file << ": validate said ok, graph said:\n" << graph.err;
  } else {
    EXPECT_EQ(validated.status, 2) << validated.err;
    EXPECT_EQ(ran.status, 2) << file << ": validate refused it, " << verb << " said:\n" << ran.err;
    EXPECT_FALSE(fs::exists(out)) << verb << " wrote " << out << " for a refused scenario";
  }
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Files, EveryScenarioFile, testing::ValuesIn(scenario_files()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name;
                           for (char c : info.param) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

}  // namespace
