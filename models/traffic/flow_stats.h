// What a flow measured: packets sent and received and the latency
// distribution (one way for open-loop data, the round trip at the client
// for request/response). Statistics restart at the end of the warm-up;
// the whole-run totals (for conservation) and the latency series of the
// start-up transient detector do not.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/packet/packet.h"
#include "models/tcp/tcp_receiver.h"
#include "models/tcp/tcp_sender.h"
#include "models/traffic/transient.h"
#include "sim-core/component.h"
#include "sim-core/stats.h"

namespace viosim::models {

class FlowStats final : public core::Component {
 public:
  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  FlowStats(core::Simulator& sim, std::string_view name, core::Component* parent, bool round_trip)
      : core::Component(sim, name, parent), round_trip_(round_trip) {}

  // A packet an application handed to its stack (a TSO skb: each of its
  // segments).
  void sent(const Packet& p) {
    sent_.add(p.segs);
    total_sent_ += p.segs;
  }
  // A TCP ACK handed to a stack, and one (or a duplicate segment) taken by
  // its TCP: the whole-run totals only (conservation), no latency.
  void control_sent() { ++total_sent_; }
  void control_arrived(const Packet& p) { total_received_ += p.segs; }
  // What the flow's TCP senders did in the measured window (told by their
  // owner when the results are gathered).
  // Each of the flow's senders (a peer, a guest's share) reports its own.
  using TcpReport = std::function<TcpSenderStats()>;
  void add_tcp_report(TcpReport report) { tcp_reports_.push_back(std::move(report)); }
  bool is_tcp() const { return !tcp_reports_.empty(); }
  TcpSenderStats tcp_stats() const {
    TcpSenderStats sum;
    for (const TcpReport& r : tcp_reports_) sum.add(r());
    return sum;
  }
  // TCP payload bytes that reached the application in order (goodput).
  void payload_received(uint64_t bytes) { payload_.add(bytes); }
  uint64_t payload_bytes() const { return payload_.value(); }
  // A data skb (GRO's merge of segments, or one segment) reached the
  // receiving TCP.
  void tcp_skb_received() { tcp_skbs_.add(1); }
  uint64_t tcp_skbs() const { return tcp_skbs_.value(); }
  // A packet reached its application (at `at`, by default now): latency
  // from its birth (data) or its request's birth (response).
  void received(const Packet& p) { received(p, now()); }
  // A request reaching its server (or a segment of a TCP request/response
  // message reaching either end): only its journey is recorded (the
  // latency of request/response is the client's round trip).
  void request_arrived(const Packet& p, core::Time at) {
    total_received_ += p.segs;
    add_hops(p, at);
  }
  // A TCP request/response transaction ended at `at`: the client read the
  // whole response (`bytes` of payload) to the request whose write began
  // at `start` (its segments' journeys are recorded as they arrive, by
  // request_arrived).
  void transaction(core::Time start, core::Time at, uint64_t bytes) {
    received_.add(1);
    bytes_.add(bytes);
    const core::Duration latency = at - start;
    latency_.record(latency);
    transient_.add(double(latency.ps()), at);
  }
  void received(const Packet& p, core::Time at) {
    received_.add(p.segs);
    total_received_ += p.segs;
    bytes_.add(p.bytes);
    const core::Duration latency = at - (p.kind == PacketKind::kResponse ? p.origin : p.born);
    latency_.record(latency);
    transient_.add(double(latency.ps()), at);
    add_hops(p, at);
  }
  // Told of every packet that reaches its application, with when (the
  // journey add_hops records); may be empty. `viosim explain` finds its
  // packet so.
  using DeliveryObserver = std::function<void(const Packet&, core::Time at)>;
  void observe_deliveries(DeliveryObserver observer) { observer_ = std::move(observer); }
  bool round_trip() const { return round_trip_; }
  // Its packets are not split into the one-VM journey's stages (a flow
  // through forwarding VMs, or through the host's switch alone).
  void without_stages() { stages_ = false; }
  uint64_t sent_count() const { return sent_.value(); }
  uint64_t received_count() const { return received_.value(); }
  uint64_t received_bytes() const { return bytes_.value(); }
  // Since the start of the run, warm-up included: packets handed to a stack
  // (requests and responses alike) and packets that reached an application.
  uint64_t total_sent() const { return total_sent_; }
  uint64_t total_received() const { return total_received_; }
  const TransientDetector& transient() const { return transient_; }
  const core::Histogram& latency() const { return latency_.histogram(); }

  // The one-way journey in four hops, by direction (0: from the guest to
  // the wire, 1: from the wire to the guest): summed picoseconds, packets.
  static constexpr int kHops = 4;
  static const char* hop_name(int direction, int hop);
  double hop_ps(int direction, int hop) const { return hop_ps_[direction][hop]; }
  uint64_t hop_packets(int direction) const { return hop_packets_[direction]; }

 private:
  void add_hops(const Packet& p, core::Time at);
  void on_reset_stats() override;

  bool round_trip_;
  DeliveryObserver observer_;
  uint64_t total_sent_ = 0;
  uint64_t total_received_ = 0;
  TransientDetector transient_;
  double hop_ps_[2][kHops] = {};
  uint64_t hop_packets_[2] = {};
  bool stages_ = true;
  core::Counter sent_{this, "sent"};
  core::Counter received_{this, "received"};
  core::Counter bytes_{this, "received_bytes"};
  core::Counter payload_{this, "payload_bytes"};
  core::Counter tcp_skbs_{this, "tcp_receive_skbs"};
  std::vector<TcpReport> tcp_reports_;
  core::HistogramStat latency_{this, "latency"};
};

// A TCP receiver (of a flow with `stats`) takes data skb `packet`: what it
// found nothing new in is let go (counted as arrived, no latency), what
// fell outside its window is dropped at the socket; the segments now in
// order are the caller's, in the returned arrival's `ready`.
TcpReceiver::Arrival tcp_take(TcpReceiver& r, uint32_t packet, PacketPool& pool, FlowStats& stats, core::Time now);

}  // namespace viosim::models
