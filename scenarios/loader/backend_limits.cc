// Queue problems against each backend's own limits (its file in
// models/paths/backends/ gives their sources).
#include "scenarios/loader/backend_limits.h"

#include <stdexcept>

namespace viosim::scenarios {

const BackendLimits& backend_limits(viosim::Backend backend) {
  const models::Backend* b = models::find_backend(viosim::Backend_Name(backend));
  if (b == nullptr) throw std::logic_error("backend " + viosim::Backend_Name(backend) + " has no model");
  return b->traits().limits;
}

std::optional<std::string> queue_problem(viosim::Backend backend, const viosim::VmNic& nic, const viosim::Nic* uplink) {
  const BackendLimits& limits = backend_limits(backend);
  const std::string name = viosim::Backend_Name(backend);
  if (limits.max_queues > 0) {
    if (nic.queues() <= limits.max_queues) return std::nullopt;
    return std::to_string(nic.queues()) + " queues, more than the " + std::to_string(limits.max_queues) + " that " +
           name + " allows";
  }
  if (uplink == nullptr || nic.queues() <= uplink->queues()) return std::nullopt;  // unknown uplinks are reported apart
  return std::to_string(nic.queues()) + " queues, more than the " + std::to_string(uplink->queues()) +
         " of its uplink nic \"" + uplink->name() + "\", which bound " + name;
}

std::optional<std::string> queue_size_problem(viosim::Backend backend, const viosim::VmNic& nic) {
  const BackendLimits& limits = backend_limits(backend);
  const uint32_t size = nic.queue_size();
  const std::string name = viosim::Backend_Name(backend);
  const std::string has = "queue_size " + std::to_string(size) + ", ";
  if (size < limits.min_queue_size || size > limits.max_queue_size) {
    return has + "outside the " + std::to_string(limits.min_queue_size) + " to " +
           std::to_string(limits.max_queue_size) + " that " + name + " takes";
  }
  if (limits.queue_size_power_of_two && (size & (size - 1)) != 0) {
    return has + "not the power of two that " + name + " needs";
  }
  if (size % limits.queue_size_multiple != 0) {
    return has + "not the multiple of " + std::to_string(limits.queue_size_multiple) + " that " + name + " needs";
  }
  return std::nullopt;
}

std::optional<FeatureProblem> features_problem(viosim::Backend backend, const viosim::VmNic& nic) {
  const models::Backend* b = models::find_backend(viosim::Backend_Name(backend));
  if (b == nullptr || !b->traits().virtio) return std::nullopt;
  const std::string name = viosim::Backend_Name(backend);
  if (!b->traits().packed_ring && nic.features().ring_packed()) {
    return FeatureProblem{"ring_packed", "features.ring_packed (VIRTIO_F_RING_PACKED), which " + name +
                                             " does not implement: kernel vhost serves split rings only "
                                             "(VHOST_NET_FEATURES lacks the bit), so QEMU with vhost=on masks it"};
  }
  if (!b->traits().in_order && nic.features().in_order()) {
    return FeatureProblem{"in_order", "features.in_order (VIRTIO_F_IN_ORDER), which " + name +
                                          " does not offer: mlx5_vdpa's device features lack the bit, so vhost-vdpa "
                                          "cannot negotiate it"};
  }
  return std::nullopt;
}

std::optional<std::string> bql_problem(viosim::Backend backend, const viosim::Vm& vm, const viosim::Nic* uplink) {
  const models::Backend* b = models::find_backend(viosim::Backend_Name(backend));
  if (!vm.guest().bql() || b == nullptr || uplink == nullptr || uplink->driver() != viosim::I40E) return std::nullopt;
  const models::Attachment a = b->traits().attachment;
  if (a != models::Attachment::kVf && a != models::Attachment::kNative) return std::nullopt;
  return "bql on " + viosim::Backend_Name(backend) + " over the I40E-class nic \"" + uplink->name() +
         "\": its driver asks for a report of every fourth frame only (WB_STRIDE), so a queue BQL stops with fewer "
         "unreported frames waits for the driver's forced write-back, which is not modelled (it would never run "
         "again); use another driver class or leave bql off";
}

}  // namespace viosim::scenarios
