// The guest operating system on one vCPU: interrupt dispatch by vector, the
// UDP socket layer and the applications of the flows that start or end in
// this VM (open-loop sources and sinks, request/response clients and
// servers). Applications run as one guest thread on the vCPU, woken by the
// softirq that queued their packets (from another vCPU: through that
// vCPU's scheduler, with a reschedule IPI when it must be told); sources
// are driven by the vCPU's LAPIC timer.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "models/guest/guest_costs.h"
#include "models/guest/guest_net_device.h"
#include "models/guest/rps.h"
#include "models/host/held_continuation.h"
#include "models/host/shared_lines.h"
#include "models/net/gro_list.h"
#include "models/packet/packet.h"
#include "models/tcp/tcp_receiver.h"
#include "models/tcp/tcp_sender.h"
#include "models/tcp/tcp_transactions.h"
#include "models/traffic/flow.h"
#include "models/traffic/flow_stats.h"
#include "models/vcpu/vcpu.h"
#include "sim-core/ring_buffer.h"

namespace viosim::models {

class GuestOs final : public core::Component, public SkbOwner {
 public:
  using Isr = std::function<void(Continuation done)>;

  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  GuestOs(core::Simulator& sim, std::string_view name, core::Component* parent, VCpu& vcpu, PacketPool& pool,
          const GuestCosts& costs);

  void set_device(GuestNetDevice* device) { device_ = device; }
  // XPS (get_xps_queue): the devices (transmit queues) whose xps_cpus name
  // this vCPU, and every queue for when none does (skb_tx_hash); a packet
  // takes one of them by its flow hash (`hashes`: each connection's, each
  // way). Unset: device() takes everything.
  void set_xps(std::vector<GuestNetDevice*> mine, std::vector<GuestNetDevice*> all,
               std::shared_ptr<const ConnectionQueues> hashes);
  GuestNetDevice* device() const { return device_; }
  // The receive buffer of each flow's socket here (one socket per flow).
  void set_socket(const SocketConfig& socket) { socket_config_ = socket; }
  // Whether its sockets busy-poll (a loop that watches the device's ring).
  bool busy_polls() const { return socket_config_.busy_poll > core::Duration::zero(); }
  // GRO on the devices whose NAPI polls hand it packets (napi_gro_receive).
  void set_gro(bool on) { gro_on_ = on; }
  // Several handlers may share a vector; they run in registration order.
  void register_vector(uint32_t vector, Isr isr);
  // Said by a handler that found nothing to do (IRQ_NONE). An interrupt no
  // handler claimed still pays the entry and exit.
  void unclaimed() { ++unclaimed_; }
  // The guests of the VM's other vCPUs, vCPU i's at i (this one included):
  // a response for a connection another vCPU's client owns wakes that
  // client there, as the woken socket's task runs where it lives.
  void set_siblings(std::vector<GuestOs*> siblings);
  // The guests whose vCPUs run the flows' applications, when they are not
  // each vCPU that takes a queue's interrupts: a packet received here goes
  // to the socket of the application thread its connection belongs to (a
  // client's own connections; for a server or sink, SO_REUSEPORT's one
  // socket per thread, by connection) and wakes that thread on its vCPU.
  void set_app_guests(std::vector<GuestOs*> apps) { apps_ = std::move(apps); }
  // A flow whose source/client (`guest_is_source`) or sink/server is here.
  void add_flow(uint32_t flow_index, const FlowConfig& config, FlowStats& stats, bool guest_is_source);
  // Packets of flow `flow_index` reaching this guest are forwarded, not
  // delivered (the kernel's IP forwarding): routed back out of its device
  // in the softirq that received them.
  void forward_flow(uint32_t flow_index);
  void init() override;

