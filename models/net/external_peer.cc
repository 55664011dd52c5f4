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
      .stats = {{"received", core::StatKind::kCounter, core::Unit::kPackets,
                 "frames received from the host (a TSO skb's as its first frame arrives)"}}};
  return spec;
}

ExternalPeer::ExternalPeer(core::Simulator& sim, std::string_view name, core::Component* parent, const Config& config,
                           PacketPool& pool, Send send)
    : core::Component(sim, name, parent), config_(config), pool_(&pool), send_(std::move(send)), gro_(pool) {}

void ExternalPeer::add_flow(uint32_t flow_index, const FlowConfig& config, FlowStats& stats, bool peer_is_source) {
  PeerFlow f;
  f.index = flow_index;
  f.config = config;
  f.stats = &stats;
  f.source = peer_is_source;
  flows_.push_back(f);
}

ExternalPeer::PeerFlow* ExternalPeer::find(uint32_t index, PacketKind kind) {
  const bool source = kind == PacketKind::kResponse || kind == PacketKind::kAck;  // back at the client / sender
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
  return a.at > b.at || (a.at == b.at && a.order > b.order);
}
// Queues `item` behind every entry due no later than it (queues by `at`).
template <class Queue, class Item>
void insert_by_time(Queue& q, const Item& item) {
  q.insert(std::upper_bound(q.begin(), q.end(), item.at, [](core::Time t, const Item& x) { return t < x.at; }), item);
}
bool later_source(const ExternalPeerSource& a, const ExternalPeerSource& b) {
  return a.born > b.born || (a.born == b.born && a.flow > b.flow);
}
}  // namespace

