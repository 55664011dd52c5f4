// The e1000 device model: registers, synchronous TX, main-loop RX, mitigation.
#include "models/e1000/e1000_device.h"

#include <algorithm>
#include <vector>

#include "models/net/packet_trace.h"
#include "models/traffic/flow.h"

namespace viosim::models {

namespace {
constexpr uint32_t kAllCauses = E1000Device::kTxdw | E1000Device::kTxqe | E1000Device::kRxt0 | E1000Device::kRxo;
}

const core::ComponentSpec& E1000Device::model_spec() {
  static const core::ComponentSpec spec{
      .type = "e1000.device",
      .help = "QEMU e1000: trapped registers, TX on the vCPU thread at TDT, RX in the main loop, mitigation, INTx",
      .params = {{"itr", core::Unit::kNone, "195", "interrupt throttling in 256 ns units, until the driver writes ITR"},
                 {"rx_ring", core::Unit::kPackets, "256", "RX descriptors"},
                 {"tx_ring", core::Unit::kPackets, "256", "TX descriptors"}},
      .ports = {},
      .stats = {{"interrupts", core::StatKind::kCounter, core::Unit::kCount, "INTx assertions"},
                {"drops", core::StatKind::kCounter, core::Unit::kPackets, "frames lost for lack of RX buffers"},
                {"tx_frames", core::StatKind::kCounter, core::Unit::kPackets, "frames written to tap"},
                {"rx_frames", core::StatKind::kCounter, core::Unit::kPackets, "frames copied into the guest"}}};
  return spec;
}

E1000Device::E1000Device(core::Simulator& sim, std::string_view name, core::Component* parent, HostThread& main_loop,
                         VCpu& vcpu, uint32_t vector, TapQueue& tap, PacketPool& pool, const HostNetCosts& host,
                         const QemuCosts& qemu, const Config& config, BridgePort out)
    : core::Component(sim, name, parent),
      main_(&main_loop),
      vcpu_(&vcpu),
      vector_(vector),
      tap_(&tap),
      pool_(&pool),
      host_(host),
      qemu_(qemu),
      config_(config),
      out_(std::move(out)),
      itr_(config.itr),
      tx_lines_((config.tx_ring + 3) / 4 + config.tx_ring),
      rx_lines_((config.rx_ring + 3) / 4 + config.rx_ring) {}

void E1000Device::init() {
  ims_ = kAllCauses;  // the driver's e1000_irq_enable at open
  main_->start([this] { poll(); });
}

core::Cycles E1000Device::copy(uint32_t packet) const {
  return host_.copy((*pool_)[packet].bytes, main_->core().clock());
}

// ---- guest memory ----

bool E1000Device::tx_post(VCpu& by, uint32_t packet) {
  if (tx_in_ring_ >= config_.tx_ring) return false;
  tx_ring_.push_back(packet);
  ++tx_in_ring_;
  buffer_given();
  tx_lines_.write(buffer_line(config_.tx_ring, tx_post_idx_), CpuCategory::kGuestKernel);
  tx_lines_.write(desc_line(config_.tx_ring, tx_post_idx_++), CpuCategory::kGuestKernel);
  stamp((*pool_)[packet], kStampDevice, now());
  trace_hop(by.thread(), (*pool_)[packet], place::kE1000Driver, "the e1000 driver wrote its TX descriptor");
  return true;
}

uint32_t E1000Device::tx_reap(uint64_t& bytes) {
  const uint32_t n = tx_done_;
  bytes = tx_done_bytes_;
  tx_done_ = 0;
  tx_done_bytes_ = 0;
  tx_in_ring_ -= n;
  return n;
}

bool E1000Device::rx_reap(uint32_t& packet) {
  if (rx_done_.empty()) return false;
  packet = rx_done_.front();
  rx_done_.pop_front();
  buffer_taken();
  rx_lines_.read(desc_line(config_.rx_ring, rx_reap_idx_), CpuCategory::kGuestKernel);  // the DD bit
  rx_lines_.read(buffer_line(config_.rx_ring, rx_reap_idx_++), CpuCategory::kGuestKernel);
  stamp((*pool_)[packet], kStampDevice, now());
  trace_hop(vcpu_->thread(), (*pool_)[packet], place::kE1000Driver, "the e1000 driver's NAPI poll took it to the socket");
  return true;
}

void E1000Device::rx_post_coalesced(uint32_t buffers) {
  rx_coalesced_ += buffers;
  // (At open the driver hands "all of them": at most a ring's worth moves.)
  for (uint32_t i = 0; i < std::min(buffers, config_.rx_ring); ++i) {
    buffer_given();
    rx_lines_.write(desc_line(config_.rx_ring, rx_post_idx_++), CpuCategory::kGuestKernel);
  }
}

void E1000Device::itr_write_coalesced(uint32_t itr) {
  itr_coalesced_ = itr;
  itr_write_pending_ = true;
}

void E1000Device::apply_coalesced() {
  if (itr_write_pending_) {
    itr_ = itr_coalesced_;  // set_16bit / mac_writereg: the next mitigation uses it
    itr_write_pending_ = false;
  }
  if (rx_coalesced_ == 0) return;
  rx_free_ = std::min(config_.rx_ring, rx_free_ + rx_coalesced_);
  rx_coalesced_ = 0;
  if (rx_blocked_) {
    rx_blocked_ = false;  // set_rdt -> qemu_flush_queued_packets
    main_->wake(nullptr);
  }
}

// ---- registers ----

void E1000Device::tdt_write(VCpu& by, Continuation done) {
  apply_coalesced();
  HostThread& vcpu_thread = by.thread();
  if (tx_ring_.empty()) {
    set_cause(kTxdw | kTxqe, vcpu_thread, std::move(done));
    return;
  }
  const uint32_t packet = tx_ring_.front();
  tx_ring_.pop_front();
  buffer_taken();
  tx_lines_.read(desc_line(config_.tx_ring, tx_take_idx_), CpuCategory::kQemu);
  tx_lines_.read(buffer_line(config_.tx_ring, tx_take_idx_++), CpuCategory::kQemu);
  mit_ide_ = true;  // the driver sets IDE on every descriptor (TxIntDelay 8)
  stamp((*pool_)[packet], kStampBackend, now());
  trace_hop(vcpu_thread, (*pool_)[packet], place::kE1000ModelVcpu,
            "QEMU's e1000 model took it at the TDT write, on the vCPU thread");
  const uint32_t skb_bytes = (*pool_)[packet].bytes;  // as the driver queued it
  std::vector<uint32_t> frames;
  const bool tso = (*pool_)[packet].segs > 1 && pool_->tcp(packet).gso_size != 0;
  if (tso) {
    // A TSO context (process_tx_desc with TSE): QEMU cuts the skb into
    // its segments, each with its headers and its TCP checksum computed.
    pool_->segment(packet, kTcpFrameOverhead, frames);
  } else {
    frames.push_back(packet);
  }
  // start_xmit on the vCPU thread: the descriptor, then a writev into tap
  // per frame that runs the host stack through the bridge to the NIC.
  vcpu_thread.run(config_.tx_descriptor, CpuCategory::kQemu,
                  [this, &by, tso, skb_bytes, frames = std::move(frames), done = std::move(done)]() mutable {
                    tx_frames(by, std::move(frames), 0, tso, skb_bytes, std::move(done));
                  });
}

void E1000Device::tx_frames(VCpu& by, std::vector<uint32_t> frames, size_t next, bool tso, uint32_t skb_bytes,
                            Continuation done) {
  if (next == frames.size()) {
    // The descriptor is done with the skb's last frame.
    ++tx_done_;
    tx_done_bytes_ += skb_bytes;
    tdt_write(by, std::move(done));
    return;
  }
  const uint32_t packet = frames[next];
  const core::Clock& clock = by.thread().core().clock();
  core::Cycles in_kernel = host_.tun_get_user_packet + host_.copy((*pool_)[packet].bytes, clock) + out_.cost(packet);
  if (tso) in_kernel = in_kernel + host_.copy(pool_->tcp(packet).len, clock);  // the checksum, a pass over the payload
  trace_copy(by.thread(), (*pool_)[packet], "into a host skb (writev on the tap)");
  by.thread().syscall(Syscall::kWritev, in_kernel,
                      [this, &by, frames = std::move(frames), next, tso, skb_bytes, done = std::move(done)]() mutable {
                        ++tx_frames_;
                        out_.forward(frames[next], 0, by.thread());
                        tx_frames(by, std::move(frames), next + 1, tso, skb_bytes, std::move(done));
                      });
}

void E1000Device::icr_read(VCpu& by, uint32_t& icr, Continuation done) {
  apply_coalesced();
  by.thread().run(config_.register_access, CpuCategory::kQemu, [this, &by, &icr, done = std::move(done)]() mutable {
    icr = icr_;  // mac_icr_read: read and clear
    icr_ = 0;
    if (!line_) {
      done();
      return;
    }
    // The line drops: pci_set_irq(0) -> kvm_set_irq, a KVM_IRQ_LINE ioctl
    // from this vCPU thread (the in-kernel IOAPIC lowers the pin; nothing
    // to inject, so only the call's own cost).
    line_ = false;
    by.thread().syscall(Syscall::kIoctl, std::move(done));
  });
}

void E1000Device::imc_write(VCpu& by, Continuation done) {
  by.thread().run(config_.register_access, CpuCategory::kQemu, [this, done = std::move(done)]() mutable {
    ims_ = 0;
    done();
  });
}

void E1000Device::ims_write(VCpu& by, Continuation done) {
  apply_coalesced();
  by.thread().run(config_.register_access, CpuCategory::kQemu, [this, &by, done = std::move(done)]() mutable {
    ims_ = kAllCauses;
    set_cause(0, by.thread(), std::move(done));  // causes that came while masked
  });
}

void E1000Device::status_read(VCpu& by, Continuation done) {
  apply_coalesced();
  by.thread().run(config_.register_access, CpuCategory::kQemu, std::move(done));
}

// ---- interrupts ----

void E1000Device::set_cause(uint32_t cause, HostThread& by, Continuation k) {
  icr_ |= cause;
  if ((icr_ & ims_) == 0 || line_) {
    k();
    return;
  }
  if (mit_timer_.pending()) {
    mit_pending_ = true;  // the mitigation timer runs: wait for it
    k();
    return;
  }
  raise(by, std::move(k));
}

void E1000Device::raise(HostThread& by, Continuation k) {
  line_ = true;
  mit_pending_ = false;
  ++interrupts_;
  // set_interrupt_cause: the window is the smallest non-zero of TADV x 4
  // (TX causes pending and a descriptor sent with IDE since the last
  // arming), RADV x 4 (RX causes, when RDTR is set: the driver leaves it 0)
  // and ITR (mit_update_delay), and never under 500 units (128 us: "a
  // maximum observable interrupt rate of 7813 interrupts/sec").
  uint32_t delay = 0;
  auto update = [&delay](uint32_t value) {
    if (value != 0 && (delay == 0 || value < delay)) delay = value;
  };
  if (mit_ide_ && (icr_ & ims_ & (kTxqe | kTxdw)) != 0) update(config_.tadv * 4);
  update(itr_);
  mit_ide_ = false;
  mit_timer_.schedule_after(core::Nanoseconds(256) * std::max(delay, kMinMitigation));
  // pci_set_irq -> KVM_IRQ_LINE: the IOAPIC routes it to the vCPU.
  by.syscall_into_kvm(Syscall::kIoctl, vcpu_->config().exits.irqfd_inject, [this, &by, k = std::move(k)]() mutable {
    vcpu_->raise_interrupt(vector_, &by);
    k();
  });
}

void E1000Device::mitigation_expired() {
  if (mit_pending_ && (icr_ & ims_) != 0 && !line_) {
    timer_raise_due_ = true;
    main_->wake(nullptr);  // QEMU timers run in the main loop
  }
  mit_pending_ = false;
}

// ---- receive: the main loop ----

void E1000Device::poll() {
  if (timer_raise_due_) {
    timer_raise_due_ = false;
    if ((icr_ & ims_) != 0 && !line_) {
      raise(*main_, [this] { poll(); });
      return;
    }
  }
  apply_coalesced();
  if (!rx_blocked_ && (!tap_->empty() || held_valid_)) {
    tap_count_ = 0;
    tap_read_one();
    return;
  }
  std::vector<EventFd*> fds;
  if (!rx_blocked_) fds.push_back(&tap_->readable());
  tap_->readable().take();
  // ppoll walks the tap's descriptor while receive is possible (QEMU's
  // other descriptors are in the base cost).
  const core::Cycles ppoll = qemu_.dispatch + qemu_.poll_fd * static_cast<int64_t>(fds.size());
  if (fds.empty()) {
    main_->sleep([this, ppoll] { main_->syscall(Syscall::kPpoll, ppoll, [this] { poll(); }); });
    return;
  }
  main_->wait(std::move(fds), [this, ppoll] { main_->syscall(Syscall::kPpoll, ppoll, [this] { poll(); }); });
}

void E1000Device::tap_read_one() {
  if (tap_count_ == config_.tap_read_max) {
    poll();
    return;
  }
  if (!held_valid_) {
    if (tap_->empty()) {
      main_->syscall(Syscall::kRead, [this] { poll(); });  // the read that finds nothing
      return;
    }
    tap_->pop(held_);
    held_valid_ = true;
    ++tap_count_;
    trace_hop(*main_, (*pool_)[held_], place::kE1000ModelMainLoop, "QEMU's main loop read it from the tap (read)");
    trace_copy(*main_, (*pool_)[held_], "out of the tap (read)");
    main_->syscall(Syscall::kRead, copy(held_), [this] { tap_read_one(); });
    return;
  }
  apply_coalesced();
  if (rx_free_ == 0) {
    // No descriptors: RXO, and the frame waits until an RDT write.
    rx_blocked_ = true;
    icr_ |= kRxo;
    poll();
    return;
  }
  --rx_free_;
  const uint32_t packet = held_;
  held_valid_ = false;
  buffer_taken();
  rx_lines_.read(desc_line(config_.rx_ring, rx_fill_idx_), CpuCategory::kQemu);  // the buffer's address
  rx_lines_.write(buffer_line(config_.rx_ring, rx_fill_idx_), CpuCategory::kQemu);
  rx_lines_.write(desc_line(config_.rx_ring, rx_fill_idx_++), CpuCategory::kQemu);  // length and DD
  trace_copy(*main_, (*pool_)[packet], "into the guest's RX buffer");
  main_->run(config_.rx_descriptor + copy(packet), CpuCategory::kQemu, [this, packet] {
    rx_done_.push_back(packet);
    stamp((*pool_)[packet], kStampBackend, now());
    trace_hop(*main_, (*pool_)[packet], place::kE1000RxRing, "the e1000 model put it in the RX ring");
    ++rx_frames_;
    if (on_rx_) on_rx_();
    set_cause(kRxt0, *main_, [this] { tap_read_one(); });
  });
}

}  // namespace viosim::models
