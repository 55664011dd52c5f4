// Which queue of a multi-queue tap a packet for the guest joins
// (tun_automq_select_queue): the queue the guest last transmitted that
// connection's packets on (tun_flow_update on every write to a queue),
// else the connection's flow hash scaled to the queue count
// (reciprocal_scale). The hash is symmetric, as the kernel's
// __skb_get_hash_symmetric is, so both directions of a connection agree;
// its seed stands for the boot-time random hash key. (The kernel expires
// flow entries after 3 s without traffic; runs are shorter.)
#pragma once

#include <cstdint>
#include <vector>

#include "models/net/connection_queues.h"

namespace viosim::models {

class TapSteering {
 public:
  TapSteering(uint32_t queues, const std::vector<FlowConfig>& flows, uint64_t seed);

  uint32_t queue_for(const Packet& p) const;
  // The guest wrote `p` to the tap through `queue` (a backend's writev or
  // sendmsg): later packets of its connection come back on that queue.
  void sent_on(const Packet& p, uint32_t queue);
  uint32_t queues() const { return queues_; }

 private:
  uint32_t queues_;
  ConnectionQueues hashed_;                     // queue by the flow hash
  std::vector<std::vector<int32_t>> recorded_;  // [flow][connection] -> queue last sent on, or -1
};

}  // namespace viosim::models
