// External peer: responses, sinks and sources behind fixed stack latencies.
#include "models/net/external_peer.h"

#include <algorithm>

#include "models/net/packet_trace.h"

namespace viosim::models {

const core::ComponentSpec& ExternalPeer::model_spec() {
  static const core::ComponentSpec spec{
      .type = "net.external_peer",
      .help = "the remote bare-metal machine: answers requests, sinks and sources traffic after fixed latencies",
      .params = {{"rx_latency", core::Unit::kPicoseconds, "8 us", "its NIC and stack up to the application"},
                 {"tx_latency", core::Unit::kPicoseconds, "5 us", "its application down to the wire"}},
      .ports = {},
      .stats = {{"received", core::StatKind::kCounter, core::Unit::kPackets, "frames received from the host"}}};
  return spec;
}

ExternalPeer::ExternalPeer(core::Simulator& sim, std::string_view name, core::Component* parent,
                           const Config& config, PacketPool& pool, Send send)
    : core::Component(sim, name, parent), config_(config), pool_(&pool), send_(std::move(send)) {}

void ExternalPeer::add_flow(uint32_t flow_index, const FlowConfig& config, FlowStats& stats, bool peer_is_source) {
  PeerFlow f;
  f.index = flow_index;
  f.config = config;
  f.stats = &stats;
  f.source = peer_is_source;
  flows_.push_back(f);
}

ExternalPeer::PeerFlow* ExternalPeer::find(uint32_t index, PacketKind kind) {
  const bool source = kind == PacketKind::kResponse;
  PeerFlow* any = nullptr;
  for (PeerFlow& f : flows_) {
    if (f.index != index) continue;
    if (f.source == source) return &f;
    any = &f;
  }
  return any;
}

uint32_t ExternalPeer::make(PeerFlow& f, PacketKind kind, uint32_t bytes, core::Time born) {
  Packet& p = pool_->alloc();
  p.flow = f.index;
  p.kind = kind;
  p.bytes = bytes;
  p.to_guest = true;
  p.seq = f.seq++;
  p.conn = static_cast<uint32_t>(p.seq % f.config.connections);
  p.born = born;
  p.origin = born;
  if (core::TraceWriter* tw = sim().tracer()) {
    if (trace_track_ == 0) trace_track_ = tw->device_track("peer");
    trace_hop(*tw, trace_track_, p, born, place::kPeer, "the peer's application sends it",
              core::TraceWriter::FlowPhase::kStart);
  }
  return p.id;
}

namespace {
bool later(const ExternalPeerPending& a, const ExternalPeerPending& b) {
  return a.at > b.at || (a.at == b.at && a.packet > b.packet);
}
bool later_source(const ExternalPeerSource& a, const ExternalPeerSource& b) {
  return a.born > b.born || (a.born == b.born && a.flow > b.flow);
}
}  // namespace

void ExternalPeer::init() {
  for (size_t i = 0; i < flows_.size(); ++i) {
    PeerFlow& f = flows_[i];
    if (!f.source) continue;
    if (f.config.pattern == FlowConfig::Pattern::kRequestResponse) {
      for (uint32_t k = 0; k < f.config.outstanding; ++k) {
        const uint32_t id = make(f, PacketKind::kRequest, f.config.request_bytes, now());
        f.stats->sent((*pool_)[id]);
        emit(id, now() + config_.tx_latency);
      }
    } else {
      sources_.push_back({now() + next_gap(f.config, rng()), static_cast<uint32_t>(i)});
      std::push_heap(sources_.begin(), sources_.end(), later_source);
    }
  }
  schedule_flush();
}

void ExternalPeer::emit(uint32_t packet, core::Time at) {
  outgoing_.push_back({at, packet});
  std::push_heap(outgoing_.begin(), outgoing_.end(), later);
  if (!out_.pending() || out_.when() > at) out_.schedule_at(at);
}

void ExternalPeer::send_source() {
  ExternalPeerSource& s = sources_.front();
  PeerFlow& f = flows_[s.flow];
  const uint32_t n = f.config.arrival == FlowConfig::Arrival::kBursts ? f.config.burst_packets : 1;
  for (uint32_t k = 0; k < n && !f.transfer_done(); ++k) {
    const uint32_t id = make(f, PacketKind::kData, f.config.frame_bytes, s.born);
    f.stats->sent((*pool_)[id]);
    send_(id);
  }
  // One draw per send, the last one included: the peer's flows share one
  // random stream, and this keeps every flow's gaps what they were when
  // sources made their packets at birth.
  const core::Time next = s.born + next_gap(f.config, rng());
  if (f.transfer_done()) {
    std::pop_heap(sources_.begin(), sources_.end(), later_source);
    sources_.pop_back();
    return;
  }
  // Its next send moves it down the heap: one sift from the top, not a pop and a push.
  ExternalPeerSource moving{next, s.flow};
  size_t hole = 0;
  const size_t size = sources_.size();
  for (size_t child = 1; child < size; child = 2 * hole + 1) {
    if (child + 1 < size && later_source(sources_[child], sources_[child + 1])) ++child;
    if (!later_source(moving, sources_[child])) break;
    sources_[hole] = sources_[child];
    hole = child;
  }
  sources_[hole] = moving;
}

core::Time ExternalPeer::next_packet() const { return outgoing_.empty() ? core::Time::max() : outgoing_.front().at; }

core::Time ExternalPeer::next_source() const {
  return sources_.empty() ? core::Time::max() : sources_.front().born + config_.tx_latency;
}

// Everything due, in time order; at the same instant queued packets go first.
void ExternalPeer::flush() {
  for (;;) {
    const core::Time packet = next_packet(), source = next_source();
    if (std::min(packet, source) > now()) break;
    if (packet <= source) {
      std::pop_heap(outgoing_.begin(), outgoing_.end(), later);
      const uint32_t id = outgoing_.back().packet;
      outgoing_.pop_back();
      send_(id);
    } else {
      send_source();
    }
  }
  schedule_flush();
}

void ExternalPeer::schedule_flush() {
  const core::Time next = std::min(next_packet(), next_source());
  if (next != core::Time::max()) out_.schedule_at(next);
}

void ExternalPeer::receive(uint32_t packet) {
  ++received_;
  const Packet p = (*pool_)[packet];
  pool_->deliver(packet);  // to the peer's application (its stack is the fixed rx latency)
  PeerFlow* f = find(p.flow, p.kind);
  if (f == nullptr) return;
  const core::Time at_app = now() + config_.rx_latency;
  if (core::TraceWriter* tw = sim().tracer()) {
    if (trace_track_ == 0) trace_track_ = tw->device_track("peer");
    trace_hop(*tw, trace_track_, p, at_app, place::kPeer, "the peer's application got it (after the peer's stack)",
              core::TraceWriter::FlowPhase::kEnd);
  }
  if (p.kind == PacketKind::kRequest && !f->source) {
    f->stats->request_arrived(p, at_app);
    const uint32_t id = make(*f, PacketKind::kResponse, f->config.response_bytes, at_app);
    (*pool_)[id].origin = p.born;
    (*pool_)[id].conn = p.conn;
    f->stats->sent((*pool_)[id]);
    emit(id, at_app + config_.tx_latency);
    return;
  }
  // Data or a response reaching the application here, after its stack.
  f->stats->received(p, at_app);
  if (p.kind == PacketKind::kResponse && f->source) {
    // The connection's next request: each connection is a closed loop.
    const uint32_t id = make(*f, PacketKind::kRequest, f->config.request_bytes, at_app + f->config.think_time);
    (*pool_)[id].conn = p.conn;
    f->stats->sent((*pool_)[id]);
    emit(id, at_app + f->config.think_time + config_.tx_latency);
  }
}

}  // namespace viosim::models