  // The guest stack's work on a received packet, which the driver's NAPI
  // poll charges before deliver(): up to its socket, or the forward path
  // up to the device's transmit.
  core::Cycles receive_cost(uint32_t packet) const {
    const Packet& p = (*pool_)[packet];
    if (p.flow < forwards_.size() && forwards_[p.flow]) return costs_.ip_forward;
    return p.kind == PacketKind::kAck || p.tcp_data ? costs_.tcp_rx : costs_.udp_rx;
  }
  // RPS / RFS (rps.h), shared by the VM's guests; this guest is vCPU
  // `cpu` of them. Registers the IPI that tells it its backlog has work.
  void set_rps(std::shared_ptr<RpsSteering> rps, uint32_t cpu);
  // A driver's NAPI poll on `cpu` (queue `napi`) received `packet`: the
  // stack takes it here (delivered or forwarded), or, steered by RPS/RFS,
  // it joins a CPU's backlog. Returns what this CPU spends on it now.
  // With GRO, a TCP segment may wait in the poll's GRO list (merged with
  // the ones before it) until gro_flush.
  core::Cycles receive(uint32_t packet, GuestNetDevice* napi, VCpu& cpu);
  // The end of `napi`'s poll on `cpu` (napi_complete_done's GRO flush):
  // what GRO holds goes up the stack; returns what that costs. A softirq
  // poll that used its whole budget (`on_weight`) stays scheduled, and
  // __napi_poll's napi_gro_flush(n, HZ >= 1000) keeps, at HZ 1000, the
  // skbs held since this jiffy for the next poll.
  core::Cycles gro_flush(GuestNetDevice* napi, VCpu& cpu, bool on_weight = false);
  static constexpr uint32_t kCallFunctionSingleVector = 0xfb;  // CALL_FUNCTION_SINGLE_VECTOR
  static constexpr uint32_t kBacklogWeight = 64;               // dev_weight: process_backlog's quota
  uint64_t backlog_drops() const { return backlog_drops_.value(); }
  uint64_t flow_limit_drops() const { return flow_limit_drops_.value(); }
  uint64_t backlog_packets() const { return input_queue_head_; }
  // From a driver's NAPI poll (guest kernel context, stack cost already
  // paid): queue the packet on its socket and wake the application; from
  // another thread (`waker`, on the host) when that thread ran the stack.
  // `napi`: the device whose NAPI poll brought it (skb_mark_napi_id), the
  // one a busy-polling receive of its socket polls; `by`: the vCPU that
  // ran that poll when it is not this guest's (a busy poll from another
  // vCPU, or the softirq it handed the NAPI to).
  void deliver(uint32_t packet, const HostThread* waker = nullptr, GuestNetDevice* napi = nullptr, VCpu* by = nullptr);
  // Application send path (user and kernel), then the device's xmit.
  void send(uint32_t packet, bool more, Continuation k);

  // A TCP data skb this guest's sockets sent was freed (tcp_wfree): its
  // bytes leave the socket's count, and TSQ's throttled connection sends
  // on, from `cpu` (the tasklet runs where the completion ran).
  void skb_freed(const FreedSkb& skb, VCpu& cpu) override;
  void on_reset_stats() override;

  VCpu& vcpu() const { return *vcpu_; }
  const GuestCosts& costs() const { return costs_; }
  PacketPool& pool() const { return *pool_; }
  uint64_t dropped_no_app() const { return no_app_.value(); }
  uint64_t forwarded_in_run() const { return forwarded_in_run_; }  // since the start, warm-up included
  // Of the packets it forwarded: from the host's hand-over into this VM
  // (the wire's arrival, or the switch's crossing from the route's
  // previous VM) to the forward.
  const core::Histogram& transit() const { return transit_.histogram(); }

