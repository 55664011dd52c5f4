// What a flow measured: packets sent and received and the latency
// distribution (one way for open-loop data, the round trip at the client
// for request/response). Statistics restart at the end of the warm-up.
#pragma once

#include <cstdint>
#include <string>

#include "models/net/packet.h"
#include "sim-core/component.h"
#include "sim-core/stats.h"

namespace viosim::models {

class FlowStats final : public core::Component {
 public:
  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  FlowStats(core::Simulator& sim, std::string_view name, core::Component* parent, bool round_trip)
      : core::Component(sim, name, parent), round_trip_(round_trip) {}

  void sent(const Packet&) { ++sent_; }
  // A packet reached its application: latency from its birth (data) or its
  // request's birth (response).
  void received(const Packet& p) {
    ++received_;
    bytes_.add(p.bytes);
    latency_.record(now() - (p.kind == PacketKind::kResponse ? p.origin : p.born));
  }
  bool round_trip() const { return round_trip_; }
  uint64_t sent_count() const { return sent_.value(); }
  uint64_t received_count() const { return received_.value(); }
  uint64_t received_bytes() const { return bytes_.value(); }
  const core::Histogram& latency() const { return latency_.histogram(); }

 private:
  bool round_trip_;
  core::Counter sent_{this, "sent"};
  core::Counter received_{this, "received"};
  core::Counter bytes_{this, "received_bytes"};
  core::HistogramStat latency_{this, "latency"};
};

}  // namespace viosim::models
