// The QEMU main loop serving one virtio-net queue pair.
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
                             HostThread& main_loop, VirtioQueuePair& queues, VCpu& vcpu, TapQueue& tap,
                             PacketPool& pool, const HostNetCosts& host, const Config& config, ToWire to_wire)
    : core::Component(sim, name, parent),
      thread_(&main_loop),
      q_(&queues),
      vcpu_(&vcpu),
      tap_(&tap),
      pool_(&pool),
      host_(host),
      config_(config),
      to_wire_(std::move(to_wire)) {}

void QemuVirtioNet::init() { thread_->start([this] { poll(); }); }

core::Cycles QemuVirtioNet::cycles_of_copy(uint32_t bytes) const { return host_.copy(bytes, thread_->core().clock()); }

void QemuVirtioNet::poll() {
  // Bottom halves run before the main loop polls again.
  if (bh_scheduled_) {
    tx_bh();
    return;
  }
  if (!rx_blocked_ && (!tap_->empty() || held_valid_)) {
    tap_send();
    return;
  }
  std::vector<EventFd*> fds{&q_->tx_kick, &q_->rx_kick};
  if (!rx_blocked_) fds.push_back(&tap_->readable());
  thread_->wait(std::move(fds), [this] {
    ++wakeups_;
    thread_->syscall(Syscall::kPpoll, config_.costs.dispatch, [this] { dispatch(); });
  });
}

void QemuVirtioNet::dispatch() {
  if (q_->tx_kick.count() > 0) {
    // virtio_queue_host_notifier_read: clear the eventfd (a read), then
    // virtio_net_handle_tx_bh: no more kicks until the flush is done.
    q_->tx_kick.take();
    thread_->syscall(Syscall::kEventfdRead, [this] {
      q_->tx.disable_notify();
      bh_scheduled_ = true;
      dispatch();
    });
    return;
  }
  if (q_->rx_kick.count() > 0) {
    // virtio_net_handle_rx: the guest added buffers; read tap again.
    q_->rx_kick.take();
    thread_->syscall(Syscall::kEventfdRead, [this] {
      rx_blocked_ = false;
      dispatch();
    });
    return;
  }
  tap_->readable().take();
  poll();
}

// ---- TX: the bottom half ----

void QemuVirtioNet::tx_bh() {
  bh_scheduled_ = false;
  bh_count_ = 0;
  tx_rechecked_ = false;
  tx_flush_one();
}

void QemuVirtioNet::tx_flush_one() {
  if (bh_count_ == config_.tx_burst) {
    bh_scheduled_ = true;  // full burst: again later, kicks still off
    poll();
    return;
  }
  uint32_t packet = 0;
  if (!q_->tx.pop(packet)) {
    // virtio_net_tx_bh: re-enable kicks and flush once more to catch a race.
    if (!tx_rechecked_ && q_->tx.enable_notify()) {
      q_->tx.disable_notify();
      tx_rechecked_ = true;
      tx_flush_one();
      return;
    }
    poll();
    return;
  }
  ++bh_count_;
  stamp((*pool_)[packet], kStampBackend, now());
  trace_hop(*thread_, (*pool_)[packet], place::kQemuMainLoop,
            "the QEMU main loop took it from the TX vring (TX bottom half)");
  const uint32_t bytes = bytes_of(packet);
  // writev on the tap fd: tun_get_user builds the skb (a copy) and the host
  // stack forwards it through the bridge to the NIC, all in this syscall.
  thread_->run(config_.costs.pop_packet, CpuCategory::kQemu, [this, packet, bytes] {
    const core::Cycles in_kernel = host_.tun_get_user_packet + cycles_of_copy(bytes) + host_.bridge_packet +
                                   host_.nic_xmit_packet;
    trace_copy(*thread_, (*pool_)[packet], "into a host skb (writev on the tap)");
    thread_->syscall(Syscall::kWritev, in_kernel, [this, packet] {
      ++tx_packets_;
      to_wire_(packet);
      q_->tx.push_used(packet, 0);
      thread_->run(config_.costs.push_packet, CpuCategory::kQemu, [this] {
        if (q_->tx.should_notify()) {
          interrupt(q_->tx_vector, [this] { tx_flush_one(); });
          return;
        }
        tx_flush_one();
      });
    });
  });
}

// ---- RX: tap_send ----

void QemuVirtioNet::tap_send() {
  tap_count_ = 0;
  tap_read_one();
}

void QemuVirtioNet::tap_read_one() {
  if (tap_count_ == config_.tap_read_max) {
    poll();  // the cap: let the other handlers run
    return;
  }
  if (!held_valid_) {
    if (tap_->empty()) {
      // The read that returns EAGAIN ends the callback.
      thread_->syscall(Syscall::kRead, [this] { poll(); });
      return;
    }
    uint32_t packet = 0;
    tap_->pop(packet);
    held_ = packet;
    held_valid_ = true;
    ++tap_count_;
    trace_hop(*thread_, (*pool_)[packet], place::kQemuMainLoop, "the QEMU main loop read it from the tap (read)");
    trace_copy(*thread_, (*pool_)[packet], "out of the tap (read)");
    thread_->syscall(Syscall::kRead, cycles_of_copy(bytes_of(packet)), [this] { tap_read_one(); });
    return;
  }
  // virtio_net_receive: a guest buffer for the packet we hold?
  uint32_t token = 0;
  if (!q_->rx.pop(token)) {
    // virtio_net_has_buffers: none; ask for the guest's refill kick and stop.
    if (q_->rx.enable_notify()) {
      tap_read_one();  // buffers arrived meanwhile
      return;
    }
    rx_blocked_ = true;
    poll();
    return;
  }
  q_->rx.disable_notify();  // buffers there: keep RX kicks off
  const uint32_t packet = held_;
  held_valid_ = false;
  const core::Cycles work = config_.costs.receive_packet + cycles_of_copy(bytes_of(packet)) + config_.costs.push_packet;
  trace_copy(*thread_, (*pool_)[packet], "into the guest's RX buffer");
  thread_->run(work, CpuCategory::kQemu, [this, packet, token] {
    ++rx_packets_;
    q_->rx_packet[token] = packet;
    q_->rx.push_used(token, bytes_of(packet));
    stamp((*pool_)[packet], kStampBackend, now());
    trace_hop(*thread_, (*pool_)[packet], place::kRxVring, "QEMU put it in a guest buffer and marked it used");
    if (q_->rx.should_notify()) {
      interrupt(q_->rx_vector, [this] { tap_read_one(); });
      return;
    }
    tap_read_one();
  });
}

void QemuVirtioNet::interrupt(uint32_t vector, Continuation k) {
  // msix_notify -> kvm_irqchip_send_msi: the KVM_SIGNAL_MSI ioctl.
  ++interrupts_;
  thread_->syscall(Syscall::kIoctl, vcpu_->config().exits.irqfd_inject, [this, vector, k = std::move(k)]() mutable {
    vcpu_->raise_interrupt(vector, thread_);
    k();
  });
}

}  // namespace viosim::models
