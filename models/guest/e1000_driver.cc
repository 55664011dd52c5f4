// e1000 driver: TDT per batch, the five-register interrupt sequence, NAPI.
#include "models/guest/e1000_driver.h"

#include <algorithm>

namespace viosim::models {

const core::ComponentSpec& E1000Driver::model_spec() {
  static const core::ComponentSpec spec{
      .type = "guest.e1000",
      .help = "Linux e1000 driver: TDT per xmit_more batch, ICR/IMC/STATUS per interrupt, IMS/STATUS per NAPI end",
      .params = {{"napi_weight", core::Unit::kPackets, "64", "RX budget per poll"},
                 {"refill_batch", core::Unit::kPackets, "16", "buffers per RDT write"}},
      .ports = {},
      .stats = {{"tx_packets", core::StatKind::kCounter, core::Unit::kPackets, "packets put in the TX ring"},
                {"rx_packets", core::StatKind::kCounter, core::Unit::kPackets, "packets received"},
                {"qdisc_drops", core::StatKind::kCounter, core::Unit::kPackets, "drops at a full qdisc"},
                {"itr_writes", core::StatKind::kCounter, core::Unit::kCount,
                 "ITR register writes by the dynamic interrupt throttling"}}};
  return spec;
}

E1000Driver::E1000Driver(core::Simulator& sim, std::string_view name, core::Component* parent, GuestOs& os,
                         E1000Device& dev, uint32_t vector, const Config& config)
    : core::Component(sim, name, parent), os_(&os), cpu_(&os.vcpu()), dev_(&dev), config_(config) {
  configure_tx({});
  os.set_device(this);
  os.register_vector(vector, [this](Continuation done) { isr(std::move(done)); });
  os.vcpu().set_level_triggered(vector);         // INTx through the IOAPIC
  dev.set_on_rx([this] { napi_.published(); });  // a busy loop sees the written-back descriptor
}

void E1000Driver::irq_enable(VCpu& cpu, Continuation k) {
  userspace_exit([this](VCpu& by, Continuation d) { dev_->ims_write(by, std::move(d)); },
                 [this, &cpu, k = std::move(k)]() mutable {
                   userspace_exit([this](VCpu& by, Continuation d) { dev_->status_read(by, std::move(d)); },
                                  std::move(k), &cpu);
                 },
                 &cpu);
}

void E1000Driver::init() { dev_->rx_post_coalesced(UINT32_MAX / 2); }  // e1000_open fills the ring

void E1000Driver::userspace_exit(std::function<void(VCpu&, Continuation)> device, Continuation k, VCpu* cpu) {
  VCpu& by = cpu != nullptr ? *cpu : *cpu_;
  by.exit_to_device_model(
      ExitReason::kMmioUserspace, [&by, device = std::move(device)](Continuation d) { device(by, std::move(d)); },
      std::move(k));
}

void E1000Driver::track_skbs(SkbOwner& owner) {
  skb_owner_ = &owner;
  txq_->track_skbs(owner, false);
}

void E1000Driver::configure_tx(const TxQueueSetup& setup) {
  txq_ = std::make_unique<NetdevTxQueue>(setup, os_->pool(), qdisc_drops_);
  if (skb_owner_ != nullptr) txq_->track_skbs(*skb_owner_, false);
}

void E1000Driver::xmit(VCpu& cpu, uint32_t packet, bool more, Continuation k) {
  // A stopped queue (ring full, or BQL's limit reached) or one whose qdisc
  // still holds packets: the packet waits in the qdisc.
  if (txq_->stack_stopped() || txq_->holds() || !dev_->tx_post(cpu, packet)) {
    txq_->enqueue(packet, now(), &cpu);
    k();
    return;
  }
  txq_->sent(os_->pool()[packet], false, &cpu);
  more = more && !txq_->stack_stopped();  // __netdev_tx_sent_queue: a stopped queue rings now
  ++tx_packets_;
  cpu.guest(os_->costs().driver_tx_packet, CpuCategory::kGuestKernel, [this, &cpu, more, k = std::move(k)]() mutable {
    if (more) {
      k();
      return;
    }
    userspace_exit([this](VCpu& by, Continuation d) { dev_->tdt_write(by, std::move(d)); }, std::move(k), &cpu);  // TDT
  });
}

void E1000Driver::isr(Continuation done) {
  // e1000_intr: ICR (read and clear), IMC = ~0, then the write flush.
  cpu_->guest(os_->costs().irq_entry, CpuCategory::kGuestKernel, [this, done = std::move(done)]() mutable {
    userspace_exit(
        [this](VCpu& by, Continuation d) { dev_->icr_read(by, icr_, std::move(d)); },
        [this, done = std::move(done)]() mutable {
          auto eoi = [this](Continuation k) {
            // A level-triggered IOAPIC vector: with APICv its EOI still exits;
            // without, the vCPU's EOI MSR write exit follows the handler.
            if (cpu_->config().apicv && !cpu_->config().native) {
              cpu_->exit(ExitReason::kEoiInduced, std::move(k));
            } else {
              k();
            }
          };
          if (icr_ == 0) {
            eoi(std::move(done));  // not ours (shared line)
            return;
          }
          userspace_exit(
              [this](VCpu& by, Continuation d) { dev_->imc_write(by, std::move(d)); },
              [this, eoi, done = std::move(done)]() mutable {
                userspace_exit(
                    [this](VCpu& by, Continuation d) { dev_->status_read(by, std::move(d)); },
                    [this, eoi, done = std::move(done)]() mutable {
                      if (napi_.schedule()) {
                        // e1000_intr: the totals count from here.
                        total_tx_packets_ = total_tx_bytes_ = total_rx_packets_ = total_rx_bytes_ = 0;
                        cpu_->post_softirq([this](Continuation d) { napi(*cpu_, NapiPoll::kSoftirq, std::move(d)); });
                        eoi(std::move(done));
                        return;
                      }
                      // napi_schedule_prep failed (its softirq or a busy poller holds the
                      // NAPI): "this really should not happen", so e1000_intr enables the
                      // interrupts again.
                      irq_enable(*cpu_, [eoi, done = std::move(done)]() mutable { eoi(std::move(done)); });
                    });
              });
        });
  });
}

void E1000Driver::napi(VCpu& cpu, NapiPoll by, Continuation done) {
  const uint32_t budget = poll_budget(by, config_.napi_budget);
  const GuestCosts& c = os_->costs();
  uint64_t cleaned_bytes = 0;
  const uint32_t cleaned = dev_->tx_reap(cleaned_bytes);
  total_tx_packets_ += cleaned;
  total_tx_bytes_ += cleaned_bytes;
  txq_->completed(cleaned_bytes, now(), &cpu);
  uint32_t received = 0;
  uint32_t packet = 0;
  core::Cycles stack{0};
  while (received < budget && dev_->rx_reap(packet)) {
    ++received;
    ++rx_packets_;
    ++total_rx_packets_;
    total_rx_bytes_ += os_->pool()[packet].bytes;
    stack = stack + os_->receive(packet, this, cpu);  // the stack, or RPS's steering
  }
  // napi_complete_done hands up what GRO held; a softirq poll on its
  // whole budget is polled again, and at HZ 1000 keeps this jiffy's skbs.
  stack = stack + os_->gro_flush(this, cpu, by == NapiPoll::kSoftirq && received == budget);
  to_refill_ += received;
  const core::Cycles cost =
      c.napi_poll + (c.driver_rx_packet + c.driver_rx_refill) * received + stack + c.driver_tx_free * cleaned;
  cpu.guest(cost, CpuCategory::kGuestKernel, [this, &cpu, by, budget, received, done = std::move(done)]() mutable {
    // Frames held in the qdisc while the queue was stopped (qdisc_run:
    // e1000_xmit_frame for each, the TDT write after the last).
    uint32_t held = 0;
    uint32_t posted = 0;
    while (!txq_->stack_stopped() && dev_->tx_free() > 0 && txq_->dequeue(now(), held, &cpu)) {
      dev_->tx_post(cpu, held);
      txq_->sent(os_->pool()[held], false, &cpu);
      ++tx_packets_;
      ++posted;
    }
    auto rest = [this, &cpu, by, budget, received, done = std::move(done)]() mutable {
      after_napi(cpu, by, budget, received, std::move(done));
    };
    if (posted > 0) {
      userspace_exit([this](VCpu& by, Continuation d) { dev_->tdt_write(by, std::move(d)); }, std::move(rest),
                     &cpu);  // TDT
      return;
    }
    rest();
  });
}

void E1000Driver::after_napi(VCpu& cpu, NapiPoll by, uint32_t budget, uint32_t received, Continuation done) {
  refill(cpu, [this, &cpu, by, budget, received, done = std::move(done)]() mutable {
    if (by == NapiPoll::kBusyStop) napi_.busy_stop();
    if (received == budget) {
      // A softirq poll runs again; a busy poller polls on (its last poll
      // hands the NAPI to the softirq).
      if (by != NapiPoll::kBusy) {
        cpu.post_softirq([this, &cpu](Continuation d) { napi(cpu, NapiPoll::kSoftirq, std::move(d)); });
      }
      done();
      return;
    }
    // e1000_clean: napi_complete_done, which refuses while busy polling
    // ("don't re-enable interrupts if stack might poll us"); when it
    // completes, e1000_set_itr and e1000_irq_enable.
    if (by == NapiPoll::kBusy) {
      done();
      return;
    }
    napi_.complete();
    set_itr(cpu, [this, &cpu, done = std::move(done)]() mutable { irq_enable(cpu, std::move(done)); });
  });
}

void E1000Driver::refill(VCpu& cpu, Continuation k) {
  if (to_refill_ < config_.refill_batch) {
    k();
    return;
  }
  to_refill_ -= config_.refill_batch;
  // An RDT write: coalesced MMIO, an exit to KVM that QEMU sees later.
  dev_->rx_post_coalesced(config_.refill_batch);
  cpu.exit(ExitReason::kMmioEmulated, [this, &cpu, k = std::move(k)]() mutable { refill(cpu, std::move(k)); });
}

// e1000_update_itr: the class of the traffic since the interrupt, from the
// class it had (drivers/net/ethernet/intel/e1000/e1000_main.c).
E1000Driver::Latency E1000Driver::update_itr(Latency now, uint64_t packets, uint64_t bytes) {
  if (packets == 0) return now;
  const uint64_t per_packet = bytes / packets;
  switch (now) {
    case kLowest:
      if (per_packet > 8000) return kBulk;  // jumbo frames
      if (packets < 5 && bytes > 512) return kLow;
      return now;
    case kLow:  // 50 us, 20,000 interrupts/s
      if (bytes > 10000) {
        if (per_packet > 8000 || packets < 10 || per_packet > 1200) return kBulk;
        if (packets > 35) return kLowest;
        return now;
      }
      if (per_packet > 2000) return kBulk;
      if (packets <= 2 && bytes < 512) return kLowest;
      return now;
    case kBulk:  // 250 us, 4,000 interrupts/s
      if (bytes > 25000) return packets > 35 ? kLow : now;
      return bytes < 6000 ? kLow : now;
  }
  return now;
}

void E1000Driver::set_itr(VCpu& cpu, Continuation k) {
  if ((config_.itr_setting & 3) == 0) {  // off, or a fixed rate
    k();
    return;
  }
  // Conservative mode (3) never goes to the lowest class.
  const bool conservative = config_.itr_setting == 3;
  tx_itr_ = update_itr(tx_itr_, total_tx_packets_, total_tx_bytes_);
  if (conservative && tx_itr_ == kLowest) tx_itr_ = kLow;
  rx_itr_ = update_itr(rx_itr_, total_rx_packets_, total_rx_bytes_);
  if (conservative && rx_itr_ == kLowest) rx_itr_ = kLow;
  const Latency current = std::max(tx_itr_, rx_itr_);
  uint32_t rate = current == kLowest ? 70000 : current == kLow ? 20000 : 4000;
  if (rate == itr_) {
    k();
    return;
  }
  // "bias the interrupt rate towards Bulk by adding intermediate steps
  // when interrupt rate is increasing"
  if (rate > itr_) rate = std::min(itr_ + (rate >> 2), rate);
  itr_ = rate;
  ++itr_writes_;
  // ew32(ITR): a coalesced MMIO write, an exit to KVM that QEMU sees later.
  dev_->itr_write_coalesced(E1000Device::itr_for(rate));
  cpu.exit(ExitReason::kMmioEmulated, std::move(k));
}

}  // namespace viosim::models
