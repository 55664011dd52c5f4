// RPS on the host (net/core/dev.c get_rps_cpu, enqueue_to_backlog,
// process_backlog): a frame the host NIC's NAPI poll received goes, by
// its skb hash (the NIC's RSS hash) over the receive queue's rps_cpus, to
// that core's backlog, and the rest of the host stack (the bridge or
// OVS's datapath, the tap) runs there, in that core's NET_RX softirq, 64
// frames a round. An idle backlog on another core is woken by an IPI
// (the core's wake-up: HostThread::wake from the polling thread, at the
// end of the poll that queued to it rather than of the whole
// net_rx_action); a backlog whose input queue is past netdev_max_backlog
// drops, counted at "host_backlog" (process_backlog splices the input
// queue onto its process queue whole, so up to twice that waits). The
// backlog's queue line and each skb's four lines move from the polling
// core to the backlog's through the cache model.
#pragma once

#include <functional>
#include <vector>

#include "models/host/host_thread.h"
#include "models/host/shared_lines.h"
#include "models/net/connection_queues.h"
#include "models/net/host_net_costs.h"
#include "models/packet/packet.h"
#include "sim-core/ring_buffer.h"
#include "sim-core/stats.h"

namespace viosim::models {

class HostBacklog final : public core::Component {
 public:
  static constexpr uint32_t kWeight = 64;  // process_backlog's quota (dev_rx_weight)

  // What the stack costs for a frame (the switch's lookup and output) and
  // runs after it, as for a frame NAPI delivers itself.
  using Cost = std::function<core::Cycles(uint32_t packet)>;
  using Deliver = std::function<void(uint32_t packet, HostThread& by)>;

  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  // `thread`: the core's NET_RX softirq for the backlog (its own thread on
  // a core nothing else runs on).
  HostBacklog(core::Simulator& sim, std::string_view name, core::Component* parent, HostThread& thread,
              uint32_t max_backlog, const HostNetCosts& costs, PacketPool& pool, Cost cost, Deliver deliver);

  // enqueue_to_backlog from the polling thread `from` (its core pays the
  // enqueue; a remote idle backlog is woken by IPI).
  void enqueue(uint32_t packet, HostThread& from);
  uint64_t drops() const { return drops_.value(); }
  uint64_t frames() const { return frames_.value(); }
  const HostThread& thread() const { return *thread_; }

  void init() override;

 private:
  void round();
  size_t slots() const { return 2 * (size_t{max_backlog_} + 1); }

  HostThread* thread_;
  uint32_t max_backlog_;
  HostNetCosts costs_;
  PacketPool* pool_;
  Cost cost_;
  Deliver deliver_;
  core::RingBuffer<uint32_t> queue_;  // the process queue's frames, then the input queue's
  uint32_t input_len_ = 0;            // of queue_: enqueued since the last splice (input_pkt_queue)
  uint32_t process_len_ = 0;          // of queue_: spliced, not yet taken (process_queue)
  uint64_t tail_ = 0;                 // input_queue_tail
  uint64_t head_ = 0;                 // input_queue_head
  bool scheduled_ = false;
  uint32_t batch_ = 0;
  SharedLines lines_;
  core::Counter frames_{this, "frames"};
  core::Counter drops_{this, "drops"};
  core::Counter rounds_{this, "rounds"};
};

// The RPS maps of the host NIC's receive queues (get_rps_cpu): the queue a
// frame's RSS hash picks, then a core of that queue's map by
// reciprocal_scale of the same hash. `maps[q]` lists queue q's cores as
// slots (positions in the caller's backlogs, one per core); an empty map
// means no RPS on that queue. slot_for gives the slot, or kNone, computed
// once per connection and direction.
class HostRps {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  HostRps(const std::vector<std::vector<uint32_t>>& maps, const std::vector<FlowConfig>& flows,
          std::function<uint32_t(const FlowTuple&)> hash, std::function<uint32_t(uint32_t hash)> queue)
      : slots_(flows, [&maps, &hash, &queue](const FlowTuple& t) {
          const uint32_t h = hash(t);
          const std::vector<uint32_t>& map = maps.at(queue(h));
          return map.empty() ? kNone : map[(uint64_t{h} * map.size()) >> 32];
        }) {}
  uint32_t slot_for(const Packet& p) const { return slots_.of(p); }

 private:
  ConnectionQueues slots_;
};

}  // namespace viosim::models
