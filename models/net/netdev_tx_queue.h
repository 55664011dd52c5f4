// The kernel's side of one transmit queue of a network device, a guest's or
// the host NIC's (struct netdev_queue): the qdisc in front of it (qdisc.h)
// and byte queue limits (byte_queue_limits.h), which stop the queue
// (__QUEUE_STATE_STACK_XOFF) while the driver's ring holds more bytes than
// the limit. The driver
// stops it too when its ring is full (DRV_XOFF, the driver's own state).
//
// The driver's part: while either stops the queue, or while the qdisc
// still holds packets (so nothing overtakes them), a packet goes to the
// qdisc; otherwise straight to the ring, and then sent() says what it
// queued. Its completions go to completed(), and when the queue runs again
// it drains the qdisc into the ring (qdisc_run) while neither stops it.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <vector>

#include "models/net/byte_queue_limits.h"
#include "models/net/qdisc.h"
#include "sim-core/ring_buffer.h"
#include "sim-core/stats.h"

namespace viosim::models {

class VCpu;

// A TCP data skb a socket sent through a queue, as its destructor
// (tcp_wfree) sees it when the skb is freed: whose it was and its bytes.
struct FreedSkb {
  uint32_t flow = 0;
  uint32_t conn = 0;
  uint32_t bytes = 0;
};
// Who owns the sockets whose skbs a queue carries (the guest): told of
// each TCP data skb freed, at its TX completion, a qdisc drop, or at once
// when the driver orphans its skbs; `cpu` is the vCPU whose code freed it.
class SkbOwner {
 public:
  virtual ~SkbOwner() = default;
  virtual void skb_freed(const FreedSkb& skb, VCpu& cpu) = 0;
};

struct TxQueueSetup {
  QdiscConfig qdisc;
  bool bql = false;
  // fq_codel's flow classification: the run's flows and the boot-time key.
  const std::vector<FlowConfig>* flows = nullptr;
  uint64_t seed = 0;
};

class NetdevTxQueue {
 public:
  // `drops`: the driver's qdisc drop counter (each drop is also counted at
  // the qdisc place in the packet pool).
  NetdevTxQueue(const TxQueueSetup& setup, PacketPool& pool, core::Counter& drops)
      : qdisc_(setup.qdisc, pool, flows_of(setup), setup.seed, &drops) {
    if (setup.bql) bql_.emplace();
  }

  bool stack_stopped() const { return stack_xoff_; }
  bool holds() const { return !qdisc_.empty(); }
  const Qdisc& qdisc() const { return qdisc_; }
  const ByteQueueLimits* bql() const { return bql_ ? &*bql_ : nullptr; }

  // From now on, tell `owner` of each TCP data skb freed (a guest's
  // queue, while it has TCP senders). One owner per queue: any guest of
  // the VM, which hands each skb to the guest whose connection sent it. `orphan`: the driver frees skbs as
  // it takes them (skb_orphan in virtio-net's start_xmit without TX NAPI).
  void track_skbs(SkbOwner& owner, bool orphan) {
    owner_ = &owner;
    orphan_ = orphan;
    qdisc_.on_drop([this](const Packet& p) {
      if (p.tcp_data) owner_->skb_freed({p.flow, p.conn, p.bytes}, *cpu_);
    });
  }

  // dev_queue_xmit for a packet the ring does not take now; `cpu` runs it.
  void enqueue(uint32_t packet, core::Time now, VCpu* cpu = nullptr) {
    cpu_ = cpu;
    qdisc_.enqueue(packet, now);
  }
  // qdisc_restart: the next packet for the ring, if the queue runs.
  bool dequeue(core::Time now, uint32_t& packet, VCpu* cpu = nullptr) {
    cpu_ = cpu;
    return qdisc_.dequeue(now, packet);
  }
  // netdev_tx_sent_queue; with `more` (xmit_more), __netdev_tx_sent_queue:
  // only the last packet of a batch may stop the queue. `cpu`: the vCPU
  // whose driver took it (a guest's).
  void sent(const Packet& p, bool more = false, VCpu* cpu = nullptr) {
    if (owner_ != nullptr) {
      if (!orphan_) {
        in_ring_.push_back({p.tcp_data ? p.flow : kNotTcp, p.conn, p.bytes});
      } else if (p.tcp_data) {
        owner_->skb_freed({p.flow, p.conn, p.bytes}, *cpu);
      }
    }
    if (bql_ && bql_->queued(p.bytes) && !more) stack_xoff_ = true;
  }
  // Whether BQL leaves room beyond `bytes` (qdisc_avail_bulklimit: a bulk
  // dequeue from the qdisc ends at the packet that uses it up).
  bool room_after(uint32_t bytes) const { return !bql_ || bql_->avail() - int64_t{bytes} > 0; }
  // netdev_tx_completed_queue: true when BQL had stopped the queue and
  // now lets it run (netif_schedule_queue: the qdisc runs in NET_TX).
  // `cpu`: the vCPU whose code reaped them (a guest's), which runs the
  // skbs' destructors.
  bool completed(uint64_t bytes, core::Time now, VCpu* cpu = nullptr) {
    if (owner_ != nullptr && !orphan_) {
      // Completions come in ring order: the oldest skbs, `bytes` of them.
      for (uint64_t left = bytes; left > 0;) {
        if (in_ring_.empty() || in_ring_.front().bytes > left) {
          throw std::logic_error("TX completion of bytes the queue did not send");
        }
        const FreedSkb s = in_ring_.front();
        in_ring_.pop_front();
        left -= s.bytes;
        if (s.flow != kNotTcp) owner_->skb_freed(s, *cpu);
      }
    }
    if (!bql_ || bytes == 0) return false;
    if (!bql_->completed(static_cast<uint32_t>(bytes), now) || !stack_xoff_) return false;
    stack_xoff_ = false;
    return true;
  }

 private:
  static const std::vector<FlowConfig>& flows_of(const TxQueueSetup& s) {
    static const std::vector<FlowConfig> none;
    if (s.flows == nullptr && s.qdisc.kind == QdiscConfig::Kind::kFqCodel) {
      throw std::logic_error("fq_codel needs the run's flows to classify packets");
    }
    return s.flows != nullptr ? *s.flows : none;
  }

  static constexpr uint32_t kNotTcp = UINT32_MAX;
  Qdisc qdisc_;
  std::optional<ByteQueueLimits> bql_;
  bool stack_xoff_ = false;
  SkbOwner* owner_ = nullptr;
  bool orphan_ = false;
  VCpu* cpu_ = nullptr;                 // the vCPU running the qdisc now
  core::RingBuffer<FreedSkb> in_ring_;  // what the driver holds, in ring order (flow kNotTcp: not a TCP data skb)
};

}  // namespace viosim::models
