// A small command-line scanner shared by the subcommands: options with and
// without values (`--set k=v`, `--set=k=v`, `-o DIR`, `-j4`), positional
// arguments, `--` and `--help`, with "did you mean" for unknown options.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "scenarios/schema/viosim/scenario.pb.h"

namespace viosim::cli {

struct OptionSpec {
  std::string name;        // "--set"
  std::string alias;       // "-o", or empty
  bool takes_value = false;
  bool repeatable = false;
};

struct ParsedArgs {
  std::map<std::string, std::vector<std::string>> values;  // by option name
  std::vector<std::string> positional;
  bool help = false;
};

// Parses `args` for `command`; on a usage error prints it and `usage` to
// stderr and returns nothing (the caller exits with kExitBadInput).
std::optional<ParsedArgs> parse_args(const std::string& command, const Args& args,
                                     const std::vector<OptionSpec>& options, const std::string& usage);

// Loads the first positional argument as a scenario with the `--set`
// overrides and the `--backend` choice in `parsed`; on any error prints the
// diagnostics to stderr and returns nothing (the caller exits with
// kExitBadInput).
std::optional<viosim::Scenario> load_scenario_from_args(const ParsedArgs& parsed);

// A slice of a job array: `--shard K/N`, 1 <= K <= N.
struct Shard {
  int k = 1;
  int n = 1;
};
// Nothing when `text` is not "K/N" with 1 <= K <= N <= 100000.
std::optional<Shard> parse_shard(const std::string& text);

// Prints "viosim COMMAND: message" and the usage to stderr; returns kExitBadInput.
int usage_error(const std::string& command, const std::string& message, const std::string& usage);

}  // namespace viosim::cli
