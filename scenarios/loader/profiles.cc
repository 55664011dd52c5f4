// Built-in profiles are parsed once from the embedded files; a broken one is
// a build defect, caught by the profile tests.
#include "scenarios/loader/profiles.h"

#include <algorithm>
#include <filesystem>
#include <span>
#include <stdexcept>

#include <google/protobuf/text_format.h>

#include "scenarios/loader/merge.h"
#include "scenarios/loader/suggest.h"
#include "scenarios/loader/text_parse.h"
#include "scenarios/loader/validate.h"
#include "scenarios/schema/embedded_file.h"

namespace viosim::scenarios {

std::span<const schema::EmbeddedFile> embedded_profiles();  // generated

namespace {

constexpr std::string_view kSuffix = ".textproto";

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A profile's chain of bases is short; a longer one is a cycle.
constexpr int kMaxProfileBases = 8;

bool load_profile_at_depth(const std::string& spec, const Location& where, viosim::HostProfile* profile,
                           std::vector<Diagnostic>* diagnostics, int depth);

// Parses a profile over its base, if it names one, and validates the
// result; diagnostics point into the file that set the field.
bool parse_profile(const std::shared_ptr<const SourceFile>& file, viosim::HostProfile* profile,
                   std::vector<Diagnostic>* diagnostics, int depth) {
  viosim::HostProfile parsed;
  google::protobuf::TextFormat::ParseInfoTree tree;
  if (!parse_text(file, &parsed, &tree, diagnostics)) return false;
  SourceMap map;
  map.set_root(Location{file, "", 0, 0});
  if (!parsed.base().empty()) {
    const auto at = tree.GetLocation(viosim::HostProfile::descriptor()->FindFieldByName("base"), -1);
    const Location where{file, "", at.line + 1, at.column + 1};
    if (depth >= kMaxProfileBases) {
      diagnostics->push_back(where.diagnose("more than " + std::to_string(kMaxProfileBases) +
                                            " nested base profiles (a profile that is its own base?)"));
      return false;
    }
    viosim::HostProfile base;
    if (!load_profile_at_depth(parsed.base(), where, &base, diagnostics, depth + 1)) return false;
    SourceMap base_map;
    layer_message(base, nullptr, nullptr, profile, "", &base_map);
  }
  layer_message(parsed, &tree, file, profile, "", &map);
  profile->clear_base();
  const Issues issues = validate_profile(*profile);
  for (const Issue& issue : issues) diagnostics->push_back(map.find(issue.path).diagnose(issue.message));
  return issues.empty();
}

}  // namespace

const std::vector<ProfileInfo>& builtin_profiles() {
  static const std::vector<ProfileInfo> profiles = [] {
    std::vector<ProfileInfo> out;
    for (const schema::EmbeddedFile& file : embedded_profiles()) {
      viosim::HostProfile profile;
      if (!google::protobuf::TextFormat::ParseFromString(std::string(file.data), &profile)) {
        throw std::logic_error("built-in profile does not parse: " + std::string(file.name));
      }
      out.push_back({profile.name(), profile.description(), std::string(file.name), std::string(file.data)});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
  }();
  return profiles;
}

bool load_profile(const std::string& spec, const Location& where, viosim::HostProfile* profile,
                  std::vector<Diagnostic>* diagnostics) {
  return load_profile_at_depth(spec, where, profile, diagnostics, 0);
}

namespace {

bool load_profile_at_depth(const std::string& spec, const Location& where, viosim::HostProfile* profile,
                           std::vector<Diagnostic>* diagnostics, int depth) {
  if (!ends_with(spec, kSuffix)) {
    std::vector<std::string> names;
    for (const ProfileInfo& info : builtin_profiles()) {
      if (info.name == spec) {
        auto file = std::make_shared<SourceFile>(SourceFile{"<built-in>/" + info.file_name, info.text});
        return parse_profile(file, profile, diagnostics, depth);
      }
      names.push_back(info.name);
    }
    diagnostics->push_back(where.diagnose("unknown host profile \"" + spec + "\"" + did_you_mean(spec, names) +
                                          " (built-in: " + join(names) + "; or a path ending in .textproto)"));
    return false;
  }
  std::filesystem::path path(spec);
  if (path.is_relative() && where.file) {
    path = std::filesystem::path(where.file->display_path).parent_path() / path;
  }
  const std::string shown = path.lexically_normal().string();
  std::string text;
  if (const auto why = read_file(shown, &text)) {
    diagnostics->push_back(where.diagnose("cannot read host profile \"" + shown + "\": " + *why));
    return false;
  }
  return parse_profile(std::make_shared<SourceFile>(SourceFile{shown, std::move(text)}), profile, diagnostics, depth);
}

}  // namespace

}  // namespace viosim::scenarios
