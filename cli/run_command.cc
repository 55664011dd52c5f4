// `viosim run FILE`: loads, validates and resolves the scenario exactly as a
// run will. No network-path models exist yet, so it stops there, says so,
// and writes nothing; a later change adds the models and the results folder.
#include <iostream>

#include "cli/arguments.h"
#include "cli/commands.h"
#include "scenarios/loader/loader.h"

namespace viosim::cli {
namespace {

constexpr char kUsage[] =
    "usage: viosim run FILE [-o DIR] [--set field.path=value]... [--backend NAME]\n"
    "\n"
    "Loads and validates FILE, then runs it and writes one folder of results\n"
    "(resolved scenario, summary.json, CSV files, plots) under DIR.\n"
    "NOTE: no I/O path models are built yet; run validates and resolves the\n"
    "scenario, then stops with status 1 without writing anything.\n"
    "\n"
    "options:\n"
    "  -o, --output DIR   where to write results (default: results/)\n"
    "  --set PATH=VALUE   override a field, e.g. --set vm[0].nic.queues=2 (repeatable)\n"
    "  --backend NAME     run only this backend on every VM, ignoring compare\n"
    "  --help             this text\n"
    "\n"
    "exit status: 0 ok, 1 the run failed, 2 bad scenario or arguments\n";

}  // namespace

int run_command(const Args& args) {
  const auto parsed = parse_args(
      "run", args, {{"--output", "-o", true, false}, {"--set", "", true, true}, {"--backend", "", true, false}}, kUsage);
  if (!parsed) return kExitBadInput;
  if (parsed->help) {
    std::cout << kUsage;
    return kExitOk;
  }
  if (parsed->positional.empty()) return usage_error("run", "no scenario file given", kUsage);
  if (parsed->positional.size() > 1) {
    return usage_error("run", "one scenario file at a time; got " + std::to_string(parsed->positional.size()), kUsage);
  }
  if (auto it = parsed->values.find("--output"); it != parsed->values.end() && it->second.front().empty()) {
    return usage_error("run", "option --output needs a directory", kUsage);
  }

  scenarios::LoadOptions options;
  if (auto it = parsed->values.find("--set"); it != parsed->values.end()) options.set = it->second;
  if (auto it = parsed->values.find("--backend"); it != parsed->values.end()) options.backend = it->second.front();

  const std::string& file = parsed->positional.front();
  const auto result = scenarios::load_scenario(file, options);
  if (!result.ok()) {
    std::cerr << scenarios::format_diagnostics(result.diagnostics);
    return kExitBadInput;
  }
  std::cerr << "viosim run: " << file << " is valid and resolved, but no I/O path models are built yet,\n"
            << "so nothing was run and no output was written.\n";
  return kExitFailure;
}

}  // namespace viosim::cli
