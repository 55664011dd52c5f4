// The only place a validated scenario becomes model configuration: one
// models::PathConfig per backend the scenario compares (or its VM's own
// backend), with every cost converted from the host profile's units to
// cycles at the profile's frequency.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "models/paths/path_config.h"
#include "scenarios/schema/viosim/scenario.pb.h"

namespace viosim::scenarios {

// A scenario that asks for something the models do not cover yet (several
// VMs, VM-to-VM traffic, a frame mix, TCP, ...): the message says what, and
// `path` names the field it is about ("vm[1]", "traffic.flow[0].protocol";
// "" for the scenario as a whole). The loader calls the builder for every
// backend a scenario runs, so this reaches users as a validation error at
// that field, never at run time.
class NotModelled : public std::runtime_error {
 public:
  NotModelled(std::string path, const std::string& message) : std::runtime_error(message), path_(std::move(path)) {}
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

models::PathBackend model_backend(viosim::Backend backend);
// The backends a run of `scenario` runs, in order (sweep::run_backends).
std::vector<models::PathBackend> compared_backends(const viosim::Scenario& scenario);
// The scenario's path on `backend`, ready for models::run_path. Throws
// NotModelled for what the models cannot run (see above), and
// std::invalid_argument where models::check_path refuses the result.
models::PathConfig build_path_config(const viosim::Scenario& scenario, models::PathBackend backend);

}  // namespace viosim::scenarios
