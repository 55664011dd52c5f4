// A queue for every connection of every flow, computed once before a run:
// where RSS steers a connection's frames, which tap queue or host TX queue
// its flow hash picks. Packets name their flow and connection, so steering
// a packet is two lookups.
#pragma once

#include <cstdint>
#include <vector>

#include "models/packet/packet.h"
#include "models/traffic/flow.h"

namespace viosim::models {

class ConnectionQueues {
 public:
  ConnectionQueues() = default;
  // `queue_of(tuple)` for the tuple each connection's frames arrive with.
  template <class QueueOf>
  ConnectionQueues(const std::vector<FlowConfig>& flows, QueueOf queue_of) {
    for (const FlowConfig& f : flows) {
      std::vector<uint32_t> by_conn;
      for (uint32_t c = 0; c < f.connections; ++c) by_conn.push_back(queue_of(arriving_tuple(f, c)));
      table_.push_back(std::move(by_conn));
    }
  }

  uint32_t of(uint32_t flow, uint32_t conn) const {
    return flow < table_.size() && conn < table_[flow].size() ? table_[flow][conn] : 0;
  }
  uint32_t of(const Packet& p) const { return of(p.flow, p.conn); }

 private:
  std::vector<std::vector<uint32_t>> table_;  // [flow][connection] -> queue
};

// The flow hash of a tuple scaled to `queues` (the kernel's
// reciprocal_scale of a symmetric skb hash); `seed` stands for the
// boot-time random hash key.
uint32_t symmetric_flow_hash(const FlowTuple& t, uint64_t seed);
inline uint32_t hash_queue(const FlowTuple& t, uint64_t seed, uint32_t queues) {
  return static_cast<uint32_t>((uint64_t{symmetric_flow_hash(t, seed)} * queues) >> 32);
}

}  // namespace viosim::models
