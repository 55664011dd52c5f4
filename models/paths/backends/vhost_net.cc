// vhost-net: a kernel worker thread per queue pair. A kick wakes it through
// the ioeventfd; it takes the guest's buffers and hands them to tun in
// batches, and for the way in reads the tap, copies into the RX ring and
// signals the call eventfd, which KVM's irqfd injects inline.
#include "models/net/path_places.h"
#include "models/paths/assembly.h"
#include "models/paths/backend.h"
#include "models/paths/backends/backends.h"

namespace viosim::models {
namespace {

using namespace place;

class VhostNetBackend final : public Backend {
 public:
  // The virtio device is QEMU's (queue sizes and queue pairs as there).
  VhostNetBackend()
      : Backend(PathBackend::kVhostNet, "VHOST_NET",
                {.attachment = Attachment::kTap,
                 .virtio = true,
                 .in_order = true,  // VHOST_NET_FEATURES since Linux 6.17
                 .worker_per_queue = true,
                 .limits = {511, 256, 1024, true, 1}}) {}

  void build(VmAssembly& a) const override {
    const VmConfig& c = a.config;
    Assembly& host = a.host;
    a.build_virtio_queues();
    a.build_taps(kVhostWorker, "host kernel");
    for (uint32_t i = 0; i < a.pairs(); ++i) {
      // A device (and its worker thread) per queue pair.
      const std::string q = a.vm_name("_q" + std::to_string(i));
      EventFd& rx_call = a.call(q + ".rx_call", a.irq_vcpu(i), a.rx_vector(i));
      EventFd& tx_call = a.call(q + ".tx_call", a.irq_vcpu(i), a.tx_vector(i));
      a.vhosts.push_back(std::make_unique<VhostNet>(
          host.sim, a.own(indexed("vhost", i, "_q")), nullptr,
          host.thread(a.own(indexed("vhost_worker", i, "")), a.backend_core(i)), *a.queues[i], rx_call, tx_call,
          *a.taps[i], host.pool, host.config.host_net, c.vhost, a.bridge_port(kVhostWorker, "host kernel"), i));
    }
    a.hop(kVirtioNetDriver, "guest", kTxVring, "guest memory", "add + kick (MMIO exit, ioeventfd)");
    a.hop(kTxVring, "guest memory", kVhostWorker, "host kernel", "eventfd wake-up, handle_tx");
    a.hop(kVhostWorker, "host kernel", kHostNic, "device",
          "tun_sendmsg (batch " + std::to_string(c.vhost.batch) + ") -> " + a.host.switch_place() + " -> NIC");
    a.hop(kVhostWorker, "host kernel", kRxVring, "guest memory", "handle_rx: recvmsg + copy");
    a.hop(kRxVring, "guest memory", kVirtioNetDriver, "guest", "irqfd (inline in the worker)");
  }
};

}  // namespace

const Backend& vhost_net_backend() {
  static const VhostNetBackend b;
  return b;
}

}  // namespace viosim::models
