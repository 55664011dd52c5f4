// Packets and their pool. A packet carries only what the statistics and the
// mechanisms need: its flow, its size, what it is (data, request,
// response), and the times the latency is measured from. Packets are
// recycled through a free list, so a run in steady state allocates none;
// components pass packet ids (32-bit pool indices) along their queues.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "models/tcp/tcp_config.h"
#include "sim-core/time.h"

namespace viosim::models {

// kAck: a TCP segment without payload, from a data receiver back to its
// sender (a response's way; on a request/response connection, from the
// client it goes the request's way: Packet::client_ack). A TCP
// request/response connection's data segments are kRequest and kResponse.
enum class PacketKind : uint8_t { kData, kRequest, kResponse, kAck };

struct Packet {
  uint32_t id = 0;     // its slot in the pool
  uint32_t flow = 0;   // index of its flow in the run
  uint32_t bytes = 0;  // Ethernet frame with FCS (64 minimum), without preamble and gap
  PacketKind kind = PacketKind::kData;
  bool to_guest = false;  // direction: towards the VM (rx) or away from it (tx)
  // A TCP data segment (an ACK is kind kAck): its header is the pool's
  // tcp(id), kept apart from the packets every flow touches.
  bool tcp_data = false;
  // VMs of its flow's route (FlowConfig::via) it has been forwarded by.
  uint8_t hop = 0;
  uint64_t seq = 0;       // per flow
  uint32_t conn = 0;      // which of the flow's connections (its source port)
  core::Time born;        // when the application handed it to the stack
  core::Time origin;      // a response: when its request was born (round trip)
  // Where its journey was timed, for the per-hop breakdown: on the virtual
  // (or VF / host) device's ring, taken by the backend (or NIC), on the
  // wire. Which stamps a packet got is in `stamped`.
  core::Time stamp[3];
  uint8_t stamped = 0;
  bool live = false;  // allocated and not yet delivered or dropped
  // The segments it carries: 1, or what GRO merged into it (each counted
  // where it is delivered or lost).
  uint16_t segs = 1;
  // A pure ACK a TCP request/response client sends (of response data): it
  // goes the flow's way, as requests do.
  bool client_ack = false;
};

// Whether a packet goes its flow's way back (from the server or the data
// receiver to the client or sender): a response or an ACK.
inline bool reverse(const Packet& p) {
  return p.kind == PacketKind::kResponse || (p.kind == PacketKind::kAck && !p.client_ack);
}

// Where the models lose packets: each bounded queue on a path. A drop is
// counted at its place and per flow (PacketPool::drop), so that every
// packet an application offers is delivered, dropped at a named place, or
// still on its way.
enum class DropPlace : uint8_t {
  kNicRing,      // a host NIC or VF receive ring with no free descriptor (rx_missed)
  kWire,         // a NIC's transmit ring, full in front of the wire
  kTap,          // the tap's ring (tx_queue_len), tail drop
  kVring,        // a guest receive virtqueue with no buffer (vhost-user drops there)
  kQdisc,        // the guest's qdisc in front of a stopped transmit queue
  kSocket,       // a socket's receive buffer (sk_rcvbuf; UDP RcvbufErrors)
  kUpcall,       // OVS's handler socket, full when a megaflow miss is queued (the datapath's lost count)
  kTxRing,       // a poll-mode forwarder's full TX ring (testpmd frees what tx_burst did not take: fwd_dropped)
  kBacklog,      // a CPU's RPS backlog past netdev_max_backlog (softnet_stat's dropped)
  kHostQdisc,    // the host kernel's qdisc in front of a stopped host NIC transmit queue
  kHostBacklog,  // a host core's RPS backlog past netdev_max_backlog
};
inline constexpr int kDropPlaces = 11;

constexpr std::string_view drop_place_name(DropPlace place) {
  constexpr std::array<std::string_view, kDropPlaces> kNames = {"nic_ring", "wire",       "tap",         "vring",
                                                                "qdisc",    "socket",     "upcall",      "tx_ring",
                                                                "backlog",  "host_qdisc", "host_backlog"};
  return kNames[static_cast<size_t>(place)];
}

enum Stamp : uint8_t { kStampDevice = 0, kStampBackend = 1, kStampWire = 2 };
inline void stamp(Packet& p, Stamp s, core::Time t) {
  p.stamp[s] = t;
  p.stamped |= static_cast<uint8_t>(1u << s);
}

// A forwarding VM sends `p` back out, towards its route's next VM or the
// wire: its direction turns, its stamps restart, its hop count grows.
// Returns how long the VM had it since the host's hand-over (its wire
// stamp: the wire's arrival or the switch's crossing into the VM), when
// it has that stamp.
inline std::optional<core::Duration> forward_out(Packet& p, core::Time now) {
  std::optional<core::Duration> transit;
  if ((p.stamped & (1u << kStampWire)) != 0) transit = now - p.stamp[kStampWire];
  p.to_guest = false;
  p.stamped = 0;
  ++p.hop;
  return transit;
}

// A packet leaves the pool in one of two ways only: delivered to its
// application, or dropped at a place (counted there, per flow).
class PacketPool {
 public:
  Packet& alloc() {
    uint32_t id;
    if (free_.empty()) {
      id = static_cast<uint32_t>(packets_.size());
      packets_.emplace_back();
      tcp_.emplace_back();
    } else {
      id = free_.back();
      free_.pop_back();
    }
    Packet& p = packets_[id];
    p = Packet{};
    p.id = id;
    p.live = true;
    ++in_use_;
    return p;
  }
  // The packet reached its application.
  void deliver(uint32_t id) { free(id); }
  // The packet is lost at `place`; `at`: when, for a loss a device
  // accounts after the fact (a NIC queue catching up on frames handed
  // over early); none: now.
  void drop(uint32_t id, DropPlace place, std::optional<core::Time> at = std::nullopt) {
    const uint32_t flow = packets_[id].flow;
    if (flow >= drops_.size()) drops_.resize(flow + 1);
    drops_[flow][static_cast<size_t>(place)] += packets_[id].segs;
    if (on_drop_) on_drop_(packets_[id], place, at);
    free(id);
  }
  // GRO: `id`'s segments join `into`'s, which carries them from now on.
  void merge(uint32_t into, uint32_t id) {
    packets_[into].segs = static_cast<uint16_t>(packets_[into].segs + packets_[id].segs);
    free(id);
  }
  // Software GSO (skb_segment): `id`, an skb GRO merged from segments of
  // its gso_size payload (the last may be shorter), becomes its segments
  // again, each a frame of its payload plus `overhead`. `id` keeps the
  // first; all of them, in sequence order, are appended to `out`.
  void segment(uint32_t id, uint32_t overhead, std::vector<uint32_t>& out) {
    const uint32_t mss = tcp_[id].gso_size;
    const uint16_t n = packets_[id].segs;
    out.push_back(id);
    if (n <= 1 || mss == 0) return;
    const uint32_t total = tcp_[id].len;
    tcp_[id].len = mss;
    tcp_[id].gso_size = 0;
    packets_[id].segs = 1;
    packets_[id].bytes = mss + overhead;
    for (uint32_t k = 1; k < n; ++k) {
      const uint32_t fresh = alloc().id;  // may move packets_
      Packet& q = packets_[fresh];
      q = packets_[id];
      q.id = fresh;
      TcpHeader& h = tcp_[fresh];
      h = tcp_[id];
      h.seq = tcp_[id].seq + uint64_t{k} * mss;
      h.len = k + 1 < n ? mss : total - k * mss;
      q.bytes = std::max<uint32_t>(64, h.len + overhead);  // a short tail is padded to the minimum frame
      out.push_back(fresh);
    }
  }
  // Told of every drop before the packet is freed (a route's accounting
  // of where along it packets are lost). May be empty.
  void observe_drops(std::function<void(const Packet&, DropPlace, std::optional<core::Time> at)> observer) {
    on_drop_ = std::move(observer);
  }
  // Drops of `flow` at `place` since the start of the run.
  uint64_t drops(uint32_t flow, DropPlace place) const {
    return flow < drops_.size() ? drops_[flow][static_cast<size_t>(place)] : 0;
  }
  // Packets of `flow` allocated and neither delivered nor dropped.
  uint64_t in_flight(uint32_t flow) const {
    uint64_t n = 0;
    for (const Packet& p : packets_) n += p.live && p.flow == flow ? p.segs : 0;
    return n;
  }
  Packet& operator[](uint32_t id) { return packets_[id]; }
  // The packet's length as an skb (with its FCS, as `bytes`): GRO keeps one
  // set of headers for the segments it merged (skb_gro_receive pulls the
  // others), so a merged packet is shorter than the frames it carries,
  // each of which is its payload plus the same headers.
  uint32_t skb_bytes(uint32_t id) const {
    const Packet& p = packets_[id];
    if (p.segs <= 1) return p.bytes;
    const uint32_t payload = tcp_[id].len;
    return payload + (p.bytes - payload) / p.segs;
  }
  // The TCP header of a TCP segment or ACK (set by whoever makes one).
  TcpHeader& tcp(uint32_t id) { return tcp_[id]; }
  const TcpHeader& tcp(uint32_t id) const { return tcp_[id]; }
  const Packet& operator[](uint32_t id) const { return packets_[id]; }
  size_t in_use() const { return in_use_; }
  size_t capacity() const { return packets_.size(); }

