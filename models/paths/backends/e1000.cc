// An emulated Intel 82540EM (e1000) in QEMU: every register access the guest
// driver makes traps to QEMU (TDT on the vCPU thread), received frames come
// through the tap to QEMU's main loop and into the RX ring, and one INTx line
// whose ICR read and mask writes exit too.
#include "models/net/path_places.h"
#include "models/paths/assembly.h"
#include "models/paths/backend.h"
#include "models/paths/backends/backends.h"

namespace viosim::models {
namespace {

using namespace place;

class E1000Backend final : public Backend {
 public:
  // One queue; the Linux e1000 driver takes 4096 descriptors at most, in
  // multiples of 8 (REQ_RX_DESCRIPTOR_MULTIPLE).
  E1000Backend()
      : Backend(PathBackend::kE1000, "E1000",
                {.attachment = Attachment::kTap, .one_queue = true, .limits = {1, 64, 4096, false, 8}}) {}

  void build(VmAssembly& a) const override {
    const VmConfig& c = a.config;
    Assembly& host = a.host;
    a.build_taps(kE1000ModelMainLoop, "QEMU");
    a.e1000 = std::make_unique<E1000Device>(host.sim, a.vm_name("_e1000"), nullptr,
                                            host.thread(a.own("qemu_main"), c.backend_core), *a.vcpus[0],
                                            VmAssembly::kRxVector, *a.taps[0], host.pool, host.config.host_net,
                                            c.qemu.costs, c.e1000, a.bridge_port(kE1000ModelVcpu, "QEMU"));
    a.e1000_driver = std::make_unique<E1000Driver>(host.sim, a.vm_name("_e1000_driver"), nullptr, *a.oses[0], *a.e1000,
                                                   VmAssembly::kRxVector,
                                                   E1000Driver::Config{c.driver.napi_budget, 16, c.e1000_itr_setting});
    a.nic_drivers.push_back(a.e1000_driver.get());
    a.guest_stack_hops(kE1000Driver, "guest");
    a.hop(kE1000Driver, "guest", kE1000ModelVcpu, "QEMU", "TDT write (exit to QEMU)");
    a.hop(kE1000ModelVcpu, "QEMU", kHostNic, "device", "writev(tap) -> " + std::string(a.host.switch_place()) + " -> NIC xmit");
    a.hop(kE1000ModelMainLoop, "QEMU", kE1000RxRing, "guest memory", "read(tap) + copy");
    a.hop(kE1000RxRing, "guest memory", kE1000Driver, "guest", "INTx by ioctl; ICR/IMC/STATUS/IMS/STATUS exits");
  }

  std::vector<PathResults::VmQueueCounts> queue_counts(const VmAssembly& a) const override {
    auto counts = Backend::queue_counts(a);
    counts[0].interrupts = a.vcpus[0]->interrupts();  // its one INTx line
    return counts;
  }
};

}  // namespace

const Backend& e1000_backend() {
  static const E1000Backend b;
  return b;
}

}  // namespace viosim::models
