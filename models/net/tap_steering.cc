// Multi-queue tap steering: the automq flow table, then the flow hash;
// and the symmetric flow hash itself.
#include "models/net/tap_steering.h"

#include <algorithm>

namespace viosim::models {
namespace {

uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

uint32_t symmetric_flow_hash(const FlowTuple& t, uint64_t seed) {
  const uint64_t ips = (uint64_t{std::min(t.src_ip, t.dst_ip)} << 32) | std::max(t.src_ip, t.dst_ip);
  const uint64_t ports = (uint64_t{std::min(t.src_port, t.dst_port)} << 16) | std::max(t.src_port, t.dst_port);
  return static_cast<uint32_t>(mix64(mix64(seed ^ ips) ^ ports) >> 32);
}

TapSteering::TapSteering(uint32_t queues, const std::vector<FlowConfig>& flows, uint64_t seed)
    : queues_(std::max<uint32_t>(1, queues)),
      hashed_(flows, [this, seed](const FlowTuple& t) { return hash_queue(t, seed, queues_); }) {
  for (const FlowConfig& f : flows) recorded_.emplace_back(f.connections, -1);
}

uint32_t TapSteering::queue_for(const Packet& p) const {
  if (p.flow < recorded_.size() && p.conn < recorded_[p.flow].size() && recorded_[p.flow][p.conn] >= 0) {
    return static_cast<uint32_t>(recorded_[p.flow][p.conn]);
  }
  return hashed_.of(p);
}

void TapSteering::sent_on(const Packet& p, uint32_t queue) {
  if (p.flow < recorded_.size() && p.conn < recorded_[p.flow].size()) {
    recorded_[p.flow][p.conn] = static_cast<int32_t>(queue);
  }
}

}  // namespace viosim::models
