// A Linux TCP connection's settings, with the kernel's defaults (Linux 6.x:
// include/net/tcp.h, net/ipv4/tcp_cubic.c, tcp_sk_init in tcp_ipv4.c,
// tcp_init in tcp.c). The model's sequence numbers count payload bytes and
// never wrap.
#pragma once

#include <algorithm>
#include <cstdint>

#include "sim-core/time.h"

namespace viosim::models {

struct TcpConfig {
  // Payload of a full-size segment: the MTU less IPv4 (20), TCP (20) and
  // the timestamp option (12) that Linux sends by default.
  uint32_t mss = 1448;
  uint32_t initial_cwnd = 10;  // TCP_INIT_CWND (RFC 6928)
  uint32_t dupthresh = 3;      // TCP_FASTRETRANS_THRESH: SACKed segments above a hole that mark it lost
  bool nodelay = false;        // TCP_NODELAY: no Nagle test (tcp_nagle_test's TCP_NAGLE_OFF)
  // RTO (RFC 6298 as Linux computes it: SRTT + max(4 RTTVAR, rto_min)).
  core::Duration rto_initial = core::Milliseconds(1000);  // TCP_TIMEOUT_INIT
  core::Duration rto_min = core::Milliseconds(200);       // TCP_RTO_MIN
  core::Duration rto_max = core::Milliseconds(120'000);   // TCP_RTO_MAX
  // net.ipv4.tcp_slow_start_after_idle: new data after more than an RTO
  // with nothing out restarts from the initial window, halved per further
  // RTO idle, never below it (tcp_cwnd_restart, RFC 2861's restart; its
  // decay of an application-limited window, tcp_cwnd_application_limited,
  // is not modelled).
  bool slow_start_after_idle = true;
  // Tail loss probe (tcp_early_retrans = 3): 2 SRTT plus TCP_TIMEOUT_MIN
  // (2 jiffies at HZ = 1000), plus TCP_RTO_MIN with one segment out.
  bool tail_loss_probe = true;
  core::Duration tlp_slack = core::Milliseconds(2);
  // Delayed ACKs: ATO_MIN = DELACK_MIN = HZ/25, DELACK_MAX = HZ/5; quick
  // ACKs after the start, an idle period or out-of-order data.
  core::Duration delack_min = core::Milliseconds(40);
  core::Duration delack_max = core::Milliseconds(200);
  uint32_t max_quickacks = 16;  // TCP_MAX_QUICKACKS
  // SACK compression (net.ipv4.tcp_comp_sack_nr, tcp_comp_sack_delay_ns).
  uint32_t comp_sack_nr = 44;
  core::Duration comp_sack_delay = core::Milliseconds(1);
  // Buffers (net.ipv4.tcp_rmem / tcp_wmem: default and max, bytes).
  uint64_t rmem_default = 131'072;
  uint64_t rmem_max = 6'291'456;
  uint64_t wmem_max = 4'194'304;
  // The window offered at the start (tcp_select_initial_window since
  // Linux 4.20): the initial buffer's window (half of tcp_rmem[1]) in whole
  // segments, at most 65535 bytes (about 64 KB: 45 segments).
  uint32_t initial_rcv_wnd() const {
    const uint64_t space = rmem_default / 2;
    return static_cast<uint32_t>(std::min<uint64_t>(space - space % mss, 65'535));
  }
  // The receive window's scale (tcp_select_initial_window: 65535 shifted
  // by it covers tcp_rmem[2]); windows are whole units of 2^rcv_wscale.
  uint32_t rcv_wscale = 7;
  // CUBIC (tcp_cubic.c): beta 717/1024, bic_scale 41 (C = 41 x 10 / 1024),
  // fast convergence and TCP friendliness on; HyStart's ACK train and
  // delay detection from a window of 16 segments.
  double cubic_beta = 717.0 / 1024.0;
  double cubic_c = 41.0 * 10.0 / 1024.0;
  bool hystart = true;
  uint32_t hystart_low_window = 16;
  core::Duration hystart_ack_delta = core::Microseconds(2000);
  core::Duration hystart_delay_min = core::Milliseconds(4);
  core::Duration hystart_delay_max = core::Milliseconds(16);
  uint32_t hystart_min_samples = 8;
};

// What a segment or ACK carries in its TCP header, as far as the model
// needs: payload sequence range, cumulative ACK, advertised window and up to
// three SACK blocks (Linux sends three beside the timestamp option), kept
// as offsets above `ack`.
struct TcpHeader {
  uint64_t seq = 0;  // first payload byte
  uint64_t ack = 0;  // next byte the receiver expects
  uint32_t len = 0;  // payload bytes (0: a pure ACK)
  // GRO's segment size for an skb it merged (skb_shinfo()->gso_size): the
  // payload of each segment but the last. 0: one segment.
  uint32_t gso_size = 0;
  uint32_t wnd = 0;  // advertised receive window, bytes
  struct Sack {
    uint32_t start = 0;  // [ack + start, ack + end)
    uint32_t end = 0;
  };
  Sack sack[3];
  uint8_t sacks = 0;
  bool retransmit = false;  // a segment sent again (not counted as new data)
};

}  // namespace viosim::models
