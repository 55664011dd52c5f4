// Every lesson in scenarios/lessons/ loads without a warning, runs every
// step, and the runs have every place it points at and every figure its
// answers quote, within the tolerance it states. And check_step says so
// when they do not.
#include <gtest/gtest.h>

#include <filesystem>

#include "scenarios/lesson/lesson.h"
#include "scenarios/runner/run_scenario.h"
#include "tests/support/corpus.h"

namespace viosim::lesson {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> lesson_files() {
  return testing_support::case_names(fs::path(VIOSIM_SOURCE_DIR) / "scenarios/lessons");
}

TEST(Lessons, AtLeastFiveAreShipped) { EXPECT_GE(lesson_files().size(), 5u); }

class ShippedLesson : public testing::TestWithParam<std::string> {};

TEST_P(ShippedLesson, EveryStepRunsAndGivesTheFiguresItQuotes) {
  const LessonLoad loaded =
      load_lesson(std::string(VIOSIM_SOURCE_DIR) + "/scenarios/lessons/" + GetParam() + ".textproto");
  ASSERT_TRUE(loaded.ok()) << scenarios::format_diagnostics(loaded.diagnostics);
  EXPECT_TRUE(loaded.warnings.empty()) << scenarios::format_diagnostics(loaded.warnings);
  const LoadedLesson& lesson = *loaded.lesson;
  EXPECT_FALSE(lesson.lesson.summary().empty());
  EXPECT_FALSE(lesson.lesson.goal().empty());
  for (const LessonStepPlan& step : lesson.steps) {
    SCOPED_TRACE("step " + std::to_string(step.index + 1) + ": " + step.step.title());
    // A step teaches from a run: it points somewhere and asks something it checks.
    EXPECT_GT(step.step.look_size(), 0);
    EXPECT_GT(step.step.question().expect_size(), 0);
    const viosim::RunSummary summary = viosim::run(step.scenario);
    const StepCheck check = check_step(step, summary);
    EXPECT_TRUE(check.ok()) << scenarios::format_diagnostics(check.missing_looks)
                            << scenarios::format_diagnostics(check.wrong_expects);
  }
}

INSTANTIATE_TEST_SUITE_P(Files, ShippedLesson, testing::ValuesIn(lesson_files()),
                         [](const testing::TestParamInfo<std::string>& info) { return info.param; });

// A step and a summary made by hand: what check_step finds wrong.
TEST(CheckStep, FindsFiguresOutOfToleranceAndPlacesTheRunLacks) {
  LessonStepPlan step;
  step.backends = {"VHOST_NET", "E1000"};
  auto* look = step.step.add_look();
  look->set_hop("vhost worker");
  step.step.add_look()->set_core(3);
  step.step.add_look()->set_chart("latency_hops_from_guest");
  step.look_at.resize(3);
  auto add_expect = [&](const std::string& backend, const std::string& figure, double value, double tolerance) {
    auto* e = step.step.mutable_question()->add_expect();
    e->set_backend(backend);
    e->set_figure(figure);
    e->set_value(value);
    e->set_tolerance(tolerance);
    step.expect_at.emplace_back();
  };
  add_expect("VHOST_NET", "exits_per_packet", 2.0, 0.1);  // 2.15: inside
  add_expect("E1000", "exits_per_packet", 2.0, 0.1);      // 7: outside
  add_expect("E1000", "per_core[3].busy", 0.5, 0.1);      // no core 3
  viosim::RunSummary summary;
  for (const auto& [name, exits] : {std::pair{"VHOST_NET", 2.15}, std::pair{"E1000", 7.0}}) {
    auto* b = summary.add_backend();
    b->set_backend(name);
    b->set_exits_per_packet(exits);
    b->add_per_core()->set_core(2);
    auto* hop = b->add_hops();
    hop->set_direction("wire to guest");
    hop->set_name("tap");
  }
  const StepCheck check = check_step(step, summary);
  EXPECT_FALSE(check.ok());
  ASSERT_EQ(check.expects.size(), 3u);
  EXPECT_TRUE(check.expects[0].ok());
  EXPECT_FALSE(check.expects[1].ok());
  EXPECT_DOUBLE_EQ(*check.expects[1].actual, 7.0);
  EXPECT_NE(check.expects[1].problem.find("the run gives 7, the lesson says 2 ± 10 %"), std::string::npos)
      << check.expects[1].problem;
  EXPECT_FALSE(check.expects[2].actual.has_value());
  EXPECT_EQ(check.wrong_expects.size(), 2u);
  // The hop and the core are not in the run, and no packet left a guest.
  ASSERT_EQ(check.missing_looks.size(), 3u);
  EXPECT_NE(check.missing_looks[0].message.find("no hop \"vhost worker\""), std::string::npos);
  EXPECT_NE(check.missing_looks[2].message.find("no packet went guest to wire"), std::string::npos);
}

}  // namespace
}  // namespace viosim::lesson
