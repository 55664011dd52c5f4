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
#include "sim-core/stats.h"

namespace viosim::models {

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

  // dev_queue_xmit for a packet the ring does not take now.
  void enqueue(uint32_t packet, core::Time now) { qdisc_.enqueue(packet, now); }
  // qdisc_restart: the next packet for the ring, if the queue runs.
  bool dequeue(core::Time now, uint32_t& packet) { return qdisc_.dequeue(now, packet); }
  // netdev_tx_sent_queue; with `more` (xmit_more), __netdev_tx_sent_queue:
  // only the last packet of a batch may stop the queue.
  void sent(uint32_t bytes, bool more = false) {
    if (bql_ && bql_->queued(bytes) && !more) stack_xoff_ = true;
  }
  // Whether BQL leaves room beyond `bytes` (qdisc_avail_bulklimit: a bulk
  // dequeue from the qdisc ends at the packet that uses it up).
  bool room_after(uint32_t bytes) const { return !bql_ || bql_->avail() - int64_t{bytes} > 0; }
  // netdev_tx_completed_queue: true when BQL had stopped the queue and
  // now lets it run (netif_schedule_queue: the qdisc runs in NET_TX).
  bool completed(uint64_t bytes, core::Time now) {
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

  Qdisc qdisc_;
  std::optional<ByteQueueLimits> bql_;
  bool stack_xoff_ = false;
};

}  // namespace viosim::models
