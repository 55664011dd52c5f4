// GRO: merging a poll's TCP segments per connection (dev_gro_receive,
// tcp_gro_receive, skb_gro_receive in Linux 6.x).
#include "models/net/gro_list.h"

#include "models/traffic/flow.h"

namespace viosim::models {

void GroList::take(size_t i, std::vector<uint32_t>& up) {
  up.push_back(held_[i].packet);
  held_.erase(held_.begin() + static_cast<std::ptrdiff_t>(i));
}

bool GroList::receive(const void* napi, uint32_t packet, std::vector<uint32_t>& up, int64_t jiffy) {
  size_t held_here = 0;
  const Packet& p = (*pool_)[packet];
  TcpHeader& next = pool_->tcp(packet);
  for (size_t i = 0; i < held_.size(); ++i) {
    if (held_[i].napi != napi) continue;
    ++held_here;
    Packet& h = (*pool_)[held_[i].packet];
    if (h.flow != p.flow || h.conn != p.conn) continue;
    TcpHeader& held = pool_->tcp(h.id);
    // The held skb's segment size is its first segment's payload
    // (dev_gro_receive sets gso_size when it holds a new skb).
    const uint32_t mss = held.gso_size != 0 ? held.gso_size : held.len;
    const uint32_t headers = kTcpFrameOverhead - 18;  // IP and TCP with timestamps
    // tcp_gro_receive flushes on a different ACK, window or options (a
    // SACK block); a retransmission is kept apart so that it stays one.
    const bool same_header = held.ack == next.ack && held.wnd == next.wnd && held.sacks == 0 && next.sacks == 0 &&
                             held.retransmit == next.retransmit;
    if (same_header && held.seq + held.len == next.seq && next.len <= mss && headers + held.len + next.len < kMaxSize) {
      held.gso_size = mss;
      held.len += next.len;
      h.bytes += p.bytes;
      pool_->merge(h.id, packet);
      if (next.len < mss) take(i, up);  // a short segment ends the skb
      return true;
    }
    // It cannot join: the held skb goes up first (same flow, not merged).
    take(i, up);
    --held_here;
    break;
  }
  if (held_here >= kMaxHeld) {
    // Every slot taken: the oldest goes up (gro_flush_oldest).
    for (size_t i = 0; i < held_.size(); ++i) {
      if (held_[i].napi != napi) continue;
      take(i, up);
      break;
    }
  }
  held_.push_back({napi, packet, jiffy});
  return false;
}

void GroList::flush(const void* napi, std::vector<uint32_t>& up) {
  for (size_t i = 0; i < held_.size();) {
    if (held_[i].napi != napi) {
      ++i;
      continue;
    }
    take(i, up);
  }
}

void GroList::end_poll(const void* napi, bool on_weight, core::Duration tick, int64_t jiffy,
                       std::vector<uint32_t>& up) {
  if (!on_weight || tick > core::Milliseconds(1)) {
    flush(napi, up);
    return;
  }
  for (size_t i = 0; i < held_.size();) {
    if (held_[i].napi != napi || held_[i].age == jiffy) {
      ++i;
      continue;
    }
    take(i, up);
  }
}

}  // namespace viosim::models
