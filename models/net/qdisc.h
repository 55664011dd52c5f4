// The qdisc in front of one of the guest interface's transmit queues (a
// multi-queue device's root is `mq`, one child of this kind per queue:
// each driver queue owns one). dev_queue_xmit hands it the packets its
// driver queue cannot take now (stopped, by a full ring or by BQL), and
// qdisc_run hands them back in the discipline's order when the queue wakes;
// while the queue runs and the qdisc is empty, packets go straight to the
// driver (TCQ_F_CAN_BYPASS; fq_codel's enqueue-then-dequeue is the same).
//
//   pfifo_fast (net/sched/sch_generic.c, Linux's built-in default): three
//     FIFO bands by priority, every packet here in band 1 (priority 0),
//     tail drop at txqueuelen packets.
//   fq_codel (net/sched/sch_fq_codel.c, the default systemd sets): packets
//     hashed by flow into `flows` queues served deficit round robin with a
//     quantum of bytes, queues that just became active first; CoDel on
//     each queue (include/net/codel_impl.h) drops at dequeue once the
//     packets' sojourn time has stayed above `target` for an `interval`,
//     then at interval / sqrt(count) spacing; over `limit` packets it drops
//     up to 64 from the head of the fattest queue, down to half its bytes.
//   noqueue: nothing is held; a packet for a stopped queue is dropped
//     ("Virtual device ... asks to queue packet!").
//
// Drops are counted at the qdisc place. Not modelled: fq_codel's memory
// limit (32 MB of truesize: its packet limit binds first here), ECN marking
// (these flows are not ECN-capable, so CoDel drops), and bands by priority.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "models/net/connection_queues.h"
#include "models/packet/packet.h"
#include "sim-core/clock.h"
#include "sim-core/ring_buffer.h"
#include "sim-core/stats.h"

namespace viosim::models {

struct QdiscConfig {
  enum class Kind : uint8_t { kPfifoFast, kFqCodel, kNoqueue };
  Kind kind = Kind::kPfifoFast;
  uint32_t txqueuelen = 1000;  // pfifo_fast's limit, in packets
  // fq_codel (fq_codel_init, codel_params_init defaults).
  uint32_t fq_limit = 10240;
  uint32_t fq_flows = 1024;
  uint32_t fq_quantum = 1514;  // bytes: MTU + Ethernet header
  uint32_t fq_drop_batch = 64;
  core::Duration codel_target = core::Milliseconds(5);
  core::Duration codel_interval = core::Milliseconds(100);
  uint32_t mtu_bytes = 1514;                 // psched_mtu: CoDel never drops with a backlog of one MTU or less
  DropPlace drop_place = DropPlace::kQdisc;  // where its drops are counted (the guest's or the host's)
};

class Qdisc {
 public:
  // `flows` and `seed`: the run's flows and the boot-time hash key, from
  // which fq_codel's flow classification (skb_get_hash over its queues) is
  // computed once per connection.
  // Each drop is counted here, at the qdisc place in the pool, and in
  // `drops` when given (its driver's counter).
  Qdisc(const QdiscConfig& config, PacketPool& pool, const std::vector<FlowConfig>& flows, uint64_t seed,
        core::Counter* drops = nullptr);

  const QdiscConfig& config() const { return config_; }
  bool empty() const { return packets_ == 0; }
  uint32_t length() const { return packets_; }
  uint64_t drops() const { return drops_; }

  // Told of each packet it drops, before the pool frees it.
  void on_drop(std::function<void(const Packet&)> hook) { on_drop_ = std::move(hook); }
  // Takes a packet the driver cannot take now, or drops it (counted).
  void enqueue(uint32_t packet, core::Time now);
  // The next packet for the driver, false when empty; fq_codel's CoDel may
  // drop packets (counted) on the way.
  bool dequeue(core::Time now, uint32_t& packet);

 private:
  struct Held {
    uint32_t packet;
    core::Time enqueued;
  };
  // One fq_codel queue with its CoDel state (struct codel_vars).
  struct Flow {
    core::RingBuffer<Held> packets;
    uint64_t backlog = 0;  // bytes
    int64_t deficit = 0;
    enum class List : uint8_t { kNone, kNew, kOld } list = List::kNone;
    uint32_t count = 0;
    uint32_t lastcount = 0;
    bool dropping = false;
    uint16_t rec_inv_sqrt = 0;
    int64_t first_above_time = 0;  // codel time (ns >> 10); 0: below target
    int64_t drop_next = 0;
  };

  void drop(uint32_t packet);
  void fq_enqueue(uint32_t packet, core::Time now);
  bool fq_dequeue(core::Time now, uint32_t& packet);
  void fq_drop_fattest();
  // codel_dequeue's pieces.
  bool codel_head(Flow& f, Held& h);
  bool codel_should_drop(Flow& f, const Held* h, int64_t now);
  bool codel_dequeue(Flow& f, int64_t now, uint32_t& packet);
  int64_t codel_control_law(int64_t t, const Flow& f) const;
  static void codel_newton_step(Flow& f);

  QdiscConfig config_;
  PacketPool* pool_;
  std::function<void(const Packet&)> on_drop_;
  core::Counter* counter_;
  uint32_t packets_ = 0;
  uint64_t drops_ = 0;
  // pfifo_fast: band 1.
  core::RingBuffer<uint32_t> fifo_;
  // fq_codel.
  ConnectionQueues buckets_;
  std::vector<Flow> flows_;
  core::RingBuffer<uint32_t> new_flows_;
  core::RingBuffer<uint32_t> old_flows_;
  uint64_t backlog_ = 0;  // bytes, the whole qdisc's (sch->qstats.backlog)
};

}  // namespace viosim::models
