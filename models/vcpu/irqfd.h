// irqfd: KVM listening on an eventfd; a signal injects the routed MSI into a
// vCPU inline in the signalling thread (irqfd_wakeup ->
// kvm_arch_set_irq_inatomic), so the signaller (a vhost worker, QEMU, VFIO's
// interrupt handler) pays for the injection. The vCPU learns of it at the
// injection's end: vmx_deliver_posted_interrupt sets the PIR bit, then
// sends the notification IPI or wakes the blocked vCPU.
#pragma once

#include "models/host/eventfd.h"
#include "models/vcpu/vcpu.h"

namespace viosim::models {

class Irqfd final : public EventFdListener {
 public:
  Irqfd(EventFd& fd, VCpu& vcpu, uint32_t vector) : fd_(&fd), vcpu_(vcpu), vector_(vector) {
    fd_->add_listener(this);
  }
  ~Irqfd() override {
    if (fd_ != nullptr) fd_->remove_listener(this);
  }
  Irqfd(const Irqfd&) = delete;
  Irqfd& operator=(const Irqfd&) = delete;

  core::Cycles inline_cycles() const override { return vcpu_.config().exits.irqfd_inject; }
  void on_eventfd_signal(EventFd& fd, HostThread* signaller) override {
    fd.take();  // KVM consumes the count
    vcpu_.raise_interrupt(vector_, signaller);
  }
  void on_eventfd_gone(EventFd&) override { fd_ = nullptr; }

 private:
  EventFd* fd_;
  VCpu& vcpu_;
  uint32_t vector_;
};

}  // namespace viosim::models
