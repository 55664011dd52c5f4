// QEMU's emulated e1000 (82540EM) for one VM. Register accesses are the
// guest's exits: the vCPU thread runs the device model (under the BQL, not
// modelled as contention here). A TDT write transmits the whole TX ring
// synchronously on the vCPU thread, one tap writev per frame; an ICR read
// returns and clears the causes and lowers the INTx line; IMS/IMC writes
// unmask and mask. RDT writes are coalesced MMIO: they reach the device
// model only at its next main-loop pass or register access. Receive runs in
// QEMU's main loop: tap_send reads frames (at most 50 per callback) and
// copies each into a posted buffer, or stops reading when there is none.
// Interrupt mitigation: on a rising edge of ICR & IMS the line is raised
// unless the mitigation timer runs (then it waits for it); raising arms the
// timer for the smaller of ITR and (with TX causes) TADV, but never less
// than QEMU's 128 us (500 units of 256 ns). The line is raised with a
// KVM_IRQ_LINE ioctl.
#pragma once

#include <functional>
#include <vector>

#include "models/host/host_thread.h"
#include "models/host/shared_lines.h"
#include "models/net/bridge_port.h"
#include "models/net/host_net_costs.h"
#include "models/net/tap.h"
#include "models/packet/packet.h"
#include "models/qemu/qemu_virtio_net.h"
#include "models/vcpu/vcpu.h"
#include "sim-core/member_event.h"
#include "sim-core/ring_buffer.h"

namespace viosim::models {

class E1000Device final : public core::Component {
 public:
  static constexpr uint32_t kTxdw = 1u << 0;  // ICR bits
  static constexpr uint32_t kTxqe = 1u << 1;
  static constexpr uint32_t kRxt0 = 1u << 7;
  static constexpr uint32_t kRxo = 1u << 6;
  static constexpr uint32_t kMinMitigation = 500;  // QEMU's floor, 256 ns units

  struct Config {
    uint32_t rx_ring = 256;
    uint32_t tx_ring = 256;
    uint32_t itr = 195;          // 256 ns units: the driver's 20,000 interrupts/s
    uint32_t tadv = 32;          // 1.024 us units: the driver's TxAbsIntDelay
    uint32_t tap_read_max = 50;
    core::Cycles tx_descriptor{900};  // process_tx_desc + DMA of one frame (QEMU)
    core::Cycles rx_descriptor{900};  // e1000_receive_iov per frame, beyond the copy (QEMU)
    core::Cycles register_access{300};  // the register handler itself (QEMU)
  };

  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  E1000Device(core::Simulator& sim, std::string_view name, core::Component* parent, HostThread& main_loop,
              VCpu& vcpu, uint32_t vector, TapQueue& tap, PacketPool& pool, const HostNetCosts& host,
              const QemuCosts& qemu, const Config& config, BridgePort out);
  void init() override;

  // ---- guest memory (no exit) ----
  bool tx_post(VCpu& by, uint32_t packet);  // by: the vCPU whose driver posts it
  uint32_t tx_free() const { return config_.tx_ring - tx_in_ring_; }
  // Frames sent since the last reap, and their bytes.
  uint32_t tx_reap(uint64_t& bytes);
  bool rx_reap(uint32_t& packet);
  bool rx_ready() const { return !rx_done_.empty(); }
  // A polling driver's eye on the ring: called as each frame lands in it.
  void set_on_rx(std::function<void()> on_rx) { on_rx_ = std::move(on_rx); }
  void rx_post_coalesced(uint32_t buffers);  // an RDT write into the coalesced ring
  // An ITR write (256 ns units) into the coalesced ring: the mitigation
  // delay changes once QEMU applies it.
  void itr_write_coalesced(uint32_t itr);
  // The ITR value (256 ns units) for a rate in interrupts/s.
  static constexpr uint32_t itr_for(uint32_t interrupts_per_s) { return 1000000000u / (interrupts_per_s * 256u); }

