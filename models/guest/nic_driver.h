// A hardware NIC's Linux driver (ixgbe / ixgbevf class) for one queue pair,
// in a guest (SR-IOV VF) or on bare metal: transmit posts a descriptor and
// writes the tail register once per xmit_more batch (an MMIO write that
// goes straight to the device: no exit), the MSI-X handler schedules NAPI,
// and NAPI cleans TX, receives up to the budget, refills RX 16 buffers at a
// time with a tail write, and re-enables the vector (which lets the NIC's
// moderation retune).
#pragma once

#include "models/guest/guest_os.h"
#include "models/guest/napi_state.h"
#include "models/net/nic_queue.h"
#include "models/net/path_places.h"
#include "sim-core/ring_buffer.h"

namespace viosim::models {

class NicDriver final : public core::Component, public GuestNetDevice {
 public:
  struct Config {
    uint32_t napi_budget = 64;
    uint32_t refill_batch = 16;  // IXGBE_RX_BUFFER_WRITE
    bool tso = true;             // NETIF_F_TSO: the NIC cuts TCP skbs into frames
  };

  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  NicDriver(core::Simulator& sim, std::string_view name, core::Component* parent, GuestOs& os, NicQueue& queue,
            uint32_t vector, const Config& config);

  void init() override;
  void xmit(VCpu& cpu, uint32_t packet, bool more, Continuation k) override;
  void configure_tx(const TxQueueSetup& setup) override;
  bool tso() const override { return config_.tso; }
  void track_skbs(SkbOwner& owner) override;
  bool busy_poll_own(VCpu& cpu) override;
  void busy_poll(VCpu& cpu, Continuation k) override { napi(cpu, NapiPoll::kBusy, std::move(k)); }
  void busy_poll_stop(VCpu& cpu, Continuation k) override { napi(cpu, NapiPoll::kBusyStop, std::move(k)); }
  bool busy_poll_ready() const override { return q_->rx_ready(); }
  uint64_t tx_packets() const { return tx_packets_.value(); }
  uint64_t rx_packets() const { return rx_packets_.value(); }

 private:
  void isr(Continuation done);
  // One NAPI poll on `cpu` (the softirq's: the CPU that scheduled it).
  void napi(VCpu& cpu, NapiPoll by, Continuation done);
  // Posts one packet's descriptor (the ring has room) and tells BQL.
  void post(VCpu& cpu, uint32_t packet);
  // Where its hops land in a trace: a VF's driver in a guest, or the
  // host's own on bare metal (a native vCPU).
  const char* place() const { return cpu_->config().native ? place::kNicDriver : place::kVfDriver; }

  GuestOs* os_;
  VCpu* cpu_;
  NicQueue* q_;
  Config config_;
  NapiState napi_;
  uint32_t to_refill_ = 0;
  NapiWork napi_work_;  // since the last re-arm
  std::unique_ptr<NetdevTxQueue> txq_;
  SkbOwner* skb_owner_ = nullptr;
  core::Counter tx_packets_{this, "tx_packets"};
  core::Counter rx_packets_{this, "rx_packets"};
  core::Counter qdisc_drops_{this, "qdisc_drops"};
  core::Counter doorbells_{this, "doorbells"};
};

}  // namespace viosim::models
