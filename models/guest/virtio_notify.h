// vp_notify: a virtio driver's kick of one of its queues, a write to the
// queue's notify address. Mapped to the device (vDPA under page-per-vq) it
// is a posted write the writing code pays for (`category`: the kernel's
// driver, or a guest poll-mode driver); otherwise KVM takes it as a
// fast-MMIO exit and signals the queue's ioeventfd. Then k.
#pragma once

#include "models/vcpu/vcpu.h"
#include "models/virtio/virtio_queue_pair.h"

namespace viosim::models {

inline void virtio_notify(VCpu& cpu, CpuCategory category, const VirtioQueuePair::Doorbell& doorbell,
                          EventFd& ioeventfd, Continuation k) {
  if (doorbell) {
    cpu.guest(doorbell.write, category, [&doorbell, k = std::move(k)]() mutable {
      doorbell.ring();
      k();
    });
    return;
  }
  cpu.exit_signal(ExitReason::kMmioFast, ioeventfd, std::move(k));
}

}  // namespace viosim::models