 private:
  // A TCP source's connection (the sending tcp_sock).
  struct TcpTx {
    TcpSender sender;
    uint64_t wmem_alloc = 0;   // bytes of its skbs in the qdisc and the driver (sk_wmem_alloc)
    bool throttled = false;    // TSQ_THROTTLED: waits for one of them to be freed
    bool sending = false;      // a tcp_write_xmit runs (the socket's lock)
    bool again = false;        // and another context asked for one meanwhile
    bool push_posted = false;  // a softirq's tcp_write_xmit is queued
    // What its application still has to write: a bulk stream's unwritten
    // bytes, a request/response end's messages not yet copied in.
    uint64_t to_write() const { return rr ? messages : sender.unwritten(); }
    bool rr = false;
    uint64_t messages = 0;
  };
  struct AppFlow {
    uint32_t index = 0;
    FlowConfig config;
    FlowStats* stats = nullptr;
    bool source = false;
    uint64_t seq = 0;
    core::Time next_due;  // next open-loop send or client request (think time)
    bool timer_active = false;
    uint32_t sends_left = 0;  // packets still to send in the current timer run
    // Request/response clients: each connection is a closed loop. The
    // connections whose next request is due now, and those thinking (when
    // the think time ends, with its connection), earliest first.
    bool started = false;
    std::deque<uint32_t> ready;
    std::deque<std::pair<core::Time, uint32_t>> thinking;
    // A TCP sink: each connection's receiver (by connection).
    std::vector<TcpReceiver> tcp;
    // A TCP source: each connection's sender (by connection; the owned
    // ones send). A TCP request/response end has both, and each
    // connection's messages.
    std::vector<TcpTx> tcp_tx;
    std::vector<TcpTransactions> rr;
  };
  AppFlow* find_flow(uint32_t index);
  void on_interrupt(uint32_t vector, Continuation done);
  void run_isrs(uint32_t vector, size_t from);
  void app_task(Continuation done);
  void app_next();
  // The application thread finds its socket empty and sleeps.
  void app_block();
  // sk_busy_loop: the receive polls the socket's NAPI until a packet is
  // here, the time is up or other work waits for the thread; then
  // busy_poll_stop.
  void busy_loop();
  void busy_wait();
  // sk_busy_loop_end: a packet is in the socket or the time is up (or
  // other work waits for the thread).
  bool busy_over() const { return !socket_.empty() || now() >= busy_until_ || vcpu_->has_queued(app_thread_); }
  void handle(AppFlow& f, uint32_t packet, Continuation k);
  // `conn` < 0: the sender's next connection in turn.
  uint32_t make_packet(AppFlow& f, PacketKind kind, uint32_t bytes, int64_t conn = -1);
  void send_request(AppFlow& f, uint32_t conn, Continuation k);
  void client_reply(AppFlow& f, uint32_t conn, Continuation k);
  void rr_timer(AppFlow& f);
  // Where a received packet's application reads it, and the client whose
  // share owns connection `conn` of `flow` (null: none here).
  GuestOs& socket_owner(uint32_t packet);
  GuestOs* connection_owner(uint32_t flow, uint32_t conn);
  // The packet joins this guest's socket; its application thread is woken
  // by `waker_cpu` (guest code on another vCPU) or `waker` (a host thread).
  void enqueue(uint32_t packet, VCpu* waker_cpu, const HostThread* waker);
  void forward(uint32_t packet);
  // What a softirq sends after its poll, in order: forwarded packets and
  // TCP ACKs, each through its device's transmit.
  void softirq_xmit(uint32_t packet);
  void softirq_xmit_next();
  // TCP: a data segment of a sink here, in the softirq of `cpu` (its
  // stack paid): in order to the socket, or held; the ACK it calls for.
  void tcp_receive(AppFlow& f, uint32_t packet, VCpu* cpu);
  // An ACK for connection `conn` of `f` goes out from this vCPU
  // (tcp_send_ack: its own IP output down to the driver).
  void send_ack(AppFlow& f, uint32_t conn);
  // After GRO (or without it): RPS's steering, or the stack here.
  core::Cycles stack_receive(uint32_t packet, GuestNetDevice* napi, VCpu& cpu);
  // napi_gro_receive: merged into the held skb of its connection when it
  // follows it, else held (what could not take it goes up first).
  core::Cycles gro_receive(uint32_t packet, GuestNetDevice* napi, VCpu& cpu);
  // What GRO sent up (gro_up_) through stack_receive; returns its cost.
  core::Cycles up_the_stack(GuestNetDevice* napi, VCpu& cpu);
  // A TCP receive (tcp_recvmsg): one call copies out what its connection
  // has queued at the socket's head, up to kTcpRecvBytes.
  void tcp_read();
  static constexpr uint64_t kTcpRecvBytes = 131'072;  // netperf's receive size: the initial SO_RCVBUF
  // ---- TCP sending (guest_tcp_send.cc) ----
  // The senders of the TCP sources here, their reports, and the devices'
  // skb tracking.
  void tcp_init();
  // The application (iperf3's one thread over its connections): a
  // blocking sendmsg of up to kTcpSendBytes to a connection whose socket
  // is writeable, copied in as the send buffer takes it, each part pushed
  // at once (tcp_push); it sleeps while no connection can take more.
  // `woken`: from sleep (it pays the wakeup), else the application's
  // thread goes on from its read to the write.
  void tcp_writer(Continuation done, bool woken);
  void tcp_write_next();
  void tcp_writer_wake(VCpu& from);
  bool tcp_writeable(const TcpTx& t) const;
  static constexpr uint64_t kTcpSendBytes = 131'072;  // iperf3's TCP write size
  // tcp_write_xmit for connection `conn` of flows_[fi] on `cpu`: skb after
  // skb while the windows and TSQ let them go, then k.
  void tcp_write_xmit(uint32_t fi, uint32_t conn, VCpu& cpu, Continuation k);
  void tcp_xmit_step(uint32_t fi, uint32_t conn, VCpu& cpu, Continuation k);
  // TSQ (tcp_small_queue_check): too many of its bytes in the qdisc and
  // the driver already.
  bool tcp_tsq_full(const TcpTx& t, uint32_t mss) const;
  // Its next skb goes through the device: software GSO's segments one by one.
  void tcp_xmit_packets(std::vector<uint32_t> pkts, size_t next, TcpTx& t, VCpu& cpu, Continuation k);
  // A softirq on `cpu` runs tcp_write_xmit for the connection (after an
  // ACK, a timer or a TSQ completion).
  void tcp_push_softirq(uint32_t fi, uint32_t conn, VCpu& cpu);
  // An ACK for a connection of a source here, in the softirq of `cpu`.
  void tcp_ack_in(AppFlow& f, uint32_t packet, VCpu& cpu);
  void tcp_timers_due();
  // The ACK a segment for connection `conn` of `f` carries, to its sender.
  void tcp_ack_header(AppFlow& f, uint32_t conn, const TcpHeader& h, VCpu& cpu);
  // A TCP request/response end here read `bytes` of connection `conn`:
  // the messages made whole, and what the application writes for them
  // (with the writer's thread running: no wakeup).
  void rr_read(AppFlow& f, uint32_t conn, uint64_t bytes);
  // The application writes a message of `bytes` on connection `conn`.
  void rr_write(AppFlow& f, uint32_t conn, uint64_t bytes);
  // The guest whose socket sends connection `conn` of flow `flow`: a
  // client's share, or the server that answered on it (null: none).
  GuestOs* tcp_sender_owner(uint32_t flow, uint32_t conn);
  bool writer_blocked_ = false;  // asleep, until an ACK makes a socket writeable
  HeldContinuation writer_done_;
  uint64_t write_left_ = 0;  // what the sendmsg under way still has to copy
  uint32_t write_fi_ = 0;    // and its connection
  uint32_t write_conn_ = 0;
  size_t write_turn_ = 0;                                 // the next connection in turn (index into tcp_conns_)
  std::vector<std::pair<uint32_t, uint32_t>> tcp_conns_;  // the senders here: (index into flows_, connection)

