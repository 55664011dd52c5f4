// Argument scanning. Errors name the offending argument and suggest the
// option that was probably meant.
#include "cli/arguments.h"

#include <iostream>

#include "scenarios/loader/loader.h"
#include "scenarios/loader/suggest.h"

namespace viosim::cli {

std::optional<viosim::Scenario> load_scenario_from_args(const ParsedArgs& parsed) {
  scenarios::LoadOptions options;
  if (auto it = parsed.values.find("--set"); it != parsed.values.end()) options.set = it->second;
  if (auto it = parsed.values.find("--backend"); it != parsed.values.end()) options.backend = it->second.front();
  auto result = scenarios::load_scenario(parsed.positional.front(), options);
  if (!result.ok()) {
    std::cerr << scenarios::format_diagnostics(result.diagnostics);
    return std::nullopt;
  }
  std::cerr << scenarios::format_diagnostics(result.warnings);
  return std::move(result.scenario);
}

int usage_error(const std::string& command, const std::string& message, const std::string& usage) {
  std::cerr << "viosim " << command << ": " << message << "\n\n" << usage;
  return kExitBadInput;
}

std::optional<ParsedArgs> parse_args(const std::string& command, const Args& args,
                                     const std::vector<OptionSpec>& options, const std::string& usage) {
  ParsedArgs parsed;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (options_done || arg.size() < 2 || arg[0] != '-') {
      parsed.positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      parsed.help = true;
      continue;
    }
    size_t equals = arg.find('=');
    std::string name = arg.substr(0, equals);
    const OptionSpec* spec = nullptr;
    for (const OptionSpec& option : options) {
      if (option.name == name || (!option.alias.empty() && option.alias == name)) spec = &option;
    }
    // A short option with its value attached, as in make: -j4, -oDIR.
    if (spec == nullptr && arg[1] != '-') {
      for (const OptionSpec& option : options) {
        if (option.takes_value && option.alias.size() == 2 && arg.compare(0, 2, option.alias) == 0) {
          spec = &option;
          name = option.alias;
          equals = 1;  // the value starts right after the alias
        }
      }
    }
    if (spec == nullptr) {
      std::vector<std::string> names{"--help"};
      for (const OptionSpec& option : options) names.push_back(option.name);
      usage_error(command, "unknown option \"" + name + "\"" + scenarios::did_you_mean(name, names), usage);
      return std::nullopt;
    }
    std::string value;
    if (spec->takes_value) {
      if (equals != std::string::npos) {
        value = arg.substr(equals + 1);
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        usage_error(command, "option " + spec->name + " needs a value", usage);
        return std::nullopt;
      }
    } else if (equals != std::string::npos) {
      usage_error(command, "option " + spec->name + " takes no value", usage);
      return std::nullopt;
    }
    auto& slot = parsed.values[spec->name];
    if (!slot.empty() && !spec->repeatable) {
      usage_error(command, "option " + spec->name + " is given twice", usage);
      return std::nullopt;
    }
    slot.push_back(value);
  }
  return parsed;
}

std::optional<Shard> parse_shard(const std::string& text) {
  const size_t slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  auto whole = [](const std::string& part) -> std::optional<int> {
    if (part.empty() || part.size() > 6 || part.find_first_not_of("0123456789") != std::string::npos) {
      return std::nullopt;
    }
    return std::stoi(part);
  };
  const auto k = whole(text.substr(0, slash));
  const auto n = whole(text.substr(slash + 1));
  if (!k || !n || *k < 1 || *n < 1 || *k > *n || *n > 100000) return std::nullopt;
  return Shard{*k, *n};
}

}  // namespace viosim::cli
