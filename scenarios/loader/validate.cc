// The entry points of validation and the scenario-wide rules.
#include "scenarios/loader/validate.h"

#include <cmath>
#include <vector>

#include "scenarios/loader/validate_ranges.h"
#include "scenarios/schema/field_options.h"

namespace viosim::scenarios {

std::string cores_text(uint32_t cores) {
  if (cores <= 1) return "only core 0";
  return "cores 0-" + std::to_string(cores - 1);
}

Issues validate_scenario(const viosim::Scenario& scenario) {
  Issues issues;
  check_ranges(scenario, "", &issues);
  if (scenario.name().empty()) {
    issues.push_back({"name", "the scenario has no name; give it a short title, e.g. name: \"64B RR, vhost-net\""});
  }
  const auto& run = scenario.run();
  // Only between values that are themselves valid; otherwise the range
  // errors say it all.
  const bool run_valid = std::isfinite(run.warmup_ms()) && std::isfinite(run.duration_ms()) &&
                         run.warmup_ms() >= 0 && run.duration_ms() > 0;
  if (run_valid && run.warmup_ms() >= run.duration_ms()) {
    issues.push_back({"run.warmup_ms", "warm-up of " + schema::format_number(run.warmup_ms()) +
                                           " ms is not shorter than the run of " +
                                           schema::format_number(run.duration_ms()) + " ms"});
  }
  validate_host_and_vms(scenario, &issues);
  validate_traffic(scenario, &issues);
  validate_sweep(scenario, &issues);
  validate_plan(scenario, &issues);
  return issues;
}

Issues validate_profile(const viosim::HostProfile& profile) {
  Issues issues;
  check_ranges(profile, "", &issues);
  if (profile.name().empty()) issues.push_back({"name", "the profile has no name"});
  const auto* type = viosim::HostCosts::descriptor();
  const auto* reflection = profile.costs().GetReflection();
  std::vector<std::string> missing;
  for (int i = 0; i < type->field_count(); ++i) {
    if (!reflection->HasField(profile.costs(), type->field(i))) missing.push_back(type->field(i)->name());
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& name : missing) list += (list.empty() ? "" : ", ") + name;
    issues.push_back({"costs", "a profile must set every cost; missing: " + list});
  }
  if (!profile.has_nic_driver()) {
    issues.push_back({"nic_driver", "a profile must name the NIC class its nic_* costs describe (nic_driver)"});
  }
  const viosim::Virtualization& v = profile.virtualization();
  if (!v.has_apicv() || !v.has_vtd_posted_interrupts() || !v.has_ipi_virtualization()) {
    issues.push_back({"virtualization",
                      "a profile must say which interrupt virtualization its host offers: apicv, "
                      "vtd_posted_interrupts and ipi_virtualization"});
  }
  check_virtualization(v, "virtualization", &issues);
  return issues;
}

}  // namespace viosim::scenarios
