// The transmit side of one host NIC queue pair as the host kernel drives it
// (ixgbe_xmit_frame_ring and its kin): what the bridge or OVS's kernel
// datapath sends out of the NIC for the tap-based VMs comes through
// dev_queue_xmit, and waits in the queue's qdisc (an mq child) while the
// queue is stopped, by a full descriptor ring or by byte queue limits;
// otherwise the driver posts its descriptor and writes the tail. The NIC
// fetches the descriptor and the frame by DMA (two PCIe reads), and then
// each frame once its port's transmit buffer has room, and writes the
// descriptor back; the write-back is a TX completion on the queue pair's
// vector (HostNicRx::transmitted). NAPI's TX clean (cleaned) frees the
// descriptors, reports the bytes to BQL and, when that lets the queue run
// again or the ring has room, runs the qdisc (net_tx_action's qdisc_run,
// raised on the same core) to post what it holds.
//
// Not modelled: ixgbe stops a queue a few descriptors early (DESC_NEEDED)
// and wakes it at TX_WAKE_THRESHOLD free; here a frame takes one
// descriptor and the queue stops only when none is left.
#pragma once

#include <functional>
#include <vector>

#include "models/net/netdev_tx_queue.h"
#include "models/packet/packet.h"
#include "sim-core/member_event.h"
#include "sim-core/ring_buffer.h"

namespace viosim::models {

class HostNicTx final : public core::Component {
 public:
  struct Config {
    uint32_t tx_ring = 512;                               // descriptors (ethtool -G tx)
    uint32_t tx_buffer_bytes = 160 * 1024;                // the port's transmit buffer (82599 TXPBSIZE)
    core::Duration dma_latency = core::Nanoseconds(500);  // one PCIe read
    QdiscConfig qdisc;
    bool bql = true;
  };
  // `send`: the frame leaves by its port (or the NIC's switch turns it
  // around). `room`: how long until that port's buffer takes the frame
  // (Wire::wait_for_room); zero when it does now. `written_back`: the
  // frame's TX completion, with its bytes.
  using Send = std::function<void(uint32_t packet)>;
  using Room = std::function<core::Duration(uint32_t packet, uint32_t buffer_bytes)>;
  using WrittenBack = std::function<void(uint32_t bytes)>;

  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  HostNicTx(core::Simulator& sim, std::string_view name, core::Component* parent, const Config& config,
            PacketPool& pool, const TxQueueSetup& setup, Send send, Room room, WrittenBack written_back);

  // dev_queue_xmit from the thread that switched the frame (which pays for
  // it: HostNetCosts::nic_xmit_packet).
  void xmit(uint32_t packet);
  // ixgbe_clean_tx_irq freed the oldest `frames` written-back descriptors
  // (0: none, the qdisc only runs on): BQL's completion, then, when the
  // queue runs and its qdisc holds packets, qdisc_run takes up to
  // dev_tx_weight (64) of them for the ring, accounted to the ring and BQL
  // at once. Returns how many: the cleaning softirq pays for each, and
  // then flush() hands them to the NIC. While taken and not yet flushed,
  // the qdisc is running: another thread's packets queue behind them.
  uint32_t cleaned(uint32_t frames);
  void flush();

  const NetdevTxQueue& queue() const { return txq_; }
  uint32_t in_ring() const { return in_ring_; }
  uint64_t frames() const { return frames_.value(); }
  uint64_t qdisc_drops() const { return qdisc_drops_.value(); }

 private:
  static constexpr uint32_t kTxWeight = 64;  // dev_tx_weight: a qdisc_run's quota
  void account(uint32_t packet);             // the descriptor and BQL's count
  void doorbell();
  void fetch();

  Config config_;
  PacketPool* pool_;
  core::Counter qdisc_drops_{this, "qdisc_drops"};  // before txq_, which counts into it
  NetdevTxQueue txq_;
  Send send_;
  Room room_;
  WrittenBack written_back_;
  core::RingBuffer<uint32_t> posted_;      // descriptors the NIC has not fetched
  core::RingBuffer<uint32_t> done_bytes_;  // written back, not yet cleaned: each frame's bytes
  uint32_t in_ring_ = 0;                   // descriptors in use (taken for the ring to cleaned)
  std::vector<uint32_t> taken_;            // qdisc_run's packets, paid for but not yet posted
  core::MemberEvent fetch_event_{this, "tx_fetch", [this] { fetch(); }};
  core::Counter frames_{this, "frames"};
  core::Counter qdisc_runs_{this, "qdisc_posted"};
};

}  // namespace viosim::models
