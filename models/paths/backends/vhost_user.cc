// vhost-user with OVS-DPDK: the host switch's PMD threads poll the guest's
// TX rings among the physical port's queues and the other VMs', in bursts,
// with the guest's kicks suppressed; no host kernel on the path. Interrupts
// into the guest go through the call eventfd and KVM's irqfd.
#include "models/net/path_places.h"
#include "models/paths/assembly.h"
#include "models/paths/backend.h"
#include "models/paths/backends/backends.h"

namespace viosim::models {
namespace {

using namespace place;

class VhostUserBackend final : public Backend {
 public:
  // DPDK lib/vhost: VHOST_MAX_QUEUE_PAIRS 128; sizes as QEMU's.
  VhostUserBackend()
      : Backend(PathBackend::kVhostUser, "VHOST_USER",
                {.attachment = Attachment::kVhostUserPort,
                 .virtio = true,
                 .ring_device = Virtqueue::Backend::kDpdk,
                 .packed_ring = true,  // lib/vhost's *_packed paths (DPDK 18.11)
                 .in_order = true,     // lib/vhost offers it (virtio_net_is_inorder)
                 // OVS-DPDK disables the TSO features on its vhost-user
                 // ports unless other_config:userspace-tso-enable is set.
                 .host_tso = false,
                 .limits = {128, 256, 1024, true, 1}}) {}

  void build(VmAssembly& a) const override {
    Assembly& host = a.host;
    a.build_virtio_queues();
    // A port on the host's OVS-DPDK, which owns the physical port too: its
    // PMDs (ovs_dpdk.h) poll the guest's TX rings among their queues and
    // fill its RX rings.
    MultiQueueRx& nic = host.polled_nic_rx();
    a.from_wire = [&nic](uint32_t p) { nic.receive(p); };
    // A TCP train's frames: a PMD busy as one arrives finds it at its next
    // look, so only those that end a spin cost an event.
    a.early_taker = [&nic](uint32_t p) { return nic.early_taker(p); };
    auto port = std::make_unique<VhostUserPort>();
    port->name = a.config.name;
    for (uint32_t i = 0; i < a.pairs(); ++i) {
      const std::string q = a.vm_name("_q" + std::to_string(i));
      port->queues.push_back({a.queues[i].get(), &a.call(q + ".rx_call", a.irq_vcpu(i), a.rx_vector(i)),
                              &a.call(q + ".tx_call", a.irq_vcpu(i), a.tx_vector(i))});
    }
    a.vhost_port = port.get();
    host.vhost_ports.push_back(std::move(port));
    const std::string burst = "poll, burst of " + std::to_string(host.config.ovs.pmd.burst);
    a.hop(kVirtioNetDriver, "guest", kTxVring, "guest memory", "add (kicks suppressed)");
    a.hop(kTxVring, "guest memory", kPmdThread, "host user (DPDK)", burst);
    a.hop(kPmdThread, "host user (DPDK)", kHostNic, "device", "DPDK tx burst");
    a.hop(kHostNic, "device", kPmdThread, "host user (DPDK)", burst);
    a.hop(kPmdThread, "host user (DPDK)", kRxVring, "guest memory", "enqueue + copy");
    a.hop(kRxVring, "guest memory", kVirtioNetDriver, "guest", "eventfd_write(callfd) -> irqfd");
  }
};

}  // namespace

const Backend& vhost_user_backend() {
  static const VhostUserBackend b;
  return b;
}

}  // namespace viosim::models
