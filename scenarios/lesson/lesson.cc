// Loading a lesson file and checking a step's run against it.
#include "scenarios/lesson/lesson.h"

#include <google/protobuf/text_format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "scenarios/lesson/figure_path.h"
#include "scenarios/loader/suggest.h"
#include "scenarios/loader/sweep_expand.h"
#include "scenarios/loader/text_parse.h"
#include "scenarios/runner/run_chart_names.h"

namespace viosim::lesson {
namespace {

namespace fs = std::filesystem;
using google::protobuf::Descriptor;
using google::protobuf::TextFormat;
using scenarios::Diagnostic;
using scenarios::Location;
using scenarios::SourceFile;

// Where field `name` of the message `tree` describes was written; the
// message's own place when it was not.
Location at(const TextFormat::ParseInfoTree* tree, const Descriptor* type, const char* name, int index,
            const Location& fallback) {
  if (tree == nullptr) return fallback;
  const auto where = tree->GetLocation(type->FindFieldByName(name), index);
  if (where.line < 0) return fallback;
  return Location{fallback.file, "", where.line + 1, where.column + 1};
}

const TextFormat::ParseInfoTree* nested(const TextFormat::ParseInfoTree* tree, const Descriptor* type, const char* name,
                                        int index) {
  return tree == nullptr ? nullptr : tree->GetTreeForNested(type->FindFieldByName(name), index);
}

std::string step_name(int index) { return "step " + std::to_string(index + 1); }

// Checks what can be checked of a look before the run.
void check_look(const viosim::Look& look, const viosim::Scenario& scenario, const Location& where, int step,
                std::vector<Diagnostic>* out) {
  const std::string prefix = step_name(step) + ": look: ";
  switch (look.place_case()) {
    case viosim::Look::kChart:
      if (std::find(run_chart_names().begin(), run_chart_names().end(), look.chart()) == run_chart_names().end()) {
        out->push_back(where.diagnose(prefix + "no chart \"" + look.chart() + "\"" +
                                      scenarios::did_you_mean(look.chart(), run_chart_names()) +
                                      " (charts: " + scenarios::join(run_chart_names()) + ")"));
      }
      break;
    case viosim::Look::kFigure:
      if (const auto problem = figure_path_problem(look.figure())) {
        out->push_back(where.diagnose(prefix + "figure \"" + look.figure() + "\": " + *problem));
      }
      break;
    case viosim::Look::kHop:
      if (look.hop().empty()) out->push_back(where.diagnose(prefix + "an empty hop name"));
      break;
    case viosim::Look::kCore:
      if (look.core() >= scenario.host().cores()) {
        out->push_back(where.diagnose(prefix + "core " + std::to_string(look.core()) +
                                      " is not on the host, which has " + std::to_string(scenario.host().cores()) +
                                      " cores (0 to " + std::to_string(scenario.host().cores() - 1) + ")"));
      }
      break;
    case viosim::Look::PLACE_NOT_SET:
      out->push_back(where.diagnose(prefix + "says nothing to look at: give chart, figure, hop or core"));
      break;
  }
}

void check_expect(const viosim::Expect& expect, const LessonStepPlan& step, const Location& where,
                  std::vector<Diagnostic>* out) {
  const std::string prefix = step_name(step.index) + ": expect: ";
  if (expect.figure().empty()) {
    out->push_back(where.diagnose(prefix + "no figure: name one, e.g. figure: \"exits_per_packet\""));
  } else if (const auto problem = figure_path_problem(expect.figure())) {
    out->push_back(where.diagnose(prefix + "figure \"" + expect.figure() + "\": " + *problem));
  }
  if (!expect.has_value()) out->push_back(where.diagnose(prefix + "no value: say what the figure is"));
  if (!expect.has_tolerance() && !expect.has_absolute()) {
    out->push_back(where.diagnose(prefix + "no tolerance: give tolerance (a fraction of value) or absolute"));
  }
  if (expect.has_value() && expect.value() == 0 && !expect.has_absolute()) {
    out->push_back(where.diagnose(prefix + "a value of 0 needs an absolute tolerance (a fraction of 0 is 0)"));
  }
  if (expect.tolerance() < 0 || expect.absolute() < 0 || !std::isfinite(expect.tolerance()) ||
      !std::isfinite(expect.absolute()) || !std::isfinite(expect.value())) {
    out->push_back(
        where.diagnose(prefix + "value, tolerance and absolute must be finite, the tolerances not negative"));
  }
  if (expect.has_backend()) {
    if (std::find(step.backends.begin(), step.backends.end(), expect.backend()) == step.backends.end()) {
      out->push_back(where.diagnose(prefix + "backend " + expect.backend() + " is not one this step runs (" +
                                    scenarios::join(step.backends) + ")"));
    }
  } else if (step.backends.size() != 1) {
    out->push_back(where.diagnose(prefix + "the step runs " + std::to_string(step.backends.size()) + " backends (" +
                                  scenarios::join(step.backends) + "): say whose figure this is"));
  }
}

// Parses the file, then each step's scenario in turn.
void load(const std::string& path, LessonLoad& result) {
  std::string text;
  if (const auto error = scenarios::read_file(path, &text)) {
    result.diagnostics.push_back(Diagnostic{path, 0, 0, "", "cannot read the lesson: " + *error});
    return;
  }
  auto file = std::make_shared<const SourceFile>(SourceFile{path, text});
  LoadedLesson lesson;
  lesson.path = path;
  TextFormat::ParseInfoTree tree;
  if (!scenarios::parse_text(file, &lesson.lesson, &tree, &result.diagnostics)) return;
  std::vector<Diagnostic>& out = result.diagnostics;
  const Location top{file, "", 1, 1};
  const Descriptor* lesson_type = viosim::Lesson::descriptor();
  if (lesson.lesson.title().empty()) out.push_back(top.diagnose("the lesson has no title"));
  if (lesson.lesson.step_size() == 0) out.push_back(top.diagnose("the lesson has no step"));

  std::string scenario_file;
  scenarios::LoadOptions options;
  for (int i = 0; i < lesson.lesson.step_size(); ++i) {
    const viosim::LessonStep& written = lesson.lesson.step(i);
    const auto* step_tree = nested(&tree, lesson_type, "step", i);
    const Descriptor* step_type = viosim::LessonStep::descriptor();
    LessonStepPlan step;
    step.index = i;
    step.step = written;
    step.at = at(&tree, lesson_type, "step", i, top);
    const std::string prefix = step_name(i) + ": ";
    if (written.title().empty()) out.push_back(step.at.diagnose(prefix + "no title"));
    if (written.text().empty()) out.push_back(step.at.diagnose(prefix + "no text: say what the run shows"));
    if (written.has_scenario() && written.scenario().empty()) {
      out.push_back(at(step_tree, step_type, "scenario", -1, step.at).diagnose(prefix + "an empty scenario path"));
      scenario_file.clear();  // the steps that inherit it are not checked again
      continue;
    }
    if (written.has_scenario()) {
      scenario_file = (fs::path(path).parent_path() / written.scenario()).lexically_normal().string();
      options = {};
    } else if (i == 0) {
      out.push_back(step.at.diagnose(prefix + "the first step names no scenario"));
      continue;
    }
    if (scenario_file.empty()) continue;  // the scenario step it inherits failed
    for (const std::string& set : written.set()) options.set.push_back(set);
    if (written.has_backend()) options.backend = written.backend();
    step.scenario_file = scenario_file;
    step.options = options;
    for (int k = 0; k < written.look_size(); ++k) step.look_at.push_back(at(step_tree, step_type, "look", k, step.at));
    const auto* question_tree = nested(step_tree, step_type, "question", -1);
    const Location question_at = at(step_tree, step_type, "question", -1, step.at);
    for (int k = 0; k < written.question().expect_size(); ++k) {
      step.expect_at.push_back(at(question_tree, viosim::Question::descriptor(), "expect", k, question_at));
    }
    if (written.has_question() && (written.question().text().empty() || written.question().answer().empty())) {
      out.push_back(question_at.diagnose(prefix + "a question needs its text and its answer"));
    }

    const Location scenario_at =
        at(step_tree, step_type, written.has_scenario() ? "scenario" : "set", written.has_scenario() ? -1 : 0, step.at);
    scenarios::LoadResult loaded = scenarios::load_scenario(scenario_file, options);
    if (!loaded.ok()) {
      out.push_back(
          scenario_at.diagnose(prefix + "its scenario " + scenario_file + " does not load" +
                               (options.set.empty() ? "" : " with the overrides " + scenarios::join(options.set)) +
                               (options.backend.empty() ? "" : " and backend " + options.backend) + ":"));
      for (Diagnostic& d : loaded.diagnostics) out.push_back(std::move(d));
      scenario_file.clear();  // reported once: the steps that inherit it are not checked again
      continue;
    }
    if (loaded.scenario->sweep().axis_size() > 0) {
      out.push_back(scenario_at.diagnose(prefix + "its scenario " + scenario_file +
                                         " has a sweep: a step runs one point (viosim run's), so give it a "
                                         "scenario without one"));
      scenario_file.clear();
      continue;
    }
    for (Diagnostic& w : loaded.warnings) result.warnings.push_back(std::move(w));
    step.scenario = std::move(*loaded.scenario);
    for (viosim::Backend b : sweep::run_backends(step.scenario)) step.backends.push_back(viosim::Backend_Name(b));
    for (int k = 0; k < written.look_size(); ++k) {
      check_look(written.look(k), step.scenario, step.look_at[k], i, &out);
    }
    for (int k = 0; k < written.question().expect_size(); ++k) {
      check_expect(written.question().expect(k), step, step.expect_at[k], &out);
    }
    lesson.steps.push_back(std::move(step));
  }
  scenarios::sort_diagnostics(result.warnings);
  if (out.empty() && lesson.steps.size() != static_cast<size_t>(lesson.lesson.step_size())) {
    throw std::logic_error("a lesson step was left out without a diagnostic");
  }
  if (out.empty()) result.lesson = std::move(lesson);
}

const viosim::BackendResult* find_backend(const viosim::RunSummary& summary, const std::string& name) {
  for (const viosim::BackendResult& b : summary.backend()) {
    if (b.backend() == name) return &b;
  }
  return nullptr;
}

// Whether the run has the place a look points at; why not when it does not.
std::optional<std::string> look_missing(const viosim::Look& look, const viosim::RunSummary& summary) {
  switch (look.place_case()) {
    case viosim::Look::kChart: {
      // The latency-by-hop charts draw one direction; empty, they show nothing.
      const std::string direction(hop_chart_direction(look.chart()));
      if (direction.empty()) return std::nullopt;
      for (const viosim::BackendResult& b : summary.backend()) {
        for (const viosim::Hop& hop : b.hops()) {
          if (hop.direction() == direction) return std::nullopt;
        }
      }
      return "chart " + look.chart() + " is empty: no packet went " + direction + " in this run";
    }
    case viosim::Look::kFigure: {
      std::string why;
      for (const viosim::BackendResult& b : summary.backend()) {
        try {
          figure_value(b, look.figure());
          return std::nullopt;
        } catch (const std::exception& e) {  // FigureError, or a path the loader should have refused
          why = e.what();
        }
      }
      return "figure " + look.figure() + " is in no backend's results: " + why;
    }
    case viosim::Look::kHop: {
      std::vector<std::string> names;
      for (const viosim::BackendResult& b : summary.backend()) {
        for (const viosim::Hop& hop : b.hops()) {
          if (hop.name() == look.hop()) return std::nullopt;
          if (std::find(names.begin(), names.end(), hop.name()) == names.end()) names.push_back(hop.name());
        }
      }
      return "no hop \"" + look.hop() + "\" in this run" + scenarios::did_you_mean(look.hop(), names) +
             " (hops: " + scenarios::join(names) + ")";
    }
    case viosim::Look::kCore:
      for (const viosim::BackendResult& b : summary.backend()) {
        for (const viosim::CoreUsage& core : b.per_core()) {
          if (core.core() == look.core()) return std::nullopt;
        }
      }
      return "core " + std::to_string(look.core()) + " is in no backend's results";
    case viosim::Look::PLACE_NOT_SET:
      break;
  }
  return std::nullopt;
}

}  // namespace

std::string figure_text(double value) {
  char text[40];
  std::snprintf(text, sizeof text, std::abs(value) >= 1000 && std::abs(value) < 1e15 ? "%.0f" : "%.4g", value);
  return text;
}

LessonLoad load_lesson(const std::string& path) {
  LessonLoad result;
  load(path, result);
  return result;
}

std::string look_text(const viosim::Look& look) {
  switch (look.place_case()) {
    case viosim::Look::kChart:
      return "chart " + look.chart();
    case viosim::Look::kFigure:
      return "figure " + look.figure();
    case viosim::Look::kHop:
      return "hop \"" + look.hop() + "\"";
    case viosim::Look::kCore:
      return "core " + std::to_string(look.core());
    case viosim::Look::PLACE_NOT_SET:
      break;
  }
  return "";
}

std::string expected_text(const viosim::Expect& expect) {
  std::string text = figure_text(expect.value());
  if (expect.has_tolerance()) text += " ± " + figure_text(expect.tolerance() * 100) + " %";
  if (expect.has_absolute())
    text += std::string(expect.has_tolerance() ? " or " : " ± ") + figure_text(expect.absolute());
  return text;
}

StepCheck check_step(const LessonStepPlan& step, const viosim::RunSummary& summary) {
  StepCheck check;
  const std::string prefix = step_name(step.index) + ": ";
  for (int k = 0; k < step.step.look_size(); ++k) {
    if (const auto missing = look_missing(step.step.look(k), summary)) {
      check.missing_looks.push_back(step.look_at[k].diagnose(prefix + "look: " + *missing));
    }
  }
  for (int k = 0; k < step.step.question().expect_size(); ++k) {
    const viosim::Expect& expect = step.step.question().expect(k);
    ExpectCheck result;
    result.backend = expect.has_backend() ? expect.backend() : step.backends.front();
    result.figure = expect.figure();
    result.expected = expect.value();
    result.allowed = std::max(expect.tolerance() * std::abs(expect.value()), expect.absolute());
    const viosim::BackendResult* backend = find_backend(summary, result.backend);
    if (backend == nullptr) {
      result.problem = "backend " + result.backend + " did not run";
    } else {
      try {
        result.actual = figure_value(*backend, expect.figure());
        if (!(std::abs(*result.actual - expect.value()) <= result.allowed)) {
          result.problem =
              "the run gives " + figure_text(*result.actual) + ", the lesson says " + expected_text(expect);
        }
      } catch (const std::exception& e) {  // FigureError, or a path the loader should have refused
        result.problem = e.what();
      }
    }
    if (!result.ok()) {
      check.wrong_expects.push_back(
          step.expect_at[k].diagnose(prefix + result.backend + " " + result.figure + ": " + result.problem));
    }
    check.expects.push_back(std::move(result));
  }
  return check;
}

}  // namespace viosim::lesson
