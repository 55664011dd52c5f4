// What the guest kernel and applications spend per operation, in guest
// cycles (the host core's clock). Host-profile data; the defaults are
// orders of magnitude for a Linux 6.x guest on a ~3 GHz Xeon.
#pragma once

#include "sim-core/clock.h"
#include "sim-core/mul_div.h"
#include "sim-core/time.h"

namespace viosim::models {

struct GuestCosts {
  core::Cycles app_send{1'500};      // application: build and hand a message to sendto()
  core::Cycles app_receive{1'500};   // application: recvfrom() returns, consume the message
  core::Cycles socket_syscall{400};  // guest system call entry and exit
  core::Cycles udp_tx{2'500};        // socket -> UDP/IP -> qdisc -> driver
  core::Cycles udp_rx{2'500};        // netif_receive_skb -> IP -> UDP -> socket queue
  core::Cycles tcp_rx{3'000};        // netif_receive_skb -> IP -> TCP -> socket queue, per skb
  core::Cycles tcp_ack{1'800};       // tcp_send_ack: a pure ACK down to the driver
  core::Cycles gro{300};             // napi_gro_receive's work on one TCP segment
  core::Cycles tcp_tx{3'000};        // tcp_transmit_skb -> IP -> qdisc -> driver, per skb
  core::Cycles gso_segment{600};     // skb_segment's work on one segment (software GSO)
  uint64_t copy_bytes_per_s = 10'000'000'000;  // copying to and from user memory
  core::Cycles ip_forward{2'500};    // netif_receive_skb -> IP -> route -> ip_forward -> dev_queue_xmit
  core::Cycles app_wakeup{2'000};    // scheduler: wake the task blocked in recvfrom
  core::Cycles irq_entry{700};       // interrupt entry and exit, vring_interrupt / driver ISR
  core::Cycles napi_poll{400};       // one NAPI poll call and its completion
  core::Cycles driver_tx_packet{700};      // start_xmit: header, add the buffer
  core::Cycles driver_tx_free{150};        // reclaiming one sent buffer
  core::Cycles driver_rx_packet{600};      // receive_buf: one used buffer to an skb
  core::Cycles driver_rx_refill{200};      // posting one receive buffer
  core::Cycles driver_rx_buffer{150};      // receive_mergeable / receive_big: one more buffer or page into the skb
  core::Cycles page_alloc{300};            // a page from the allocator (alloc_page's per-CPU list)
  core::Cycles rps_enqueue{300};           // get_rps_cpu and enqueue_to_backlog (RPS / RFS steering)
  core::Cycles mmio_write{200};            // a posted write to a device register (a doorbell mapped into the guest)
  // Copy cost of `bytes` to or from user memory, in cycles of `clock`.
  core::Cycles copy(uint64_t bytes, const core::Clock& clock) const {
    return clock.to_cycles(
        core::Duration::from_ps(static_cast<int64_t>(core::mul_div_floor(bytes, 1'000'000'000'000, copy_bytes_per_s))));
  }
};

// A guest socket's receive buffer: a limit, not a cost. Each queued
// datagram is charged its skb's truesize (the driver's receive buffer plus
// the sk_buff, SKB_DATA_ALIGN(sizeof(struct sk_buff)) = 256 B on x86-64),
// and a datagram arriving while the charge is above sk_rcvbuf is dropped
// (__udp_enqueue_schedule_skb; UDP RcvbufErrors).
struct SocketConfig {
  uint64_t rcvbuf_bytes = 212'992;  // net.core.rmem_default
  uint32_t truesize = 1'536 + 256;  // a virtio-net mergeable buffer for a 1500-byte MTU
  // SO_BUSY_POLL / net.core.busy_read: how long a receive that finds its
  // socket empty polls the device's NAPI before it sleeps (0: it sleeps).
  core::Duration busy_poll = core::Duration::zero();
};

}  // namespace viosim::models
