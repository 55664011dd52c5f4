// The machine at the other end of the wire: a bare-metal host whose NIC,
// stack and application are folded into fixed latencies (its own costs are
// not what a scenario studies). It answers requests, sinks data, and runs
// the sources and clients of flows that start outside the host under study.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "models/net/gro_list.h"
#include "models/net/wire.h"
#include "models/packet/packet.h"
#include "models/tcp/tcp_receiver.h"
#include "models/tcp/tcp_sender.h"
#include "models/tcp/tcp_transactions.h"
#include "models/traffic/flow.h"
#include "models/traffic/flow_stats.h"
#include "sim-core/later_counts.h"
#include "sim-core/member_event.h"

namespace viosim::models {

struct ExternalPeerPending {
  core::Time at;
  uint32_t packet;  // ready to go onto the wire at `at`
  uint64_t order;   // of emission: packets due at one instant go in that order
};

// An open-loop source's next send: its packets are made when they reach the
// wire, `born` plus the transmit latency later, so a packet costs one event.
struct ExternalPeerSource {
  core::Time born;
  uint32_t flow;  // index into the peer's flows
};

class ExternalPeer final : public core::Component, public EarlyTaker {
 public:
  struct Config {
    core::Duration rx_latency = core::Microseconds(8);  // its NIC, interrupt, stack up to the application
    core::Duration tx_latency = core::Microseconds(5);  // its application down to the wire
  };
  using Send = std::function<void(uint32_t packet)>;  // onto the wire towards the host

  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  ExternalPeer(core::Simulator& sim, std::string_view name, core::Component* parent, const Config& config,
               PacketPool& pool, Send send);

  void add_flow(uint32_t flow_index, const FlowConfig& config, FlowStats& stats, bool peer_is_source);
  void init() override;
  // A frame from the wire.
  void receive(uint32_t packet);
  // A TCP data frame for a receiver here, which the poll its arrival
  // raises takes (GRO, TCP): the wire may hand it over before it arrives
  // at `at` (receive_early), as the poll goes by the arrival times.
  bool takes_early(uint32_t packet);
  void receive_early(uint32_t packet, core::Time at) override;
  // How long until the wire towards the host takes a frame of `bytes` (its
  // transmit ring full: later). The peer's TCP senders wait for it, as a
  // sender's qdisc and TCP Small Queues hold its segments in the socket.
  using Room = std::function<core::Duration(uint32_t bytes)>;
  void set_room(Room room) { room_ = std::move(room); }
  void on_reset_stats() override;
  void settle() override { count_arrived(); }
  void finish() override { count_arrived(); }

