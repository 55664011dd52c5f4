// viosim: the command-line entry point. Dispatches to a subcommand; every
// failure ends in a message and a documented exit status, never a crash.
#include <exception>
#include <iostream>
#include <string>

#include "cli/commands.h"
#include "scenarios/loader/suggest.h"

namespace viosim::cli {
namespace {

constexpr char kUsage[] =
    "usage: viosim COMMAND [ARGS]\n"
    "\n"
    "Simulates virtualized network I/O paths (e1000, virtio + QEMU, vhost-net,\n"
    "vhost-user, passthrough, vDPA, bare metal) from scenario files.\n"
    "\n"
    "commands:\n"
    "  validate FILE...        check scenario files; report every error\n"
    "  run FILE [--plot]       load a scenario and run it\n"
    "  plot RESULTS_DIR        draw a results folder's charts (PNG and SVG)\n"
    "  sweep FILE              run a scenario's sweep: points in parallel, resumable, with intervals\n"
    "  search FILE             find each backend's zero-loss and partial-drop rates (NDR, PDR)\n"
    "  plan FILE               answer the scenario's plan: how many VMs, how few cores, how fast\n"
    "  profiles [NAME]         list the built-in host profiles, or print one\n"
    "  list-models             list the model types of this build\n"
    "  schema                  print every scenario field: type, unit, default, range, help\n"
    "  graph FILE              print each compared path as Graphviz DOT\n"
    "  explain FILE            follow one packet through a path: hops, causes, cores\n"
    "  lesson FILE             print a lesson's steps, run them and check its figures\n"
    "\n"
    "options:\n"
    "  --help                  this text; `viosim COMMAND --help` for a command\n"
    "  --version               print the version\n"
    "\n"
    "exit status: 0 ok, 1 runtime failure, 2 bad input or usage\n";

struct Command {
  const char* name;
  int (*function)(const Args&);
};

constexpr Command kCommands[] = {
    {"validate", validate_command}, {"run", run_command},
    {"plot", plot_command},         {"sweep", sweep_command},
    {"search", search_command},     {"plan", plan_command},
    {"profiles", profiles_command}, {"list-models", list_models_command},
    {"schema", schema_command},     {"graph", graph_command},
    {"explain", explain_command},   {"lesson", lesson_command},
};

int dispatch(const Args& args) {
  if (args.empty()) {
    std::cerr << "viosim: no command given\n\n" << kUsage;
    return kExitBadInput;
  }
  const std::string& first = args[0];
  if (first == "--help" || first == "-h") {
    std::cout << kUsage;
    return kExitOk;
  }
  if (first == "--version") {
    std::cout << "viosim " << VIOSIM_VERSION << "\n";
    return kExitOk;
  }
  if (first == "help") {
    if (args.size() == 1) {
      std::cout << kUsage;
      return kExitOk;
    }
    return dispatch({args[1], "--help"});
  }
  const Args rest(args.begin() + 1, args.end());
  std::vector<std::string> names{"help"};
  for (const Command& command : kCommands) {
    if (first == command.name) return command.function(rest);
    names.push_back(command.name);
  }
  const std::string what = first.rfind("-", 0) == 0 ? "option" : "command";
  names.push_back("--help");
  names.push_back("--version");
  std::cerr << "viosim: unknown " << what << " \"" << first << "\"" << scenarios::did_you_mean(first, names) << "\n\n"
            << kUsage;
  return kExitBadInput;
}

}  // namespace
}  // namespace viosim::cli

int main(int argc, char** argv) {
  try {
    return viosim::cli::dispatch(viosim::cli::Args(argv + 1, argv + argc));
  } catch (const std::exception& error) {
    std::cerr << "viosim: internal error: " << error.what() << "\n";
  } catch (...) {
    std::cerr << "viosim: internal error\n";
  }
  return viosim::cli::kExitFailure;
}
