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
  uint32_t max_backlog = 1000;     // net.core.netdev_max_backlog: a CPU's backlog, in packets
  bool rfs() const { return sock_flow_entries > 0 && flow_cnt > 0; }
  bool on() const { return !cpus.empty() || rfs(); }
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
  uint32_t hash(const Packet& p) const { return hashes_.of(p); }
  std::vector<DevFlow>& flow_table(const GuestNetDevice* queue);

  RpsConfig config_;
  ConnectionQueues hashes_;           // each connection's skb hash, each way
  uint32_t cpu_mask_;                 // rps_cpu_mask: roundup_pow_of_two(nr_cpu_ids) - 1
  std::vector<uint32_t> sock_flows_;  // ident: the hash's upper bits | the CPU
  std::vector<std::pair<const GuestNetDevice*, std::vector<DevFlow>>> dev_flows_;
  std::function<uint64_t(uint32_t cpu)> input_queue_head_;
};

// Linux rounds the table sizes up to a power of two (rps_sock_flow_sysctl,
// store_rps_dev_flow_table_cnt).
uint32_t rps_table_size(uint32_t entries);

}  // namespace viosim::models