 private:
  struct PeerFlow {
    uint32_t index = 0;
    FlowConfig config;
    FlowStats* stats = nullptr;
    bool source = false;
    uint64_t seq = 0;
    uint32_t tcp_first = 0;  // its connections' senders in tcp_ (a TCP source or request/response end)
    uint32_t tcp_count = 0;
    std::vector<TcpReceiver> tcp_rx;  // a TCP sink or request/response end: each connection's receiver
    std::vector<TcpTransactions> rr;  // a TCP request/response end: each connection's messages
    // A bulk source that has sent its max_packets.
    bool transfer_done() const { return config.max_packets != 0 && seq >= config.max_packets; }
  };
  using Pending = struct ExternalPeerPending;
  // The flow's entry that takes a packet of `kind`: a request goes to its
  // server, a response to its client, data to its sink (a flow through VMs
  // starts and ends here, with an entry for each end).
  PeerFlow* find(uint32_t index, PacketKind kind);
  void emit(uint32_t packet, core::Time at);
  void flush();
  // Sends the earliest source's packets (born tx_latency ago) and draws its next send.
  void send_source();
  // When the earliest queued packet, and the earliest source's packets, go
  // onto the wire (Time::max(): none).
  core::Time next_packet() const;
  core::Time next_source() const;
  void schedule_flush();
  uint32_t make(PeerFlow& f, PacketKind kind, uint32_t bytes, core::Time born);
  // TCP senders: one per connection of a TCP source flow. An ACK reaches
  // its sender after the peer's stack (rx latency) and what the sender
  // sends then goes down the stack (tx latency): both are counted before
  // the ACK is taken, so that the segments go onto the wire as it is taken.
  struct TcpConnection {
    uint32_t flow = 0;  // index into flows_
    uint32_t conn = 0;
    TcpSender sender;
  };
  struct TcpAck {
    core::Time at;
    uint32_t connection = 0;  // index into tcp_
    TcpHeader header;
  };
  void tcp_step();
  // An ACK (pure, or riding on a data segment) for connection `conn` of
  // `f`'s sender, taken at `at` (after the peer's stack, with the transmit
  // latency of what it lets go counted before: ACKs arrive in order).
  void tcp_ack_in(PeerFlow& f, uint32_t conn, const TcpHeader& h, core::Time at);
  // The application writes `bytes` of connection `conn` at `at` (they
  // reach its TCP a transmit latency later).
  void tcp_write(PeerFlow& f, uint32_t conn, uint64_t bytes, core::Time at);
  // A TCP request/response end read `bytes` of connection `conn`: the
  // messages they made whole, and what the application writes for them.
  void rr_read(PeerFlow& f, uint32_t conn, uint64_t bytes);
  // A TCP sink's receive: the frames that arrive before the poll the
  // first one raised (its NIC interrupt and stack, the rx latency) are
  // polled together, GRO merging them as the peer's Linux NAPI does; TCP
  // takes each skb, the application reads at once, and the ACKs go.
  void rx_poll();
  void tcp_sink(uint32_t packet);
  void sink_ack(PeerFlow& f, uint32_t conn);
  // When the sinks' first delayed ACK is due (Time::max(): none).
  core::Time earliest_delack() const;
  void schedule_tcp(core::Time at);
  TcpSenderStats tcp_stats(uint32_t flow);

  Config config_;
  PacketPool* pool_;
  Send send_;
  std::vector<PeerFlow> flows_;
  std::vector<Pending> outgoing_;  // a min-heap on (at, order): requests and responses
  uint64_t emitted_ = 0;
  std::vector<ExternalPeerSource> sources_;  // a min-heap on (born, flow)
  int trace_track_ = 0;
  std::vector<TcpConnection> tcp_;
  std::deque<TcpAck> tcp_acks_;  // by `at`, then in arrival order
  struct TcpWrite {
    core::Time at;
    uint32_t connection = 0;  // index into tcp_
    uint64_t bytes = 0;
  };
  std::deque<TcpWrite> tcp_writes_;  // by `at`, then as written
  uint32_t tcp_next_ = 0;        // round robin over the connections
  uint32_t train_left_ = 0;      // segments left of the TSO skb tcp_next_ is sending (0: none begun)
  Room room_;
  // TCP data frames waiting for the poll, with their arrival times, in
  // that order (the poll takes those that arrived by its time).
  struct RxFrame {
    core::Time at;
    uint32_t packet = 0;
  };
  std::vector<RxFrame> rx_batch_;
  void rx_enqueue(uint32_t packet, core::Time at);
  GroList gro_;
  std::vector<uint32_t> gro_up_;
  std::unique_ptr<core::MemberEvent> rx_poll_;
  // Made only for a peer with TCP senders (after every other event: the
  // events' ids, which name them in the fingerprint, stay the same without).
  std::unique_ptr<core::MemberEvent> tcp_event_;
  core::MemberEvent out_{this, "transmit", [this] { flush(); }};
  core::Counter received_{this, "received"};
  // Frames handed over early, counted as received once they arrive.
  core::LaterCounts<1> early_arrivals_;
  void count_arrived() { early_arrivals_.count_due(now(), {&received_}); }
};

}  // namespace viosim::models
