// The commands that describe this build: `profiles`, `list-models` and
// `schema`. All their text comes from data (profile files, model specs,
// schema descriptors), none is maintained here.
#include <iostream>

#include "cli/arguments.h"
#include "cli/commands.h"
#include "models/register_builtin_models.h"
#include "scenarios/loader/profiles.h"
#include "scenarios/loader/suggest.h"
#include "scenarios/schema/schema_reference.h"
#include "scenarios/schema/viosim/host.pb.h"
#include "scenarios/schema/viosim/scenario.pb.h"
#include "sim-core/model_registry.h"

namespace viosim::cli {
namespace {

constexpr char kProfilesUsage[] =
    "usage: viosim profiles [NAME]\n"
    "\n"
    "Lists the built-in host profiles (use one with host { profile: \"NAME\" }),\n"
    "or prints profile NAME with its costs and sources.\n";

constexpr char kListModelsUsage[] =
    "usage: viosim list-models\n"
    "\n"
    "Lists the model types of this build with their parameters, ports and statistics.\n";

constexpr char kSchemaUsage[] =
    "usage: viosim schema\n"
    "\n"
    "Prints every field of a scenario file (viosim.Scenario) and of a host profile\n"
    "file (viosim.HostProfile): path, type, unit, default, valid range and help,\n"
    "generated from the schema itself.\n";

}  // namespace

int profiles_command(const Args& args) {
  const auto parsed = parse_args("profiles", args, {}, kProfilesUsage);
  if (!parsed) return kExitBadInput;
  if (parsed->help) {
    std::cout << kProfilesUsage;
    return kExitOk;
  }
  const auto& profiles = scenarios::builtin_profiles();
  if (parsed->positional.size() > 1) return usage_error("profiles", "give at most one profile name", kProfilesUsage);
  if (parsed->positional.size() == 1) {
    const std::string& name = parsed->positional.front();
    std::vector<std::string> names;
    for (const auto& profile : profiles) {
      if (profile.name == name) {
        std::cout << profile.text;
        return kExitOk;
      }
      names.push_back(profile.name);
    }
    std::cerr << "viosim profiles: unknown profile \"" << name << "\"" << scenarios::did_you_mean(name, names)
              << " (built-in: " << scenarios::join(names) << ")\n";
    return kExitBadInput;
  }
  size_t width = 0;
  for (const auto& profile : profiles) width = std::max(width, profile.name.size());
  for (const auto& profile : profiles) {
    std::cout << profile.name << std::string(width + 2 - profile.name.size(), ' ') << profile.description << "\n";
  }
  return kExitOk;
}

int list_models_command(const Args& args) {
  const auto parsed = parse_args("list-models", args, {}, kListModelsUsage);
  if (!parsed) return kExitBadInput;
  if (parsed->help) {
    std::cout << kListModelsUsage;
    return kExitOk;
  }
  if (!parsed->positional.empty()) return usage_error("list-models", "takes no arguments", kListModelsUsage);
  core::ModelRegistry registry;
  models::register_builtin_models(registry);
  for (const core::ComponentSpec* spec : registry.models()) {
    std::cout << spec->type << "\n    " << spec->help << "\n";
    for (const auto& param : spec->params) {
      std::cout << "    param " << param.name;
      const auto unit = core::unit_symbol(param.unit);
      if (!unit.empty()) std::cout << " [" << unit << "]";
      if (!param.default_value.empty()) std::cout << " = " << param.default_value;
      std::cout << ": " << param.help << "\n";
    }
    for (const auto& port : spec->ports) {
      std::cout << "    port  " << port.name << (port.direction == core::PortDirection::kIn ? " (in " : " (out ")
                << port.payload << "): " << port.help << "\n";
    }
    for (const auto& stat : spec->stats) {
      std::cout << "    stat  " << stat.name;
      const auto unit = core::unit_symbol(stat.unit);
      if (!unit.empty()) std::cout << " [" << unit << "]";
      std::cout << ": " << stat.help << "\n";
    }
    std::cout << "\n";
  }
  return kExitOk;
}

int schema_command(const Args& args) {
  const auto parsed = parse_args("schema", args, {}, kSchemaUsage);
  if (!parsed) return kExitBadInput;
  if (parsed->help) {
    std::cout << kSchemaUsage;
    return kExitOk;
  }
  if (!parsed->positional.empty()) return usage_error("schema", "takes no arguments", kSchemaUsage);
  std::cout << schema::schema_reference(viosim::Scenario::descriptor()) << "\n"
            << schema::schema_reference(viosim::HostProfile::descriptor());
  return kExitOk;
}

}  // namespace viosim::cli
