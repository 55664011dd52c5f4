// What each backend allows a guest NIC to have: queue pairs and ring sizes.
// One table, shared by the validator and (later) the model builder, so a
// scenario that passes validation is one the backend can really run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "scenarios/schema/viosim/host.pb.h"
#include "scenarios/schema/viosim/vm.pb.h"

namespace viosim::scenarios {

struct BackendLimits {
  uint32_t max_queues = 1;           // 0: bounded by the uplink NIC's queues
  uint32_t min_queue_size = 64;
  uint32_t max_queue_size = 4096;
  bool queue_size_power_of_two = true;
  uint32_t queue_size_multiple = 1;  // ring length granularity
};

const BackendLimits& backend_limits(viosim::Backend backend);

// Why `nic` cannot run on `backend` (with `uplink` its host NIC, if any):
// queue count first, then ring size; nothing when it can.
std::optional<std::string> queue_problem(viosim::Backend backend, const viosim::VmNic& nic, const viosim::Nic* uplink);
std::optional<std::string> queue_size_problem(viosim::Backend backend, const viosim::VmNic& nic);

}  // namespace viosim::scenarios
