// The guest's TCP senders (tcp_sendmsg, tcp_write_xmit, TSO and GSO, TCP
// Small Queues, the ACK and timer paths that clock them).
#include <algorithm>
#include <stdexcept>

#include "models/guest/guest_os.h"

namespace viosim::models {

void GuestOs::tcp_init() {
  for (uint32_t fi = 0; fi < flows_.size(); ++fi) {
    AppFlow& f = flows_[fi];
    const bool rr = tcp_rr(f.config);
    if (!f.config.is_tcp || (!f.source && !rr)) continue;
    f.tcp_tx.reserve(f.config.connections);
    for (uint32_t c = 0; c < f.config.connections; ++c) {
      const uint64_t bytes = rr ? 0 : tcp_share(f.config, c);
      f.tcp_tx.push_back(TcpTx{TcpSender(f.config.tcp, bytes)});
      f.tcp_tx.back().sender.app_writes();
      f.tcp_tx.back().rr = rr;
      // A server may answer on any connection (the one whose requests
      // reach it); a client or source sends on its share's.
      const bool mine = rr && !f.source ? true : owns_connection(f.config, c);
      if (mine && (f.config.tcp_bytes == 0 || bytes > 0)) tcp_conns_.emplace_back(fi, c);
    }
    if (rr) {
      f.rr.assign(f.config.connections, TcpTransactions(f.source ? f.config.response_bytes : f.config.request_bytes));
      f.started = true;  // its first requests are written here, not by the timer
      if (f.source) {
        for (uint32_t c = 0; c < f.config.connections; ++c) {
          if (!owns_connection(f.config, c)) continue;
          for (uint32_t k = 0; k < f.config.conn_outstanding; ++k) rr_write(f, c, f.config.request_bytes);
        }
      }
    }
    f.stats->add_tcp_report([this, fi] {
      TcpSenderStats sum;
      for (const auto& [i, c] : tcp_conns_) {
        const TcpTx& t = flows_[i].tcp_tx[c];
        // A server's socket that never answered is another vCPU's.
        if (i == fi && (!t.rr || t.sender.written() > 0)) sum.add(flows_[i].tcp_tx[c].sender.stats(now()));
      }
      return sum;
    });
  }
  if (tcp_conns_.empty()) return;
  // Every queue this guest may send on tells it of its skbs' freeing.
  if (device_ != nullptr) device_->track_skbs(*this);
  for (GuestNetDevice* d : xps_all_) d->track_skbs(*this);
  vcpu_->post(app_thread_, [this](Continuation done) { tcp_writer(std::move(done), true); });
}

void GuestOs::on_reset_stats() {
  for (const auto& [fi, c] : tcp_conns_) flows_[fi].tcp_tx[c].sender.reset_stats(now());
}

// ---- the application ----

// sk_stream_is_writeable: the free part of the send buffer is at least
// half of what is queued (sk_stream_min_wspace).
bool GuestOs::tcp_writeable(const TcpTx& t) const {
  const TcpSender& s = t.sender;
  if (t.to_write() == 0) return false;
  const uint64_t buf = s.sndbuf(), queued = s.queued();
  return queued < buf && buf - queued >= queued / 2;
}

void GuestOs::tcp_writer(Continuation done, bool woken) {
  writer_done_.hold(std::move(done), name(), "its TCP writer");
  if (!woken) {
    tcp_write_next();  // the thread that read a request goes on to answer it
    return;
  }
  vcpu_->guest(costs_.app_wakeup, CpuCategory::kGuestKernel, [this] { tcp_write_next(); });
}

void GuestOs::tcp_write_next() {
  if (write_left_ == 0) {
    // The next sendmsg, on the next writeable connection in turn.
    const size_t n = tcp_conns_.size();
    auto writeable = [&](size_t k) {
      const auto& [fi, c] = tcp_conns_[(write_turn_ + k) % n];
      return tcp_writeable(flows_[fi].tcp_tx[c]);
    };
    size_t k = 0;
    while (k < n && !writeable(k)) ++k;
    if (k == n) {
      writer_blocked_ = true;  // select() sleeps
      writer_done_.release()();
      return;
    }
    std::tie(write_fi_, write_conn_) = tcp_conns_[(write_turn_ + k) % n];
    write_turn_ = (write_turn_ + k + 1) % n;
    // A request/response end sends a whole message in one call (netperf
    // sends each request and response whole), a stream iperf3's writes.
    const AppFlow& wf = flows_[write_fi_];
    const TcpTx& t = wf.tcp_tx[write_conn_];
    const uint64_t message = wf.source ? wf.config.request_bytes : wf.config.response_bytes;
    write_left_ = std::min(t.rr ? message : kTcpSendBytes, t.to_write());
    vcpu_->guest(costs_.app_send + costs_.socket_syscall, CpuCategory::kGuestUser, [this] { tcp_write_next(); });
    return;
  }
  TcpTx& t = flows_[write_fi_].tcp_tx[write_conn_];
  const uint64_t buf = t.sender.sndbuf(), queued = t.sender.queued();
  if (queued >= buf) {
    if (t.rr) {
      // netperf and netserver run a process per connection: this one
      // sleeps in its sendmsg (the message's rest stays to write) while
      // the others' go on.
      write_left_ = 0;
      tcp_write_next();
      return;
    }
    writer_blocked_ = true;  // sk_stream_wait_memory, inside the sendmsg
    writer_done_.release()();
    return;
  }
  const uint64_t chunk = std::min(write_left_, buf - queued);
  // tcp_sendmsg copies it into the socket's skbs, then tcp_push sends.
  vcpu_->guest(costs_.copy(chunk, vcpu_->thread().core().clock()), CpuCategory::kGuestKernel, [this, chunk] {
    TcpTx& w = flows_[write_fi_].tcp_tx[write_conn_];
    w.sender.write(chunk);
    if (w.rr) w.messages -= chunk;
    write_left_ -= chunk;
    tcp_write_xmit(write_fi_, write_conn_, *vcpu_, [this] { tcp_write_next(); });
  });
}

// sk_stream_write_space, after an ACK freed send buffer: the sleeping
// writer wakes when its connection (or, between calls, any) is writeable.
void GuestOs::tcp_writer_wake(VCpu& from) {
  if (!writer_blocked_) return;
  bool go = false;
  if (write_left_ > 0) {
    go = tcp_writeable(flows_[write_fi_].tcp_tx[write_conn_]);
  } else {
    for (const auto& [fi, c] : tcp_conns_) go = go || tcp_writeable(flows_[fi].tcp_tx[c]);
  }
  if (!go) return;
  writer_blocked_ = false;  // woken: its task is queued
  auto task = [this](Continuation done) { tcp_writer(std::move(done), true); };
  if (&from != vcpu_) {
    vcpu_->post_from(from, app_thread_, std::move(task));
  } else {
    vcpu_->post(app_thread_, std::move(task));
  }
}

// ---- tcp_write_xmit ----

void GuestOs::tcp_write_xmit(uint32_t fi, uint32_t conn, VCpu& cpu, Continuation k) {
  TcpTx& t = flows_[fi].tcp_tx[conn];
  if (t.sending) {
    t.again = true;  // the context sending now sends it too
    k();
    return;
  }
  t.sending = true;
  t.again = false;
  tcp_xmit_step(fi, conn, cpu, std::move(k));
}

bool GuestOs::tcp_tsq_full(const TcpTx& t, uint32_t mss) const {
  // tcp_small_queue_check: about 1 ms at the pacing rate, at least two
  // skbs of the size it sends, at most tcp_limit_output_bytes; a socket
  // with nothing unacknowledged always sends.
  constexpr uint64_t kLimitOutputBytes = 1'048'576;  // net.ipv4.tcp_limit_output_bytes' default, 16 x 64 KB
  if (t.sender.rtx_empty()) return false;
  const uint64_t skb = uint64_t{t.sender.tso_segs()} * tcp_frame_bytes(mss);
  const uint64_t limit =
      std::min(kLimitOutputBytes, std::max(2 * skb, static_cast<uint64_t>(t.sender.pacing_rate()) >> 10));
  return t.wmem_alloc > limit;
}

void GuestOs::tcp_xmit_step(uint32_t fi, uint32_t conn, VCpu& cpu, Continuation k) {
  TcpTx& t = flows_[fi].tcp_tx[conn];
  const bool can = t.sender.can_send();
  if (!can || tcp_tsq_full(t, flows_[fi].config.tcp.mss)) {
    if (can) t.throttled = true;  // TSQ_THROTTLED: a completion sends on
    if (t.again) {
      t.again = false;
      tcp_xmit_step(fi, conn, cpu, std::move(k));
      return;
    }
    t.sending = false;
    arm_timer();  // the RTO or loss probe the skbs sent armed
    // An ACK a request/response segment called for, which no data carried
    // (__tcp_ack_snd_check after tcp_data_snd_check).
    AppFlow& f = flows_[fi];
    if (!f.rr.empty() && f.tcp[conn].ack_due()) guest_of(cpu).send_ack(f, conn);
    k();
    return;
  }
  // tcp_transmit_skb's work for the skb, then the skb is made and handed
  // to the driver at once: skbs reach the device in sequence order.
  cpu.guest(costs_.tcp_tx, CpuCategory::kGuestKernel, [this, fi, conn, &cpu, k = std::move(k)]() mutable {
    AppFlow& f = flows_[fi];
    TcpTx& t = f.tcp_tx[conn];
    const std::optional<TcpSender::Segment> first = t.sender.next(now());
    if (!first) {
      tcp_xmit_step(fi, conn, cpu, std::move(k));
      return;
    }
    // A TSO skb: up to tso_segs() segments of new data in sequence (a
    // retransmission goes alone).
    uint32_t segs = 1, len = first->len;
    if (!first->retransmit) {
      const uint32_t want = t.sender.tso_segs();
      while (segs < want && first->len == f.config.tcp.mss && t.sender.can_send_new(first->seq + len)) {
        const std::optional<TcpSender::Segment> s = t.sender.next(now());
        if (!s) break;
        len += s->len;
        ++segs;
        if (s->len < f.config.tcp.mss) break;
      }
    }
    TcpHeader ack;
    if (!f.rr.empty()) {
      // The ACK rides on the skb (tcp_transmit_skb), and the data sent
      // tells the receiver the exchange is interactive.
      ack = f.tcp.at(conn).data_ack(now());
    }
    const uint32_t id = make_packet(
        f, tcp_data_kind(f.config, f.source),
        segs == 1 ? tcp_frame_bytes(len, ack.sacks) : len + segs * (kTcpFrameOverhead + tcp_sack_bytes(ack.sacks)),
        conn);
    Packet& p = (*pool_)[id];
    p.tcp_data = true;
    p.segs = static_cast<uint16_t>(segs);
    TcpHeader& h = pool_->tcp(id);
    h = ack;
    h.seq = first->seq;
    h.len = len;
    h.gso_size = segs > 1 ? f.config.tcp.mss : 0;
    h.retransmit = first->retransmit;
    f.stats->sent(p);
    std::vector<uint32_t> pkts;
    Continuation next = [this, fi, conn, &cpu, k = std::move(k)]() mutable {
      tcp_xmit_step(fi, conn, cpu, std::move(k));
    };
    if (segs > 1 && !tx_device(id).tso()) {
      // validate_xmit_skb: the device cannot take it whole, so GSO cuts it
      // into its segments, which go to the driver one after another.
      pool_->segment(id, kTcpFrameOverhead, pkts);
      cpu.guest(costs_.gso_segment * segs, CpuCategory::kGuestKernel,
                [this, &t, &cpu, pkts = std::move(pkts), next = std::move(next)]() mutable {
                  tcp_xmit_packets(std::move(pkts), 0, t, cpu, std::move(next));
                });
      return;
    }
    pkts.push_back(id);
    tcp_xmit_packets(std::move(pkts), 0, t, cpu, std::move(next));
  });
}

void GuestOs::tcp_xmit_packets(std::vector<uint32_t> pkts, size_t next, TcpTx& t, VCpu& cpu, Continuation k) {
  if (next == pkts.size()) {
    k();
    return;
  }
  const uint32_t id = pkts[next];
  t.wmem_alloc += (*pool_)[id].bytes;
  GuestNetDevice& dev = tx_device(id);
  const bool more = next + 1 < pkts.size();
  dev.xmit(cpu, id, more, [this, pkts = std::move(pkts), next, &t, &cpu, k = std::move(k)]() mutable {
    tcp_xmit_packets(std::move(pkts), next + 1, t, cpu, std::move(k));
  });
}

void GuestOs::tcp_push_softirq(uint32_t fi, uint32_t conn, VCpu& cpu) {
  TcpTx& t = flows_[fi].tcp_tx[conn];
  if (t.push_posted) return;
  t.push_posted = true;
  cpu.post_softirq([this, fi, conn, &cpu](Continuation done) {
    flows_[fi].tcp_tx[conn].push_posted = false;
    tcp_write_xmit(fi, conn, cpu, std::move(done));
  });
}

// ---- what clocks the senders ----

GuestOs* GuestOs::tcp_sender_owner(uint32_t flow, uint32_t conn) {
  if (GuestOs* client = connection_owner(flow, conn)) return client;
  for (GuestOs* g : apps_.empty() ? siblings_ : apps_) {
    const AppFlow* f = g->find_flow(flow);
    if (f != nullptr && !f->rr.empty() && f->tcp_tx.at(conn).sender.written() > 0) return g;
  }
  return nullptr;
}

void GuestOs::skb_freed(const FreedSkb& skb, VCpu& cpu) {
  GuestOs* owner = tcp_sender_owner(skb.flow, skb.conn);
  if (owner == nullptr) owner = this;
  AppFlow* f = owner->find_flow(skb.flow);
  if (f == nullptr || f->tcp_tx.empty()) return;  // not a socket's here (a forwarded segment)
  TcpTx& t = f->tcp_tx.at(skb.conn);
  if (t.wmem_alloc < skb.bytes) throw std::logic_error("a TCP socket freed more skb bytes than it sent");
  t.wmem_alloc -= skb.bytes;
  if (!t.throttled) return;
  // tcp_wfree: the throttled socket joins this CPU's TSQ list, whose
  // tasklet sends on (tcp_tsq_handler).
  t.throttled = false;
  owner->tcp_push_softirq(static_cast<uint32_t>(f - owner->flows_.data()), skb.conn, cpu);
}

void GuestOs::tcp_ack_in(AppFlow& f, uint32_t packet, VCpu& cpu) {
  const Packet p = (*pool_)[packet];
  const TcpHeader h = pool_->tcp(packet);
  f.stats->control_arrived(p);
  pool_->deliver(packet);  // taken by TCP (tcp_ack), its cost paid by the poll
  tcp_ack_header(f, p.conn, h, cpu);
}

void GuestOs::tcp_ack_header(AppFlow& f, uint32_t conn, const TcpHeader& h, VCpu& cpu) {
  TcpTx& t = f.tcp_tx.at(conn);
  t.sender.on_ack(h, now());
  arm_timer();
  tcp_writer_wake(cpu);
  // tcp_data_snd_check: what the ACK lets go leaves from this softirq.
  tcp_push_softirq(static_cast<uint32_t>(&f - flows_.data()), conn, cpu);
}

// ---- request/response ----

void GuestOs::rr_write(AppFlow& f, uint32_t conn, uint64_t bytes) {
  TcpTx& t = f.tcp_tx.at(conn);
  if (f.source) f.rr.at(conn).started.push_back(now());
  t.messages += bytes;
  if (!writer_blocked_) return;  // the writer is at work: it finds the message
  writer_blocked_ = false;
  vcpu_->post(app_thread_, [this](Continuation done) { tcp_writer(std::move(done), false); });
}

void GuestOs::rr_read(AppFlow& f, uint32_t conn, uint64_t bytes) {
  TcpTransactions& t = f.rr.at(conn);
  for (uint64_t whole = t.on_read(bytes); whole > 0; --whole) {
    if (!f.source) {
      rr_write(f, conn, f.config.response_bytes);  // the server answers
      continue;
    }
    if (t.started.empty()) throw std::logic_error("a TCP client read a response it never asked for");
    f.stats->transaction(t.started.front(), now(), f.config.response_bytes);
    t.started.pop_front();
    if (f.config.think_time == core::Duration::zero()) {
      rr_write(f, conn, f.config.request_bytes);
    } else {
      f.thinking.emplace_back(now() + f.config.think_time, conn);
      rr_timer(f);
      arm_timer();
    }
  }
}

// The senders' retransmission timers (tcp_write_timer) that expired.
void GuestOs::tcp_timers_due() {
  for (const auto& [fi, c] : tcp_conns_) {
    TcpSender& s = flows_[fi].tcp_tx[c].sender;
    if (s.timer() > now()) continue;
    s.on_timer(now());
    tcp_push_softirq(fi, c, *vcpu_);
  }
}

}  // namespace viosim::models
