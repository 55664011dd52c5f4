// The Linux virtio-net driver for one queue pair: start_xmit with a kick per
// xmit_more batch (when kick_prepare says so), the queue stopped below
// 2 + MAX_SKB_FRAGS free descriptors with a qdisc queue in front, TX
// completion by TX NAPI (napi_tx, with the 3/4 delayed callback) or reclaim
// in start_xmit (orphan mode), and RX NAPI with budget 64, refill once more
// than min(budget, ring)/2 buffers are free, and the enable-then-recheck on
// completion. Kicks are doorbell writes: a fast-MMIO exit signalling the
// queue's ioeventfd, or a posted write to a device that maps its
// notification area into the guest (vDPA).
#pragma once

#include "models/guest/guest_os.h"
#include "models/guest/napi_state.h"
#include "models/virtio/virtio_queue_pair.h"
#include "sim-core/ring_buffer.h"

namespace viosim::models {

class VirtioNetDriver final : public core::Component, public GuestNetDevice {
 public:
  struct Config {
    bool napi_tx = true;
    uint32_t napi_budget = 64;
    uint32_t stop_threshold = 2 + 17;  // 2 + MAX_SKB_FRAGS
    // The receive buffers it posts (virtnet_probe's choice): mergeable
    // (VIRTIO_NET_F_MRG_RXBUF), big packets (guest TSO without it: every
    // buffer a chain of MAX_SKB_FRAGS pages), or small (one frame each).
    enum class RxBuffers : uint8_t { kMergeable, kBig, kSmall };
    RxBuffers rx_buffers = RxBuffers::kMergeable;
    // VIRTIO_NET_F_HOST_TSO4 negotiated: NETIF_F_TSO, the device takes
    // TCP skbs of up to 64 KB.
    bool tso = true;
  };
  // The running average of received packet lengths (DECLARE_EWMA(pkt_len,
  // 0, 64)) and the mergeable buffer length it gives.
  static uint32_t ewma_add(uint32_t internal, uint32_t len) {
    return internal == 0 ? len : ((internal << 6) - internal + len) >> 6;
  }
  static uint32_t mergeable_buf_len(uint32_t avg);
  static constexpr uint32_t kPageSize = 4096;
  static constexpr uint32_t kMaxSkbFrags = 17;  // MAX_SKB_FRAGS: a big packets buffer's pages

  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  // `os` transmits on this queue pair (XPS: its vCPU's queue); `irq_os`
  // takes its interrupts and runs its NAPI (the vector's affinity; the
  // same guest unless the vector is shared).
  VirtioNetDriver(core::Simulator& sim, std::string_view name, core::Component* parent, GuestOs& os,
                  VirtioQueuePair& queues, const Config& config, GuestOs* irq_os = nullptr);

  void init() override;
  void xmit(VCpu& cpu, uint32_t packet, bool more, Continuation k) override;
  // BQL only with napi_tx: the orphan mode frees skbs at once (Linux's
  // virtio-net reports completions to BQL only from its TX NAPI).
  void configure_tx(const TxQueueSetup& setup) override;
  bool tso() const override { return config_.tso; }
  void track_skbs(SkbOwner& owner) override;
  bool busy_poll_own(VCpu& cpu) override;
  void busy_poll(VCpu& cpu, Continuation k) override;
  void busy_poll_stop(VCpu& cpu, Continuation k) override;
  bool busy_poll_ready() const override { return q_->rx.more_used(); }

  uint64_t kicks() const { return kicks_.value(); }
  uint64_t rx_buffers_used() const { return rx_buffers_.value(); }
  uint64_t rx_interrupts() const { return rx_irqs_.value(); }
  uint64_t tx_interrupts() const { return tx_irqs_.value(); }

 private:
  void add_to_ring(VCpu& vcpu, uint32_t packet, bool more, Continuation k);
  uint32_t reclaim_tx(VCpu& cpu);
  void tx_isr(Continuation done);
  void tx_napi(VCpu& cpu, Continuation done);
  void rx_isr(Continuation done);
  // One RX NAPI poll on `cpu` (the softirq's: the CPU that scheduled it).
  void rx_napi(VCpu& cpu, NapiPoll by, Continuation done);
  void rx_refill(VCpu& cpu, NapiPoll by, uint32_t received);
  void rx_napi_complete(VCpu& cpu, NapiPoll by, uint32_t received);
  void schedule_rx_napi(VCpu& cpu);
  void flush_qdisc(VCpu& vcpu, Continuation k);
  bool queue_runs() const { return !stopped_ && !txq_->stack_stopped(); }

  GuestOs* os_;       // the sender
  GuestOs* irq_os_;   // interrupts and NAPI
  VCpu* vcpu_;        // irq_os_'s vCPU
  VirtioQueuePair* q_;
  Config config_;
  bool stopped_ = false;   // DRV_XOFF: the ring is nearly full
  bool bql_woke_ = false;  // a completion let BQL run the queue again
  std::unique_ptr<NetdevTxQueue> txq_;
  SkbOwner* skb_owner_ = nullptr;
  core::RingBuffer<uint32_t> tx_bytes_;  // each buffer in the TX ring, in ring order: its bytes (skb->len)
  NapiState rx_napi_;
  bool tx_napi_scheduled_ = false;
  // What the vCPU does after the NAPI poll running now (one per direction).
  HeldContinuation rx_napi_done_;
  HeldContinuation tx_napi_done_;
  std::vector<uint32_t> free_rx_buffers_;
  uint32_t avg_pkt_len_ = 0;  // the EWMA's internal value (mergeable buffers)
  uint32_t pages_taken_ = 0;  // big packets: pages the received skbs kept, allocated again at refill
  uint32_t frag_left_ = 0;    // bytes left in the page fragment buffers are carved from
  static constexpr uint32_t kFragPageSize = 32'768;  // SKB_FRAG_PAGE_ORDER's compound page
  // add_recvbuf_small: SKB_DATA_ALIGN of the pad, the header and a
  // 1518-byte frame, and SKB_DATA_ALIGN of the skb_shared_info after it.
  static constexpr uint32_t kSmallBufLen = 1'600 + 320;
  static constexpr uint32_t kGoodCopyLen = 128;  // GOOD_COPY_LEN
  // Posts the free receive buffers; returns what that costs.
  core::Cycles post_rx_buffers();
  core::Counter kicks_{this, "kicks"};
  core::Counter rx_buffers_{this, "rx_buffers"};
  core::Counter rx_irqs_{this, "rx_interrupts"};
  core::Counter tx_irqs_{this, "tx_interrupts"};
  core::Counter rx_packets_{this, "rx_packets"};
  core::Counter busy_polls_{this, "busy_polls"};
  core::Counter tx_packets_{this, "tx_packets"};
  core::Counter qdisc_drops_{this, "qdisc_drops"};
  core::Counter stops_{this, "queue_stops"};
};

}  // namespace viosim::models
