// libFuzzer target on the scenario loader: any bytes as a scenario file.
// It must never crash or trip a sanitizer, and a scenario the loader
// accepts must be one the models build and run: every backend it compares
// is run for a few simulated microseconds (long enough to construct the
// whole path and move the first packets), and the resolved scenario must
// load back to the same message.
//
// Built by -DVIOSIM_FUZZ=ON with clang (see scripts/fuzz.sh, which CI runs
// for 60 s over tests/fuzz/corpus, the examples and the invalid cases).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>

#include "models/paths/path_model.h"
#include "scenarios/builder/path_builder.h"
#include "scenarios/loader/loader.h"

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& input) {
  std::cerr << "loader_fuzz: " << what << "\n--- input ---\n" << input << "\n";
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace viosim;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const scenarios::LoadResult loaded = scenarios::load_scenario_text("fuzz.textproto", text);
  if (!loaded.ok()) {
    if (scenarios::format_diagnostics(loaded.diagnostics).empty()) fail("refused without a message", text);
    return 0;
  }
  const Scenario& scenario = *loaded.scenario;
  const scenarios::LoadResult again = scenarios::load_scenario_text("resolved.textproto", scenarios::to_textproto(scenario));
  if (!again.ok()) fail("the resolved scenario does not load:\n" + scenarios::format_diagnostics(again.diagnostics), text);
  if (again.scenario->SerializeAsString() != scenario.SerializeAsString()) fail("the resolved scenario differs", text);
  for (const models::PathBackend backend : scenarios::compared_backends(scenario)) {
    models::PathConfig config;
    try {
      config = scenarios::build_path_config(scenario, backend);
    } catch (const std::exception& e) {
      fail(std::string("validated, then the builder refused it: ") + e.what(), text);
    }
    config.warmup = core::Microseconds(2);
    config.duration = core::Microseconds(10);
    try {
      models::run_path(config);
    } catch (const std::exception& e) {
      fail(std::string("validated, then the run failed: ") + e.what(), text);
    }
  }
  return 0;
}
