// A queue for every connection of every flow and each direction, computed
// once before a run: where RSS steers a connection's frames, which tap
// queue or host TX queue its flow hash picks. Packets name their flow,
// connection and kind, so steering a packet is a few lookups. The two
// directions differ: Toeplitz RSS is not symmetric, and a VM-to-VM flow's
// requests arrive at one VM, its responses at the other.
#pragma once

#include <cstdint>
#include <vector>

#include "models/packet/packet.h"
#include "models/traffic/flow.h"

namespace viosim::models {

class ConnectionQueues {
 public:
  ConnectionQueues() = default;
  // `queue_of(tuple)` for the tuple of each connection's frames, each way.
  template <class QueueOf>
  ConnectionQueues(const std::vector<FlowConfig>& flows, QueueOf queue_of) {
    for (const FlowConfig& f : flows) {
      for (bool response : {false, true}) {
        std::vector<uint32_t> by_conn;
        for (uint32_t c = 0; c < f.connections; ++c) by_conn.push_back(queue_of(packet_tuple(f, c, response)));
        table_[response].push_back(std::move(by_conn));
      }
    }
  }

  uint32_t of(uint32_t flow, uint32_t conn, bool response) const {
    const auto& t = table_[response];
    return flow < t.size() && conn < t[flow].size() ? t[flow][conn] : 0;
  }
  uint32_t of(const Packet& p) const { return of(p.flow, p.conn, reverse(p)); }

 private:
  std::vector<std::vector<uint32_t>> table_[2];  // [response][flow][connection] -> queue
};

// The flow hash of a tuple scaled to `queues` (the kernel's
// reciprocal_scale of a symmetric skb hash); `seed` stands for the
// boot-time random hash key.
uint32_t symmetric_flow_hash(const FlowTuple& t, uint64_t seed);
inline uint32_t hash_queue(const FlowTuple& t, uint64_t seed, uint32_t queues) {
  return static_cast<uint32_t>((uint64_t{symmetric_flow_hash(t, seed)} * queues) >> 32);
}

}  // namespace viosim::models
