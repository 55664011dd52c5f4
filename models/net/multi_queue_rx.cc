// RSS steering of arriving frames to the NIC's queues.
#include "models/net/multi_queue_rx.h"

namespace viosim::models {

const core::ComponentSpec& MultiQueueRx::model_spec() {
  static const core::ComponentSpec spec{
      .type = "net.multi_queue_rx",
      .help = "a multi-queue NIC's receive side: Toeplitz RSS over the 4-tuple and an indirection table",
      .params = {{"queues", core::Unit::kCount, "1", "receive queues, each with its own vector"},
                 {"indirection_entries", core::Unit::kCount, "128", "RETA size"}},
      .ports = {},
      .stats = {}};
  return spec;
}

MultiQueueRx::MultiQueueRx(core::Simulator& sim, std::string_view name, core::Component* parent, const RssTable& rss,
                           const std::vector<FlowConfig>& flows, PacketPool& pool)
    : core::Component(sim, name, parent),
      pool_(&pool),
      steering_(flows, [&rss](const FlowTuple& t) { return rss.queue_for(t); }) {}

void MultiQueueRx::receive(uint32_t packet) { queue_of(packet).receive(packet); }

}  // namespace viosim::models
