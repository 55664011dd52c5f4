// Guest interrupt dispatch, sockets, applications and their timers.
#include "models/guest/guest_os.h"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <utility>

#include "models/net/packet_trace.h"

namespace viosim::models {

const core::ComponentSpec& GuestOs::model_spec() {
  static const core::ComponentSpec spec{
      .type = "guest.os",
      .help = "guest kernel and applications on one vCPU: interrupts, UDP sockets, flow sources and sinks",
      .params = {},
      .ports = {},
      .stats = {{"dropped_no_application", core::StatKind::kCounter, core::Unit::kPackets,
                 "packets for a flow with no application in this guest"},
                {"socket_drops", core::StatKind::kCounter, core::Unit::kPackets,
                 "datagrams dropped on a full socket receive buffer (RcvbufErrors)"},
                {"forwarded", core::StatKind::kCounter, core::Unit::kPackets,
                 "packets routed back out by the kernel's IP forwarding"},
                {"transit", core::StatKind::kHistogram, core::Unit::kPicoseconds,
                 "forwarded packets: from the host's hand-over into the VM to the forward"},
                {"backlog_drops", core::StatKind::kCounter, core::Unit::kPackets,
                 "packets RPS steered here past netdev_max_backlog, or dropped by flow limit"},
                {"flow_limit_drops", core::StatKind::kCounter, core::Unit::kPackets,
                 "packets this vCPU queued to a backlog that its flow limit dropped (flow_limit_count)"}}};
  return spec;
}

GuestOs::GuestOs(core::Simulator& sim, std::string_view name, core::Component* parent, VCpu& vcpu, PacketPool& pool,
                 const GuestCosts& costs)
    : core::Component(sim, name, parent),
      vcpu_(&vcpu),
      app_thread_(vcpu.add_thread("app")),
      pool_(&pool),
      costs_(costs),
      gro_(pool) {
  vcpu.set_interrupt_handler([this](uint32_t vector, Continuation done) { on_interrupt(vector, std::move(done)); });
}

void GuestOs::register_vector(uint32_t vector, Isr isr) { isrs_.emplace_back(vector, std::move(isr)); }

void GuestOs::on_interrupt(uint32_t vector, Continuation done) {
  bool found = false;
  for (const auto& entry : isrs_) found = found || entry.first == vector;
  if (!found) {
    // A spurious vector: the entry and exit cost only.
    vcpu_->guest(costs_.irq_entry, CpuCategory::kGuestKernel, std::move(done));
    return;
  }
  isr_done_.hold(std::move(done), name(), "its interrupt handler");
  isrs_run_ = 0;
  unclaimed_ = 0;
  run_isrs(vector, 0);
}

// A shared vector runs every handler registered on it, one after another
// (vp_vring_interrupt walking the virtqueues); each decides for itself
// whether its queue had work.
void GuestOs::run_isrs(uint32_t vector, size_t from) {
  for (size_t i = from; i < isrs_.size(); ++i) {
    if (isrs_[i].first != vector) continue;
    ++isrs_run_;
    isrs_[i].second([this, vector, i] { run_isrs(vector, i + 1); });
    return;
  }
  if (unclaimed_ == isrs_run_) {
    vcpu_->guest(costs_.irq_entry, CpuCategory::kGuestKernel, isr_done_.release());  // nobody's: IRQ_NONE
    return;
  }
  isr_done_.release()();
}

void GuestOs::add_flow(uint32_t flow_index, const FlowConfig& config, FlowStats& stats, bool guest_is_source) {
  AppFlow f;
  f.index = flow_index;
  f.config = config;
  f.stats = &stats;
  f.source = guest_is_source;
  if (config.is_tcp && (!guest_is_source || tcp_rr(config))) f.tcp.assign(config.connections, TcpReceiver(config.tcp));
  flows_.push_back(f);
}

void GuestOs::forward_flow(uint32_t flow_index) {
  if (flow_index >= forwards_.size()) forwards_.resize(flow_index + 1, false);
  forwards_[flow_index] = true;
}

GuestOs::AppFlow* GuestOs::find_flow(uint32_t index) {
  for (AppFlow& f : flows_) {
    if (f.index == index) return &f;
  }
  return nullptr;
}

void GuestOs::init() {
  // Sources and clients start with a timer at time zero plus their first gap
  // (open loop) or at once (clients send their first requests).
  tcp_init();
  for (AppFlow& f : flows_) {
    if (!f.source || owned_connections(f.config) == 0) continue;  // a share with no connection answers only
    if (f.config.is_tcp) continue;                                // its writer sends
    f.timer_active = true;
    f.next_due = f.config.pattern == FlowConfig::Pattern::kRequestResponse ? now() : now() + next_gap(f.config, rng());
  }
  arm_timer();
}

uint32_t GuestOs::make_packet(AppFlow& f, PacketKind kind, uint32_t bytes, int64_t conn) {
  Packet& p = pool_->alloc();
  p.flow = f.index;
  p.kind = kind;
  p.bytes = bytes;
  p.to_guest = false;
  // Sequence numbers interleave over the VM's vCPUs so that a flow's stay
  // unique (a packet's trace id is made of them).
  const uint32_t owned = std::max<uint32_t>(1, owned_connections(f.config));
  const uint64_t local = f.seq++;
  p.seq = local * std::max<size_t>(1, siblings_.size()) + seq_offset_;
  p.conn = conn >= 0 ? static_cast<uint32_t>(conn)
                     : f.config.first_conn + static_cast<uint32_t>(local % owned) * f.config.conn_step;
  p.born = now();
  p.origin = p.born;
  if (core::TraceWriter* tw = sim().tracer()) {
    trace_hop(*tw, vcpu_->thread().trace_track(), p, now(), place::kApplication,
              "the application hands it to its socket (sendto)", core::TraceWriter::FlowPhase::kStart);
  }
  return p.id;
}

void GuestOs::set_xps(std::vector<GuestNetDevice*> mine, std::vector<GuestNetDevice*> all,
                      std::shared_ptr<const ConnectionQueues> hashes) {
  xps_mine_ = std::move(mine);
  xps_all_ = std::move(all);
  xps_hashes_ = std::move(hashes);
}

GuestNetDevice& GuestOs::tx_device(uint32_t packet) const {
  if (xps_hashes_ == nullptr) {
    if (device_ == nullptr) throw std::logic_error("guest " + name() + " sends without a network device");
    return *device_;
  }
  const std::vector<GuestNetDevice*>& from = xps_choices();
  if (from.size() == 1) return *from[0];
  const uint32_t hash = xps_hashes_->of((*pool_)[packet]);
  return *from[(uint64_t{hash} * from.size()) >> 32];  // reciprocal_scale
}

void GuestOs::send(uint32_t packet, bool more, Continuation k) {
  GuestNetDevice& device = tx_device(packet);
  // xmit_more batches one queue's packets: a vCPU whose packets XPS
  // spreads over several queues tells each driver of each packet.
  if (xps_hashes_ != nullptr && xps_choices().size() > 1) more = false;
  // One step of user work (the application) and one of kernel work (the
  // system call and the UDP/IP transmit path) before the driver.
  vcpu_->guest(costs_.app_send, CpuCategory::kGuestUser, [this, &device, packet, more, k = std::move(k)]() mutable {
    vcpu_->guest(
        costs_.socket_syscall + costs_.udp_tx, CpuCategory::kGuestKernel,
        [this, &device, packet, more, k = std::move(k)]() mutable { device.xmit(*vcpu_, packet, more, std::move(k)); });
  });
}

void GuestOs::send_request(AppFlow& f, uint32_t conn, Continuation k) {
  const uint32_t id = make_packet(f, PacketKind::kRequest, f.config.request_bytes, conn);
  f.stats->sent((*pool_)[id]);
  send(id, false, std::move(k));
}

// ---- receive side ----

void GuestOs::deliver(uint32_t packet, const HostThread* waker, GuestNetDevice* napi, VCpu* by) {
  const uint32_t flow = (*pool_)[packet].flow;
  if (flow < forwards_.size() && forwards_[flow]) {
    forward(packet);
    return;
  }
  GuestOs& owner = socket_owner(packet);
  if (napi != nullptr) owner.napi_id_ = napi;
  VCpu* cpu = by != nullptr ? by : vcpu_;
  if ((*pool_)[packet].tcp_data) {
    AppFlow* f = owner.find_flow(flow);
    if (f != nullptr && !f->tcp.empty()) {
      tcp_receive(*f, packet, cpu);
      return;
    }
  }
  if ((*pool_)[packet].kind == PacketKind::kAck) {
    // The sending socket's: the guest whose share owns the connection.
    GuestOs* sender = connection_owner(flow, (*pool_)[packet].conn);
    if (sender == nullptr) sender = &owner;
    AppFlow* f = sender->find_flow(flow);
    if (f != nullptr && !f->tcp_tx.empty()) {
      sender->tcp_ack_in(*f, packet, *cpu);
      return;
    }
  }
  owner.enqueue(packet, owner.vcpu_ == cpu ? nullptr : cpu, waker);
}

void GuestOs::tcp_receive(AppFlow& f, uint32_t packet, VCpu* cpu) {
  const Packet& p = (*pool_)[packet];
  const uint32_t conn = p.conn;
  GuestOs& owner = socket_owner(packet);
  const TcpHeader header = pool_->tcp(packet);
  TcpReceiver& r = f.tcp.at(conn);
  const TcpReceiver::Arrival a = tcp_take(r, packet, *pool_, *f.stats, now());
  // A request/response segment's ACK goes to the connection's sender
  // (tcp_ack), unless tcp_validate_incoming dropped the segment first.
  const bool ack_taken = !f.tcp_tx.empty() && !a.out_of_window && !a.duplicate;
  if (ack_taken) owner.tcp_ack_header(f, conn, header, *cpu);
  for (const TcpReceiver::Ready& ready : a.ready) {
    TcpHeader& in_order = pool_->tcp(ready.id);
    in_order.seq += in_order.len - ready.bytes;  // tcp_data_queue trims what overlapped
    in_order.len = ready.bytes;
    owner.enqueue(ready.id, owner.vcpu_ == cpu ? nullptr : cpu, nullptr);
  }
  // The ACK goes from the softirq that took the segment; a delayed one
  // from the owner's timer.
  GuestOs& acking = guest_of(*cpu);
  // With data to send, the ACK rides on it (tcp_data_snd_check before
  // __tcp_ack_snd_check): the push sends a pure one only if none went.
  const bool data_carries = ack_taken && f.tcp_tx[conn].sender.can_send();
  if (r.ack_due() && !data_carries) {
    acking.send_ack(f, conn);
  } else if (!r.ack_due() && r.delack_at() != core::Time::max()) {
    owner.arm_timer();
  }
}

void GuestOs::send_ack(AppFlow& f, uint32_t conn) {
  TcpReceiver& r = f.tcp.at(conn);
  Packet& p = pool_->alloc();
  p.flow = f.index;
  p.kind = PacketKind::kAck;
  p.to_guest = false;
  p.conn = conn;
  p.client_ack = f.source;  // a request/response client's goes the request's way
  p.seq = r.acks_sent();
  const TcpHeader& ack = pool_->tcp(p.id) = r.make_ack();
  p.bytes = tcp_frame_bytes(0, ack.sacks);
  p.born = now();
  p.origin = p.born;
  f.stats->control_sent();
  softirq_xmit(p.id);
}

bool GuestOs::delacks_due() const {
  for (const AppFlow& f : flows_) {
    for (const TcpReceiver& r : f.tcp) {
      if (r.delack_at() <= now()) return true;
    }
  }
  return false;
}

void GuestOs::send_due_delacks() {
  for (AppFlow& f : flows_) {
    for (uint32_t c = 0; c < f.tcp.size(); ++c) {
      if (f.tcp[c].delack_at() > now()) continue;
      f.tcp[c].timers_fired(now());
      send_ack(f, c);
    }
  }
}

GuestOs* GuestOs::connection_owner(uint32_t flow, uint32_t conn) {
  for (GuestOs* g : apps_.empty() ? siblings_ : apps_) {
    const AppFlow* f = g->find_flow(flow);
    if (f != nullptr && f->source && owns_connection(f->config, conn)) return g;
  }
  return nullptr;
}

GuestOs& GuestOs::socket_owner(uint32_t packet) {
  const Packet& p = (*pool_)[packet];
  if (apps_.empty()) {
    // Each vCPU's application reads what its queue receives, but a TCP
    // client's connection is its share's, wherever RSS sends its data.
    if (!p.tcp_data) return *this;
    const AppFlow* f = find_flow(p.flow);
    if (f != nullptr && f->source && !f->rr.empty()) {
      if (GuestOs* client = connection_owner(p.flow, p.conn)) return *client;
    }
    return *this;
  }
  const AppFlow* f = apps_.front()->find_flow(p.flow);
  if (f == nullptr) return *apps_.front();  // no application: dropped there
  if (f->source) {
    GuestOs* owner = connection_owner(p.flow, p.conn);
    return owner != nullptr ? *owner : *apps_.front();
  }
  // A server or sink: the connection's reuseport socket. Connections of
  // copy j of this VM are j, j + copies, ...: they spread over its threads.
  const FlowConfig& fc = f->config;
  const uint32_t copies = std::max<uint32_t>(1, fc.vm_to_vm() ? fc.dst_copies : fc.copies);
  return *apps_[(p.conn / copies) % apps_.size()];
}

void GuestOs::enqueue(uint32_t packet, VCpu* waker_cpu, const HostThread* waker) {
  const uint32_t flow = (*pool_)[packet].flow;
  if (flow >= rmem_alloc_.size()) rmem_alloc_.resize(flow + 1, 0);
  // A TCP segment was let in by its window (its receiver accounts the
  // buffer): only a datagram meets the buffer's limit here.
  if (!(*pool_)[packet].tcp_data) {
    if (rmem_alloc_[flow] > socket_config_.rcvbuf_bytes) {
      ++socket_drops_;
      pool_->drop(packet, DropPlace::kSocket);
      return;
    }
    rmem_alloc_[flow] += socket_config_.truesize;
  }
  socket_.push_back(packet);
  if (app_scheduled_) {
    if (busy_polling_) vcpu_->poke_guest();  // its busy loop sees the socket's queue
    return;
  }
  app_scheduled_ = true;
  auto task = [this](Continuation done) { app_task(std::move(done)); };
  if (waker_cpu != nullptr) {
    vcpu_->post_from(*waker_cpu, app_thread_, std::move(task));
  } else {
    vcpu_->post(app_thread_, std::move(task), waker);
  }
}

// ip_forward: the route lookup sends it back out (its cost, up to the
// device, is in receive_cost); dev_queue_xmit finds the qdisc empty and
// hands it straight to the driver (no xmit_more), in the NET_RX softirq
// that received it, after the poll.
void GuestOs::forward(uint32_t packet) {
  if (device_ == nullptr) throw std::logic_error("guest " + name() + " forwards without a network device");
  softirq_xmit(packet);
}

void GuestOs::softirq_xmit(uint32_t packet) {
  softirq_tx_.push_back(packet);
  if (softirq_tx_scheduled_) return;
  softirq_tx_scheduled_ = true;
  vcpu_->post_softirq([this](Continuation done) {
    softirq_tx_done_.hold(std::move(done), name(), "its softirq's transmits");
    softirq_xmit_next();
  });
}

void GuestOs::softirq_xmit_next() {
  if (softirq_tx_.empty()) {
    softirq_tx_scheduled_ = false;
    softirq_tx_done_.release()();
    return;
  }
  const uint32_t packet = softirq_tx_.front();
  softirq_tx_.pop_front();
  if ((*pool_)[packet].kind == PacketKind::kAck) {
    // tcp_send_ack builds the segment and sends it through IP to the
    // driver.
    vcpu_->guest(costs_.tcp_ack, CpuCategory::kGuestKernel,
                 [this, packet] { tx_device(packet).xmit(*vcpu_, packet, false, [this] { softirq_xmit_next(); }); });
    return;
  }
  // Its receive and forward path are paid (the NAPI poll before): the
  // transit ends, and the packet leaves towards the route's next VM.
  if (const auto transit = forward_out((*pool_)[packet], now())) transit_.record(*transit);
  ++forwarded_;
  ++forwarded_in_run_;
  if (core::TraceWriter* tw = sim().tracer()) {
    trace_hop(*tw, vcpu_->thread().trace_track(), (*pool_)[packet], now(), place::kIpForward,
              "the guest's IP forwarding routed it back out (ip_forward)");
  }
  tx_device(packet).xmit(*vcpu_, packet, false, [this] { softirq_xmit_next(); });
}

void GuestOs::app_task(Continuation done) {
  app_done_.hold(std::move(done), name(), "its application task");
  // The scheduler switches to the task blocked in recvfrom.
  vcpu_->guest(costs_.app_wakeup, CpuCategory::kGuestKernel, [this] { app_next(); });
}

void GuestOs::app_next() {
  if (socket_.empty()) {
    if (socket_config_.busy_poll > core::Duration::zero() && napi_id_ != nullptr) {
      busy_until_ = now() + socket_config_.busy_poll;
      busy_loop();
      return;
    }
    app_block();
    return;
  }
  if ((*pool_)[socket_.front()].tcp_data) {
    tcp_read();
    return;
  }
  const uint32_t packet = socket_.front();
  socket_.pop_front();
  rmem_alloc_[(*pool_)[packet].flow] -= socket_config_.truesize;  // skb_consume_udp
  AppFlow* flow = find_flow((*pool_)[packet].flow);
  // sock_rps_record_flow, in recvmsg: a UDP socket has an rxhash to record
  // only when connected (__udp_queue_rcv_skb saves it then), which a
  // flow's client's is and a server's or sink's (unconnected, reuseport)
  // is not.
  if (rps_ != nullptr && flow != nullptr && flow->source) rps_->record((*pool_)[packet], rps_cpu_);
  vcpu_->guest(costs_.socket_syscall + costs_.app_receive, CpuCategory::kGuestUser, [this, packet] {
    AppFlow* f = find_flow((*pool_)[packet].flow);
    if (f == nullptr) {
      ++no_app_;
      pool_->drop(packet, DropPlace::kSocket);  // no socket bound for it
      app_next();
      return;
    }
    handle(*f, packet, [this] { app_next(); });
  });
}

void GuestOs::tcp_read() {
  const Packet& head = (*pool_)[socket_.front()];
  const uint32_t flow = head.flow, conn = head.conn;
  std::vector<uint32_t> read;
  uint64_t bytes = 0;
  while (!socket_.empty() && bytes < kTcpRecvBytes) {
    const Packet& p = (*pool_)[socket_.front()];
    if (p.flow != flow || p.conn != conn || !p.tcp_data) break;
    bytes += pool_->tcp(p.id).len;
    read.push_back(p.id);
    socket_.pop_front();
  }
  const core::Cycles cost =
      costs_.socket_syscall + costs_.app_receive + costs_.copy(bytes, vcpu_->thread().core().clock());
  vcpu_->guest(cost, CpuCategory::kGuestUser, [this, read = std::move(read), flow, conn, bytes] {
    AppFlow* f = find_flow(flow);
    if (f == nullptr || f->tcp.empty()) {
      // No TCP socket of this flow here: dropped there, as a datagram is.
      for (const uint32_t id : read) {
        ++no_app_;
        pool_->drop(id, DropPlace::kSocket);
      }
      app_next();
      return;
    }
    for (const uint32_t id : read) {
      const Packet p = (*pool_)[id];
      pool_->deliver(id);
      if (core::TraceWriter* tw = sim().tracer()) {
        trace_hop(*tw, vcpu_->thread().trace_track(), p, now(), place::kApplication,
                  "the application copied it out of its socket (recvmsg)", core::TraceWriter::FlowPhase::kEnd);
      }
      if (f->rr.empty()) {
        f->stats->received(p);
      } else {
        f->stats->request_arrived(p, now());  // a message's latency is its transaction's
      }
    }
    f->stats->payload_received(bytes);
    // tcp_cleanup_rbuf: a window update when the read opened the window enough.
    if (f->tcp.at(conn).on_read(bytes, now())) send_ack(*f, conn);
    if (!f->rr.empty()) rr_read(*f, conn, bytes);
    app_next();
  });
}

void GuestOs::app_block() {
  app_scheduled_ = false;
  app_done_.release()();
}

void GuestOs::busy_loop() {
  busy_polling_ = true;
  if (busy_over()) {
    busy_polling_ = false;
    auto after = [this] { socket_.empty() ? app_block() : app_next(); };
    if (busy_napi_ == nullptr) {
      after();
      return;
    }
    GuestNetDevice* napi = busy_napi_;
    busy_napi_ = nullptr;
    napi->busy_poll_stop(*vcpu_, std::move(after));
    return;
  }
  // The NAPI the socket names when the loop starts is the one it holds to
  // its end, whatever brings the socket packets meanwhile.
  if (busy_napi_ == nullptr && napi_id_->busy_poll_own(*vcpu_)) busy_napi_ = napi_id_;
  if (busy_napi_ != nullptr) {
    busy_napi_->busy_poll(*vcpu_, [this] { busy_wait(); });
  } else {
    busy_wait();  // its softirq has the NAPI: spin until it brings something
  }
}

// Between polls: nothing came, so the loop spins over an unchanged ring
// (cpu_relax) until the device publishes a packet, one reaches the socket,
// an interrupt comes or the time is up.
void GuestOs::busy_wait() {
  if (busy_over() || (busy_napi_ != nullptr && busy_napi_->busy_poll_ready())) {
    busy_loop();
    return;
  }
  vcpu_->guest_spin(
      CpuCategory::kGuestKernel, [this] { busy_loop(); }, busy_until_ - now());
}

void GuestOs::handle(AppFlow& f, uint32_t packet, Continuation k) {
  const Packet p = (*pool_)[packet];
  pool_->deliver(packet);
  if (core::TraceWriter* tw = sim().tracer()) {
    trace_hop(*tw, vcpu_->thread().trace_track(), p, now(), place::kApplication,
              "the application got it from its socket (recvfrom)", core::TraceWriter::FlowPhase::kEnd);
  }
  if (p.kind == PacketKind::kRequest && !f.source) {
    f.stats->request_arrived(p, now());
    // Server: answer with a response that remembers its request's birth.
    const uint32_t id = make_packet(f, PacketKind::kResponse, f.config.response_bytes);
    (*pool_)[id].origin = p.born;
    (*pool_)[id].conn = p.conn;
    f.stats->sent((*pool_)[id]);
    send(id, false, std::move(k));
    return;
  }
  f.stats->received(p);
  if (p.kind == PacketKind::kResponse && f.source) {
    GuestOs* owner = owns_connection(f.config, p.conn) ? this : connection_owner(f.index, p.conn);
    if (owner == this || owner == nullptr) {
      client_reply(f, p.conn, std::move(k));
      return;
    }
    // The connection's client thread lives on another vCPU: wake it there
    // (a busy-polling one sees the work waiting at once).
    owner->vcpu_->post_from(*vcpu_, owner->app_thread_, [owner, flow = f.index, conn = p.conn](Continuation done) {
      owner->vcpu_->guest(owner->costs_.app_wakeup, CpuCategory::kGuestKernel,
                          [owner, flow, conn, done = std::move(done)]() mutable {
                            owner->client_reply(*owner->find_flow(flow), conn, std::move(done));
                          });
    });
    if (owner->busy_polling_) owner->vcpu_->poke_guest();
  }
  k();
}

// A response for `conn` reached its client: the connection's next request,
// at once or after the think time.
void GuestOs::client_reply(AppFlow& f, uint32_t conn, Continuation k) {
  if (f.config.think_time == core::Duration::zero()) {
    send_request(f, conn, std::move(k));
    return;
  }
  f.thinking.emplace_back(now() + f.config.think_time, conn);
  rr_timer(f);
  arm_timer();
  k();
}

// A client's timer: the first requests, or the earliest end of thinking.
void GuestOs::rr_timer(AppFlow& f) {
  f.timer_active = !f.started || !f.thinking.empty();
  if (f.started && !f.thinking.empty()) f.next_due = f.thinking.front().first;
}

// ---- RPS / RFS ----

void GuestOs::set_rps(std::shared_ptr<RpsSteering> rps, uint32_t cpu) {
  rps_ = std::move(rps);
  rps_cpu_ = cpu;
  const std::vector<uint32_t>& limited = rps_->config().flow_limit_cpus;
  if (std::find(limited.begin(), limited.end(), cpu) != limited.end()) {
    flow_limit_ = std::make_unique<FlowLimit>(rps_->config().flow_limit_table_len);
  }
  backlog_lines_ = SharedLines(1 + 4 * backlog_slots());
  // generic_smp_call_function_single_interrupt -> rps_trigger_softirq:
  // the backlog's NAPI joins this CPU's poll list, NET_RX runs at the exit.
  register_vector(kCallFunctionSingleVector, [this](Continuation done) {
    vcpu_->post_softirq([this](Continuation d) { process_backlog(std::move(d)); });
    vcpu_->guest(costs_.irq_entry, CpuCategory::kGuestKernel, std::move(done));
  });
}

core::Cycles GuestOs::receive(uint32_t packet, GuestNetDevice* napi, VCpu& cpu) {
  const Packet& p = (*pool_)[packet];
  if (gro_on_ && napi != nullptr && p.tcp_data && !(p.flow < forwards_.size() && forwards_[p.flow])) {
    return costs_.gro + gro_receive(packet, napi, cpu);
  }
  return stack_receive(packet, napi, cpu);
}

core::Cycles GuestOs::gro_receive(uint32_t packet, GuestNetDevice* napi, VCpu& cpu) {
  std::optional<Packet> before;
  if (sim().tracer()) before = (*pool_)[packet];
  gro_up_.clear();
  if (gro_.receive(napi, packet, gro_up_, cpu.jiffies()) && before) {
    trace_hop(*sim().tracer(), cpu.thread().trace_track(), *before, now(), place::kGuestStack,
              "GRO merged it into the segment before it (napi_gro_receive)", core::TraceWriter::FlowPhase::kEnd);
  }
  return up_the_stack(napi, cpu);
}

core::Cycles GuestOs::gro_flush(GuestNetDevice* napi, VCpu& cpu, bool on_weight) {
  gro_up_.clear();
  gro_.end_poll(napi, on_weight, cpu.tick_period(), cpu.jiffies(), gro_up_);
  return up_the_stack(napi, cpu);
}

core::Cycles GuestOs::up_the_stack(GuestNetDevice* napi, VCpu& cpu) {
  core::Cycles cost{0};
  std::vector<uint32_t> up;
  up.swap(gro_up_);  // kept apart while the stack runs, its capacity reused
  for (uint32_t p : up) cost = cost + stack_receive(p, napi, cpu);
  up.clear();
  gro_up_.swap(up);
  return cost;
}

core::Cycles GuestOs::stack_receive(uint32_t packet, GuestNetDevice* napi, VCpu& cpu) {
  if (rps_ != nullptr) {
    const RpsSteering::Choice to = rps_->choose(napi, (*pool_)[packet]);
    if (to.cpu != RpsSteering::kNoCpu) {
      // skb_flow_limit uses the enqueuing CPU's table: the one polling.
      GuestOs& here = &cpu == vcpu_ ? *this : guest_of(cpu);
      guest_of_cpu(to.cpu).backlog_enqueue(packet, napi, cpu, to.flow, here);
      return costs_.rps_enqueue;
    }
  }
  const core::Cycles cost = receive_cost(packet);
  deliver(packet, nullptr, napi, &cpu);
  return cost;
}

void GuestOs::backlog_enqueue(uint32_t packet, GuestNetDevice* napi, VCpu& from, RpsSteering::DevFlow* flow,
                              GuestOs& queuing) {
  // The limit is on the input queue alone (qlen <= netdev_max_backlog):
  // what process_backlog has spliced off no longer counts. Flow limit is
  // checked only under it, in the queuing CPU's table and count.
  const uint32_t max = rps_->config().max_backlog;
  const bool over = input_len_ > max;
  FlowLimit* limit = queuing.flow_limit_.get();
  if (over || (limit != nullptr && limit->drops(rps_->hash((*pool_)[packet]), input_len_, max))) {
    ++backlog_drops_;                        // softnet_stat's dropped, on this (the target) CPU
    if (!over) ++queuing.flow_limit_drops_;  // its flow_limit_count
    pool_->drop(packet, DropPlace::kBacklog);
    return;
  }
  const size_t slot = 1 + 4 * (input_queue_tail_ % backlog_slots());
  backlog_lines_.write(0, CpuCategory::kGuestKernel);  // the queue's lock and tail
  for (size_t l = 0; l < 4; ++l) backlog_lines_.write(slot + l, CpuCategory::kGuestKernel);  // the skb
  backlog_.push_back({packet, napi});
  ++input_len_;
  ++input_queue_tail_;
  if (flow != nullptr) flow->last_qtail = input_queue_tail_;
  if (backlog_scheduled_) return;
  backlog_scheduled_ = true;
  if (&from == vcpu_) {
    vcpu_->post_softirq([this](Continuation d) { process_backlog(std::move(d)); });
  } else {
    from.owe_ipi(*vcpu_, kCallFunctionSingleVector);
  }
}

void GuestOs::process_backlog(Continuation done) {
  backlog_done_.hold(std::move(done), name(), "its backlog (process_backlog)");
  core::Cycles cost = costs_.napi_poll;
  backlog_lines_.read(0, CpuCategory::kGuestKernel, true);
  for (uint32_t n = 0; n < kBacklogWeight && !backlog_.empty(); ++n) {
    if (process_len_ == 0) {
      // The process queue is done: the input queue is spliced onto it
      // whole, under the queue's lock.
      process_len_ = input_len_;
      input_len_ = 0;
    }
    --process_len_;
    const auto [packet, napi] = backlog_[0];
    const size_t slot = 1 + 4 * (input_queue_head_ % backlog_slots());
    for (size_t l = 0; l < 4; ++l) backlog_lines_.read(slot + l, CpuCategory::kGuestKernel);
    buffer_taken();
    backlog_.pop_front();
    ++input_queue_head_;
    trace_hop(vcpu_->thread(), (*pool_)[packet], place::kGuestStack,
              "RPS: its CPU's backlog took it (process_backlog)");
    cost = cost + receive_cost(packet);
    deliver(packet, nullptr, napi, vcpu_);
  }
  vcpu_->guest(cost, CpuCategory::kGuestKernel, [this] {
    if (backlog_.empty()) {
      backlog_scheduled_ = false;  // napi_complete of the backlog
    } else {
      vcpu_->post_softirq([this](Continuation d) { process_backlog(std::move(d)); });  // its weight used
    }
    backlog_done_.release()();
  });
}

void GuestOs::set_siblings(std::vector<GuestOs*> siblings) {
  siblings_ = std::move(siblings);
  for (size_t i = 0; i < siblings_.size(); ++i) {
    if (siblings_[i] == this) seq_offset_ = static_cast<uint32_t>(i);
  }
}

// ---- timers ----

void GuestOs::arm_timer() {
  core::Time earliest = core::Time::max();
  for (const AppFlow& f : flows_) {
    if (f.timer_active) earliest = std::min(earliest, f.next_due);
    for (const TcpReceiver& r : f.tcp) earliest = std::min(earliest, r.delack_at());
  }
  for (const auto& [fi, c] : tcp_conns_) earliest = std::min(earliest, flows_[fi].tcp_tx[c].sender.timer());
  if (earliest == core::Time::max()) return;
  vcpu_->arm_timer(std::max(earliest, now()), [this](Continuation done) { timer_task(std::move(done)); });
}

void GuestOs::timer_task(Continuation done) {
  // Expired delayed ACKs go from the timer softirq (tcp_delack_timer).
  // An expiry that finds nothing of the application's due (its delayed
  // ACK went earlier: Linux leaves the timer armed, and its handler finds
  // nothing pending) wakes no one.
  if (delacks_due()) send_due_delacks();
  tcp_timers_due();
  bool app_due = false;
  for (const AppFlow& f : flows_) app_due = app_due || (f.timer_active && f.next_due <= now());
  if (!app_due) {
    arm_timer();
    done();
    return;
  }
  // The timer's expiry (its interrupt is the vCPU's) only wakes the sending
  // task; it sends in process context, where interrupts and their softirqs
  // preempt it.
  if (!sender_scheduled_) {
    sender_scheduled_ = true;
    vcpu_->post(app_thread_, [this](Continuation d) {
      vcpu_->guest(costs_.app_wakeup, CpuCategory::kGuestKernel,
                   [this, d = std::move(d)]() mutable { run_due(std::move(d)); });
    });
  }
  done();
}

void GuestOs::run_due(Continuation done) {
  timer_done_.hold(std::move(done), name(), "its timer task");
  run_due_next();
}

// Sends what is due one packet at a time (each send is a chain of guest
// steps), then re-arms the timer for the earliest next due and returns.
void GuestOs::run_due_next() {
  for (AppFlow& f : flows_) {
    if (f.config.pattern == FlowConfig::Pattern::kRequestResponse) {
      if (f.config.is_tcp) {
        for (; !f.ready.empty(); f.ready.pop_front()) rr_write(f, f.ready.front(), f.config.request_bytes);
        continue;  // its writer sends them
      }
      if (f.ready.empty()) continue;
      const uint32_t conn = f.ready.front();
      f.ready.pop_front();
      send_request(f, conn, [this] { run_due_next(); });
      return;
    }
    if (f.sends_left == 0) continue;
    --f.sends_left;
    {
      const uint32_t id = make_packet(f, PacketKind::kData, f.config.frame_bytes);
      f.stats->sent((*pool_)[id]);
      send(id, f.sends_left > 0, [this] { run_due_next(); });  // a burst goes out with xmit_more
    }
    return;
  }
  // The flow whose due time is earliest goes first: a thread behind on
  // several flows sends in the order their packets fell due, as its
  // sockets' queues would fill, rather than always serving the first.
  AppFlow* due = nullptr;
  for (AppFlow& f : flows_) {
    if (f.timer_active && f.next_due <= now() && (due == nullptr || f.next_due < due->next_due)) due = &f;
  }
  if (due != nullptr) {
    AppFlow& f = *due;
    if (f.config.pattern == FlowConfig::Pattern::kRequestResponse) {
      if (!f.started) {
        // The first requests, over the connections this client owns in turn.
        f.started = true;
        const uint32_t owned = std::max<uint32_t>(1, owned_connections(f.config));
        for (uint32_t k = 0; k < f.config.outstanding; ++k) {
          f.ready.push_back(f.config.first_conn + (k % owned) * f.config.conn_step);
        }
      }
      while (!f.thinking.empty() && f.thinking.front().first <= now()) {
        f.ready.push_back(f.thinking.front().second);
        f.thinking.pop_front();
      }
      rr_timer(f);
    } else {
      f.sends_left = f.config.arrival == FlowConfig::Arrival::kBursts ? f.config.burst_packets : 1;
      f.next_due = f.next_due + next_gap(f.config, rng());
      if (f.config.max_packets != 0) {
        if (f.seq >= f.config.max_packets) {
          f.timer_active = false;  // the transfer is complete
          f.sends_left = 0;
        } else {
          f.sends_left = static_cast<uint32_t>(std::min<uint64_t>(f.sends_left, f.config.max_packets - f.seq));
        }
      }
    }
    run_due_next();
    return;
  }
  sender_scheduled_ = false;
  arm_timer();
  timer_done_.release()();
}

}  // namespace viosim::models