 private:
  void free(uint32_t id) {
    packets_[id].live = false;
    free_.push_back(id);
    --in_use_;
  }

  std::vector<Packet> packets_;
  std::vector<TcpHeader> tcp_;  // by packet id
  std::vector<uint32_t> free_;
  std::vector<std::array<uint64_t, kDropPlaces>> drops_;  // by flow, then place
  std::function<void(const Packet&, DropPlace, std::optional<core::Time>)> on_drop_;
  size_t in_use_ = 0;
};

// The id a packet's flow arrows carry in a trace: unique per flow, kind
// and sequence number (pool slots are reused).
inline uint64_t trace_id(const Packet& p) {
  return (uint64_t{p.flow} << 44) ^ (uint64_t{static_cast<uint8_t>(p.kind)} << 40) ^ p.seq;
}
// The flow and kind a trace id carries.
inline uint32_t trace_id_flow(uint64_t id) { return static_cast<uint32_t>(id >> 44); }
inline PacketKind trace_id_kind(uint64_t id) { return static_cast<PacketKind>((id >> 40) & 0xf); }

// Bytes a frame occupies on the wire: the frame (padded to 64 bytes with
// its FCS), preamble and start delimiter (8) and the inter-frame gap (12):
// 84 for a 64-byte frame.
constexpr uint64_t wire_bytes(uint32_t frame_bytes) {
  return uint64_t{frame_bytes < 64 ? 64u : frame_bytes} + 8 + 12;
}

}  // namespace viosim::models
