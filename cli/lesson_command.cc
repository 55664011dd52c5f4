// `viosim lesson FILE`: print a lesson's steps and run them headless,
// checking every figure its answers quote against the runs.
#include <iostream>
#include <sstream>

#include "cli/arguments.h"
#include "cli/commands.h"
#include "cli/signals.h"
#include "scenarios/builder/path_builder.h"
#include "scenarios/lesson/lesson.h"
#include "scenarios/loader/suggest.h"
#include "scenarios/runner/results_folder.h"
#include "scenarios/runner/run_scenario.h"

namespace viosim::cli {
namespace {

constexpr char kUsage[] =
    "usage: viosim lesson FILE [--step N] [--no-run]\n"
    "\n"
    "Prints a lesson (scenarios/lessons/) step by step: the run it makes, the\n"
    "text, where to look and the question, then runs the step, prints the\n"
    "results table and the answer, and checks each figure the answer quotes\n"
    "against the run, within the tolerance the lesson states. Loading checks\n"
    "the whole lesson first: every step's scenario with its overrides, every\n"
    "chart, figure path, backend and core it names.\n"
    "\n"
    "options:\n"
    "  --step N     only step N (from 1); its scenario and overrides are what\n"
    "               the steps before it leave\n"
    "  --no-run     print the steps without running them (the lesson is still\n"
    "               checked)\n"
    "  --help       this text\n"
    "\n"
    "exit status: 0 every figure as the lesson says, 1 a figure or a place to\n"
    "look differs from the run (or a run failed), 2 bad lesson or arguments,\n"
    "130 interrupted\n";

// `text` as lines of at most `width` characters after `indent` spaces (the
// first line's after `first`); line breaks in it are kept.
std::string wrap(const std::string& text, size_t indent, size_t width = 78, size_t first = std::string::npos) {
  std::ostringstream out;
  std::istringstream paragraphs(text);
  std::string paragraph;
  bool first_line = true;
  while (std::getline(paragraphs, paragraph)) {
    std::istringstream words(paragraph);
    std::string word;
    size_t used = 0;
    out << std::string(first_line && first != std::string::npos ? first : indent, ' ');
    first_line = false;
    while (words >> word) {
      if (used > 0 && used + 1 + word.size() > width - indent) {
        out << "\n" << std::string(indent, ' ');
        used = 0;
      }
      if (used > 0) {
        out << ' ';
        ++used;
      }
      out << word;
      used += word.size();
    }
    out << "\n";
  }
  return out.str();
}

void print_step(const lesson::LessonStepPlan& step, size_t count) {
  const viosim::LessonStep& s = step.step;
  std::cout << "\n== Step " << step.index + 1 << "/" << count << ": " << s.title() << " ==\n";
  std::cout << "run: " << step.scenario_file;
  for (const std::string& set : step.options.set) std::cout << " --set '" << set << "'";
  if (!step.options.backend.empty()) std::cout << " --backend " << step.options.backend;
  std::cout << "\n\n" << wrap(s.text(), 2);
  if (s.look_size() > 0) {
    std::cout << "\nLook at:\n";
    for (const viosim::Look& look : s.look()) {
      std::cout << "  - " << lesson::look_text(look) << (look.why().empty() ? "" : ": " + look.why()) << "\n";
    }
  }
  if (s.has_question()) std::cout << "\nQuestion:\n" << wrap(s.question().text(), 2);
}

}  // namespace

int lesson_command(const Args& args) {
  const auto parsed = parse_args("lesson", args, {{"--step", "", true, false}, {"--no-run", "", false, false}}, kUsage);
  if (!parsed) return kExitBadInput;
  if (parsed->help) {
    std::cout << kUsage;
    return kExitOk;
  }
  if (parsed->positional.empty()) return usage_error("lesson", "no lesson file given", kUsage);
  if (parsed->positional.size() > 1) return usage_error("lesson", "one lesson file at a time", kUsage);
  const std::string& file = parsed->positional.front();
  const lesson::LessonLoad loaded = lesson::load_lesson(file);
  if (!loaded.ok()) {
    std::cerr << scenarios::format_diagnostics(loaded.diagnostics);
    return kExitBadInput;
  }
  const lesson::LoadedLesson& lesson = *loaded.lesson;
  int only = 0;
  if (auto it = parsed->values.find("--step"); it != parsed->values.end()) {
    const std::string& text = it->second.front();
    try {
      size_t used = 0;
      only = std::stoi(text, &used);
      if (used != text.size()) only = 0;
    } catch (...) {
      only = 0;
    }
    if (only < 1 || only > static_cast<int>(lesson.steps.size())) {
      return usage_error(
          "lesson", "--step " + text + ": the lesson has steps 1 to " + std::to_string(lesson.steps.size()), kUsage);
    }
  }
  const bool run = parsed->values.count("--no-run") == 0;
  std::cerr << scenarios::format_diagnostics(loaded.warnings);

  std::cout << "Lesson: " << lesson.lesson.title() << "\n";
  if (!lesson.lesson.summary().empty()) std::cout << "\n" << wrap(lesson.lesson.summary(), 0);
  if (lesson.lesson.goal_size() > 0) {
    std::cout << "\nGoals:\n";
    for (const std::string& goal : lesson.lesson.goal()) std::cout << wrap("- " + goal, 4, 78, 2);
  }
  int checked = 0;
  int wrong = 0;
  for (const lesson::LessonStepPlan& step : lesson.steps) {
    if (only != 0 && step.index + 1 != only) continue;
    print_step(step, lesson.steps.size());
    if (!run) {
      if (step.step.has_question()) std::cout << "\nAnswer:\n" << wrap(step.step.question().answer(), 2);
      continue;
    }
    viosim::RunSummary summary;
    try {
      RunOptions options;
      options.scenario_file = step.scenario_file;
      options.cancel = &interrupt_flag();
      std::cerr << "viosim lesson: step " << step.index + 1 << ": running " << scenarios::join(step.backends) << "\n";
      summary = viosim::run(step.scenario, options);
    } catch (const models::Cancelled&) {
      std::cerr << "\nviosim lesson: interrupted\n";
      return kExitInterrupted;
    } catch (const std::exception& e) {
      std::cerr << "viosim lesson: step " << step.index + 1 << ": the run failed: " << e.what() << "\n";
      return kExitFailure;
    }
    std::cout << "\n" << results_table(summary);
    const lesson::StepCheck check = lesson::check_step(step, summary);
    if (step.step.has_question()) {
      std::cout << "\nAnswer:\n" << wrap(step.step.question().answer(), 2);
      for (size_t k = 0; k < check.expects.size(); ++k) {
        const lesson::ExpectCheck& e = check.expects[k];
        const std::string actual = e.actual ? lesson::figure_text(*e.actual) : "-";
        std::cout << (e.ok() ? "  ok     " : "  WRONG  ") << e.backend << " " << e.figure << " = " << actual
                  << " (lesson: " << lesson::expected_text(step.step.question().expect(int(k))) << ")\n";
      }
    }
    std::cerr << scenarios::format_diagnostics(check.missing_looks)
              << scenarios::format_diagnostics(check.wrong_expects);
    checked += static_cast<int>(check.expects.size()) + step.step.look_size();
    wrong += static_cast<int>(check.wrong_expects.size() + check.missing_looks.size());
  }
  if (!run) return kExitOk;
  std::cout << "\n";
  if (wrong > 0) {
    std::cout << file << ": " << wrong << " of " << checked << " figures and places differ from the runs\n";
    return kExitFailure;
  }
  std::cout << file << ": every figure and place as the lesson says (" << checked << ")\n";
  return kExitOk;
}

}  // namespace viosim::cli
