// irqfd: KVM listening on an eventfd; a signal injects the routed MSI into a
// vCPU inline in the signalling thread (irqfd_wakeup ->
// kvm_arch_set_irq_inatomic), so the signaller (a vhost worker, QEMU, VFIO's
// interrupt handler) pays for the injection.
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

  core::Cycles on_eventfd_signal(EventFd& fd, HostThread* signaller) override {
    fd.take();  // KVM consumes the count
    vcpu_.raise_interrupt(vector_, signaller);
    return vcpu_.config().exits.irqfd_inject;
  }
  void on_eventfd_gone(EventFd&) override { fd_ = nullptr; }

 private:
  EventFd* fd_;
  VCpu& vcpu_;
  uint32_t vector_;
};

}  // namespace viosim::models
