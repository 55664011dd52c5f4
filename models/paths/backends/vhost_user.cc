// vhost-user with OVS-DPDK: PMD threads on the backend cores poll the
// guest's TX rings and the physical port's queues in bursts, with the
// guest's kicks suppressed; no host kernel on the path. Interrupts into the
// guest go through the call eventfd and KVM's irqfd.
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
                {.attachment = Attachment::kVhostUserPort, .virtio = true, .limits = {128, 256, 1024, true, 1}}) {}

  void build(VmAssembly& a) const override {
    const VmConfig& c = a.config;
    Assembly& host = a.host;
    a.build_virtio_queues();
    // The PMDs own the physical port too. A PMD per backend core: PMD k
    // polls the guest TX queues k, k + PMDs, ... and the NIC queues
    // likewise, and fills guest RX queue k mod pairs (its transmit queue id
    // on the vhost-user port).
    MultiQueueRx& nic = host.polled_nic_rx();
    a.from_wire = [&nic](uint32_t p) { nic.receive(p); };
    std::vector<VhostUserPmd::GuestQueue> queues;
    for (uint32_t i = 0; i < a.pairs(); ++i) {
      const std::string q = a.vm_name("_q" + std::to_string(i));
      queues.push_back({a.queues[i].get(), &a.call(q + ".rx_call", a.irq_vcpu(i), a.rx_vector(i)),
                        &a.call(q + ".tx_call", a.irq_vcpu(i), a.tx_vector(i))});
    }
    const uint32_t pmds = static_cast<uint32_t>(std::max<size_t>(1, c.backend_cores.size()));
    for (uint32_t k = 0; k < pmds; ++k) {
      std::vector<VhostUserPmd::GuestQueue> polled;
      for (uint32_t i = k; i < a.pairs(); i += pmds) polled.push_back(queues[i]);
      std::vector<HostNicRx*> ports;
      for (size_t q = k; q < nic.queues(); q += pmds) ports.push_back(&nic.queue(q));
      a.pmds.push_back(std::make_unique<VhostUserPmd>(
          host.sim, a.own(indexed("pmd", k, "")), nullptr,
          host.thread(a.own("pmd" + std::to_string(k)), a.backend_core(k)), std::move(polled), queues[k % a.pairs()],
          std::move(ports), host.pool, host.config.host_net, c.pmd, [&host](uint32_t p) { host.to_peer->send(p); }));
    }
    const std::string burst = "poll, burst of " + std::to_string(c.pmd.burst);
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
