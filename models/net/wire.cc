// Link serialisation and delivery.
#include "models/net/wire.h"

#include <algorithm>

#include "models/net/packet_trace.h"
#include "models/traffic/flow.h"
#include "sim-core/mul_div.h"

namespace viosim::models {

const core::ComponentSpec& Wire::model_spec() {
  static const core::ComponentSpec spec{
      .type = "net.wire",
      .help = "one direction of an Ethernet link: bounded transmit ring, line-rate serialisation, propagation",
      .params = {{"line_rate_bps", core::Unit::kBitsPerSecond, "25000000000", "line rate"},
                 {"propagation_ns", core::Unit::kNanoseconds, "500", "cable, PHYs and switch"},
                 {"ring_size", core::Unit::kPackets, "512", "frames that may wait for the wire"}},
      .ports = {},
      .stats = {{"frames", core::StatKind::kCounter, core::Unit::kPackets, "frames delivered"},
                {"bytes", core::StatKind::kCounter, core::Unit::kBytes, "frame bytes delivered"},
                {"drops", core::StatKind::kCounter, core::Unit::kPackets, "frames dropped on a full ring"}}};
  return spec;
}

Wire::Wire(core::Simulator& sim, std::string_view name, core::Component* parent, const Config& config,
           PacketPool& pool, Deliver deliver)
    : core::Component(sim, name, parent), config_(config), pool_(&pool), deliver_(std::move(deliver)) {}

core::Duration Wire::serialization(uint32_t frame_bytes) const {
  // bits * 1e12 / rate, in integer picoseconds (exact for the usual rates).
  const uint64_t bits = uint64_t{wire_bytes(frame_bytes)} * 8;
  return core::Duration::from_ps(
      static_cast<int64_t>(core::mul_div_floor(bits, 1'000'000'000'000, config_.line_rate_bps)));
}

bool Wire::send(uint32_t packet) {
  // Frames not yet started on the wire occupy the transmit ring; a TSO
  // skb is one descriptor there, however many frames it is cut into.
  while (!starts_.empty() && starts_.front() <= now()) starts_.pop_front();
  if (starts_.size() >= config_.ring_size) {
    drops_.add((*pool_)[packet].segs);
    pool_->drop(packet, DropPlace::kWire);
    return false;
  }
  if ((*pool_)[packet].segs > 1 && pool_->tcp(packet).gso_size != 0) {
    // TSO: the NIC cuts the skb into its segments' frames as it sends it;
    // its descriptor is free once the last one starts.
    // Its own buffer while it hands them on: a taker may send on this wire
    // from receive_early (the member only keeps the capacity).
    std::vector<uint32_t> frames;
    frames.swap(tso_frames_);
    frames.clear();
    pool_->segment(packet, kTcpFrameOverhead, frames);
    for (size_t i = 0; i < frames.size(); ++i) queue_frame(frames[i], i + 1 == frames.size());
    tso_frames_.swap(frames);
    return true;
  }
  queue_frame(packet, true);
  return true;
}

void Wire::queue_frame(uint32_t packet, bool holds_slot) {
  const Packet& p = (*pool_)[packet];
  if (!p.to_guest) stamp((*pool_)[packet], kStampWire, now());  // leaving the host
  if (core::TraceWriter* tw = sim().tracer()) {
    if (trace_track_ == 0) trace_track_ = tw->device_track(name());
    if (p.to_guest) {
      trace_hop(*tw, trace_track_, p, now(), place::kWireIn, "the peer's NIC put it on the wire");
    } else {
      trace_hop(*tw, trace_track_, p, now(), place::kHostNic, "the host NIC queued it on its TX ring for the wire");
    }
  }
  const core::Time start = std::max(now(), free_at_);
  if (start > now() && holds_slot) starts_.push_back(start);
  free_at_ = start + serialization((*pool_)[packet].bytes);
  const InFlight f{free_at_ + config_.propagation, packet};
  // Nothing ahead of it on the wire and a receiver that takes it ahead of
  // time: it goes now, with its arrival time, and needs no event here.
  if (in_flight_.empty() && taker_of_) {
    if (EarlyTaker* taker = taker_of_(packet)) {
      taker->receive_early(packet, f.arrives);
      account(f);
      return;
    }
  }
  in_flight_.push_back(f);
  if (!arrival_.pending()) arrival_.schedule_at(in_flight_.front().arrives);
}

void Wire::account(const InFlight& f) {
  if (core::TraceWriter* tw = sim().tracer()) {
    if (trace_track_ == 0) trace_track_ = tw->device_track(name());
    // The frame's serialisation on a track of its own: frames in flight
    // overlap once propagation counts, serialisations never do.
    if (serial_track_ == 0) serial_track_ = tw->track(name() + " serialisation");
    const core::Time serialised = f.arrives - config_.propagation;
    tw->slice(serial_track_, "frame", "wire", serialised - serialization((*pool_)[f.packet].bytes), serialised);
    const Packet& p = (*pool_)[f.packet];
    if (p.to_guest) {
      trace_hop(*tw, trace_track_, p, f.arrives, place::kHostNic, "it reached the host NIC (serialisation, propagation)");
    } else {
      trace_hop(*tw, trace_track_, p, f.arrives, place::kPeer, "it reached the peer's NIC (serialisation, propagation)");
    }
  }
  if (f.arrives > now()) {
    count_arrived_early();  // those before it: the list holds only frames still on their way
    early_.add(f.arrives, {1, (*pool_)[f.packet].bytes});  // counted as it arrives
  } else {
    ++frames_;
    bytes_.add((*pool_)[f.packet].bytes);
  }
  if ((*pool_)[f.packet].to_guest) stamp((*pool_)[f.packet], kStampWire, f.arrives);  // reaching the host
}

void Wire::on_reset_stats() {
  early_.drop_due(now());  // what arrived before the reset belongs to the window that ended
}

void Wire::arrive() {
  count_arrived_early();
  const InFlight f = in_flight_.front();
  in_flight_.pop_front();
  account(f);
  if (next_taker() == nullptr) {
    if (!in_flight_.empty()) arrival_.schedule_at(in_flight_.front().arrives);
    deliver_(f.packet);
    return;
  }
  // What follows it on the wire and a receiver takes ahead of time.
  deliver_(f.packet);
  for (EarlyTaker* taker = next_taker(); taker != nullptr; taker = next_taker()) {
    const InFlight next = in_flight_.front();
    in_flight_.pop_front();
    taker->receive_early(next.packet, next.arrives);
    account(next);
  }
  if (!in_flight_.empty()) arrival_.schedule_at(in_flight_.front().arrives);
}

}  // namespace viosim::models
