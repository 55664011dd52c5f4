// `viosim validate FILE...`: loads each file as `run` would and reports
// every error of every file; status 2 if any file is bad.
#include <iostream>

#include "cli/arguments.h"
#include "cli/commands.h"
#include "scenarios/loader/loader.h"

namespace viosim::cli {
namespace {

constexpr char kUsage[] =
    "usage: viosim validate FILE... [--set field.path=value]... [--backend NAME]\n"
    "\n"
    "Checks scenario files without running them: syntax, unknown fields, types,\n"
    "then every semantic rule (names, pinning, queues, rates, ...), then asks\n"
    "the models to build it for every backend and every sweep point it runs:\n"
    "what validate accepts, run, sweep, explain, graph and the GUI run.\n"
    "Fields that change nothing where they are are reported as warnings.\n"
    "Errors go to stderr as file:line:col: error: message; valid files are\n"
    "listed on stdout.\n"
    "\n"
    "options:\n"
    "  --set PATH=VALUE   override a field in every FILE, e.g. --set vm[0].vcpus=4\n"
    "                     (repeatable; checked like file content)\n"
    "  --backend NAME     check as `viosim run --backend NAME` would run it\n"
    "  --help             this text\n"
    "\n"
    "exit status: 0 all valid, 2 any invalid or bad arguments\n";

}  // namespace

int validate_command(const Args& args) {
  const auto parsed = parse_args("validate", args, {{"--set", "", true, true}, {"--backend", "", true, false}}, kUsage);
  if (!parsed) return kExitBadInput;
  if (parsed->help) {
    std::cout << kUsage;
    return kExitOk;
  }
  if (parsed->positional.empty()) return usage_error("validate", "no scenario file given", kUsage);

  scenarios::LoadOptions options;
  if (auto it = parsed->values.find("--set"); it != parsed->values.end()) options.set = it->second;
  if (auto it = parsed->values.find("--backend"); it != parsed->values.end()) options.backend = it->second.front();

  int status = kExitOk;
  for (const std::string& file : parsed->positional) {
    const auto result = scenarios::load_scenario(file, options);
    if (result.ok()) {
      std::cerr << scenarios::format_diagnostics(result.warnings);
      std::cout << file << ": ok";
      if (!result.warnings.empty()) {
        std::cout << " (" << result.warnings.size() << (result.warnings.size() == 1 ? " warning" : " warnings") << ")";
      }
      std::cout << "\n";
      continue;
    }
    std::cerr << scenarios::format_diagnostics(result.diagnostics);
    std::cerr << file << ": " << result.diagnostics.size() << (result.diagnostics.size() == 1 ? " error\n" : " errors\n");
    status = kExitBadInput;
  }
  return status;
}

}  // namespace viosim::cli
