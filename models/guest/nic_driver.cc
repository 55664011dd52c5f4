// Hardware NIC driver: xmit with tail doorbells, MSI-X ISR, NAPI with refill.
#include "models/guest/nic_driver.h"

#include <utility>

#include "models/net/packet_trace.h"

namespace viosim::models {

const core::ComponentSpec& NicDriver::model_spec() {
  static const core::ComponentSpec spec{
      .type = "guest.nic_driver",
      .help = "ixgbe/ixgbevf-class driver for one queue pair: tail doorbells, MSI-X, NAPI, refill by 16",
      .params = {{"napi_weight", core::Unit::kPackets, "64", "RX budget per poll"},
                 {"refill_batch", core::Unit::kPackets, "16", "buffers per RX tail write"}},
      .ports = {},
      .stats = {{"tx_packets", core::StatKind::kCounter, core::Unit::kPackets, "packets posted for transmit"},
                {"rx_packets", core::StatKind::kCounter, core::Unit::kPackets, "packets received"},
                {"qdisc_drops", core::StatKind::kCounter, core::Unit::kPackets, "drops at a full qdisc"},
                {"doorbells", core::StatKind::kCounter, core::Unit::kCount, "TX tail register writes"}}};
  return spec;
}

NicDriver::NicDriver(core::Simulator& sim, std::string_view name, core::Component* parent, GuestOs& os,
                     NicQueue& queue, uint32_t vector, const Config& config)
    : core::Component(sim, name, parent), os_(&os), cpu_(&os.vcpu()), q_(&queue), config_(config) {
  configure_tx({});
  os.set_device(this);
  os.register_vector(vector, [this](Continuation done) { isr(std::move(done)); });
  q_->set_on_rx([this] { napi_.published(); },  // a busy loop sees the written-back descriptor
                [this] { return os_->busy_polls(); });
}

bool NicDriver::busy_poll_own(VCpu& cpu) { return napi_.busy_take(cpu); }

void NicDriver::init() { q_->rx_post(UINT32_MAX); }  // fill the RX ring

void NicDriver::track_skbs(SkbOwner& owner) {
  skb_owner_ = &owner;
  txq_->track_skbs(owner, false);
}

void NicDriver::configure_tx(const TxQueueSetup& setup) {
  txq_ = std::make_unique<NetdevTxQueue>(setup, os_->pool(), qdisc_drops_);
  if (skb_owner_ != nullptr) txq_->track_skbs(*skb_owner_, false);
}

void NicDriver::post(VCpu& cpu, uint32_t packet) {
  q_->tx_post(packet);
  txq_->sent(os_->pool()[packet], false, &cpu);
  ++tx_packets_;
}

void NicDriver::xmit(VCpu& cpu, uint32_t packet, bool more, Continuation k) {
  const GuestCosts& c = os_->costs();
  // A stopped queue (ring full, or BQL's limit reached) or one whose qdisc
  // still holds packets: the packet waits in the qdisc, which the next
  // NAPI poll runs once completions free the queue.
  if (txq_->stack_stopped() || txq_->holds() || q_->tx_free() == 0) {
    txq_->enqueue(packet, now(), &cpu);
    k();
    return;
  }
  post(cpu, packet);
  more = more && !txq_->stack_stopped();  // __netdev_tx_sent_queue: a stopped queue rings now
  trace_hop(cpu.thread(), os_->pool()[packet], place(), "the driver posted its TX descriptor");
  if (more) {
    cpu.guest(c.driver_tx_packet, CpuCategory::kGuestKernel, std::move(k));
    return;
  }
  // The tail write: straight to the device, no exit.
  ++doorbells_;
  cpu.guest(c.driver_tx_packet + c.mmio_write, CpuCategory::kGuestKernel, [this, k = std::move(k)]() mutable {
    q_->tx_doorbell();
    k();
  });
}

void NicDriver::isr(Continuation done) {
  if (napi_.schedule()) {
    cpu_->post_softirq([this](Continuation d) { napi(*cpu_, NapiPoll::kSoftirq, std::move(d)); });
  }
  cpu_->guest(os_->costs().irq_entry, CpuCategory::kGuestKernel, std::move(done));
}

void NicDriver::napi(VCpu& cpu, NapiPoll by, Continuation done) {
  const uint32_t budget = poll_budget(by, config_.napi_budget);
  const GuestCosts& c = os_->costs();
  uint64_t cleaned_bytes = 0;
  const uint32_t cleaned = q_->tx_reap(cleaned_bytes);
  napi_work_.tx_packets += cleaned;
  napi_work_.tx_bytes += cleaned_bytes;
  txq_->completed(cleaned_bytes, now(), &cpu);
  uint32_t received = 0;
  uint32_t packet = 0;
  core::Cycles stack{0};
  while (received < budget && q_->rx_reap(packet)) {
    ++received;
    ++rx_packets_;
    trace_hop(cpu.thread(), os_->pool()[packet], place(),
              by == NapiPoll::kSoftirq ? "the driver's NAPI poll took it to the socket"
                                       : "a busy-polling receive took it to the socket");
    napi_work_.rx_bytes += os_->pool()[packet].bytes;
    stack = stack + os_->receive(packet, this, cpu);  // the stack, or RPS's steering
  }
  // napi_complete_done hands up what GRO held; a softirq poll on its
  // whole budget is polled again, and at HZ 1000 keeps this jiffy's skbs.
  stack = stack + os_->gro_flush(this, cpu, by == NapiPoll::kSoftirq && received == budget);
  napi_work_.rx_packets += received;
  to_refill_ += received;
  uint32_t tail_writes = 0;
  while (to_refill_ >= config_.refill_batch) {
    q_->rx_post(config_.refill_batch);
    to_refill_ -= config_.refill_batch;
    ++tail_writes;
  }
  const core::Cycles cost = c.napi_poll + c.driver_rx_packet * received + stack + c.driver_tx_free * cleaned +
                            c.driver_rx_refill * received + c.mmio_write * tail_writes;
  cpu.guest(cost, CpuCategory::kGuestKernel, [this, &cpu, by, budget, received, done = std::move(done)]() mutable {
    // Frames waiting in the qdisc go out now that TX descriptors are free
    // (and BQL lets them).
    uint32_t held = 0;
    while (!txq_->stack_stopped() && q_->tx_free() > 0 && txq_->dequeue(now(), held, &cpu)) post(cpu, held);
    q_->tx_doorbell();
    if (by == NapiPoll::kBusyStop) napi_.busy_stop();
    if (received == budget) {
      // Budget used: a softirq poll runs again; a busy poller polls on (its
      // last poll hands the NAPI to the softirq, __busy_poll_stop).
      if (by != NapiPoll::kBusy)
        cpu.post_softirq([this, &cpu](Continuation d) { napi(cpu, NapiPoll::kSoftirq, std::move(d)); });
    } else if (by != NapiPoll::kBusy) {
      q_->rearm(napi_work_);  // napi_complete_done: re-enable the vector
      napi_work_ = NapiWork{};
      napi_.complete();
    }
    // Busy polling, napi_complete_done refuses: the vector stays as it was
    // (masked once it fired).
    done();
  });
}

}  // namespace viosim::models