  // The delayed ACKs whose timers have expired.
  bool delacks_due() const;
  void send_due_delacks();
  // The device a packet leaves by: device_, or XPS's pick.
  GuestNetDevice& tx_device(uint32_t packet) const;
  // The queues XPS lets this vCPU send on: those naming it, or all.
  const std::vector<GuestNetDevice*>& xps_choices() const { return xps_mine_.empty() ? xps_all_ : xps_mine_; }
  // enqueue_to_backlog on this CPU, from a poll on `from`; the IPI (when
  // its backlog NAPI was idle) goes at `from`'s next step boundary, as
  // net_rps_send_ipi sends it at the end of net_rx_action.
  // `queuing`: the guest of the enqueuing CPU, whose flow limit (if it
  // has one) decides and counts.
  void backlog_enqueue(uint32_t packet, GuestNetDevice* napi, VCpu& from, RpsSteering::DevFlow* flow, GuestOs& queuing);
  // process_backlog: up to a NAPI weight of packets through the stack.
  void process_backlog(Continuation done);
  GuestOs& guest_of_cpu(uint32_t cpu) { return siblings_.empty() ? *this : *siblings_.at(cpu); }
  // The guest whose vCPU `cpu` is (this one when none of the siblings).
  GuestOs& guest_of(const VCpu& cpu) {
    for (GuestOs* g : siblings_) {
      if (g->vcpu_ == &cpu) return *g;
    }
    return *this;
  }
  void arm_timer();
  void timer_task(Continuation done);
  void run_due(Continuation done);
  void run_due_next();

