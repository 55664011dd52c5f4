// Pins every invalid lesson in invalid/ to its exact error output
// (NAME.expected), paths relative to tests/lesson. To regenerate after an
// intended change in wording, run the test binary with
// VIOSIM_UPDATE_EXPECTED=1 and review the diff.
#include <gtest/gtest.h>

#include <filesystem>

#include "scenarios/lesson/lesson.h"
#include "tests/support/corpus.h"
#include "tests/support/expected_output.h"

namespace viosim::lesson {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> case_names() { return testing_support::case_names(fs::path(VIOSIM_TESTS_DIR) / "invalid"); }

class InvalidLesson : public testing_support::CorpusCase {};

TEST_P(InvalidLesson, ReportsExactlyTheExpectedErrors) {
  const std::string name = GetParam();
  const LessonLoad result = load_lesson("invalid/" + name + ".textproto");
  EXPECT_FALSE(result.ok());
  EXPECT_FALSE(result.lesson.has_value()) << "a lesson with errors must not be returned";
  const std::string actual = scenarios::format_diagnostics(result.diagnostics);
  const fs::path expected_path = fs::path("invalid") / (name + ".expected");
  if (!testing_support::matches_expected_file(actual, expected_path)) GTEST_SKIP() << "updated " << expected_path;
}

INSTANTIATE_TEST_SUITE_P(Corpus, InvalidLesson, testing::ValuesIn(case_names()),
                         [](const testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(InvalidLesson, AMissingFileSaysSo) {
  const LessonLoad result = load_lesson("/nonexistent/lesson.textproto");
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_NE(result.diagnostics[0].message.find("cannot read the lesson"), std::string::npos);
}

}  // namespace
}  // namespace viosim::lesson
