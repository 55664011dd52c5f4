// What each backend allows a guest NIC to have: queue pairs and ring sizes,
// as the backend object states them (models/paths/backend.h), so a scenario
// that passes validation is one the backend can really run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "models/paths/backend.h"
#include "scenarios/schema/viosim/host.pb.h"
#include "scenarios/schema/viosim/vm.pb.h"

namespace viosim::scenarios {

using BackendLimits = models::QueueLimits;

const BackendLimits& backend_limits(viosim::Backend backend);

// Why `nic` cannot run on `backend` (with `uplink` its host NIC, if any):
// queue count first, then ring size; nothing when it can.
std::optional<std::string> queue_problem(viosim::Backend backend, const viosim::VmNic& nic, const viosim::Nic* uplink);
std::optional<std::string> queue_size_problem(viosim::Backend backend, const viosim::VmNic& nic);
// Why `nic`'s virtio features cannot run on `backend`, and which feature
// field it is; nothing when they can (or when the backend is not virtio and
// ignores them).
struct FeatureProblem {
  std::string field;  // under features
  std::string text;
};
std::optional<FeatureProblem> features_problem(viosim::Backend backend, const viosim::VmNic& nic);
// Why `vm`'s guest.bql cannot run on `backend` with `uplink` (its host NIC).
std::optional<std::string> bql_problem(viosim::Backend backend, const viosim::Vm& vm, const viosim::Nic* uplink);

}  // namespace viosim::scenarios
