// TCP sender: windows, CUBIC, SACK loss recovery, timers.
#include "models/tcp/tcp_sender.h"

#include <algorithm>
#include <cmath>

namespace viosim::models {

TcpSender::TcpSender(const TcpConfig& config, uint64_t bytes)
    : config_(config),
      bytes_(bytes),
      rcv_right_(config.initial_rcv_wnd()),
      cwnd_(config.initial_cwnd),
      // 8 (1 + beta) / 3 / (1 - beta) in tcp_cubic.c's integers: 15.
      beta_scale_(static_cast<uint32_t>(8 * (1024 + config.cubic_beta * 1024) / 3 / (1024 - config.cubic_beta * 1024))),
      rto_(config.rto_initial) {
  sndbuf_ = sndbuf_for_window();  // tcp_init_buffer_space
}

void TcpSender::set_cwnd(uint32_t cwnd, core::Time now) {
  stats_.cwnd_area += double(cwnd_) * (now - cwnd_since_).seconds();
  cwnd_since_ = now;
  cwnd_ = std::max<uint32_t>(1, cwnd);
  stats_.cwnd_max = std::max(stats_.cwnd_max, cwnd_);
}

std::optional<TcpSender::Segment> TcpSender::next(core::Time now) {
  const bool probe = probe_due_;
  const bool room = probe || in_flight() < cwnd_;
  if (!room) return std::nullopt;
  // A segment marked lost goes first (tcp_xmit_retransmit_queue), then new data.
  Sent* lost = nullptr;
  if (lost_out_ > retrans_out_) {
    for (Sent& s : sent_) {
      if (s.lost && !s.retrans_out && !s.sacked) {
        lost = &s;
        break;
      }
    }
  }
  Segment out;
  const bool idle = in_flight() == 0;     // before this segment (tcp_packets_in_flight)
  const bool empty = packets_out() == 0;  // tp->packets_out
  if (lost != nullptr) {
    lost->retrans_out = true;
    lost->retransmitted = true;
    lost->at = now;
    ++retrans_out_;
    out = {lost->seq, lost->len, true};
    ++stats_.retransmits;
  } else {
    const uint32_t len = new_len();
    if (new_fits(len)) {
      sent_.push_back({snd_nxt_, len, now});
      out = {snd_nxt_, len, false};
      snd_nxt_ += len;
      if (len < config_.mss) snd_sml_ = snd_nxt_;  // tcp_minshall_update
    } else if (probe && !sent_.empty()) {
      // No new data may go: the probe resends the last segment out.
      Sent& last = sent_.back();
      last.retransmitted = true;
      last.at = now;
      out = {last.seq, last.len, true};
      ++stats_.retransmits;
    } else {
      probe_due_ = false;
      return std::nullopt;
    }
  }
  if (probe) {
    // tcp_send_loss_probe: one probe at a time, then the RTO behind it.
    probe_due_ = false;
    probe_out_ = true;
    probe_high_ = snd_nxt_;
    ++stats_.probes;
  }
  if (state_ == State::kRecovery) ++prr_out_;
  if (idle) after_idle(empty && !out.retransmit, now);
  lsndtime_ = now;  // tcp_event_data_sent
  ++stats_.segments;
  max_in_flight_ = std::max(max_in_flight_, in_flight());
  if (timer_at_ == core::Time::max() || probe) arm_timer(now);
  return out;
}

void TcpSender::after_idle(bool new_data, core::Time now) {
  const core::Duration idle = now - lsndtime_;
  // tcp_slow_start_after_idle_check, as new data is queued with nothing
  // out, then tcp_cwnd_restart: ssthresh keeps 3/4 of the window
  // (tcp_current_ssthresh, outside a window reduction), and the window
  // halves once per RTO idle beyond the first, down to the initial
  // window at most.
  if (new_data && config_.slow_start_after_idle && idle > rto_) {
    if (state_ != State::kRecovery) ssthresh_ = std::max(ssthresh_, (cwnd_ >> 1) + (cwnd_ >> 2));
    const uint32_t restart = std::min(config_.initial_cwnd, cwnd_);
    uint32_t cwnd = cwnd_;
    for (core::Duration left = idle - rto_; left > core::Duration::zero() && cwnd > restart; left -= rto_) cwnd >>= 1;
    set_cwnd(std::max(cwnd, restart), now);
  }
  // cubictcp_cwnd_event(CA_EVENT_TX_START): the idle time does not count
  // toward the cubic curve.
  if (epoch_ && idle > core::Duration::zero()) epoch_start_ = std::min(now, epoch_start_ + idle);
}

double TcpSender::pacing_rate() const {
  // tcp_update_pacing_rate: tcp_pacing_ss_ratio (200 %) while the window
  // is under half of ssthresh, tcp_pacing_ca_ratio (120 %) after, of the
  // larger of the window and the segments out, per SRTT.
  if (srtt_ <= core::Duration::zero()) return 0;
  const double ratio = cwnd_ < ssthresh_ / 2 ? 2.0 : 1.2;
  return ratio * std::max(cwnd_, packets_out()) * config_.mss / srtt_.seconds();
}

uint64_t TcpSender::sndbuf_for_window() const {
  // per_mss: the MSS with MAX_TCP_HEADER (320 B) and skb_shared_info
  // (320 B) rounded up to a power of two, plus the sk_buff (256 B).
  uint64_t per_mss = 1;
  while (per_mss < config_.mss + 320 + 320) per_mss <<= 1;
  per_mss += 256;
  return std::min<uint64_t>(config_.wmem_max, 2 * std::max(cwnd_, config_.initial_cwnd) * per_mss);
}

uint32_t TcpSender::new_len() const {
  const uint64_t end = std::min(bytes_ == 0 ? UINT64_MAX : bytes_, written_);
  const uint32_t len = static_cast<uint32_t>(std::min<uint64_t>(config_.mss, end - std::min(end, snd_nxt_)));
  // A part segment while the application writes on waits to be filled
  // while an earlier part segment is unacknowledged (Nagle's test with
  // Minshall's rule, tcp_nagle_check and tcp_minshall_check); its ACK, or
  // the next write, lets it go. (Autocorking is the caller's: it needs
  // the socket's skbs in the qdisc and driver.)
  if (!config_.nodelay && len < config_.mss && written_ != UINT64_MAX && unwritten() > 0 && snd_sml_ > snd_una_) {
    return 0;
  }
  return len;
}

bool TcpSender::new_fits(uint32_t len) const {
  return len > 0 && snd_nxt_ + len <= rcv_right_ && snd_nxt_ + len - snd_una_ <= config_.wmem_max;
}

bool TcpSender::can_send() const {
  if (probe_due_) return true;
  if (in_flight() >= cwnd_) return false;
  return lost_out_ > retrans_out_ || new_fits(new_len());
}

bool TcpSender::can_send_new(uint64_t seq) const {
  if (probe_due_ || lost_out_ > retrans_out_ || in_flight() >= cwnd_ || snd_nxt_ != seq) return false;
  return new_fits(new_len());
}

uint32_t TcpSender::tso_segs() const {
  constexpr uint64_t kGsoMaxSize = 65'536;  // GSO_LEGACY_MAX_SIZE
  constexpr uint32_t kMinTsoSegs = 2;       // net.ipv4.tcp_min_tso_segs
  uint64_t bytes = kGsoMaxSize;             // no RTT yet: the pacing rate is unbounded
  if (srtt_ > core::Duration::zero()) {
    bytes = static_cast<uint64_t>(pacing_rate()) >> 10;             // sk_pacing_shift: about 1 ms of it
    const int64_t shift = (min_rtt_ / core::Microseconds(1)) >> 9;  // tcp_tso_rtt_log
    if (shift < 32) bytes += kGsoMaxSize >> shift;
  }
  const uint64_t segs = std::max<uint64_t>(std::min(bytes, kGsoMaxSize) / config_.mss, kMinTsoSegs);
  return static_cast<uint32_t>(std::min<uint64_t>(segs, std::max<uint32_t>(cwnd_ / 2, 1)));
}

void TcpSender::rtt_sample(core::Duration rtt) {
  if (min_rtt_ == core::Duration::zero() || rtt < min_rtt_) min_rtt_ = rtt;
  // tcp_rtt_estimator: SRTT gains 1/8, RTTVAR 1/4 of each sample's error.
  if (srtt_ == core::Duration::zero()) {
    srtt_ = rtt;
    rttvar_ = rtt / 2;
  } else {
    const core::Duration err = rtt > srtt_ ? rtt - srtt_ : srtt_ - rtt;
    rttvar_ = rttvar_ - rttvar_ / 4 + err / 4;
    srtt_ = srtt_ - srtt_ / 8 + rtt / 8;
  }
  rto_ = std::min(config_.rto_max, srtt_ + std::max(4 * rttvar_, config_.rto_min));
  backoff_ = 0;
}

void TcpSender::rack_advance(const Sent& s, core::Time now) {
  // tcp_rack_advance: the latest-sent delivered segment sets RACK's send
  // time and RTT; a retransmission answered faster than the minimum RTT
  // was the original's delivery, not its own.
  const core::Duration rtt = now - s.at;
  if (s.retransmitted && rtt < min_rtt_) return;
  if (rack_valid_ && s.at < rack_sent_) return;
  rack_sent_ = s.at;
  rack_rtt_ = rtt;
  rack_valid_ = true;
}

void TcpSender::mark_sacked(const TcpHeader& ack, uint32_t* delivered, core::Time now) {
  for (uint8_t b = 0; b < ack.sacks; ++b) {
    const uint64_t start = ack.ack + ack.sack[b].start, end = ack.ack + ack.sack[b].end;
    for (Sent& s : sent_) {
      if (s.seq >= end) break;
      if (s.sacked || s.seq < start || s.seq + s.len > end) continue;
      s.sacked = true;
      ++sacked_out_;
      ++*delivered;
      if (s.lost) --lost_out_;
      if (s.retrans_out) {
        s.retrans_out = false;
        --retrans_out_;
      }
      rack_advance(s, now);
    }
  }
}

// A hole is lost when dupthresh segments above it are SACKed (RFC 6675's
// IsLost), or by RACK (tcp_rack_detect_loss): when a segment sent after
// it has been delivered and it has been out for RACK's RTT plus the
// reordering window (no reordering seen: a quarter of the minimum RTT
// while open with fewer than dupthresh SACKed, else none); so is a
// retransmission that a later-sent segment overtook. Those not yet due
// set reo_wait_: how long until the last of them is.
uint32_t TcpSender::mark_lost(core::Time now) {
  reo_wait_ = core::Duration::zero();
  if (sacked_out_ == 0) return 0;
  const core::Duration reo_wnd = state_ == State::kOpen && sacked_out_ < config_.dupthresh
                                     ? std::min(min_rtt_ / 4, srtt_)
                                     : core::Duration::zero();
  uint32_t newly = 0;
  uint32_t above = 0;
  for (auto it = sent_.rbegin(); it != sent_.rend(); ++it) {
    Sent& s = *it;
    if (s.sacked) {
      ++above;
      continue;
    }
    bool by_time = false;
    if (rack_valid_ && s.at < rack_sent_ && above > 0) {
      const core::Duration remaining = rack_rtt_ + reo_wnd - (now - s.at);
      if (remaining <= core::Duration::zero()) {
        by_time = true;
      } else if (!s.lost) {
        reo_wait_ = std::max(reo_wait_, remaining);
      }
    }
    if (s.lost) {
      // RACK: a retransmission is lost too when something sent after it
      // was delivered; it goes again.
      if (s.retrans_out && by_time) {
        s.retrans_out = false;
        --retrans_out_;
        ++newly;
      }
      continue;
    }
    if (above >= config_.dupthresh || by_time) {
      s.lost = true;
      ++lost_out_;
      ++newly;
    }
  }
  return newly;
}

void TcpSender::on_congestion() {
  // bictcp_recalc_ssthresh: fast convergence lowers W_max when the window
  // is already below the last one.
  epoch_ = false;
  if (cwnd_ < last_max_cwnd_) {
    last_max_cwnd_ = static_cast<uint32_t>(cwnd_ * (1.0 + config_.cubic_beta) / 2.0);
  } else {
    last_max_cwnd_ = cwnd_;
  }
  ssthresh_ = std::max<uint32_t>(2, static_cast<uint32_t>(cwnd_ * config_.cubic_beta));
}

void TcpSender::enter_recovery() {
  state_ = State::kRecovery;
  high_seq_ = snd_nxt_;
  prior_cwnd_ = cwnd_;
  prr_delivered_ = 0;
  prr_out_ = 0;
  on_congestion();
  ++stats_.recoveries;
}

void TcpSender::on_ack(const TcpHeader& ack, core::Time now) {
  ++stats_.acks;
  if (ack.ack > snd_nxt_) return;  // acknowledges what was never sent: ignored (tcp_ack's "too new")
  rcv_right_ = std::max(rcv_right_, ack.ack + ack.wnd);
  // A shrunk window counts only from an ACK that moves snd_una (a stale,
  // reordered ACK may only open it: tcp_may_update_window).
  if (ack.ack + ack.wnd < rcv_right_ && ack.ack > snd_una_) rcv_right_ = ack.ack + ack.wnd;
  if (probe_out_ && ack.ack > probe_high_) probe_out_ = false;
  uint32_t delivered = 0;
  std::optional<core::Duration> seq_rtt, ca_rtt;
  while (!sent_.empty() && sent_.front().seq + sent_.front().len <= ack.ack) {
    const Sent& s = sent_.front();
    if (!s.retransmitted) {
      if (!seq_rtt) seq_rtt = now - s.at;  // the oldest newly acknowledged (tcp_clean_rtx_queue's first_ackt)
      ca_rtt = now - s.at;                 // the newest
    }
    if (!s.sacked) {
      ++delivered;
      rack_advance(s, now);
    }
    if (s.sacked) --sacked_out_;
    if (s.lost && !s.sacked) --lost_out_;
    if (s.retrans_out) --retrans_out_;
    sent_.pop_front();
  }
  const bool advanced = ack.ack > snd_una_;
  snd_una_ = std::max(snd_una_, ack.ack);
  if (advanced) retransmits_ = 0;  // icsk_retransmits: progress ends the RTO series
  mark_sacked(ack, &delivered, now);
  if (seq_rtt) rtt_sample(*seq_rtt);
  if (ca_rtt && (delay_min_ == core::Duration::zero() || *ca_rtt < delay_min_)) delay_min_ = *ca_rtt;

  // Recovery states end once everything out at their start is acknowledged.
  if (state_ != State::kOpen && snd_una_ >= high_seq_) {
    if (state_ == State::kRecovery) set_cwnd(std::max(ssthresh_, 2u), now);  // tcp_end_cwnd_reduction
    state_ = State::kOpen;
  }
  const uint32_t newly_lost = mark_lost(now);
  if (state_ == State::kOpen && lost_out_ > 0) enter_recovery();

  if (state_ == State::kRecovery) {
    if (delivered > 0) cwnd_reduction(delivered, advanced && newly_lost == 0, now);
  } else if (advanced && delivered > 0) {
    // tcp_may_raise_cwnd (no reordering seen): on ACKs that move snd_una.
    if (ca_rtt && state_ == State::kOpen && config_.hystart && !found_ && cwnd_ < ssthresh_ &&
        cwnd_ >= config_.hystart_low_window) {
      hystart_update(*ca_rtt, now);
    }
    // tcp_is_cwnd_limited: in slow start while the window is under twice
    // what was out, else while it was all used.
    const bool limited = cwnd_ < ssthresh_ ? cwnd_ < 2 * max_in_flight_ : max_in_flight_ >= cwnd_;
    // The window grows by what this ACK newly delivered, cumulatively or
    // by SACK (tcp_cong_control's acked_sacked).
    if (limited) cong_avoid(delivered, now);
  }
  max_in_flight_ = in_flight();

  // tcp_new_space: a sender not held by its window may queue more
  // (tcp_sndbuf_expand); the buffer never shrinks.
  if (in_flight() < cwnd_) sndbuf_ = std::max(sndbuf_, sndbuf_for_window());
  if (sent_.empty()) {
    timer_at_ = core::Time::max();
  } else if (advanced || delivered > 0) {
    arm_timer(now);
  }
  if (reo_wait_ > core::Duration::zero() && !sent_.empty()) arm_reo_timer(now);
}

// PRR (tcp_cwnd_reduction): send in proportion to what is delivered until
// the pipe is down to ssthresh, then slow-start back up to it (SSRB, one
// more when `bonus`: snd_una moved and nothing new was lost); the first
// call sends the fast retransmit.
void TcpSender::cwnd_reduction(uint32_t delivered, bool bonus, core::Time now) {
  prr_delivered_ += delivered;
  const uint32_t pipe = in_flight();
  int64_t sndcnt;
  if (pipe > ssthresh_) {
    const uint64_t dividend = uint64_t{ssthresh_} * prr_delivered_ + prior_cwnd_ - 1;
    sndcnt = static_cast<int64_t>(dividend / prior_cwnd_) - prr_out_;
  } else {
    sndcnt = std::max<int64_t>(int64_t{prr_delivered_} - prr_out_, delivered);
    if (bonus) ++sndcnt;
    sndcnt = std::min<int64_t>(int64_t{ssthresh_} - pipe, sndcnt);
  }
  sndcnt = std::max<int64_t>(sndcnt, prr_out_ == 0 ? 1 : 0);
  set_cwnd(static_cast<uint32_t>(pipe + sndcnt), now);
}

// tcp_rack_mark_lost's timer: when the last segment RACK waits for is due,
// plus TCP_TIMEOUT_MIN; it takes the retransmission timer's place.
void TcpSender::arm_reo_timer(core::Time now) {
  timer_at_ = now + reo_wait_ + config_.tlp_slack;
  timer_kind_ = TimerKind::kReorder;
}

void TcpSender::cong_avoid(uint32_t acked, core::Time now) {
  if (cwnd_ < ssthresh_) {
    // tcp_slow_start: one segment per segment acknowledged, up to ssthresh.
    if (config_.hystart && !found_ && snd_una_ > end_seq_) hystart_reset(now);
    const uint32_t grown = std::min(cwnd_ + acked, ssthresh_);
    acked -= grown - cwnd_;
    set_cwnd(grown, now);
    if (acked == 0) return;
  }
  cubic_update(acked, now);
  // tcp_cong_avoid_ai: one segment per cnt_ acknowledged.
  const uint32_t w = cnt_;
  if (cwnd_cnt_ >= w) {
    cwnd_cnt_ = 0;
    set_cwnd(cwnd_ + 1, now);
  }
  cwnd_cnt_ += acked;
  if (cwnd_cnt_ >= w) {
    const uint32_t delta = cwnd_cnt_ / w;
    cwnd_cnt_ -= delta * w;
    set_cwnd(cwnd_ + delta, now);
  }
}

// bictcp_update: the cubic target W(t) = C (t - K)^3 + W_max, t counted from
// the epoch plus the minimum RTT, and the Reno-friendly window.
void TcpSender::cubic_update(uint32_t acked, core::Time now) {
  ack_cnt_ += acked;
  // In jiffies (HZ = 1000): nothing changes while the window is the same
  // and HZ / 32 has not passed; the cubic target at most once a jiffy.
  const int64_t jiffy = (now - core::Time::zero()) / core::Milliseconds(1);
  const int64_t last = (last_time_ - core::Time::zero()) / core::Milliseconds(1);
  if (last_cwnd_ == cwnd_ && jiffy - last <= 1000 / 32) return;
  if (!(epoch_ && jiffy == last)) {
    last_cwnd_ = cwnd_;
    last_time_ = now;
    if (!epoch_) {
      epoch_ = true;
      epoch_start_ = now;
      ack_cnt_ = acked;
      tcp_cwnd_ = cwnd_;
      if (last_max_cwnd_ <= cwnd_) {
        k_ = 0;
        origin_ = cwnd_;
      } else {
        k_ = std::cbrt(double(last_max_cwnd_ - cwnd_) / config_.cubic_c);
        origin_ = last_max_cwnd_;
      }
    }
    const double t = (now - epoch_start_ + delay_min_).seconds();
    const double target = origin_ + config_.cubic_c * std::pow(t - k_, 3.0);
    // bic_target is whole segments: cnt = cwnd / (target - cwnd) when the
    // target is above the window, else a very slow 100 x cwnd.
    const double ahead = std::floor(target) - double(cwnd_);
    cnt_ = ahead >= 1 ? static_cast<uint32_t>(double(cwnd_) / ahead) : 100 * cwnd_;
    if (last_max_cwnd_ == 0 && cnt_ > 20) cnt_ = 20;
  }
  // TCP friendliness: the window Reno with beta 0.7 would have, grown by
  // one segment per cwnd x beta_scale / 8 acknowledged.
  const uint32_t delta = std::max<uint32_t>(1, (cwnd_ * beta_scale_) >> 3);
  while (ack_cnt_ > delta) {
    ack_cnt_ -= delta;
    ++tcp_cwnd_;
  }
  if (tcp_cwnd_ > cwnd_) cnt_ = std::min(cnt_, cwnd_ / (tcp_cwnd_ - cwnd_));
  cnt_ = std::max(cnt_, 2u);
}

// bictcp_reset and bictcp_hystart_reset (cubictcp_state on TCP_CA_Loss):
// no epoch, no W_max, no minimum RTT, slow start's exit not yet found.
void TcpSender::cubic_reset(core::Time now) {
  last_max_cwnd_ = 0;
  last_cwnd_ = 0;
  epoch_ = false;
  ack_cnt_ = 0;
  tcp_cwnd_ = 0;
  cnt_ = 0;
  delay_min_ = core::Duration::zero();
  found_ = false;
  hystart_reset(now);
}

void TcpSender::hystart_reset(core::Time now) {
  round_start_ = now;
  last_ack_ = now;
  end_seq_ = snd_nxt_;
  curr_rtt_ = core::Duration::max();
  sample_cnt_ = 0;
}

// hystart_update: slow start ends when the round's ACK train has lasted
// half the minimum RTT (plus the pacing allowance), or when the round's
// first RTT samples rose clearly above the minimum.
void TcpSender::hystart_update(core::Duration delay, core::Time now) {
  if (snd_una_ > end_seq_) hystart_reset(now);
  if (now - last_ack_ <= config_.hystart_ack_delta) {
    last_ack_ = now;
    // hystart_ack_delay: a 64 KB GSO packet's four at the pacing rate
    // (twice cwnd / SRTT in slow start), at most 1 ms.
    core::Duration ack_delay = core::Milliseconds(1);
    if (srtt_ > core::Duration::zero()) {
      const double rate = 2.0 * cwnd_ * config_.mss / srtt_.seconds();
      ack_delay = std::min(ack_delay, core::Duration::from_seconds(65536.0 * 4 / rate));
    }
    if (now - round_start_ > (delay_min_ + ack_delay) / 2) {
      found_ = true;
      ssthresh_ = cwnd_;
      return;
    }
  }
  // The round's minimum RTT, judged once it has enough samples.
  curr_rtt_ = std::min(curr_rtt_, delay);
  if (sample_cnt_ < config_.hystart_min_samples) {
    ++sample_cnt_;
  } else {
    const core::Duration thresh = std::clamp(delay_min_ / 8, config_.hystart_delay_min, config_.hystart_delay_max);
    if (curr_rtt_ > delay_min_ + thresh) {
      found_ = true;
      ssthresh_ = cwnd_;
    }
  }
}

// tcp_set_xmit_timer: in the open state a loss probe 2 SRTT ahead, or
// at the RTO's time if that is sooner (tcp_schedule_loss_probe); else the
// RTO.
void TcpSender::arm_timer(core::Time now) {
  const core::Duration rto = std::min(config_.rto_max, rto_ * (int64_t{1} << std::min<uint32_t>(backoff_, 20)));
  if (config_.tail_loss_probe && !probe_out_ && state_ == State::kOpen && srtt_ > core::Duration::zero() &&
      !sent_.empty()) {
    const core::Duration pto = 2 * srtt_ + (sent_.size() == 1 ? config_.rto_min : config_.tlp_slack);
    timer_at_ = now + std::min(pto, rto);
    timer_kind_ = TimerKind::kProbe;
    return;
  }
  timer_at_ = now + rto;
  timer_kind_ = TimerKind::kRto;
}

void TcpSender::on_timer(core::Time now) {
  if (now < timer_at_ || sent_.empty()) return;
  timer_at_ = core::Time::max();
  if (timer_kind_ == TimerKind::kProbe) {
    probe_due_ = true;  // tcp_send_loss_probe, with the RTO armed behind it
    return;
  }
  if (timer_kind_ == TimerKind::kReorder) {
    // tcp_rack_reo_timeout: what RACK now finds lost starts recovery (a
    // reduction as for one delivered segment) and goes again.
    if (mark_lost(now) > 0 && state_ == State::kOpen) {
      enter_recovery();
      cwnd_reduction(1, false, now);
    }
    if (reo_wait_ > core::Duration::zero()) {
      arm_reo_timer(now);
    } else {
      arm_timer(now);
    }
    return;
  }
  // tcp_retransmit_timer / tcp_enter_loss: every segment not SACKed is
  // lost, the window restarts from one segment, the RTO backs off.
  // ssthresh is cut unless this window was already cut for (recovery
  // not over, or an RTO backing off); CUBIC then starts over (the Loss
  // state's bictcp_reset: no W_max, no minimum RTT) and so does HyStart.
  ++stats_.timeouts;
  if (state_ == State::kOpen || snd_una_ >= high_seq_ || (state_ == State::kLoss && retransmits_ == 0)) {
    on_congestion();
  }
  ++retransmits_;
  cubic_reset(now);
  state_ = State::kLoss;
  high_seq_ = snd_nxt_;
  lost_out_ = 0;
  retrans_out_ = 0;
  for (Sent& s : sent_) {
    s.retrans_out = false;
    s.lost = !s.sacked;
    lost_out_ += s.lost;
  }
  rack_valid_ = false;
  cwnd_cnt_ = 0;
  set_cwnd(1, now);
  ++backoff_;
  arm_timer(now);
}

void TcpSender::reset_stats(core::Time now) {
  stats_ = {};
  stats_.cwnd_max = cwnd_;
  stats_since_ = now;
  cwnd_since_ = now;
}

const TcpSenderStats& TcpSender::stats(core::Time now) {
  set_cwnd(cwnd_, now);
  stats_.measured = now - stats_since_;
  stats_.connections = 1;
  return stats_;
}

}  // namespace viosim::models
