// Pins every invalid scenario in invalid/ to its exact error output
// (NAME.expected). Paths in the output are relative to tests/scenarios, the
// directory the loader runs in, so they do not depend on the checkout.
//
// To regenerate after an intended change in wording, run the test binary
// with VIOSIM_UPDATE_EXPECTED=1 and review the diff like any other change.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "scenarios/loader/loader.h"

namespace viosim::scenarios {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(fs::path(VIOSIM_TESTS_DIR) / "invalid")) {
    if (entry.path().extension() == ".textproto") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class InvalidScenario : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    previous_ = fs::current_path();
    fs::current_path(VIOSIM_TESTS_DIR);
  }
  void TearDown() override { fs::current_path(previous_); }

 private:
  fs::path previous_;
};

TEST_P(InvalidScenario, ReportsExactlyTheExpectedErrors) {
  const std::string name = GetParam();
  const LoadResult result = load_scenario("invalid/" + name + ".textproto");
  EXPECT_FALSE(result.ok());
  EXPECT_FALSE(result.scenario.has_value()) << "a scenario with errors must not be returned";
  const std::string actual = format_diagnostics(result.diagnostics);
  const fs::path expected_path = fs::path("invalid") / (name + ".expected");
  if (std::getenv("VIOSIM_UPDATE_EXPECTED") != nullptr) {
    std::ofstream(expected_path, std::ios::binary) << actual;
    GTEST_SKIP() << "updated " << expected_path;
  }
  ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path << "; actual output:\n" << actual;
  EXPECT_EQ(read(expected_path), actual);
}

TEST(InvalidCorpus, HasAtLeastThirtyCases) { EXPECT_GE(case_names().size(), 30u); }

INSTANTIATE_TEST_SUITE_P(Corpus, InvalidScenario, testing::ValuesIn(case_names()),
                         [](const testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace viosim::scenarios
