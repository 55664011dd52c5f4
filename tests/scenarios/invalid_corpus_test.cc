// Pins every invalid scenario in invalid/ to its exact error output
// (NAME.expected). Paths in the output are relative to tests/scenarios, the
// directory the loader runs in, so they do not depend on the checkout.
//
// To regenerate after an intended change in wording, run the test binary
// with VIOSIM_UPDATE_EXPECTED=1 and review the diff like any other change.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "scenarios/loader/loader.h"
#include "tests/support/corpus.h"
#include "tests/support/expected_output.h"

namespace viosim::scenarios {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> case_names() { return testing_support::case_names(fs::path(VIOSIM_TESTS_DIR) / "invalid"); }

class InvalidScenario : public testing_support::CorpusCase {};

TEST_P(InvalidScenario, ReportsExactlyTheExpectedErrors) {
  const std::string name = GetParam();
  const LoadResult result = load_scenario("invalid/" + name + ".textproto");
  EXPECT_FALSE(result.ok());
  EXPECT_FALSE(result.scenario.has_value()) << "a scenario with errors must not be returned";
  const std::string actual = format_diagnostics(result.diagnostics);
  const fs::path expected_path = fs::path("invalid") / (name + ".expected");
  if (!testing_support::matches_expected_file(actual, expected_path)) GTEST_SKIP() << "updated " << expected_path;
}

TEST(InvalidCorpus, HasAtLeastThirtyCases) { EXPECT_GE(case_names().size(), 30u); }

INSTANTIATE_TEST_SUITE_P(Corpus, InvalidScenario, testing::ValuesIn(case_names()),
                         [](const testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace viosim::scenarios
