// The only place a validated scenario becomes model configuration: one
// models::PathConfig per backend the scenario compares (or its VM's own
// backend), with every cost converted from the host profile's units to
// cycles at the profile's frequency.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "models/paths/path_config.h"
#include "scenarios/schema/viosim/scenario.pb.h"

namespace viosim::scenarios {

// A valid scenario that asks for something the models do not cover yet
// (several VMs, VM-to-VM traffic, a frame mix, ...): the message says what.
class NotModelled : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::vector<models::PathBackend> compared_backends(const viosim::Scenario& scenario);
models::PathConfig build_path_config(const viosim::Scenario& scenario, models::PathBackend backend);

}  // namespace viosim::scenarios
