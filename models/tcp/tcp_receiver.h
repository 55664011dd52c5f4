// The receiving half of a Linux TCP connection (tcp_input.c): in-order
// data goes to the socket, out-of-order segments wait in the out-of-order
// queue and are reported by SACK; the ACK policy of __tcp_ack_snd_check
// (an ACK for every second full segment, immediate ACKs in quick-ack mode,
// the delayed-ACK timer, and SACK compression while data is out of
// order); the advertised window from the free receive buffer, opened
// segment by segment (tcp_grow_window) and by receive autotuning
// (tcp_rcv_space_adjust, with the window-based RTT estimate of
// tcp_rcv_rtt_measure). Pure logic, like TcpSender: the caller holds the
// packets, this says which of them are in order and when to ACK.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "models/tcp/tcp_config.h"
#include "sim-core/time.h"

namespace viosim::models {

class TcpReceiver {
 public:
  explicit TcpReceiver(const TcpConfig& config);

  // What became of an arriving data segment (`id`: the caller's packet).
  struct Ready {
    uint32_t id = 0;
    uint32_t bytes = 0;  // its payload not received before (the rest overlapped: trimmed)
    bool operator==(const Ready&) const = default;
  };
  struct Arrival {
    std::vector<Ready> ready;         // now in order, for the socket, oldest first (may include `id`)
    std::vector<uint32_t> discarded;  // held segments it covered: nothing new in them
    bool duplicate = false;           // already received: `id` is discarded
    bool out_of_window = false;       // beyond the window or the buffer: `id` is dropped
  };
  Arrival on_segment(const TcpHeader& h, uint32_t id, core::Time now);
  // Whether an ACK must go now (else the delayed ACK at delack_at()).
  bool ack_due() const { return ack_now_; }
  // When the delayed (or compressed) ACK is due; Time::max(): none pending.
  core::Time delack_at() const { return std::min(delack_at_, comp_at_); }
  // The ACK that goes now (immediately, or the delayed one): its header.
  TcpHeader make_ack() { return ack_header(true); }
  // The ACK fields of a data segment this end sends now (tcp_transmit_skb
  // sets the ACK of every segment; tcp_event_ack_sent then cancels the
  // delayed ACK and counts a quick ACK down, as a pure ACK does; not
  // counted in acks_sent()), and the data sent (data_sent).
  TcpHeader data_ack(core::Time now) {
    const TcpHeader h = ack_header(false);
    data_sent(now);
    return h;
  }
  // This end sent data (tcp_event_data_sent): within the ACK timeout
  // (ATO, at first TCP_ATO_MIN) of the last in-order data received (or of
  // the connection's set-up, at time zero), the exchange is interactive
  // and the connection enters ping-pong mode, where no quick ACK goes:
  // the next reply carries the ACK (TCP_PINGPONG_THRESH 1, net.ipv4.
  // tcp_pingpong_thresh's default).
  void data_sent(core::Time now);
  // The ACK timers due at `now` fired (the caller then sends the ACK): a
  // delayed ACK's in ping-pong mode means the reply did not come in time,
  // so the mode ends (tcp_delack_timer_handler); SACK compression's timer
  // leaves it.
  void timers_fired(core::Time now) {
    if (delack_at_ <= now) pingpong_ = false;
  }
  bool pingpong() const { return pingpong_; }
  // The application read `bytes`: returns whether a window update must go
  // now (tcp_cleanup_rbuf: an ACK held back while the data waited, or
  // the window at least doubled from under half the clamp).
  bool on_read(uint64_t bytes, core::Time now);

  uint64_t rcv_nxt() const { return rcv_nxt_; }
  uint64_t unread() const { return rcv_nxt_ - copied_; }
  uint32_t window() const;  // what the next ACK advertises
  uint64_t acks_sent() const { return acks_; }
  uint64_t duplicates() const { return duplicates_; }

 private:
  struct Held {
    uint64_t seq = 0;
    uint32_t len = 0;
    uint32_t id = 0;
  };
  TcpHeader ack_header(bool pure);
  void incr_quickack();
  // This end's RTO (icsk_rto), whose data this class does not see: the
  // handshake's RTT sample set it to TCP_RTO_MIN above that RTT (here the
  // receive-side estimate, zero until measured).
  core::Duration own_rto() const { return config_.rto_min + rcv_rtt_; }
  uint64_t space() const;
  bool buffer_tight() const;
  uint32_t select_window() const;
  void grow_window(uint32_t len);
  void note_arrival(uint64_t seq);  // the latest arrival, and the one before
  void hold(const TcpHeader& h, uint32_t id, Arrival& a);
  void ack_policy(core::Time now);
  void rtt_measure(core::Time now);
  void space_adjust(core::Time now);

  TcpConfig config_;
  uint64_t rcv_nxt_ = 0;
  uint64_t rcv_wup_ = 0;   // rcv_nxt when the last ACK went
  uint32_t rcv_wnd_;       // the window that ACK advertised
  uint64_t copied_ = 0;    // read by the application
  std::vector<Held> ooo_;  // sorted by seq, not overlapping
  uint64_t ooo_bytes_ = 0;
  uint64_t last_seq_ = 0;  // the latest arrival (its SACK block goes first)
  uint64_t prev_seq_ = 0;  // the arrival before it
  uint64_t rcvbuf_;
  uint64_t window_clamp_;
  uint64_t rcv_ssthresh_;
  uint32_t quick_ = 0;  // quick ACKs left
  bool pingpong_ = false;                    // interactive: quick ACKs held back (inet_csk_in_pingpong_mode)
  core::Time lrcvtime_;  // the last in-order data's arrival (icsk_ack.lrcvtime), at first the set-up's
  bool ack_now_ = false;
  bool pending_ = false;  // data not yet acknowledged
  core::Time delack_at_ = core::Time::max();
  // SACK compression: duplicate ACKs sent for comp_rcv_nxt_, ACKs held
  // back, and the timer that sends them.
  uint64_t comp_rcv_nxt_ = UINT64_MAX;
  uint32_t dup_acks_ = 0;
  uint32_t compressed_ = 0;
  core::Time comp_at_ = core::Time::max();
  // tcp_rcv_rtt_measure: a window's worth of data from when it was offered.
  core::Duration rcv_rtt_;
  uint64_t rtt_seq_ = 0;
  core::Time rtt_time_;
  bool rtt_armed_ = false;
  // tcp_rcv_space_adjust's measurement.
  uint64_t space_ = 0;
  uint64_t space_seq_ = 0;
  core::Time space_time_;
  uint64_t acks_ = 0;
  uint64_t duplicates_ = 0;
};

}  // namespace viosim::models
