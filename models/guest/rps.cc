// RPS and RFS: see rps.h.
#include "models/guest/rps.h"

#include <bit>

namespace viosim::models {

uint32_t rps_table_size(uint32_t entries) { return entries == 0 ? 0 : std::bit_ceil(entries); }

RpsSteering::RpsSteering(const RpsConfig& config, const std::vector<FlowConfig>& flows, uint64_t seed, uint32_t vcpus,
                         std::function<uint64_t(uint32_t cpu)> input_queue_head)
    : config_(config),
      hashes_(flows, [seed](const FlowTuple& t) { return symmetric_flow_hash(t, seed); }),
      cpu_mask_(std::bit_ceil(std::max<uint32_t>(vcpus, 1)) - 1),
      sock_flows_(config.rfs() ? rps_table_size(config.sock_flow_entries) : 0, kNoCpu),
      input_queue_head_(std::move(input_queue_head)) {}

size_t RpsSteering::queue_index(const GuestNetDevice* queue) const {
  for (size_t i = 0; i < queues_.size(); ++i) {
    if (queues_[i] == queue) return i;
  }
  return 0;
}

std::vector<RpsSteering::DevFlow>& RpsSteering::flow_table(size_t queue) {
  if (queue >= dev_flows_.size()) dev_flows_.resize(queue + 1);
  std::vector<DevFlow>& table = dev_flows_[queue];
  if (table.empty()) table.resize(rps_table_size(config_.flow_cnt_of(queue)));
  return table;
}

RpsSteering::Choice RpsSteering::choose(const GuestNetDevice* device, const Packet& p) {
  const uint32_t h = hash(p);
  const size_t queue = queue_index(device);
  if (!sock_flows_.empty() && config_.flow_cnt_of(queue) > 0) {
    std::vector<DevFlow>& table = flow_table(queue);
    DevFlow& rflow = table[h & (table.size() - 1)];
    const uint32_t ident = sock_flows_[h & (sock_flows_.size() - 1)];
    // The entry is this flow's when the hash's upper bits match (another
    // flow may share the slot).
    if (ident != kNoCpu && ((ident ^ h) & ~cpu_mask_) == 0) {
      const uint32_t next = ident & cpu_mask_;
      // Move the flow to where its reader runs once nothing of it waits in
      // the old CPU's backlog (set_rps_cpu starts the new tail from the
      // new CPU's head).
      if (rflow.cpu != next &&
          (rflow.cpu == kNoCpu || static_cast<int64_t>(input_queue_head_(rflow.cpu) - rflow.last_qtail) >= 0)) {
        rflow.cpu = next;
        rflow.last_qtail = input_queue_head_(next);
      }
      if (rflow.cpu != kNoCpu) return {rflow.cpu, &rflow};
    }
  }
  const std::vector<uint32_t>& map = config_.cpus_of(queue);
  if (map.empty()) return {};
  return {map[(uint64_t{h} * map.size()) >> 32], nullptr};
}

void RpsSteering::record(const Packet& p, uint32_t cpu) {
  if (sock_flows_.empty()) return;
  const uint32_t h = hash(p);
  sock_flows_[h & (sock_flows_.size() - 1)] = (h & ~cpu_mask_) | cpu;
}

}  // namespace viosim::models