  VCpu* vcpu_;
  VCpu::ThreadId app_thread_;  // the applications' thread: its sends, receives and timers
  PacketPool* pool_;
  GuestCosts costs_;
  GuestNetDevice* device_ = nullptr;
  std::vector<std::pair<uint32_t, Isr>> isrs_;
  std::vector<AppFlow> flows_;
  core::RingBuffer<uint32_t> socket_;
  bool gro_on_ = true;
  GroList gro_;
  std::vector<uint32_t> gro_up_;
  SocketConfig socket_config_;
  std::vector<uint64_t> rmem_alloc_;  // by flow: truesize of its queued datagrams
  bool app_scheduled_ = false;
  GuestNetDevice* napi_id_ = nullptr;  // sk_napi_id: the NAPI that last brought this socket a packet
  bool busy_polling_ = false;
  GuestNetDevice* busy_napi_ = nullptr;  // the NAPI this receive's busy loop holds, until it stops
  core::Time busy_until_;
  // What the vCPU does once the application task blocks again, once the
  // interrupt being handled returns, and once the timer task is done.
  HeldContinuation app_done_;
  HeldContinuation isr_done_;
  uint32_t isrs_run_ = 0;   // handlers run for the interrupt being handled
  uint32_t unclaimed_ = 0;  // of which found nothing
  bool sender_scheduled_ = false;
  HeldContinuation timer_done_;
  core::Counter no_app_{this, "dropped_no_application"};
  core::Counter socket_drops_{this, "socket_drops"};
  std::vector<GuestOs*> siblings_;
  std::vector<GuestOs*> apps_;
  uint32_t seq_offset_ = 0;                          // this vCPU's place among its siblings
  std::vector<bool> forwards_;                       // by flow: forwarded here
  core::RingBuffer<uint32_t> softirq_tx_;            // forwarded packets and ACKs, waiting for the device's transmit
  bool softirq_tx_scheduled_ = false;
  HeldContinuation softirq_tx_done_;
  core::Counter forwarded_{this, "forwarded"};
  uint64_t forwarded_in_run_ = 0;
  core::HistogramStat transit_{this, "transit"};
  // RPS: the steering, this CPU's index, and its backlog (softnet_data's
  // input_pkt_queue): the packets with the NAPI that brought them, the
  // queue's head and tail counters, and its lines (the queue head, then
  // an skb's four per slot) that the enqueuing CPU writes and this one reads.
  std::vector<GuestNetDevice*> xps_mine_;
  std::vector<GuestNetDevice*> xps_all_;
  std::shared_ptr<const ConnectionQueues> xps_hashes_;
  std::shared_ptr<RpsSteering> rps_;
  uint32_t rps_cpu_ = 0;
  core::RingBuffer<std::pair<uint32_t, GuestNetDevice*>> backlog_;
  uint64_t input_queue_head_ = 0;
  uint64_t input_queue_tail_ = 0;
  // Of backlog_: the input queue's packets (enqueued since the last
  // splice) and the process queue's (spliced, not yet taken).
  uint32_t input_len_ = 0;
  uint32_t process_len_ = 0;
  // Skb slots of the backlog's lines: both queues full.
  size_t backlog_slots() const { return 2 * (size_t{rps_->config().max_backlog} + 1); }
  bool backlog_scheduled_ = false;
  SharedLines backlog_lines_;
  HeldContinuation backlog_done_;
  core::Counter backlog_drops_{this, "backlog_drops"};
  // Flow limit on this CPU's enqueues (net.core.flow_limit_cpu_bitmap).
  std::unique_ptr<FlowLimit> flow_limit_;
  core::Counter flow_limit_drops_{this, "flow_limit_drops"};
};

}  // namespace viosim::models
