// The Linux e1000 driver for the emulated 82540EM: every register access the
// real driver makes is an exit. Transmit writes TDT once per xmit_more batch
// (an exit to QEMU, which sends the ring there and then). The INTx handler
// reads ICR, writes IMC and reads STATUS (three exits to QEMU) and
// schedules NAPI; NAPI cleans TX and RX in memory, writes RDT every 16
// buffers (coalesced MMIO: a KVM exit, no QEMU), and on completion writes
// IMS and reads STATUS (two more exits to QEMU). The level-triggered line
// needs an EOI that KVM sees (EOI-induced exit with APICv).
#pragma once

#include "models/e1000/e1000_device.h"
#include "models/guest/guest_os.h"
#include "models/guest/napi_state.h"
#include "sim-core/ring_buffer.h"

namespace viosim::models {

class E1000Driver final : public core::Component, public GuestNetDevice {
 public:
  struct Config {
    uint32_t napi_budget = 64;
    uint32_t refill_batch = 16;  // E1000_RX_BUFFER_WRITE
    // InterruptThrottleRate: 0 off, 1 dynamic, 3 dynamic conservative,
    // else a fixed rate (interrupts/s) that the driver never changes.
    uint32_t itr_setting = 3;
    // NETIF_F_TSO, which e1000_probe sets from the 82544 on (QEMU's 82540EM
    // included): QEMU's device model cuts the skb into frames.
    bool tso = true;
  };
  // e1000_check_options for the module's InterruptThrottleRate: the setting
  // the driver keeps (a fixed rate loses its two mode bits, so it never
  // turns dynamic), and the ITR e1000_configure_rx writes first (the
  // dynamic modes start at 20,000 interrupts/s; 0 writes nothing).
  static uint32_t kept_setting(uint32_t throttle_rate) {
    return throttle_rate >= 100 ? throttle_rate & ~3u : throttle_rate;
  }
  static uint32_t first_itr(uint32_t throttle_rate) {
    if (throttle_rate == 0) return 0;
    return E1000Device::itr_for(throttle_rate == 1 || throttle_rate == 3 ? 20000 : throttle_rate);
  }

  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  E1000Driver(core::Simulator& sim, std::string_view name, core::Component* parent, GuestOs& os, E1000Device& dev,
              uint32_t vector, const Config& config);

  void init() override;
  void xmit(VCpu& cpu, uint32_t packet, bool more, Continuation k) override;
  void configure_tx(const TxQueueSetup& setup) override;
  bool tso() const override { return config_.tso; }
  void track_skbs(SkbOwner& owner) override;
  bool busy_poll_own(VCpu& cpu) override { return napi_.busy_take(cpu); }
  void busy_poll(VCpu& cpu, Continuation k) override { napi(cpu, NapiPoll::kBusy, std::move(k)); }
  void busy_poll_stop(VCpu& cpu, Continuation k) override { napi(cpu, NapiPoll::kBusyStop, std::move(k)); }
  bool busy_poll_ready() const override { return dev_->rx_ready(); }
  uint64_t tx_packets() const { return tx_packets_.value(); }
  uint64_t rx_packets() const { return rx_packets_.value(); }

 private:
  void isr(Continuation done);
  // One NAPI poll (e1000_clean) on `cpu` (the softirq's: the CPU that scheduled it).
  void napi(VCpu& cpu, NapiPoll by, Continuation done);
  // The rest of a NAPI poll once its TX side is done: refill, then
  // complete or poll again.
  void after_napi(VCpu& cpu, NapiPoll by, uint32_t budget, uint32_t received, Continuation done);
  void refill(VCpu& cpu, Continuation k);
  // e1000_irq_enable: IMS, then the write flush (a STATUS read).
  void irq_enable(VCpu& cpu, Continuation k);
  // e1000_set_itr at the end of an interrupt's NAPI: a new rate, if the
  // traffic since the interrupt moved it, goes to the ITR register.
  void set_itr(VCpu& cpu, Continuation k);
  enum Latency : uint8_t { kLowest, kLow, kBulk };  // e1000's latency_range
  static Latency update_itr(Latency now, uint64_t packets, uint64_t bytes);
  // A register access trapping to QEMU, on `cpu` (the driver's vCPU when null).
  void userspace_exit(std::function<void(VCpu&, Continuation)> device, Continuation k, VCpu* cpu = nullptr);

  GuestOs* os_;
  VCpu* cpu_;
  E1000Device* dev_;
  Config config_;
  NapiState napi_;
  uint32_t icr_ = 0;
  uint32_t to_refill_ = 0;
  // Dynamic ITR: each direction's class, the rate in use, and the
  // packets and bytes cleaned since the interrupt that scheduled NAPI.
  Latency tx_itr_ = kLowest;
  Latency rx_itr_ = kLowest;
  uint32_t itr_ = 20000;
  uint64_t total_tx_packets_ = 0, total_tx_bytes_ = 0;
  uint64_t total_rx_packets_ = 0, total_rx_bytes_ = 0;
  std::unique_ptr<NetdevTxQueue> txq_;
  SkbOwner* skb_owner_ = nullptr;
  core::Counter tx_packets_{this, "tx_packets"};
  core::Counter rx_packets_{this, "rx_packets"};
  core::Counter qdisc_drops_{this, "qdisc_drops"};
  core::Counter itr_writes_{this, "itr_writes"};
};

}  // namespace viosim::models
