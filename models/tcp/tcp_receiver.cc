// TCP receiver: reassembly, ACK policy, window and autotuning.
#include "models/tcp/tcp_receiver.h"

#include <algorithm>

namespace viosim::models {

namespace {
// tcp_win_from_space with the default scaling ratio: half of the buffer's
// bytes are payload (the rest is sk_buff overhead).
uint64_t win_from_space(uint64_t space) { return space / 2; }
}  // namespace

TcpReceiver::TcpReceiver(const TcpConfig& config)
    : config_(config),
      rcv_wnd_(config.initial_rcv_wnd()),
      rcvbuf_(config.rmem_default),
      window_clamp_(win_from_space(config.rmem_max)),
      rcv_ssthresh_(rcv_wnd_),
      space_(rcv_wnd_) {
  incr_quickack();  // tcp_event_data_recv on the first data
}

void TcpReceiver::incr_quickack() {
  // tcp_incr_quickack: half the window in segments, at least two, at most
  // TCP_MAX_QUICKACKS.
  uint32_t quickacks = rcv_wnd_ / (2 * config_.mss);
  if (quickacks == 0) quickacks = 2;
  quick_ = std::max(quick_, std::min(quickacks, config_.max_quickacks));
}

uint64_t TcpReceiver::space() const {
  // tcp_space: the buffer not yet taken by queued data, as window.
  const uint64_t used = unread() + ooo_bytes_;
  const uint64_t room = win_from_space(rcvbuf_);
  return room > used ? room - used : 0;
}

bool TcpReceiver::buffer_tight() const {
  // __tcp_select_window's test: less than half the usable buffer free.
  return space() < std::min(window_clamp_, win_from_space(rcvbuf_)) / 2;
}

uint32_t TcpReceiver::select_window() const {
  // __tcp_select_window: the free buffer, no more than rcv_ssthresh,
  // rounded up to the window scale's unit; with less than half the buffer
  // free, rounded down, and zero under a segment or a sixteenth of it.
  const uint64_t unit = uint64_t{1} << config_.rcv_wscale;
  uint64_t free = space();
  if (buffer_tight()) {
    free -= free % unit;
    if (free < win_from_space(rcvbuf_) / 16 || free < config_.mss) return 0;
  }
  free = (std::min(free, rcv_ssthresh_) + unit - 1) / unit * unit;
  return static_cast<uint32_t>(std::min<uint64_t>(free, UINT32_MAX));
}

uint32_t TcpReceiver::window() const {
  // tcp_select_window: the right edge never moves back.
  const uint64_t promised = rcv_wup_ + rcv_wnd_ > rcv_nxt_ ? rcv_wup_ + rcv_wnd_ - rcv_nxt_ : 0;
  return static_cast<uint32_t>(std::max<uint64_t>(select_window(), promised));
}

void TcpReceiver::grow_window(uint32_t len) {
  // tcp_grow_window, for a segment of 128 bytes or more: rcv_ssthresh
  // opens by twice the segment (at least two full ones) toward what the
  // clamp and the free buffer allow, and the next ACK goes at once.
  const uint64_t limit = std::min(window_clamp_, space());
  if (len < 128 || rcv_ssthresh_ >= limit) return;
  rcv_ssthresh_ += std::min<uint64_t>(limit - rcv_ssthresh_, std::max(2 * config_.mss, 2 * len));
  quick_ |= 1;
}

TcpReceiver::Arrival TcpReceiver::on_segment(const TcpHeader& h, uint32_t id, core::Time now) {
  Arrival a;
  const uint64_t end = h.seq + h.len;
  if (end <= rcv_nxt_) {
    // Old data (a spurious retransmission): discarded, answered at once
    // (tcp_send_dupack).
    a.duplicate = true;
    ++duplicates_;
    incr_quickack();  // tcp_enter_quickack_mode, which also ends ping-pong mode
    pingpong_ = false;
    ack_now_ = true;
    return a;
  }
  const uint64_t right = rcv_wup_ + rcv_wnd_;
  if (h.seq >= std::max(right, rcv_nxt_ + config_.mss)) {
    a.out_of_window = true;  // tcp_sequence refuses it
    incr_quickack();
    pingpong_ = false;
    ack_now_ = true;
    return a;
  }
  pending_ = true;
  if (h.seq <= rcv_nxt_) {
    // In order (its start perhaps received before: trimmed).
    // tcp_event_data_recv: data after a silence longer than this end's
    // RTO (the sender did not restart its window) is acknowledged at once
    // again, for as many segments as a fresh connection's.
    if (now - lrcvtime_ > own_rto()) incr_quickack();
    lrcvtime_ = now;
    note_arrival(h.seq);
    a.ready.push_back({id, static_cast<uint32_t>(end - rcv_nxt_)});
    rcv_nxt_ = end;
    grow_window(h.len);
    const bool had_hole = !ooo_.empty();
    size_t taken = 0;
    while (taken < ooo_.size() && ooo_[taken].seq <= rcv_nxt_) {
      const Held& held = ooo_[taken];
      ooo_bytes_ -= held.len;
      if (held.seq + held.len > rcv_nxt_) {
        a.ready.push_back({held.id, static_cast<uint32_t>(held.seq + held.len - rcv_nxt_)});
        rcv_nxt_ = held.seq + held.len;
      } else {
        a.discarded.push_back(held.id);  // all of it came in order meanwhile
      }
      ++taken;
    }
    ooo_.erase(ooo_.begin(), ooo_.begin() + static_cast<std::ptrdiff_t>(taken));
    if (had_hole && ooo_.empty()) ack_now_ = true;  // the last hole filled is acknowledged at once
  } else {
    hold(h, id, a);
  }
  rtt_measure(now);
  ack_policy(now);
  return a;
}

void TcpReceiver::note_arrival(uint64_t seq) {
  prev_seq_ = last_seq_;
  last_seq_ = seq;
}

// Out of order (tcp_data_queue_ofo): held, and the window grows as for
// in-order data (a SACK flow). A segment held already is dropped (its
// D-SACK goes by the ACK policy, not at once); held segments it covers
// are dropped instead.
void TcpReceiver::hold(const TcpHeader& h, uint32_t id, Arrival& a) {
  const uint64_t end = h.seq + h.len;
  // tcp_sack_new_ofo_skb: a segment that starts a third SACK block, or
  // extends one beyond the two most recent, sends the compressed ACKs at
  // once (tcp_sack_compress_send_ack).
  size_t blocks = 0;
  bool extends = false, extends_recent = false;
  for (size_t k = 0; k < ooo_.size(); ++k) {
    const uint64_t s = ooo_[k].seq, e = ooo_[k].seq + ooo_[k].len;
    if (k == 0 || ooo_[k - 1].seq + ooo_[k - 1].len < s) ++blocks;
    if (s <= h.seq && e >= end) {
      a.duplicate = true;
      ++duplicates_;
    }
    if (s <= end && e >= h.seq) {
      extends = true;
      extends_recent = extends_recent || (last_seq_ >= s && last_seq_ < e) || (prev_seq_ >= s && prev_seq_ < e);
    }
  }
  if (compressed_ > 0 && ((extends && !extends_recent) || (!extends && blocks >= 2))) ack_now_ = true;
  note_arrival(h.seq);
  if (a.duplicate) return;
  for (size_t k = 0; k < ooo_.size();) {
    if (ooo_[k].seq >= h.seq && ooo_[k].seq + ooo_[k].len <= end) {
      a.discarded.push_back(ooo_[k].id);
      ooo_bytes_ -= ooo_[k].len;
      ooo_.erase(ooo_.begin() + static_cast<std::ptrdiff_t>(k));
    } else {
      ++k;
    }
  }
  auto at = std::lower_bound(ooo_.begin(), ooo_.end(), h.seq, [](const Held& x, uint64_t s) { return x.seq < s; });
  ooo_.insert(at, Held{h.seq, h.len, id});
  ooo_bytes_ += h.len;
  grow_window(h.len);
}

// __tcp_ack_snd_check: now for more than one full segment not yet
// acknowledged (unless unread data would shrink the window: then the
// read sends it), in quick-ack mode, or when something above asked; with
// nothing out of order, the delayed ACK; with data out of order, the
// first three duplicate ACKs for one rcv_nxt at once, then SACK
// compression: up to tcp_comp_sack_nr of them wait, at most 5 % of the
// RTT (no more than tcp_comp_sack_delay_ns). __tcp_select_window, which
// the first test calls, ends quick-ack mode when the buffer is tight.
void TcpReceiver::ack_policy(core::Time now) {
  if (rcv_nxt_ - rcv_wup_ > config_.mss) {
    if (unread() != 0 && buffer_tight()) quick_ = 0;
    if (unread() == 0 || select_window() >= rcv_wnd_) ack_now_ = true;
  }
  if (quick_ > 0 && !pingpong_) ack_now_ = true;  // tcp_in_quickack_mode
  if (ack_now_) return;
  if (ooo_.empty()) {
    if (delack_at_ == core::Time::max()) delack_at_ = now + config_.delack_min;
    return;
  }
  if (compressed_ >= config_.comp_sack_nr) {
    ack_now_ = true;
    return;
  }
  if (comp_rcv_nxt_ != rcv_nxt_) {
    comp_rcv_nxt_ = rcv_nxt_;
    dup_acks_ = 0;
  }
  if (dup_acks_ < config_.dupthresh) {
    ++dup_acks_;
    ack_now_ = true;
    return;
  }
  ++compressed_;
  if (comp_at_ == core::Time::max()) comp_at_ = now + std::min(config_.comp_sack_delay, rcv_rtt_ / 20);
}

void TcpReceiver::data_sent(core::Time now) {
  if (now - lrcvtime_ < config_.delack_min) pingpong_ = true;
}

TcpHeader TcpReceiver::ack_header(bool pure) {
  TcpHeader h;
  h.ack = rcv_nxt_;
  h.wnd = window();
  // SACK blocks (tcp_build_sack): the block of the latest arrival first,
  // then the others from the highest.
  std::vector<TcpHeader::Sack> blocks;
  for (const Held& held : ooo_) {
    const uint32_t s = static_cast<uint32_t>(held.seq - rcv_nxt_),
                   e = static_cast<uint32_t>(held.seq + held.len - rcv_nxt_);
    if (!blocks.empty() && blocks.back().end >= s) {
      blocks.back().end = std::max(blocks.back().end, e);
    } else {
      blocks.push_back({s, e});
    }
  }
  const uint64_t latest = last_seq_ >= rcv_nxt_ ? last_seq_ - rcv_nxt_ : UINT64_MAX;
  std::stable_sort(blocks.begin(), blocks.end(), [latest](const TcpHeader::Sack& a, const TcpHeader::Sack& b) {
    const bool la = latest >= a.start && latest < a.end, lb = latest >= b.start && latest < b.end;
    if (la != lb) return la;
    return a.start > b.start;
  });
  for (const TcpHeader::Sack& b : blocks) {
    if (h.sacks == 3) break;
    h.sack[h.sacks++] = b;
  }
  rcv_wup_ = rcv_nxt_;
  rcv_wnd_ = h.wnd;
  if (buffer_tight()) quick_ = 0;        // the ACK's own __tcp_select_window
  if (quick_ > 0 && pending_) --quick_;  // tcp_dec_quickack_mode
  pending_ = false;
  ack_now_ = false;
  delack_at_ = core::Time::max();
  comp_at_ = core::Time::max();
  compressed_ = 0;
  if (pure) ++acks_;
  return h;
}

void TcpReceiver::rtt_measure(core::Time now) {
  // The time a window's worth of data takes to arrive after it was
  // offered: a sample of the RTT (a lower bound for a sender not limited
  // by the window), kept as the minimum, as Linux keeps it without
  // timestamps' help.
  if (!rtt_armed_) {
    rtt_seq_ = rcv_nxt_ + rcv_wnd_;
    rtt_time_ = now;
    rtt_armed_ = true;
    return;
  }
  if (rcv_nxt_ < rtt_seq_) return;
  const core::Duration sample = now - rtt_time_;
  if (rcv_rtt_ == core::Duration::zero() || sample < rcv_rtt_) rcv_rtt_ = sample;
  rtt_seq_ = rcv_nxt_ + rcv_wnd_;
  rtt_time_ = now;
}

void TcpReceiver::space_adjust(core::Time now) {
  if (rcv_rtt_ == core::Duration::zero() || now - space_time_ < rcv_rtt_) return;
  const uint64_t copied = copied_ - space_seq_;
  if (copied > space_) {
    // Twice what the application read in an RTT, plus 16 segments, plus
    // twice the growth since the last measure, as buffer space.
    uint64_t rcvwin = 2 * copied + 16 * uint64_t{config_.mss};
    rcvwin += 2 * (rcvwin * (copied - space_) / space_);
    const uint64_t rcvbuf = std::min(2 * rcvwin, config_.rmem_max);
    if (rcvbuf > rcvbuf_) {
      rcvbuf_ = rcvbuf;
      window_clamp_ = std::max(window_clamp_, win_from_space(rcvbuf_));
    }
    space_ = copied;
  }
  space_seq_ = copied_;
  space_time_ = now;
}

bool TcpReceiver::on_read(uint64_t bytes, core::Time now) {
  const uint32_t before = rcv_wup_ + rcv_wnd_ > rcv_nxt_ ? static_cast<uint32_t>(rcv_wup_ + rcv_wnd_ - rcv_nxt_) : 0;
  copied_ = std::min(copied_ + bytes, rcv_nxt_);
  space_adjust(now);
  // tcp_cleanup_rbuf: the ACK the stack held back for more than one full
  // segment (the window would have shrunk) goes now; else a window
  // update when the window at least doubles from under half the clamp.
  if (pending_ && rcv_nxt_ - rcv_wup_ > config_.mss) {
    ack_now_ = true;
    return true;
  }
  if (2 * uint64_t{before} > window_clamp_) return false;
  const uint32_t now_window = window();
  if (now_window != 0 && now_window >= 2 * before) {
    ack_now_ = true;
    return true;
  }
  return false;
}

}  // namespace viosim::models
