// The sending half of a Linux TCP connection (tcp_output.c, tcp_input.c,
// tcp_cubic.c, tcp_recovery.c), in segments of at most one MSS:
//  - windows: CUBIC's congestion window (slow start from IW 10 with
//    HyStart, the cubic and Reno-friendly growth, beta 0.7 on loss), the
//    receiver's advertised window and the send buffer;
//  - loss recovery: a SACK scoreboard; a hole is lost when three segments
//    above it are SACKed (dupthresh) or, in recovery, when a segment sent
//    after it was delivered (RACK without reordering); proportional rate
//    reduction while recovering; the tail loss probe; the RTO with its
//    backoff, after which every segment out is resent from a window of one;
//  - RTT: SRTT / RTTVAR from segments sent once (Karn), RTO = SRTT +
//    max(4 RTTVAR, rto_min);
//  - idle: new data after more than an RTO with nothing out restarts the
//    window (tcp_slow_start_after_idle_check), and CUBIC's epoch moves by
//    the idle time (CA_EVENT_TX_START), so its curve resumes where it was.
// It is pure logic: the caller asks next() what to send, tells on_ack()
// what came back and calls on_timer() at timer().
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <optional>

#include "models/tcp/tcp_config.h"
#include "sim-core/time.h"

namespace viosim::models {

// What a sender did over a measured window.
struct TcpSenderStats {
  uint64_t segments = 0;     // sent, retransmissions included
  uint64_t retransmits = 0;  // segments sent again
  uint64_t recoveries = 0;   // fast recoveries entered
  uint64_t timeouts = 0;     // RTOs fired
  uint64_t probes = 0;       // tail loss probes sent
  uint64_t acks = 0;         // ACKs received
  uint32_t cwnd_max = 0;     // segments
  double cwnd_area = 0;      // segments x seconds, summed over the connections
  uint32_t connections = 0;  // senders summed here
  core::Duration measured;   // time the area covers
  // Another connection's figures over the same window.
  void add(const TcpSenderStats& s) {
    segments += s.segments;
    retransmits += s.retransmits;
    recoveries += s.recoveries;
    timeouts += s.timeouts;
    probes += s.probes;
    acks += s.acks;
    cwnd_max = std::max(cwnd_max, s.cwnd_max);
    cwnd_area += s.cwnd_area;
    connections += s.connections;
    if (s.connections > 0) measured = s.measured;
  }
  // The connections' mean window over the window, segments.
  double cwnd_mean() const {
    return connections == 0 || measured <= core::Duration::zero() ? 0 : cwnd_area / connections / measured.seconds();
  }
};

class TcpSender {
 public:
  struct Segment {
    uint64_t seq = 0;
    uint32_t len = 0;
    bool retransmit = false;
  };
  enum class State : uint8_t { kOpen, kRecovery, kLoss };

  // `bytes`: what the application writes (0: without end, a bulk stream).
  TcpSender(const TcpConfig& config, uint64_t bytes);

  // Its application writes the data (write()) rather than having it all
  // ready: only what was written may be sent.
  void app_writes() { written_ = 0; }
  void write(uint64_t bytes) { written_ += bytes; }
  uint64_t written() const { return written_; }
  // Bytes written and not yet acknowledged (sk_wmem_queued, in payload).
  uint64_t queued() const { return written_ - std::min(written_, snd_una_); }
  // The send buffer: set at the start and raised by ACKs while the
  // window is not what holds the sender back (tcp_sndbuf_expand: twice
  // the window, at least the initial one, in skbs of one MSS's truesize;
  // at most tcp_wmem[2]); it never shrinks.
  uint64_t sndbuf() const { return sndbuf_; }
  // Nothing sent is unacknowledged (tcp_rtx_queue_empty).
  bool rtx_empty() const { return sent_.empty(); }
  // What is left to write (UINT64_MAX: without end).
  uint64_t unwritten() const { return bytes_ == 0 ? UINT64_MAX : bytes_ - std::min(bytes_, written_); }
  // The pacing rate, bytes per second (tcp_update_pacing_rate: 200 % of
  // cwnd / SRTT in slow start, 120 % after); 0 before an RTT sample.
  double pacing_rate() const;

  // The next segment the windows let go now (recorded as sent), or none.
  std::optional<Segment> next(core::Time now);
  // Whether next() has something to send now (a lost segment, a probe or
  // new data), and whether that is new data starting at `seq`.
  bool can_send() const;
  bool can_send_new(uint64_t seq) const;
  void on_ack(const TcpHeader& ack, core::Time now);
  // Segments in one TSO skb now (tcp_tso_autosize: about 1 ms at the
  // pacing rate plus a share of 64 KB for small RTTs, at most 64 KB, at
  // least tcp_min_tso_segs; no more than half the window, tcp_cwnd_test).
  uint32_t tso_segs() const;
  // When the retransmission timer (RTO, loss probe or RACK's reordering
  // timeout) is due; Time::max(): none armed.
  core::Time timer() const { return timer_at_; }
  // The timer fired: next() then has what it sends.
  void on_timer(core::Time now);
  // Statistics restart (the end of the warm-up).
  void reset_stats(core::Time now);

  uint32_t cwnd() const { return cwnd_; }
  uint32_t ssthresh() const { return ssthresh_; }
  State state() const { return state_; }
  uint64_t acked() const { return snd_una_; }
  // Every byte written is acknowledged.
  bool done() const { return bytes_ != 0 && snd_una_ >= bytes_; }
  uint32_t in_flight() const { return packets_out() - sacked_out_ - lost_out_ + retrans_out_; }
  core::Duration srtt() const { return srtt_; }
  core::Duration rto() const { return rto_; }
  const TcpSenderStats& stats(core::Time now);

