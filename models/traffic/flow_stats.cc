// FlowStats spec.
#include "models/traffic/flow_stats.h"

namespace viosim::models {

const core::ComponentSpec& FlowStats::model_spec() {
  static const core::ComponentSpec spec{
      .type = "traffic.flow_stats",
      .help = "per-flow packet counts and latency histogram",
      .params = {},
      .ports = {},
      .stats = {{"sent", core::StatKind::kCounter, core::Unit::kPackets, "packets handed to the stack by the source"},
                {"received", core::StatKind::kCounter, core::Unit::kPackets, "packets delivered to the sink"},
                {"received_bytes", core::StatKind::kCounter, core::Unit::kBytes, "frame bytes delivered"},
                {"payload_bytes", core::StatKind::kCounter, core::Unit::kBytes,
                 "TCP payload bytes delivered in order (goodput)"},
                {"tcp_receive_skbs", core::StatKind::kCounter, core::Unit::kPackets,
                 "data skbs the receiving TCP took (after GRO)"},
                {"latency", core::StatKind::kHistogram, core::Unit::kPicoseconds,
                 "one way (open loop) or round trip at the client (request/response)"}}};
  return spec;
}

const char* FlowStats::hop_name(int direction, int hop) {
  static const char* const kNames[2][kHops] = {
      {"guest stack and driver", "waiting for the backend", "backend and host stack", "wire and remote"},
      {"remote and wire", "host stack and backend", "waiting for the guest driver", "guest stack and application"}};
  return kNames[direction][hop];
}

// Points of the journey in order; a missing stamp merges its hop into the
// next one (a path without that stage).
void FlowStats::add_hops(const Packet& p, core::Time at) {
  // A packet forwarded by VMs on its way had its stamps reset at each:
  // its stages are the VMs' transits, not these.
  if (!stages_) {
    if (observer_) observer_(p, at);
    return;
  }
  const int direction = p.to_guest ? 1 : 0;
  static constexpr Stamp kOrder[2][3] = {{kStampDevice, kStampBackend, kStampWire},
                                         {kStampWire, kStampBackend, kStampDevice}};
  core::Time last = p.born;
  for (int hop = 0; hop < kHops; ++hop) {
    core::Time end = at;
    if (hop < 3) {
      const Stamp s = kOrder[direction][hop];
      if ((p.stamped & (1u << s)) == 0) continue;
      end = p.stamp[s];
    }
    if (end < last) end = last;  // a stamp from before the warm-up cut
    hop_ps_[direction][hop] += static_cast<double>((end - last).ps());
    last = end;
  }
  ++hop_packets_[direction];
  if (observer_) observer_(p, at);
}

void FlowStats::on_reset_stats() {
  for (auto& d : hop_ps_) {
    for (double& h : d) h = 0;
  }
  hop_packets_[0] = hop_packets_[1] = 0;
}

TcpReceiver::Arrival tcp_take(TcpReceiver& r, uint32_t packet, PacketPool& pool, FlowStats& stats, core::Time now) {
  stats.tcp_skb_received();
  TcpReceiver::Arrival a = r.on_segment(pool.tcp(packet), packet, now);
  auto discard = [&](uint32_t id) {
    stats.control_arrived(pool[id]);
    pool.deliver(id);
  };
  if (a.duplicate) {
    discard(packet);
  } else if (a.out_of_window) {
    pool.drop(packet, DropPlace::kSocket);
  }
  for (const uint32_t id : a.discarded) discard(id);
  return a;
}

}  // namespace viosim::models
