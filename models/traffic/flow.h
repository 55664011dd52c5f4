// A flow as the models see it: who sends what to whom, and when. The
// builder fills it from the scenario; sources on either side (a guest
// application or the external peer) and sinks use it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "models/packet/flow_tuple.h"
#include "models/packet/packet.h"
#include "models/tcp/tcp_config.h"
#include "sim-core/rng.h"
#include "sim-core/time.h"

namespace viosim::models {

struct FlowConfig {
  enum class Pattern { kOpenLoop, kRequestResponse, kBulk };
  enum class Arrival { kConstant, kPoisson, kBursts };

  std::string name;
  Pattern pattern = Pattern::kRequestResponse;
  bool from_guest = true;  // the source / client is the VM (else the external peer)
  // Its end on the host: VM `vm` of PathConfig::vms, or with copies > 1
  // the VMs vm .. vm + copies - 1, connection c in copy c mod copies, whose
  // address is the flow's VM-side address plus the copy's number.
  uint32_t vm = 0;
  uint32_t copies = 1;
  // A VM-to-VM flow (from_guest, its source VM `vm`): its other end is VM
  // dst_vm on this host, or with dst_copies > 1 connection c in copy
  // dst_vm + c mod dst_copies, through the host's switch. kExternal: the
  // external peer.
  static constexpr uint32_t kExternal = UINT32_MAX;
  uint32_t dst_vm = kExternal;
  uint32_t dst_copies = 1;
  bool vm_to_vm() const { return dst_vm != kExternal; }
  // Its other end is a process on the host (not the external peer): frames
  // go between the host's stack and the VM's tap through the kernel's
  // switch. from_guest says which end is the source, as with the peer.
  bool host_end = false;
  // A flow from the external peer back to it through VMs that forward it
  // (a service chain; `vm` and `copies` are via[0]'s): it enters via[0],
  // is forwarded back out into the host's switch, enters via[1], ..., and
  // leaves the last one for the wire; a response takes the route backwards.
  // Connection c crosses copy c mod copies of each.
  struct Via {
    uint32_t vm = 0;
    uint32_t copies = 1;
  };
  std::vector<Via> via;
  bool through_vms() const { return !via.empty(); }
  // P2P: from the external peer back to it through the host's switch
  // alone, in by NIC port p2p_in and out by the other (`vm` is 0, a VM the
  // flow does not touch). -1: not P2P.
  int8_t p2p_in = -1;
  bool p2p() const { return p2p_in >= 0; }
  // Open loop and bulk.
  double rate_pps = 100'000;
  Arrival arrival = Arrival::kPoisson;
  uint32_t burst_packets = 32;
  uint32_t frame_bytes = 64;
  uint64_t max_packets = 0;  // a source stops after this many (0: never); bulk transfers
  // Addresses as the flow's source sends them; `connections` of them differ
  // in the source port (port + connection), and packets take them in turn.
  FlowTuple tuple;
  uint32_t connections = 1;
  // The share of the connections one sender owns when several vCPUs send
  // the flow: connections first_conn, first_conn + conn_step, ... below
  // `connections` (rate and outstanding requests split in proportion).
  uint32_t first_conn = 0;
  uint32_t conn_step = 1;
  // Request/response: the messages' frame bytes (UDP) or payload bytes
  // (TCP), the transactions in flight (over the connections; a TCP
  // connection has conn_outstanding of them) and the client's pause after
  // each response.
  uint32_t request_bytes = 64;
  uint32_t response_bytes = 64;
  uint32_t outstanding = 1;
  uint32_t conn_outstanding = 1;
  core::Duration think_time;
  // TCP: each connection a Linux TCP connection. Bulk: its sender writes
  // tcp_bytes (0: without end) in segments of tcp.mss. Request/response:
  // both ends send and receive (netperf TCP_RR), each message a range of
  // the byte stream.
  bool is_tcp = false;
  TcpConfig tcp;
  uint64_t tcp_bytes = 0;
};

// The frame of a TCP segment carrying `payload` bytes (Ethernet header and
// FCS, IPv4, TCP with the timestamp option), and of a pure ACK with `sacks`
// SACK blocks (two NOPs and the option's kind and length before them).
constexpr uint32_t kTcpFrameOverhead = 14 + 4 + 20 + 20 + 12;
inline uint32_t tcp_sack_bytes(uint32_t sacks) { return sacks == 0 ? 0 : 4 + 8 * sacks; }
inline uint32_t tcp_frame_bytes(uint32_t payload, uint32_t sacks = 0) {
  return std::max<uint32_t>(64, kTcpFrameOverhead + tcp_sack_bytes(sacks) + payload);
}

// A TCP request/response connection's data (and its ACK riding on it) and
// pure ACKs: the client's go the request's way, the server's the
// response's.
inline bool tcp_rr(const FlowConfig& f) { return f.is_tcp && f.pattern == FlowConfig::Pattern::kRequestResponse; }

// What a TCP data segment of flow `f` sent by its source (the client) or
// its destination is: a stream's data, a request or a response.
inline PacketKind tcp_data_kind(const FlowConfig& f, bool source) {
  if (!tcp_rr(f)) return PacketKind::kData;
  return source ? PacketKind::kRequest : PacketKind::kResponse;
}

// The 4-tuple of a packet of connection `conn`: as the flow's source sends
// it (each VM end's address that of its copy), reversed for a response.
inline FlowTuple packet_tuple(const FlowConfig& f, uint32_t conn, bool response) {
  FlowTuple t = f.tuple;
  t.src_port = static_cast<uint16_t>(t.src_port + conn);
  if (f.vm_to_vm()) {
    t.src_ip += conn % f.copies;
    t.dst_ip += conn % f.dst_copies;
  } else if (!f.through_vms()) {
    (f.from_guest ? t.src_ip : t.dst_ip) += conn % f.copies;
  }
  if (response) {
    std::swap(t.src_ip, t.dst_ip);
    std::swap(t.src_port, t.dst_port);
  }
  return t;
}

// Connection `c`'s whole share of `total` split over `connections`
// (total / connections, plus one for the first total mod connections).
inline uint64_t connection_share(uint64_t total, uint32_t connections, uint32_t c) {
  return total / connections + (c < total % connections ? 1 : 0);
}

// A TCP connection's share of its flow's bytes (0: without end, as the
// flow's 0 is; a connection left with none of a finite transfer has 0
// too, and sends nothing).
inline uint64_t tcp_share(const FlowConfig& f, uint32_t c) {
  return f.tcp_bytes == 0 ? 0 : connection_share(f.tcp_bytes, f.connections, c);
}

// How many of the flow's connections this sender owns.
inline uint32_t owned_connections(const FlowConfig& f) {
  if (f.first_conn >= f.connections) return 0;
  return (f.connections - f.first_conn + f.conn_step - 1) / f.conn_step;
}

// Whether connection `conn` is one of this sender's.
inline bool owns_connection(const FlowConfig& f, uint32_t conn) {
  return owned_connections(f) > 0 && conn >= f.first_conn && (conn - f.first_conn) % f.conn_step == 0;
}

// The share of a flow that the sender on vCPU `vcpu` of `vcpus` owns:
// connections vcpu, vcpu + vcpus, ..., its rate in proportion, and its
// connections' whole shares of the outstanding requests and of a bulk
// transfer's packets.
inline FlowConfig sender_share(const FlowConfig& f, uint32_t vcpu, uint32_t vcpus) {
  FlowConfig s = f;
  s.first_conn = vcpu;
  s.conn_step = vcpus;
  const uint32_t owned = owned_connections(s);
  s.rate_pps = f.rate_pps * double(owned) / double(f.connections);
  // Whole requests and packets split per connection (connection c gets
  // total / connections, plus one when c < total mod connections), then
  // summed over the owned ones: the shares add up to the flow's exactly.
  auto share_of = [&](uint64_t total) {
    uint64_t sum = 0;
    for (uint32_t c = s.first_conn; c < f.connections; c += s.conn_step)
      sum += connection_share(total, f.connections, c);
    return sum;
  };
  s.outstanding = static_cast<uint32_t>(share_of(f.outstanding));
  if (f.max_packets != 0) {
    s.max_packets = share_of(f.max_packets);
    if (s.max_packets == 0) s.first_conn = f.connections;  // nothing to send: owns no connection (0 means unbounded)
  }
  return s;
}

// The gap before the next open-loop send (or burst).
inline core::Duration next_gap(const FlowConfig& f, core::Rng& rng) {
  const double mean_s = (f.arrival == FlowConfig::Arrival::kBursts ? f.burst_packets : 1) / f.rate_pps;
  if (f.arrival == FlowConfig::Arrival::kPoisson) return core::Duration::from_seconds(rng.exponential(mean_s));
  return core::Duration::from_seconds(mean_s);
}

// Frames of one message: a request or response larger than an MTU frame
// goes out as several frames (the last one carries the message).
inline uint32_t frames_for(uint32_t message_bytes) { return (message_bytes + 1499) / 1500; }

}  // namespace viosim::models
