// A multi-queue host NIC's receive side: each arriving frame is steered to
// one of its queues by RSS (Toeplitz hash of the frame's 4-tuple and the
// indirection table), and each queue has its own ring, moderation and, in
// interrupt mode, its own vector and softirq on its IRQ core. Connections
// of a flow differ in their source port, so many connections spread (or
// collide) over the queues as the hash decides.
#pragma once

#include <memory>
#include <vector>

#include "models/net/connection_queues.h"
#include "models/net/host_nic_rx.h"
#include "models/nic/rss.h"
#include "models/traffic/flow.h"

namespace viosim::models {

class MultiQueueRx final : public core::Component {
 public:
  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  // The queue of every (flow, connection) is computed here, once.
  MultiQueueRx(core::Simulator& sim, std::string_view name, core::Component* parent, const RssTable& rss,
               const std::vector<FlowConfig>& flows, PacketPool& pool);

  void add_queue(std::unique_ptr<HostNicRx> queue) { queues_.push_back(std::move(queue)); }
  void receive(uint32_t packet);
  // The queue that takes `packet` from the wire before it arrives, or
  // nullptr (HostNicRx::takes_early).
  EarlyTaker* early_taker(uint32_t packet) const {
    HostNicRx& q = queue_of(packet);
    return q.takes_early() ? &q : nullptr;
  }
  size_t queues() const { return queues_.size(); }
  HostNicRx& queue_of(uint32_t packet) const {
    const uint32_t q = steering_.of((*pool_)[packet]);
    return *queues_[q < queues_.size() ? q : 0];
  }
  HostNicRx& queue(size_t i) { return *queues_[i]; }

 private:
  PacketPool* pool_;
  ConnectionQueues steering_;  // by RSS
  std::vector<std::unique_ptr<HostNicRx>> queues_;
};

}  // namespace viosim::models
