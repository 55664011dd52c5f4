// The scenario loader: the one way a scenario file becomes a run's input.
//
//   LoadResult result = load_scenario("scenarios/examples/rr_64b.textproto");
//   if (!result.ok()) { std::cerr << format_diagnostics(result.diagnostics); return 2; }
//   run(*result.scenario);
//
// Loading parses the file and its `base` chain (phase one: syntax, unknown
// fields, types), layers them and the command-line overrides, resolves
// defaults and the host profile, and validates the result (phase two:
// every semantic error, each at its file:line:col), then asks the builder
// to build it for every backend and sweep point it runs (phase three: what
// this build's models cannot run yet). A scenario is returned only when
// there is no error at all; every verb that loads it can then run it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scenarios/loader/diagnostic.h"
#include "scenarios/schema/viosim/scenario.pb.h"

namespace viosim::scenarios {

struct LoadOptions {
  // `--set field.path=value` overrides, applied in order after the base
  // chain and validated like file content; see field_path.h for paths.
  std::vector<std::string> set;
  // `--backend NAME`: run only this backend (every VM's nic.backend, no
  // compare list). Empty: as the scenario says.
  std::string backend;
};

struct LoadResult {
  std::optional<viosim::Scenario> scenario;  // resolved; set exactly when diagnostics is empty
  std::vector<Diagnostic> diagnostics;       // errors, in file order
  // Fields of a valid scenario that change nothing where they are (rx_usecs
  // under adaptive moderation, a NIC no VM uses, ...): shown as warnings,
  // the scenario still runs. Empty unless the scenario loaded.
  std::vector<Diagnostic> warnings;
  bool ok() const { return diagnostics.empty(); }
};

// Loads the scenario file at `path` (shown in diagnostics as given).
LoadResult load_scenario(const std::string& path, const LoadOptions& options = {});

// Loads scenario text held in memory, shown in diagnostics as
// `display_path`; a `base` is read from disk relative to that path.
LoadResult load_scenario_text(const std::string& display_path, const std::string& text,
                              const LoadOptions& options = {});

// A resolved scenario as a scenario file (with the proto-file and
// proto-message header lines), which loads back to the same scenario.
std::string to_textproto(const viosim::Scenario& scenario);

}  // namespace viosim::scenarios
