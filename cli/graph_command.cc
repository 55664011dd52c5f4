// `viosim graph FILE [--backend NAME]`: the wired path of each compared
// backend (or the one named) as Graphviz DOT, for slides and for checking.
#include <iostream>

#include "cli/arguments.h"
#include "cli/commands.h"
#include "models/paths/path_graph.h"
#include "scenarios/builder/path_builder.h"
#include "scenarios/loader/loader.h"

namespace viosim::cli {
namespace {

constexpr char kUsage[] =
    "usage: viosim graph FILE [--backend NAME] [--set field.path=value]...\n"
    "\n"
    "Prints the path a packet takes through each backend the scenario compares\n"
    "(or only NAME) as Graphviz DOT: one digraph per backend, a box per hop,\n"
    "an edge per mechanism. Render with: viosim graph FILE | dot -Tsvg > path.svg\n"
    "\n"
    "options:\n"
    "  --backend NAME     only this backend (E1000, VIRTIO_USERSPACE, VHOST_NET, ...)\n"
    "  --set PATH=VALUE   override a field, as for run\n"
    "  --help             this text\n"
    "\n"
    "exit status: 0 ok, 2 bad scenario or arguments\n";

}  // namespace

int graph_command(const Args& args) {
  const auto parsed = parse_args("graph", args, {{"--set", "", true, true}, {"--backend", "", true, false}}, kUsage);
  if (!parsed) return kExitBadInput;
  if (parsed->help) {
    std::cout << kUsage;
    return kExitOk;
  }
  if (parsed->positional.size() != 1) return usage_error("graph", "give exactly one scenario file", kUsage);
  const std::string& file = parsed->positional.front();
  const std::optional<viosim::Scenario> scenario = load_scenario_from_args(*parsed);
  if (!scenario) return kExitBadInput;
  try {
    for (models::PathBackend backend : scenarios::compared_backends(*scenario)) {
      const models::PathConfig config = scenarios::build_path_config(*scenario, backend);
      const models::PathGraph graph = models::build_path_graph(config);
      models::check_path_graph(graph);
      models::write_dot(graph, std::string(models::backend_name(backend)), std::cout);
    }
  } catch (const scenarios::NotModelled& e) {
    std::cerr << file << ": error: not modelled yet: " << e.what() << "\n";
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace viosim::cli
