// The load pipeline: parse the base chain -> layer -> overrides -> resolve
// -> validate. Phase-one errors stop the pipeline (nothing after them would
// be meaningful); everything after collects every error it finds.
#include "scenarios/loader/loader.h"

#include <filesystem>
#include <memory>
#include <set>

#include <google/protobuf/text_format.h>

#include "scenarios/loader/buildable.h"
#include "scenarios/loader/check_points.h"
#include "scenarios/loader/field_path.h"
#include "scenarios/loader/no_effect.h"
#include "scenarios/loader/merge.h"
#include "scenarios/loader/resolve.h"
#include "scenarios/loader/source_map.h"
#include "scenarios/loader/suggest.h"
#include "scenarios/loader/text_parse.h"
#include "scenarios/loader/validate.h"

namespace viosim::scenarios {
namespace {

namespace fs = std::filesystem;
using ParseInfoTree = google::protobuf::TextFormat::ParseInfoTree;

constexpr int kMaxBaseDepth = 32;

struct Layer {
  std::shared_ptr<const SourceFile> file;
  viosim::Scenario parsed;
  std::unique_ptr<ParseInfoTree> tree = std::make_unique<ParseInfoTree>();
};

std::string identity(const std::string& path) {
  std::error_code error;
  const fs::path canonical = fs::weakly_canonical(path, error);
  return error ? fs::path(path).lexically_normal().string() : canonical.string();
}

// Parses `top` and every file it extends; `layers` ends with the deepest base.
bool parse_chain(std::shared_ptr<const SourceFile> top, std::vector<Layer>* layers,
                 std::vector<Diagnostic>* diagnostics) {
  std::vector<std::string> identities{identity(top->display_path)};
  std::shared_ptr<const SourceFile> current = std::move(top);
  while (true) {
    Layer& layer = layers->emplace_back();
    layer.file = current;
    if (!parse_text(current, &layer.parsed, layer.tree.get(), diagnostics)) return false;
    if (layer.parsed.base().empty()) return true;

    const auto* base_field = viosim::Scenario::descriptor()->FindFieldByName("base");
    const auto at = layer.tree->GetLocation(base_field, -1);
    const Location where{current, "", at.line + 1, at.column + 1};
    const std::string path =
        (fs::path(current->display_path).parent_path() / layer.parsed.base()).lexically_normal().string();
    const std::string id = identity(path);
    for (size_t i = 0; i < identities.size(); ++i) {
      if (identities[i] != id) continue;
      std::string cycle;
      for (size_t k = i; k < layers->size(); ++k) cycle += (*layers)[k].file->display_path + " -> ";
      diagnostics->push_back(where.diagnose("base \"" + layer.parsed.base() + "\" makes a cycle: " + cycle + path));
      return false;
    }
    if (static_cast<int>(layers->size()) > kMaxBaseDepth) {
      diagnostics->push_back(where.diagnose("more than " + std::to_string(kMaxBaseDepth) + " nested base files"));
      return false;
    }
    std::string text;
    if (const auto why = read_file(path, &text)) {
      diagnostics->push_back(where.diagnose("cannot read base file \"" + path + "\": " + *why));
      return false;
    }
    identities.push_back(id);
    current = std::make_shared<SourceFile>(SourceFile{path, std::move(text)});
  }
}

void apply_sets(const std::vector<std::string>& sets, viosim::Scenario* scenario, SourceMap* map,
                std::vector<Diagnostic>* diagnostics) {
  for (const std::string& set : sets) {
    const Location origin{nullptr, "--set " + set, 0, 0};
    const size_t equals = set.find('=');
    if (equals == std::string::npos) {
      diagnostics->push_back(origin.diagnose("expected --set field.path=value, e.g. --set vm[0].vcpus=2"));
      continue;
    }
    std::string error;
    auto target = resolve_path(scenario, set.substr(0, equals), /*create=*/true, &error);
    if (!target || !set_from_text(*target, set.substr(equals + 1), &error)) {
      diagnostics->push_back(origin.diagnose(error));
      continue;
    }
    map->erase_subtree(target->path);
    map->record(target->path, origin);
  }
}

void apply_backend(const std::string& name, viosim::Scenario* scenario, SourceMap* map,
                   std::vector<Diagnostic>* diagnostics) {
  const Location origin{nullptr, "--backend " + name, 0, 0};
  viosim::Backend backend;
  if (!viosim::Backend_Parse(name, &backend)) {
    std::vector<std::string> names;
    const auto* type = viosim::Backend_descriptor();
    for (int i = 0; i < type->value_count(); ++i) names.push_back(type->value(i)->name());
    diagnostics->push_back(
        origin.diagnose("unknown backend \"" + name + "\"" + did_you_mean(name, names) + " (choices: " + join(names) + ")"));
    return;
  }
  for (int v = 0; v < scenario->vm_size(); ++v) {
    scenario->mutable_vm(v)->mutable_nic()->set_backend(backend);
    map->record("vm[" + std::to_string(v) + "].nic.backend", origin);
    // What the backend limits (a queue count, a ring size) is its doing,
    // unless a --set wrote it: that override keeps its own errors.
    for (const char* field : {".nic.queues", ".nic.queue_size"}) {
      const std::string path = "vm[" + std::to_string(v) + "]" + field;
      if (map->contains(path) && map->find(path).file == nullptr) continue;
      map->record(path, origin);
    }
  }
  scenario->clear_compare();
  map->erase_subtree("compare");
}

}  // namespace

LoadResult load_scenario_text(const std::string& display_path, const std::string& text, const LoadOptions& options) {
  LoadResult result;
  std::vector<Layer> layers;
  if (!parse_chain(std::make_shared<SourceFile>(SourceFile{display_path, text}), &layers, &result.diagnostics)) {
    return result;
  }
  viosim::Scenario scenario;
  SourceMap map;
  map.set_root(Location{layers.front().file, "", 0, 0});
  for (auto layer = layers.rbegin(); layer != layers.rend(); ++layer) {
    layer_message(layer->parsed, layer->tree.get(), layer->file, &scenario, "", &map);
  }
  apply_sets(options.set, &scenario, &map, &result.diagnostics);
  if (!options.backend.empty()) apply_backend(options.backend, &scenario, &map, &result.diagnostics);

  resolve_scenario(&scenario, map, &result.diagnostics);
  auto report = [&map](const Issues& issues, std::vector<Diagnostic>* out, bool warning) {
    for (const Issue& issue : issues) {
      out->push_back(map.find(issue.path).diagnose(issue.message));
      out->back().field_path = issue.path;
      out->back().warning = warning;
    }
  };
  Issues issues = validate_scenario(scenario);
  // What the rules accept, the builder is asked to build, on every backend,
  // as is (run, explain and graph play a sweep's base point) and at every
  // sweep point: one answer to "can this build run it" for every verb.
  if (issues.empty() && result.diagnostics.empty()) {
    issues = build_issues(scenario);
    if (issues.empty() && scenario.sweep().axis_size() > 0) issues = check_sweep_points(scenario);
  }
  report(issues, &result.diagnostics, false);
  sort_diagnostics(result.diagnostics);
  if (result.diagnostics.empty()) {
    report(no_effect_warnings(scenario), &result.warnings, true);
    sort_diagnostics(result.warnings);
    result.scenario = std::move(scenario);
  }
  return result;
}

LoadResult load_scenario(const std::string& path, const LoadOptions& options) {
  std::string text;
  if (const auto why = read_file(path, &text)) {
    LoadResult result;
    result.diagnostics.push_back(Diagnostic{path, 0, 0, "", "cannot read scenario: " + *why});
    return result;
  }
  return load_scenario_text(path, text, options);
}

std::string to_textproto(const viosim::Scenario& scenario) {
  google::protobuf::TextFormat::Printer printer;
  printer.SetUseShortRepeatedPrimitives(true);
  printer.SetUseUtf8StringEscaping(true);
  std::string body;
  printer.PrintToString(scenario, &body);
  return "# proto-file: scenarios/schema/viosim/scenario.proto\n"
         "# proto-message: viosim.Scenario\n"
         "# Resolved by viosim: every default and the host profile's costs are written out.\n\n" +
         body;
}

}  // namespace viosim::scenarios
