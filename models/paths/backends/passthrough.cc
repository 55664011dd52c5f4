// Passthrough (VFIO, an SR-IOV VF): the guest's driver owns a hardware
// queue pair; doorbells reach the device without exits, DMA goes through
// the IOMMU's IOTLB, and interrupts are posted (VT-d) or remapped through
// the host's IRQ, VFIO's handler and KVM's irqfd.
#include "models/net/path_places.h"
#include "models/paths/assembly.h"
#include "models/paths/backend.h"
#include "models/paths/backends/backends.h"

namespace viosim::models {
namespace {

using namespace place;

// A VF or the host NIC itself: queues bounded by the NIC, ring sizes as
// Intel's drivers take them (64..4096, multiples of 8).
constexpr QueueLimits kHardwareQueues{0, 64, 4096, false, 8};

class PassthroughBackend final : public Backend {
 public:
  PassthroughBackend()
      : Backend(PathBackend::kPassthrough, "PASSTHROUGH", {.attachment = Attachment::kVf, .limits = kHardwareQueues}) {}

  void build(VmAssembly& a) const override {
    a.build_hardware_queues(true);
    a.guest_stack_hops(kVfDriver, "guest");
    a.hop(kVfDriver, "guest", kHostNic, "device", "tail doorbell (no exit), DMA via IOTLB");
    a.hop(kHostNic, "device", kVfDriver, "guest",
          a.config.vtd_posted ? "DMA via IOTLB, posted interrupt (no exit)" : "DMA, remapped MSI -> VFIO -> irqfd");
  }

  std::vector<PathResults::VmQueueCounts> queue_counts(const VmAssembly& a) const override {
    auto counts = Backend::queue_counts(a);
    for (size_t i = 0; i < counts.size(); ++i) counts[i].interrupts = a.hw_queues[i]->interrupts();  // the VF's MSI-X
    return counts;
  }
};

}  // namespace

const Backend& passthrough_backend() {
  static const PassthroughBackend b;
  return b;
}

}  // namespace viosim::models