 private:
  struct Sent {
    uint64_t seq = 0;
    uint32_t len = 0;
    core::Time at;  // last (re)transmission
    bool sacked = false;
    bool lost = false;
    bool retransmitted = false;  // ever: no RTT sample (Karn)
    bool retrans_out = false;    // a retransmission of a lost segment still out
  };
  uint32_t packets_out() const { return static_cast<uint32_t>(sent_.size()); }
  // The new data's next segment: its length (0: none written), and whether
  // the receiver's window and the send buffer let it go.
  uint32_t new_len() const;
  uint64_t sndbuf_for_window() const;
  bool new_fits(uint32_t len) const;
  void set_cwnd(uint32_t cwnd, core::Time now);
  void rtt_sample(core::Duration rtt);
  void rack_advance(const Sent& s, core::Time now);
  void mark_sacked(const TcpHeader& ack, uint32_t* delivered, core::Time now);
  // Marks what the scoreboard shows lost; returns how many it marked
  // (lost retransmissions included).
  uint32_t mark_lost(core::Time now);
  void cwnd_reduction(uint32_t delivered, bool bonus, core::Time now);
  void arm_reo_timer(core::Time now);
  void enter_recovery();
  void on_congestion();  // CUBIC's ssthresh and W_max (bictcp_recalc_ssthresh)
  void cong_avoid(uint32_t acked, core::Time now);
  void cubic_update(uint32_t acked, core::Time now);
  void cubic_reset(core::Time now);
  void hystart_reset(core::Time now);
  void hystart_update(core::Duration delay, core::Time now);
  void arm_timer(core::Time now);
  // A segment goes with nothing in flight: the idle checks, `new_data`
  // for new data with nothing out (packets_out 0).
  void after_idle(bool new_data, core::Time now);

  TcpConfig config_;
  uint64_t bytes_;
  uint64_t written_ = UINT64_MAX;  // what the application wrote (UINT64_MAX: all of it, at once)
  uint64_t sndbuf_ = 0;            // sk_sndbuf
  uint64_t snd_sml_ = 0;           // the end of the last part segment sent (tp->snd_sml)
  uint64_t snd_una_ = 0;
  uint64_t snd_nxt_ = 0;
  uint64_t rcv_right_;  // the receiver's window's right edge
  std::deque<Sent> sent_;
  uint32_t sacked_out_ = 0;
  uint32_t lost_out_ = 0;
  uint32_t retrans_out_ = 0;
  State state_ = State::kOpen;
  uint64_t high_seq_ = 0;  // recovery ends when this is acknowledged
  core::Time rack_sent_;   // the send time of the latest segment delivered
  core::Duration rack_rtt_;  // and its RTT
  core::Duration reo_wait_;  // until the last segment RACK waits for is due (zero: none)
  bool rack_valid_ = false;
  // Windows (segments).
  uint32_t cwnd_;
  const uint32_t beta_scale_;  // CUBIC's Reno-friendly growth, in eighths of cwnd per segment
  uint32_t cwnd_cnt_ = 0;
  uint32_t ssthresh_ = UINT32_MAX;  // TCP_INFINITE_SSTHRESH
  uint32_t max_in_flight_ = 0;      // since the last ACK: was the window the limit
  // Proportional rate reduction (RFC 6937, tcp_cwnd_reduction).
  uint32_t prior_cwnd_ = 0;
  uint32_t prr_delivered_ = 0;
  uint32_t prr_out_ = 0;
  // CUBIC (struct bictcp).
  uint32_t cnt_ = 0;
  uint32_t last_max_cwnd_ = 0;
  uint32_t last_cwnd_ = 0;
  core::Time last_time_;
  bool epoch_ = false;
  core::Time epoch_start_;
  double origin_ = 0;
  double k_ = 0;
  uint32_t ack_cnt_ = 0;
  uint32_t tcp_cwnd_ = 0;
  core::Duration delay_min_;  // zero: no sample yet
  bool found_ = false;
  uint64_t end_seq_ = 0;
  core::Time round_start_;
  core::Time last_ack_;
  core::Duration curr_rtt_;
  uint32_t sample_cnt_ = 0;
  // RTT and timers.
  core::Duration srtt_;  // zero: no sample yet
  core::Duration min_rtt_;  // the smallest RTT sample (tcp_min_rtt), zero: none yet
  core::Duration rttvar_;
  core::Duration rto_;
  uint32_t backoff_ = 0;
  uint32_t retransmits_ = 0;  // RTOs since snd_una last moved (icsk_retransmits)
  core::Time timer_at_ = core::Time::max();
  core::Time lsndtime_;  // the last data segment sent (tp->lsndtime; set up at the start)
  // What the armed timer is (tcp's icsk_pending: ICSK_TIME_RETRANS,
  // _LOSS_PROBE, _REO_TIMEOUT).
  enum class TimerKind : uint8_t { kRto, kProbe, kReorder };
  TimerKind timer_kind_ = TimerKind::kRto;
  bool probe_due_ = false;    // a probe to send now, whatever the window
  // A probe is out (tlp_high_seq): no other until an ACK passes this.
  bool probe_out_ = false;
  uint64_t probe_high_ = 0;
  // Statistics.
  TcpSenderStats stats_;
  core::Time stats_since_;
  core::Time cwnd_since_;
};

}  // namespace viosim::models