  // ---- register accesses: device models run inside the exit of `by`, the
  // vCPU that made the access (any of the VM's; interrupts go to the one
  // the device was built with) ----
  void tdt_write(VCpu& by, Continuation done);
  void icr_read(VCpu& by, uint32_t& icr, Continuation done);
  void imc_write(VCpu& by, Continuation done);
  void ims_write(VCpu& by, Continuation done);
  void status_read(VCpu& by, Continuation done);

  uint64_t interrupts() const { return interrupts_.value(); }
  uint64_t drops() const { return drops_.value(); }

 private:
  // The frames of the skb the TDT write took, each a writev into the tap;
  // then the next descriptor. `tso`: QEMU cut them from a TSO skb.
  void tx_frames(VCpu& by, std::vector<uint32_t> frames, size_t next, bool tso, uint32_t skb_bytes, Continuation done);
  void apply_coalesced();
  void set_cause(uint32_t cause, HostThread& by, Continuation k);
  void raise(HostThread& by, Continuation k);
  void mitigation_expired();
  void poll();
  void tap_read_one();
  core::Cycles copy(uint32_t packet) const;

  HostThread* main_;
  VCpu* vcpu_;
  uint32_t vector_;
  TapQueue* tap_;
  PacketPool* pool_;
  HostNetCosts host_;
  QemuCosts qemu_;
  Config config_;
  BridgePort out_;
  uint32_t icr_ = 0;
  uint32_t ims_ = 0;
  bool line_ = false;
  bool mit_pending_ = false;
  bool timer_raise_due_ = false;
  core::RingBuffer<uint32_t> tx_ring_;  // posted by the driver, not yet sent
  uint32_t tx_in_ring_ = 0;
  uint32_t tx_done_ = 0;
  uint64_t tx_done_bytes_ = 0;
  uint32_t itr_;                // the ITR register QEMU mitigates with
  uint32_t itr_coalesced_ = 0;  // an ITR write still in KVM's coalesced ring
  bool itr_write_pending_ = false;
  bool mit_ide_ = false;       // a descriptor with IDE sent since the timer was armed
  uint32_t rx_free_ = 0;       // buffers the device knows about
  uint32_t rx_coalesced_ = 0;  // RDT updates still in KVM's coalesced ring
  core::RingBuffer<uint32_t> rx_done_;
  std::function<void()> on_rx_;
  bool rx_blocked_ = false;
  bool held_valid_ = false;
  uint32_t held_ = 0;
  uint32_t tap_count_ = 0;
  size_t tx_batch_ = 0;
  // The legacy descriptor rings in guest memory (16-byte descriptors, then
  // one line per buffer, its first) and where each side is in them: the
  // driver writes TX descriptors and frames that the model reads on the
  // same vCPU thread; the main loop writes RX descriptors and frames that
  // the driver reads on its vCPU (SharedLines charges what crosses cores).
  size_t desc_line(uint32_t ring, uint32_t i) const { return (i % ring) / 4; }
  size_t buffer_line(uint32_t ring, uint32_t i) const { return (ring + 3) / 4 + i % ring; }
  SharedLines tx_lines_;
  SharedLines rx_lines_;
  uint32_t tx_post_idx_ = 0;
  uint32_t tx_take_idx_ = 0;
  uint32_t rx_fill_idx_ = 0;  // next descriptor the model writes a frame into
  uint32_t rx_reap_idx_ = 0;  // next the driver reaps
  uint32_t rx_post_idx_ = 0;  // next the driver hands back (RDT)
  core::MemberEvent mit_timer_{this, "mitigation_timer", [this] { mitigation_expired(); }};
  core::Counter interrupts_{this, "interrupts"};
  core::Counter drops_{this, "drops"};
  core::Counter tx_frames_{this, "tx_frames"};
  core::Counter rx_frames_{this, "rx_frames"};
};

}  // namespace viosim::models
