// `viosim explain FILE`: follow one packet through one backend's path and
// print its journey (hops, what moved it on, what the cores did).
#include <charconv>
#include <iostream>

#include "cli/arguments.h"
#include "cli/commands.h"
#include "scenarios/builder/path_builder.h"
#include "scenarios/explain/explain.h"
#include "scenarios/loader/loader.h"

namespace viosim::cli {
namespace {

constexpr char kUsage[] =
    "usage: viosim explain FILE [--backend NAME] [--packet N] [--flow NAME] [--set field.path=value]...\n"
    "\n"
    "Follows one packet through one backend's path and prints its journey: each\n"
    "hop with its time and place (as `viosim graph` names them) and what moved\n"
    "it on in between (kicks, exits, interrupts, wake-ups, eventfd signals,\n"
    "copies, polls, system calls), then what every core did over the same\n"
    "interval. Times are in microseconds after the packet's birth.\n"
    "\n"
    "Packet N is the N-th (from 0) to reach its destination application after\n"
    "the warm-up, in order of that time: requests, responses and data alike.\n"
    "The run is played twice with the same seed: once to find the packet, once\n"
    "to record its journey; each stops soon after the packet.\n"
    "\n"
    "options:\n"
    "  --backend NAME     the backend to follow it through (E1000, VIRTIO_USERSPACE,\n"
    "                     VHOST_NET, ...); default: the first the scenario compares\n"
    "  --packet N         which packet (default 0: the first delivered after the warm-up)\n"
    "  --flow NAME        count only this flow's packets\n"
    "  --set PATH=VALUE   override a field, as for run\n"
    "  --help             this text\n"
    "\n"
    "exit status: 0 ok, 1 the run failed, 2 bad scenario, arguments or packet\n";

bool parse_count(const std::string& text, uint64_t& out) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return !text.empty() && ec == std::errc() && ptr == end;
}

}  // namespace

int explain_command(const Args& args) {
  const auto parsed = parse_args("explain", args,
                                 {{"--set", "", true, true},
                                  {"--backend", "", true, false},
                                  {"--packet", "", true, false},
                                  {"--flow", "", true, false}},
                                 kUsage);
  if (!parsed) return kExitBadInput;
  if (parsed->help) {
    std::cout << kUsage;
    return kExitOk;
  }
  if (parsed->positional.size() != 1) return usage_error("explain", "give exactly one scenario file", kUsage);
  explain::ExplainOptions explain_options;
  if (auto it = parsed->values.find("--packet"); it != parsed->values.end()) {
    if (!parse_count(it->second.front(), explain_options.packet)) {
      return usage_error("explain", "--packet takes a packet number (0, 1, 2, ...), not \"" + it->second.front() + "\"",
                         kUsage);
    }
  }
  if (auto it = parsed->values.find("--flow"); it != parsed->values.end()) explain_options.flow = it->second.front();

  // As for run and graph: --backend replaces the scenario's comparison.
  const std::string& file = parsed->positional.front();
  const std::optional<viosim::Scenario> scenario = load_scenario_from_args(*parsed);
  if (!scenario) return kExitBadInput;
  if (scenario->sweep().axis_size() > 0) {
    std::cerr << "viosim explain: " << file << " has a sweep; explain follows a packet of its base point\n";
  }
  try {
    std::cout << explain::journey_text(explain::explain_packet(*scenario, explain_options));
  } catch (const explain::ExplainError& e) {
    std::cerr << "viosim explain: " << file << ": " << e.what() << "\n";
    return kExitBadInput;
  } catch (const scenarios::NotModelled& e) {
    std::cerr << file << ": error: this build cannot run the scenario: not modelled yet: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "viosim explain: the run failed: " << e.what() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace viosim::cli
