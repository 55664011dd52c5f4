// The QEMU main loop serving a virtio-net device's queue pairs.
#include "models/qemu/qemu_virtio_net.h"

#include "models/net/packet_trace.h"

namespace viosim::models {

const core::ComponentSpec& QemuVirtioNet::model_spec() {
  static const core::ComponentSpec spec{
      .type = "qemu.virtio_net",
      .help = "QEMU userspace virtio-net: main loop, TX bottom half (256), tap_send (50), MSI by ioctl",
      .params = {{"tx_burst", core::Unit::kPackets, "256", "packets per bottom-half flush"},
                 {"tap_read_max", core::Unit::kPackets, "50", "packets per tap_send callback"}},
      .ports = {},
      .stats = {{"tx_packets", core::StatKind::kCounter, core::Unit::kPackets, "guest packets written to tap"},
                {"rx_packets", core::StatKind::kCounter, core::Unit::kPackets, "packets copied into the guest"},
                {"interrupts", core::StatKind::kCounter, core::Unit::kCount, "MSIs sent to the guest"},
                {"main_loop_wakeups", core::StatKind::kCounter, core::Unit::kCount, "returns from ppoll"}}};
  return spec;
}

QemuVirtioNet::QemuVirtioNet(core::Simulator& sim, std::string_view name, core::Component* parent,
                             HostThread& main_loop, std::vector<Queue> queues, PacketPool& pool,
                             const HostNetCosts& host, const Config& config, BridgePort out)
    : core::Component(sim, name, parent),
      thread_(&main_loop),
      pool_(&pool),
      host_(host),
      config_(config),
      out_(std::move(out)) {
  for (size_t i = 0; i < queues.size(); ++i) {
    State s;
    static_cast<Queue&>(s) = queues[i];
    s.index = static_cast<uint32_t>(i);
    queues_.push_back(s);
  }
}

void QemuVirtioNet::init() { thread_->start([this] { poll(); }); }

core::Cycles QemuVirtioNet::cycles_of_copy(uint32_t bytes) const { return host_.copy(bytes, thread_->core().clock()); }

void QemuVirtioNet::poll() {
  const size_t n = queues_.size();
  // Every main-loop iteration polls all the descriptors: kicks that came in
  // while a handler ran are dispatched before more handler work (ppoll
  // returns at once).
  for (const State& s : queues_) {
    if (s.rings->tx_kick.count() > 0 || s.rings->rx_kick.count() > 0) {
      thread_->syscall(Syscall::kPpoll, ppoll_work(), [this] { dispatch(); });
      return;
    }
  }
  // Bottom halves run before the main loop polls again.
  for (size_t k = 0; k < n; ++k) {
    State& s = queues_[(next_ + k) % n];
    if (s.bh_scheduled) {
      next_ = (s.index + 1) % n;
      tx_bh(s);
      return;
    }
  }
  for (size_t k = 0; k < n; ++k) {
    State& s = queues_[(next_ + k) % n];
    if (!s.rx_blocked && (!s.tap->empty() || s.held_valid)) {
      next_ = (s.index + 1) % n;
      tap_send(s);
      return;
    }
  }
  std::vector<EventFd*> fds;
  for (State& s : queues_) {
    fds.push_back(&s.rings->tx_kick);
    fds.push_back(&s.rings->rx_kick);
    if (!s.rx_blocked) fds.push_back(&s.tap->readable());
  }
  thread_->wait(std::move(fds), [this] {
    ++wakeups_;
    thread_->syscall(Syscall::kPpoll, ppoll_work(), [this] { dispatch(); });
  });
}

// One main-loop pass: ppoll walks every descriptor it was given (do_poll
// calls each file's poll method; the elapsed time grows linearly with the
// descriptors, qemu-devel 2014), then the ready handlers are dispatched.
// The device's descriptors: each queue pair's two host notifiers (TX and RX
// kicks) and its tap, unless receive is blocked (qemu_can_receive fails:
// QEMU stops polling the tap).
core::Cycles QemuVirtioNet::ppoll_work() const {
  int64_t fds = 0;
  for (const State& s : queues_) fds += s.rx_blocked ? 2 : 3;
  return config_.costs.dispatch + config_.costs.poll_fd * fds;
}

void QemuVirtioNet::dispatch() {
  for (State& s : queues_) {
    VirtioQueuePair* q = s.rings;
    if (q->tx_kick.count() > 0) {
      // virtio_queue_host_notifier_read: clear the eventfd (a read), then
      // virtio_net_handle_tx_bh: no more kicks until the flush is done.
      q->tx_kick.take();
      thread_->syscall(Syscall::kEventfdRead, [this, &s] {
        s.rings->tx.disable_notify();
        s.bh_scheduled = true;
        dispatch();
      });
      return;
    }
    if (q->rx_kick.count() > 0) {
      // virtio_net_handle_rx: the guest added buffers; read tap again.
      q->rx_kick.take();
      thread_->syscall(Syscall::kEventfdRead, [this, &s] {
        s.rx_blocked = false;
        dispatch();
      });
      return;
    }
  }
  for (State& s : queues_) s.tap->readable().take();
  poll();
}

// ---- TX: the bottom half ----

void QemuVirtioNet::tx_bh(State& s) {
  s.bh_scheduled = false;
  s.bh_count = 0;
  s.tx_rechecked = false;
  tx_flush_one(s);
}

void QemuVirtioNet::tx_flush_one(State& s) {
  VirtioQueuePair* q = s.rings;
  if (s.bh_count == config_.tx_burst) {
    s.bh_scheduled = true;  // full burst: again later, kicks still off
    poll();
    return;
  }
  uint32_t packet = 0;
  if (!q->tx.pop(packet)) {
    // virtio_net_tx_bh: re-enable kicks and flush once more to catch a race.
    if (!s.tx_rechecked && q->tx.enable_notify()) {
      q->tx.disable_notify();
      s.tx_rechecked = true;
      tx_flush_one(s);
      return;
    }
    poll();
    return;
  }
  ++s.bh_count;
  stamp((*pool_)[packet], kStampBackend, now());
  trace_hop(*thread_, (*pool_)[packet], place::kQemuMainLoop,
            "the QEMU main loop took it from the TX vring (TX bottom half)");
  const uint32_t bytes = bytes_of(packet);
  // writev on the tap fd: tun_get_user builds the skb (a copy) and the host
  // stack forwards it through the bridge to the NIC, all in this syscall.
  thread_->run(config_.costs.pop_packet, CpuCategory::kQemu, [this, &s, packet, bytes] {
    const core::Cycles in_kernel = host_.tun_get_user_packet + cycles_of_copy(bytes) + out_.cost(packet);
    trace_copy(*thread_, (*pool_)[packet], "into a host skb (writev on the tap)");
    thread_->syscall(Syscall::kWritev, in_kernel, [this, &s, packet] {
      ++tx_packets_;
      out_.forward(packet, s.index, *thread_);
      s.rings->tx.push_used(packet, 0);
      thread_->run(config_.costs.push_packet, CpuCategory::kQemu, [this, &s] {
        if (s.rings->tx.should_notify()) {
          interrupt(s, s.rings->tx_vector, [this, &s] { tx_flush_one(s); });
          return;
        }
        tx_flush_one(s);
      });
    });
  });
}

// ---- RX: tap_send ----

void QemuVirtioNet::tap_send(State& s) {
  s.tap_count = 0;
  tap_read_one(s);
}

void QemuVirtioNet::tap_read_one(State& s) {
  VirtioQueuePair* q = s.rings;
  if (s.tap_count == config_.tap_read_max) {
    poll();  // the cap: let the other handlers run
    return;
  }
  if (!s.held_valid) {
    if (s.tap->empty()) {
      // The read that returns EAGAIN ends the callback.
      thread_->syscall(Syscall::kRead, [this] { poll(); });
      return;
    }
    uint32_t packet = 0;
    s.tap->pop(packet);
    s.held = packet;
    s.held_valid = true;
    ++s.tap_count;
    trace_hop(*thread_, (*pool_)[packet], place::kQemuMainLoop, "the QEMU main loop read it from the tap (read)");
    trace_copy(*thread_, (*pool_)[packet], "out of the tap (read)");
    thread_->syscall(Syscall::kRead, cycles_of_copy(bytes_of(packet)), [this, &s] { tap_read_one(s); });
    return;
  }
  // virtio_net_receive: guest buffers for the packet we hold? With
  // mergeable buffers, virtio_net_has_buffers asks for enough of them
  // (virtqueue_avail_bytes); short, the packet stays queued.
  const uint32_t buffers = q->buffers_for(bytes_of(s.held));
  uint32_t token = 0;
  if (q->rx.avail_pending() < buffers || !q->rx.pop(token)) {
    // None, or too few: ask for the guest's refill kick and stop.
    if (q->rx.enable_notify() && q->rx.avail_pending() >= buffers) {
      tap_read_one(s);  // buffers arrived meanwhile
      return;
    }
    s.rx_blocked = true;
    poll();
    return;
  }
  q->rx.disable_notify();  // buffers there: keep RX kicks off
  const uint32_t packet = s.held;
  s.held_valid = false;
  // virtio_net_receive_rcu: a virtqueue_pop and virtqueue_fill per buffer
  // past the first, one flush.
  rx_tokens_.assign(1, token);
  for (uint32_t k = 1; k < buffers; ++k) {
    q->rx.pop(token);
    rx_tokens_.push_back(token);
  }
  const core::Cycles work = config_.costs.receive_packet + cycles_of_copy(bytes_of(packet)) +
                            config_.costs.push_packet * buffers + config_.costs.pop_packet * (buffers - 1);
  trace_copy(*thread_, (*pool_)[packet], "into the guest's RX buffer");
  thread_->run(work, CpuCategory::kQemu, [this, &s, packet] {
    ++rx_packets_;
    const uint32_t head = rx_tokens_.front();
    s.rings->rx_packet[head] = packet;
    s.rings->rx_buffers[head] = static_cast<uint16_t>(rx_tokens_.size());
    for (size_t k = 0; k < rx_tokens_.size(); ++k) {
      if (k > 0) s.rings->rx_buffers[rx_tokens_[k]] = 0;
      s.rings->rx.push_used(rx_tokens_[k], k == 0 ? bytes_of(packet) : 0);
    }
    stamp((*pool_)[packet], kStampBackend, now());
    trace_hop(*thread_, (*pool_)[packet], place::kRxVring, "QEMU put it in a guest buffer and marked it used");
    s.rings->rx_published();
    if (s.rings->rx.should_notify()) {
      interrupt(s, s.rings->rx_vector, [this, &s] { tap_read_one(s); });
      return;
    }
    tap_read_one(s);
  });
}

void QemuVirtioNet::interrupt(State& s, uint32_t vector, Continuation k) {
  // msix_notify -> kvm_irqchip_send_msi: the KVM_SIGNAL_MSI ioctl.
  ++interrupts_;
  thread_->syscall_into_kvm(Syscall::kIoctl, s.vcpu->config().exits.irqfd_inject,
                            [this, &s, vector, k = std::move(k)]() mutable {
                              s.vcpu->raise_interrupt(vector, thread_);
                              k();
                            });
}

}  // namespace viosim::models
