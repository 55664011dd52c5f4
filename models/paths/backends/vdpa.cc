// vDPA (vhost-vdpa): the NIC implements virtio-net's data path. The guest
// runs the ordinary virtio-net driver on rings in its own memory; the
// device reads and writes them by DMA through the IOMMU (vdpa_device.h).
// The control path (features, ring addresses, the IOTLB) goes through
// vhost-vdpa and QEMU at setup and never touches a packet.
//
// Kicks: with the notify address on a page of its own (QEMU's virtio-pci
// page-per-vq), vhost-vdpa lets QEMU map the device's doorbell page into
// the guest (vhost_vdpa_host_notifier_init), and a kick is a posted write
// with no exit. Otherwise KVM takes the write as a fast-MMIO exit and
// signals the queue's kick eventfd, whose wake-up runs vhost-vdpa's
// handle_vq_kick inline (vhost-vdpa has no worker thread: use_worker is
// false), which writes the device's doorbell from the vCPU's thread.
// Interrupts: the device's MSI-X, posted to the vCPU by VT-d (vhost-vdpa
// registers an IRQ bypass producer), or taken by the host and passed by
// vhost_vdpa_virtqueue_cb to the call eventfd and KVM's irqfd.
// Frames for the VM reach the device through the NIC's embedded switch, as
// a VF's do.
#include "models/net/path_places.h"
#include "models/paths/assembly.h"
#include "models/paths/backend.h"
#include "models/paths/backends/backends.h"
#include "models/vdpa/vdpa_device.h"

namespace viosim::models {
namespace {

using namespace place;

// vhost-vdpa's kick eventfd: the wake-up callback writes the doorbell
// inline, on the signalling vCPU thread, which pays for the write; the
// device sees it as the write ends.
class VdpaKick final : public EventFdListener {
 public:
  VdpaKick(EventFd& fd, std::function<void()> doorbell, core::Cycles write)
      : fd_(&fd), doorbell_(std::move(doorbell)), write_(write) {
    fd_->add_listener(this);
  }
  ~VdpaKick() override {
    if (fd_ != nullptr) fd_->remove_listener(this);
  }
  VdpaKick(const VdpaKick&) = delete;
  VdpaKick& operator=(const VdpaKick&) = delete;

  core::Cycles inline_cycles() const override { return write_; }
  void on_eventfd_signal(EventFd& fd, HostThread*) override {
    fd.take();
    doorbell_();
  }
  void on_eventfd_gone(EventFd&) override { fd_ = nullptr; }

 private:
  EventFd* fd_;
  std::function<void()> doorbell_;
  core::Cycles write_;
};

class VdpaBackend final : public Backend {
 public:
  // Queue sizes as QEMU's virtio-net takes them for vhost-vdpa (a power of
  // two, 256 to 1024); queue pairs bounded by the NIC, as a VF's.
  VdpaBackend()
      : Backend(PathBackend::kVdpa, "VDPA",
                {.attachment = Attachment::kVf,
                 .virtio = true,
                 .ring_dma = true,
                 .packed_ring = true,  // a device that offers it (vhost-vdpa passes the packed state)
                 .limits = {0, 256, 1024, true, 1}}) {}

  void build(VmAssembly& a) const override {
    Assembly& host = a.host;
    const VmConfig& c = a.config;
    a.build_virtio_queues();
    a.iotlb = std::make_unique<Iotlb>(c.iotlb_entries, c.iommu_page_bytes);
    a.hw_steering = a.rss_steering();
    const VdpaDevice::Config device{c.hw_queue.dma_latency, c.hw_queue.iotlb_miss};
    std::vector<VdpaDevice*> devices;
    for (uint32_t i = 0; i < a.pairs(); ++i) {
      VirtioQueuePair& q = *a.queues[i];
      const std::string irq = indexed("vdpa_irq", i, "");
      auto dev = std::make_shared<VdpaDevice>(
          host.sim, indexed(a.vm_name("_vdpa0"), i, "_q"), nullptr, q, device, host.pool, a.iotlb.get(),
          [&host](uint32_t p) { host.nic_out(p); }, a.device_msi(i, a.rx_vector(i), irq + "_rx"),
          a.device_msi(i, a.tx_vector(i), irq + "_tx"));
      VdpaDevice* d = dev.get();
      devices.push_back(d);
      a.backend_pieces.push_back(std::move(dev));
      if (c.page_per_vq) {
        q.tx_doorbell = {[d] { d->tx_doorbell(); }, c.guest.mmio_write};
        q.rx_doorbell = {[d] { d->rx_doorbell(); }, c.guest.mmio_write};
      } else {
        a.backend_pieces.push_back(std::make_shared<VdpaKick>(
            q.tx_kick, [d] { d->tx_doorbell(); }, c.guest.mmio_write));
        a.backend_pieces.push_back(std::make_shared<VdpaKick>(
            q.rx_kick, [d] { d->rx_doorbell(); }, c.guest.mmio_write));
      }
    }
    a.from_wire = [&a, devices](uint32_t p) { devices[a.hw_steering.of(a.host.pool[p])]->receive(p); };
    host.wire_in();
    const char* kick = c.page_per_vq ? "add, doorbell write (no exit)" : "add, kick: exit -> vhost-vdpa -> doorbell";
    a.hop(kVirtioNetDriver, "guest", kTxVring, "guest memory", kick);
    a.hop(kTxVring, "guest memory", kHostNic, "device", "DMA read via IOTLB");
    a.hop(kHostNic, "device", kRxVring, "guest memory", "DMA write via IOTLB");
    a.hop(kRxVring, "guest memory", kVirtioNetDriver, "guest",
          c.vtd_posted ? "posted interrupt (no exit)" : "MSI -> vhost-vdpa -> irqfd");
  }
};

}  // namespace

const Backend& vdpa_backend() {
  static const VdpaBackend b;
  return b;
}

}  // namespace viosim::models