void ExternalPeer::init() {
  for (size_t i = 0; i < flows_.size(); ++i) {
    PeerFlow& f = flows_[i];
    const bool rr = tcp_rr(f.config);
    if ((!f.source || rr) && f.config.is_tcp) {
      f.tcp_rx.assign(f.config.connections, TcpReceiver(f.config.tcp));
      if (!tcp_event_) tcp_event_ = std::make_unique<core::MemberEvent>(this, "tcp", [this] { tcp_step(); });
      if (!rx_poll_) rx_poll_ = std::make_unique<core::MemberEvent>(this, "rx_poll", [this] { rx_poll(); });
    }
    if (!f.source && !rr) continue;
    if (f.config.is_tcp) {
      f.tcp_first = static_cast<uint32_t>(tcp_.size());
      for (uint32_t c = 0; c < f.config.connections; ++c) {
        const uint64_t bytes = rr ? 0 : tcp_share(f.config, c);
        if (f.config.tcp_bytes != 0 && bytes == 0) continue;
        tcp_.push_back({static_cast<uint32_t>(i), c, TcpSender(f.config.tcp, bytes)});
        if (rr) tcp_.back().sender.app_writes();
      }
      f.tcp_count = static_cast<uint32_t>(tcp_.size()) - f.tcp_first;
      f.stats->add_tcp_report([this, i] { return tcp_stats(static_cast<uint32_t>(i)); });
      if (!tcp_event_) tcp_event_ = std::make_unique<core::MemberEvent>(this, "tcp", [this] { tcp_step(); });
      if (!rr) {
        schedule_tcp(now() + config_.tx_latency);
        continue;
      }
      // Each end reads the other's messages; the client writes its first
      // requests on every connection at once.
      f.rr.assign(f.config.connections, TcpTransactions(f.source ? f.config.response_bytes : f.config.request_bytes));
      if (!f.source) continue;
      for (uint32_t c = 0; c < f.config.connections; ++c) {
        for (uint32_t k = 0; k < f.config.conn_outstanding; ++k) {
          f.rr[c].started.push_back(now());
          tcp_write(f, c, f.config.request_bytes, now());
        }
      }
      continue;
    }
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
  outgoing_.push_back({at, packet, emitted_++});
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
  const TcpHeader tcp = pool_->tcp(packet);
  PeerFlow* f = find(p.flow, p.kind);
  if (p.tcp_data && f != nullptr && !f->tcp_rx.empty()) {
    rx_enqueue(packet, now());  // its TCP takes it (and the ACK it carries) at the poll
    return;
  }
  pool_->deliver(packet);  // to the peer's application (its stack is the fixed rx latency)
  if (f == nullptr) return;
  if (p.kind == PacketKind::kAck) {
    f->stats->control_arrived(p);
    tcp_ack_in(*f, p.conn, tcp, now() + config_.rx_latency + config_.tx_latency);
    return;
  }
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

void ExternalPeer::tcp_ack_in(PeerFlow& f, uint32_t conn, const TcpHeader& h, core::Time at) {
  for (uint32_t k = f.tcp_first; k < f.tcp_first + f.tcp_count; ++k) {
    if (tcp_[k].conn != conn) continue;
    // In order of when they are taken (a pure ACK's stack latency can
    // end after a later poll's).
    insert_by_time(tcp_acks_, TcpAck{at, k, h});
    schedule_tcp(at);
    return;
  }
}

void ExternalPeer::tcp_write(PeerFlow& f, uint32_t conn, uint64_t bytes, core::Time at) {
  insert_by_time(tcp_writes_, TcpWrite{at + config_.tx_latency, f.tcp_first + conn, bytes});
  schedule_tcp(at + config_.tx_latency);
}

void ExternalPeer::rr_read(PeerFlow& f, uint32_t conn, uint64_t bytes) {
  TcpTransactions& t = f.rr[conn];
  for (uint64_t whole = t.on_read(bytes); whole > 0; --whole) {
    if (!f.source) {
      tcp_write(f, conn, f.config.response_bytes, now());  // the server answers
      continue;
    }
    // The client's transaction ends; the connection's next request.
    f.stats->transaction(t.started.front(), now(), f.config.response_bytes);
    t.started.pop_front();
    const core::Time next = now() + f.config.think_time;
    t.started.push_back(next);
    tcp_write(f, conn, f.config.request_bytes, next);
  }
}

bool ExternalPeer::takes_early(uint32_t packet) {
  const Packet& p = (*pool_)[packet];
  if (!p.tcp_data) return false;
  const PeerFlow* f = find(p.flow, p.kind);
  return f != nullptr && !f->tcp_rx.empty();
}

void ExternalPeer::receive_early(uint32_t packet, core::Time at) {
  count_arrived();
  early_arrivals_.add(at, {1});
  rx_enqueue(packet, at);
}

void ExternalPeer::rx_enqueue(uint32_t packet, core::Time at) {
  insert_by_time(rx_batch_, RxFrame{at, packet});  // two wires' frames may interleave
  // The first frame's interrupt raises the poll; later ones join it, or
  // the one after it.
  const core::Time poll = at + config_.rx_latency;
  if (!rx_poll_->pending() || rx_poll_->when() > poll) rx_poll_->schedule_at(poll);
}

void ExternalPeer::schedule_tcp(core::Time at) {
  if (!tcp_event_->pending() || tcp_event_->when() > at) tcp_event_->schedule_at(std::max(at, now()));
}

// The ACKs due, the timers due, then segments while the windows and the
// wire let them go, one connection after another.
void ExternalPeer::tcp_step() {
  while (!tcp_acks_.empty() && tcp_acks_.front().at <= now()) {
    const TcpAck ack = tcp_acks_.front();
    tcp_acks_.pop_front();
    tcp_[ack.connection].sender.on_ack(ack.header, now());
  }
  while (!tcp_writes_.empty() && tcp_writes_.front().at <= now()) {
    tcp_[tcp_writes_.front().connection].sender.write(tcp_writes_.front().bytes);
    tcp_writes_.pop_front();
  }
  for (TcpConnection& c : tcp_) {
    if (c.sender.timer() <= now()) c.sender.on_timer(now());
  }
  core::Time next = core::Time::max();
  const size_t n = tcp_.size();
  size_t idle = 0;  // connections in a row with nothing to send
  while (n > 0 && idle < n) {
    // Each turn is one TSO skb of the connection (its NIC sends the
    // skb's segments back to back); a full wire keeps the turn for when
    // it has room.
    TcpConnection& c = tcp_[tcp_next_];
    if (room_) {
      const core::Duration wait = room_(tcp_frame_bytes(flows_[c.flow].config.tcp.mss));
      if (wait > core::Duration::zero()) {
        next = now() + wait;
        break;
      }
    }
    const std::optional<TcpSender::Segment> seg = c.sender.next(now());
    if (train_left_ == 0 && seg) train_left_ = c.sender.tso_segs();
    if (!seg || --train_left_ == 0) {
      train_left_ = 0;
      tcp_next_ = static_cast<uint32_t>((tcp_next_ + 1) % n);
    }
    if (!seg) {
      ++idle;
      continue;
    }
    idle = 0;
    PeerFlow& f = flows_[c.flow];
    TcpHeader h;
    if (!f.rr.empty()) {
      // The ACK rides on the segment (tcp_transmit_skb), and the data
      // sent tells the receiver the exchange is interactive.
      h = f.tcp_rx[c.conn].data_ack(now());
    }
    h.seq = seg->seq;
    h.len = seg->len;
    h.retransmit = seg->retransmit;
    const uint32_t id = make(f, tcp_data_kind(f.config, f.source), tcp_frame_bytes(seg->len, h.sacks), now());
    Packet& p = (*pool_)[id];
    p.conn = c.conn;
    p.tcp_data = true;
    pool_->tcp(id) = h;
    f.stats->sent(p);
    send_(id);
  }
  for (PeerFlow& f : flows_) {
    for (uint32_t c = 0; c < f.tcp_rx.size(); ++c) {
      if (f.tcp_rx[c].delack_at() > now()) continue;
      f.tcp_rx[c].timers_fired(now());  // the delayed ACK's timer
      sink_ack(f, c);
    }
  }
  next = std::min(next, earliest_delack());
  if (!tcp_acks_.empty()) next = std::min(next, tcp_acks_.front().at);
  if (!tcp_writes_.empty()) next = std::min(next, tcp_writes_.front().at);
  for (const TcpConnection& c : tcp_) next = std::min(next, c.sender.timer());
  if (next != core::Time::max()) schedule_tcp(next);
}

void ExternalPeer::rx_poll() {
  // The frames that arrived by now; the rest wait for the poll the first
  // of them raises.
  std::vector<uint32_t> batch;
  size_t taken = 0;
  while (taken < rx_batch_.size() && rx_batch_[taken].at <= now()) batch.push_back(rx_batch_[taken++].packet);
  rx_batch_.erase(rx_batch_.begin(), rx_batch_.begin() + static_cast<std::ptrdiff_t>(taken));
  if (!rx_batch_.empty()) rx_poll_->schedule_at(std::max(now(), rx_batch_.front().at) + config_.rx_latency);
  // A request/response segment's ACK is taken in this poll, as its data
  // is (tcp_rcv_established: tcp_ack, then the data), before GRO merges
  // it; what it lets go leaves a transmit latency later.
  for (const uint32_t id : batch) {
    const Packet& p = (*pool_)[id];
    PeerFlow& f = *find(p.flow, p.kind);
    if (f.tcp_count > 0) tcp_ack_in(f, p.conn, pool_->tcp(id), now() + config_.tx_latency);
  }
  for (const uint32_t id : batch) {
    gro_up_.clear();
    gro_.receive(this, id, gro_up_);
    for (const uint32_t up : gro_up_) tcp_sink(up);
  }
  gro_up_.clear();
  gro_.flush(this, gro_up_);
  for (const uint32_t up : gro_up_) tcp_sink(up);
  if (const core::Time next = earliest_delack(); next != core::Time::max()) schedule_tcp(next);
}

core::Time ExternalPeer::earliest_delack() const {
  core::Time next = core::Time::max();
  for (const PeerFlow& f : flows_) {
    for (const TcpReceiver& r : f.tcp_rx) next = std::min(next, r.delack_at());
  }
  return next;
}

void ExternalPeer::tcp_sink(uint32_t packet) {
  const Packet p = (*pool_)[packet];
  PeerFlow& f = *find(p.flow, p.kind);
  TcpReceiver& r = f.tcp_rx.at(p.conn);
  const TcpReceiver::Arrival a = tcp_take(r, packet, *pool_, *f.stats, now());
  if (r.ack_due()) sink_ack(f, p.conn);
  // The application reads what is in order at once.
  uint64_t bytes = 0;
  for (const TcpReceiver::Ready& ready : a.ready) {
    const Packet q = (*pool_)[ready.id];
    bytes += ready.bytes;
    if (core::TraceWriter* tw = sim().tracer()) {
      if (trace_track_ == 0) trace_track_ = tw->device_track("peer");
      trace_hop(*tw, trace_track_, q, now(), place::kPeer, "the peer's application read it (after its stack)",
                core::TraceWriter::FlowPhase::kEnd);
    }
    pool_->deliver(ready.id);
    if (f.rr.empty()) {
      f.stats->received(q, now());
    } else {
      f.stats->request_arrived(q, now());  // a message's latency is its transaction's
    }
  }
  if (bytes == 0) return;
  f.stats->payload_received(bytes);
  if (r.on_read(bytes, now())) sink_ack(f, p.conn);  // a window update
  if (!f.rr.empty()) rr_read(f, p.conn, bytes);
}

void ExternalPeer::sink_ack(PeerFlow& f, uint32_t conn) {
  TcpReceiver& r = f.tcp_rx.at(conn);
  const uint32_t id = make(f, PacketKind::kAck, 0, now());
  Packet& p = (*pool_)[id];
  p.conn = conn;
  p.client_ack = f.source;  // a request/response client's goes the request's way
  const TcpHeader& ack = pool_->tcp(id) = r.make_ack();
  p.bytes = tcp_frame_bytes(0, ack.sacks);
  f.stats->control_sent();
  emit(id, now() + config_.tx_latency);
}

TcpSenderStats ExternalPeer::tcp_stats(uint32_t flow) {
  TcpSenderStats sum;
  for (TcpConnection& c : tcp_) {
    if (c.flow == flow) sum.add(c.sender.stats(now()));
  }
  return sum;
}

void ExternalPeer::on_reset_stats() {
  for (TcpConnection& c : tcp_) c.sender.reset_stats(now());
}

}  // namespace viosim::models
