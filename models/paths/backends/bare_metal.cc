// Bare metal, the reference: the same UDP/IP stack and applications on a
// host core, driving the host NIC's own queues (doorbells, DMA, moderated
// MSI-X), with no VM between.
#include "models/net/path_places.h"
#include "models/paths/assembly.h"
#include "models/paths/backend.h"
#include "models/paths/backends/backends.h"

namespace viosim::models {
namespace {

using namespace place;

// Queues bounded by the NIC, ring sizes as Intel's drivers take them
// (64..4096, multiples of 8).
constexpr QueueLimits kHostNicQueues{0, 64, 4096, false, 8};

class BareMetalBackend final : public Backend {
 public:
  BareMetalBackend()
      : Backend(PathBackend::kBareMetal, "BARE_METAL",
                {.attachment = Attachment::kNative, .host_nic_rings = true, .limits = kHostNicQueues}) {}

  void build(VmAssembly& a) const override {
    a.build_hardware_queues(false);
    a.guest_stack_hops(kNicDriver, "host kernel");
    a.hop(kNicDriver, "host kernel", kHostNic, "device", "tail doorbell, DMA");
    a.hop(kHostNic, "device", kNicDriver, "host kernel", "DMA, MSI-X (moderated)");
  }

  std::vector<PathResults::VmQueueCounts> queue_counts(const VmAssembly& a) const override {
    auto counts = Backend::queue_counts(a);
    for (size_t i = 0; i < counts.size(); ++i) counts[i].interrupts = a.hw_queues[i]->interrupts();
    return counts;
  }
};

}  // namespace

const Backend& bare_metal_backend() {
  static const BareMetalBackend b;
  return b;
}

}  // namespace viosim::models
