// Receive Packet Steering and Receive Flow Steering in a guest (Linux
// net/core/dev.c get_rps_cpu; Documentation/networking/scaling.rst).
//
// RPS: a packet a queue's NAPI poll received goes to the backlog of the CPU
// its flow hash picks from the queue's rps_cpus (reciprocal_scale of the
// skb hash over the mask's CPUs), and that CPU runs the rest of the stack
// in its own NET_RX softirq (process_backlog), woken by an IPI when its
// backlog was idle. RFS: recvmsg records, in the global sock flow table
// (rps_sock_flow_entries), the CPU the reading application runs on; a
// queue's flow table (rps_flow_cnt) then steers the flow there, moving it
// only once the old CPU's backlog has processed the flow's last packet
// (input_queue_head past the flow's last_qtail), so that it never
// reorders. The hash is the skb's software flow hash, symmetric in the
// addresses and ports as flow_hash_from_keys makes it.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "models/net/connection_queues.h"
#include "models/packet/packet.h"
#include "models/traffic/flow.h"

namespace viosim::models {

class GuestNetDevice;

struct RpsConfig {
  std::vector<uint32_t> cpus;      // every receive queue's rps_cpus, as vCPU indexes (empty: no RPS map)
  uint32_t sock_flow_entries = 0;  // net.core.rps_sock_flow_entries (0: RFS off)
  uint32_t flow_cnt = 0;           // every receive queue's rps_flow_cnt (0: no flow table)
  // Each receive queue's own map and table, in queue order (a queue past
  // the list has neither); empty: `cpus` and `flow_cnt` for every queue.
  struct Queue {
    std::vector<uint32_t> cpus;
    uint32_t flow_cnt = 0;
  };
  std::vector<Queue> queues;
  uint32_t max_backlog = 1000;  // net.core.netdev_max_backlog: a CPU's backlog, in packets
  // Flow limit (skb_flow_limit): the vCPUs whose enqueues to a backlog it
  // checks (net.core.flow_limit_cpu_bitmap), and its table's buckets
  // (net.core.flow_limit_table_len).
  std::vector<uint32_t> flow_limit_cpus;
  uint32_t flow_limit_table_len = 4096;

  const std::vector<uint32_t>& cpus_of(size_t queue) const {
    static const std::vector<uint32_t> kNone;
    if (queues.empty()) return cpus;
    return queue < queues.size() ? queues[queue].cpus : kNone;
  }
  uint32_t flow_cnt_of(size_t queue) const {
    if (queues.empty()) return flow_cnt;
    return queue < queues.size() ? queues[queue].flow_cnt : 0;
  }
  bool rfs() const {
    bool tables = flow_cnt > 0;
    for (const Queue& q : queues) tables = tables || q.flow_cnt > 0;
    return sock_flow_entries > 0 && tables;
  }
  bool on() const {
    bool maps = !cpus.empty();
    for (const Queue& q : queues) maps = maps || !q.cpus.empty();
    return maps || rfs();
  }
};

// skb_flow_limit (net/core/dev.c) on one CPU: while the backlog a packet
// is queued to holds half of netdev_max_backlog or more, the CPU that
// queues it records each packet's flow bucket in a history of the last
// 128 (FLOW_LIMIT_HISTORY), and drops a packet whose bucket holds more than
// half of that history: one flow cannot fill a backlog others share.
class FlowLimit {
 public:
  static constexpr uint32_t kHistory = 128;
  explicit FlowLimit(uint32_t table_len) : buckets_(table_len, 0) {}
  // Whether the packet of flow hash `hash` is dropped, its backlog
  // holding `qlen` of at most `max_backlog`.
  bool drops(uint32_t hash, uint32_t qlen, uint32_t max_backlog) {
    if (qlen < (max_backlog >> 1)) return false;
    const uint32_t new_flow = hash & static_cast<uint32_t>(buckets_.size() - 1);
    const uint16_t old_flow = history_[head_];
    history_[head_] = static_cast<uint16_t>(new_flow);
    head_ = (head_ + 1) & (kHistory - 1);
    if (buckets_[old_flow] > 0) --buckets_[old_flow];
    if (++buckets_[new_flow] > kHistory / 2) {
      ++count_;  // softnet_stat's flow_limit_count
      return true;
    }
    return false;
  }
  uint64_t count() const { return count_; }

 private:
  std::vector<uint8_t> buckets_;
  uint16_t history_[kHistory] = {};
  uint32_t head_ = 0;
  uint64_t count_ = 0;
};

class RpsSteering {
 public:
  static constexpr uint32_t kNoCpu = 0xffffffff;

  // `vcpus`: the guest's CPUs; `seed` stands for the boot-time hash key;
  // `input_queue_head(cpu)`: how many packets that CPU's backlog has
  // taken so far.
  RpsSteering(const RpsConfig& config, const std::vector<FlowConfig>& flows, uint64_t seed, uint32_t vcpus,
              std::function<uint64_t(uint32_t cpu)> input_queue_head);

  const RpsConfig& config() const { return config_; }
  // The receive queues in order (their maps and tables are by index); a
  // queue not listed, or none, is queue 0.
  void set_queues(std::vector<const GuestNetDevice*> queues) { queues_ = std::move(queues); }
  // The skb's flow hash, which steers the packet and which flow limit
  // buckets.
  uint32_t hash(const Packet& p) const { return hashes_.of(p); }

  // A flow table's entry (rps_dev_flow).
  struct DevFlow {
    uint32_t cpu = kNoCpu;
    uint64_t last_qtail = 0;  // the CPU's input_queue_tail after the flow's last packet
  };
  struct Choice {
    uint32_t cpu = kNoCpu;    // kNoCpu: no steering, the receiving CPU goes on
    DevFlow* flow = nullptr;  // RFS's entry, whose last_qtail the enqueue updates
  };
  // get_rps_cpu for a packet that `queue`'s NAPI received.
  Choice choose(const GuestNetDevice* queue, const Packet& p);
  // sock_rps_record_flow: the application that reads it runs on `cpu`.
  void record(const Packet& p, uint32_t cpu);

 private:
  size_t queue_index(const GuestNetDevice* queue) const;
  std::vector<DevFlow>& flow_table(size_t queue);

  RpsConfig config_;
  ConnectionQueues hashes_;           // each connection's skb hash, each way
  uint32_t cpu_mask_;                 // rps_cpu_mask: roundup_pow_of_two(nr_cpu_ids) - 1
  std::vector<uint32_t> sock_flows_;  // ident: the hash's upper bits | the CPU
  std::vector<const GuestNetDevice*> queues_;
  std::vector<std::vector<DevFlow>> dev_flows_;  // by queue, made at first use
  std::function<uint64_t(uint32_t cpu)> input_queue_head_;
};

// Linux rounds the table sizes up to a power of two (rps_sock_flow_sysctl,
// store_rps_dev_flow_table_cnt).
uint32_t rps_table_size(uint32_t entries);

}  // namespace viosim::models
