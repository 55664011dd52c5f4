// The limits, with their sources (see reference/mechanisms.md 1.2, 3.2, 4.3
// and 7.2).
#include "scenarios/loader/backend_limits.h"

namespace viosim::scenarios {

const BackendLimits& backend_limits(viosim::Backend backend) {
  // QEMU's virtio devices: queue sizes 256..1024 (VIRTQUEUE_MAX_SIZE), powers
  // of two; at most 1024 virtqueues (VIRTIO_QUEUE_MAX), one kept for control:
  // 511 queue pairs.
  static const BackendLimits kVirtio{511, 256, 1024, true, 1};
  // DPDK lib/vhost: VHOST_MAX_QUEUE_PAIRS 128; sizes as QEMU's.
  static const BackendLimits kVhostUser{128, 256, 1024, true, 1};
  // One queue; the Linux e1000 driver takes 4096 descriptors at most, in
  // multiples of 8 (REQ_RX_DESCRIPTOR_MULTIPLE).
  static const BackendLimits kE1000{1, 64, 4096, false, 8};
  // A VF or the host NIC itself: queues bounded by the NIC, ring sizes as
  // Intel's drivers take them (64..4096, multiples of 8).
  static const BackendLimits kHardware{0, 64, 4096, false, 8};
  switch (backend) {
    case viosim::E1000: return kE1000;
    case viosim::VIRTIO_USERSPACE:
    case viosim::VHOST_NET: return kVirtio;
    case viosim::VHOST_USER: return kVhostUser;
    case viosim::PASSTHROUGH:
    case viosim::BARE_METAL: return kHardware;
  }
  return kVirtio;
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

}  // namespace viosim::scenarios
