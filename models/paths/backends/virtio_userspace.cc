// virtio-net with QEMU's userspace device: a kick is an MMIO exit that KVM
// turns into an ioeventfd; QEMU's main loop wakes from ppoll, runs the TX
// bottom half and writev()s each frame to the tap; received frames wake the
// main loop through the tap, are copied into the RX ring, and the guest is
// interrupted with an MSI by ioctl.
#include "models/net/path_places.h"
#include "models/paths/assembly.h"
#include "models/paths/backend.h"
#include "models/paths/backends/backends.h"

namespace viosim::models {
namespace {

using namespace place;

class VirtioUserspaceBackend final : public Backend {
 public:
  // QEMU's virtio devices: queue sizes 256..1024 (VIRTQUEUE_MAX_SIZE),
  // powers of two; at most 1024 virtqueues (VIRTIO_QUEUE_MAX), one kept for
  // control: 511 queue pairs.
  VirtioUserspaceBackend()
      : Backend(PathBackend::kVirtioUserspace, "VIRTIO_USERSPACE",
                {.attachment = Attachment::kTap,
                 .virtio = true,
                 .ring_device = Virtqueue::Backend::kQemu,
                 .packed_ring = true,  // virtio.c's virtqueue_packed_* (QEMU 4.2)
                 .in_order = true,     // the device property in_order=on (QEMU 9.1)
                 .limits = {511, 256, 1024, true, 1}}) {}

  void build(VmAssembly& a) const override {
    const VmConfig& c = a.config;
    Assembly& host = a.host;
    a.build_virtio_queues();
    a.build_taps(kQemuMainLoop, "QEMU");
    std::vector<QemuVirtioNet::Queue> queues;
    for (uint32_t i = 0; i < a.pairs(); ++i) queues.push_back({a.queues[i].get(), &a.irq_vcpu(i), a.taps[i].get()});
    a.qemu = std::make_unique<QemuVirtioNet>(host.sim, a.own("qemu"), nullptr,
                                             host.thread(a.own("qemu_main"), c.backend_core), std::move(queues),
                                             host.pool, host.config.host_net, c.qemu, a.bridge_port(kQemuMainLoop, "QEMU"));
    a.hop(kVirtioNetDriver, "guest", kTxVring, "guest memory", "add + kick (MMIO exit, ioeventfd)");
    a.hop(kTxVring, "guest memory", kQemuMainLoop, "QEMU", "ppoll wake-up, TX bottom half");
    a.hop(kQemuMainLoop, "QEMU", kHostNic, "device", "writev(tap) -> " + std::string(a.host.switch_place()) + " -> NIC xmit");
    a.hop(kQemuMainLoop, "QEMU", kRxVring, "guest memory", "read(tap) + copy");
    a.hop(kRxVring, "guest memory", kVirtioNetDriver, "guest", "MSI by ioctl (KVM_SIGNAL_MSI)");
  }
};

}  // namespace

const Backend& virtio_userspace_backend() {
  static const VirtioUserspaceBackend b;
  return b;
}

}  // namespace viosim::models
