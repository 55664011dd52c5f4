// Lessons: loading a lesson file, running its steps and checking what they
// say against the runs. The CLI (`viosim lesson`) and the GUI's Lessons
// panel share it.
//
//   LessonLoad loaded = load_lesson("scenarios/lessons/vhost_net.textproto");
//   if (!loaded.ok()) { std::cerr << format_diagnostics(loaded.diagnostics); return 2; }
//   for (const LessonStepPlan& step : loaded.lesson->steps) {
//     const RunSummary summary = viosim::run(step.scenario);
//     const StepCheck check = check_step(step, summary);   // check.ok()?
//   }
//
// Loading checks everything a run is not needed for: the file parses as a
// viosim.Lesson, every step's scenario loads with its overrides (its own
// diagnostics are passed on), every chart exists, every figure path fits
// the results' schema, every expected backend is one the step runs, every
// core is on the host. Checking a step's run then finds what only the run
// has: the entries figure paths name, the hops and cores looked at, and
// whether each expected figure is within its tolerance.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scenarios/loader/diagnostic.h"
#include "scenarios/loader/loader.h"
#include "scenarios/loader/source_map.h"
#include "scenarios/schema/viosim/lesson.pb.h"
#include "scenarios/schema/viosim/results.pb.h"
#include "scenarios/schema/viosim/scenario.pb.h"

namespace viosim::lesson {

// One step, ready to run.
struct LessonStepPlan {
  int index = 0;                               // from 0
  viosim::LessonStep step;                     // as written
  std::string scenario_file;                   // the file that runs, as a path from the working folder
  scenarios::LoadOptions options;              // its overrides (inherited ones first) and backend choice
  viosim::Scenario scenario;                   // loaded and resolved
  std::vector<std::string> backends;           // what a run of it runs, in order
  scenarios::Location at;                      // the step in the lesson file
  std::vector<scenarios::Location> look_at;    // each look
  std::vector<scenarios::Location> expect_at;  // each question.expect
};

struct LoadedLesson {
  std::string path;
  viosim::Lesson lesson;
  std::vector<LessonStepPlan> steps;
};

struct LessonLoad {
  std::optional<LoadedLesson> lesson;  // set exactly when diagnostics is empty
  std::vector<scenarios::Diagnostic> diagnostics;
  // The steps' scenarios' warnings (fields without effect), each once.
  std::vector<scenarios::Diagnostic> warnings;
  bool ok() const { return diagnostics.empty(); }
};

LessonLoad load_lesson(const std::string& path);

// One expected figure against the run.
struct ExpectCheck {
  std::string backend;
  std::string figure;
  double expected = 0;
  double allowed = 0;            // the half-width the lesson allows
  std::optional<double> actual;  // absent when the run has no such figure
  std::string problem;           // why it is absent, or why it is out of bounds
  bool ok() const { return problem.empty(); }
};

struct StepCheck {
  // A diagnostic (at the look in the lesson file) per place looked at that
  // this run does not have.
  std::vector<scenarios::Diagnostic> missing_looks;
  std::vector<ExpectCheck> expects;                  // in the order of question.expect
  std::vector<scenarios::Diagnostic> wrong_expects;  // one per failed expect, at it
  bool ok() const { return missing_looks.empty() && wrong_expects.empty(); }
};

// Checks `summary`, a run of `step.scenario`, against what the step says.
StepCheck check_step(const LessonStepPlan& step, const viosim::RunSummary& summary);

// "chart latency_cdf", "figure exits_per_packet", "hop \"tap\"", "core 4".
std::string look_text(const viosim::Look& look);

// "2 ± 10 %", "0.5 ± 0.05": the expected value and its tolerance as written.
std::string expected_text(const viosim::Expect& expect);

// A figure as the runner prints it: whole numbers from 1,000 up, four
// significant digits below.
std::string figure_text(double value);

}  // namespace viosim::lesson
