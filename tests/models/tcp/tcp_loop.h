// A TCP sender and receiver joined by a bottleneck link (a rate, a FIFO of
// bounded length, a one-way delay each way), run by a small event loop of
// its own: the connection's logic tested without the path models.
#pragma once

#include <functional>
#include <map>
#include <vector>

#include "models/tcp/tcp_receiver.h"
#include "models/tcp/tcp_sender.h"

namespace viosim::models::testing {

class TcpLoop {
 public:
  struct Link {
    double rate_bps = 10e9;
    core::Duration delay = core::Microseconds(50);  // each way
    size_t queue = 1000;                            // segments waiting for the link
  };
  TcpLoop(const TcpConfig& config, uint64_t bytes, Link link) : sender(config, bytes), receiver(config), link_(link) {}

  // Drops the segment a test names (by its sequence number and whether it
  // is a retransmission) before the link.
  std::function<bool(uint64_t seq, bool retransmit)> drop;
  // Called at each ACK the sender takes.
  std::function<void(core::Time)> on_ack;

  void run_until(core::Time end) {
    if (!started_) {
      started_ = true;
      pump(core::Time::zero());
    }
    while (!events_.empty() && events_.begin()->first <= end) {
      auto [at, e] = *events_.begin();
      events_.erase(events_.begin());
      now_ = at;
      e();
    }
    now_ = end;
  }
  core::Time now() const { return now_; }
  // The application writes `bytes` at `t` (a sender made with app_writes()).
  void write_at(core::Time t, uint64_t bytes) {
    at(t, [this, bytes] {
      sender.write(bytes);
      pump(now_);
    });
  }
  uint64_t delivered = 0;  // payload bytes in order at the receiver
  uint64_t link_drops = 0;
  uint64_t wire_bytes = 0;
  TcpSender sender;
  TcpReceiver receiver;

 private:
  void at(core::Time t, std::function<void()> e) { events_.emplace(t, std::move(e)); }
  void pump(core::Time now) {
    while (auto seg = sender.next(now)) {
      if (drop && drop(seg->seq, seg->retransmit)) continue;
      while (!departures_.empty() && departures_.front() <= now) departures_.erase(departures_.begin());
      if (departures_.size() >= link_.queue) {
        ++link_drops;
        continue;
      }
      const double bits = 8.0 * (seg->len + 78);  // headers, FCS, preamble and gap
      wire_bytes += seg->len + 78;
      free_at_ = std::max(free_at_, now) + core::Duration::from_seconds(bits / link_.rate_bps);
      departures_.push_back(free_at_);
      TcpHeader h;
      h.seq = seg->seq;
      h.len = seg->len;
      at(free_at_ + link_.delay, [this, h] { arrive(h); });
    }
    arm_timer();
  }
  void arm_timer() {
    const core::Time t = sender.timer();
    if (t == core::Time::max() || t == armed_) return;
    armed_ = t;
    at(t, [this, t] {
      if (sender.timer() != t) return;
      sender.on_timer(now_);
      armed_ = core::Time::max();
      pump(now_);
    });
  }
  void arrive(const TcpHeader& h) {
    const TcpReceiver::Arrival a = receiver.on_segment(h, 0, now_);
    uint64_t bytes = 0;
    if (!a.ready.empty()) bytes = receiver.rcv_nxt() - delivered;
    delivered += bytes;
    if (bytes > 0) receiver.on_read(bytes, now_);
    ack_check();
  }
  void ack_check() {
    if (receiver.ack_due()) {
      send_ack();
    } else if (receiver.delack_at() != core::Time::max()) {
      const core::Time t = receiver.delack_at();
      at(t, [this, t] {
        if (receiver.delack_at() == t) send_ack();
      });
    }
  }
  void send_ack() {
    const TcpHeader h = receiver.make_ack();
    at(now_ + link_.delay, [this, h] {
      sender.on_ack(h, now_);
      if (on_ack) on_ack(now_);
      pump(now_);
    });
  }

  Link link_;
  bool started_ = false;
  core::Time now_;
  core::Time free_at_;
  core::Time armed_ = core::Time::max();
  std::vector<core::Time> departures_;
  std::multimap<core::Time, std::function<void()>> events_;
};

}  // namespace viosim::models::testing
