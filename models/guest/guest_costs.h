// What the guest kernel and applications spend per operation, in guest
// cycles (the host core's clock). Host-profile data; the defaults are
// orders of magnitude for a Linux 6.x guest on a ~3 GHz Xeon.
#pragma once

#include "sim-core/clock.h"

namespace viosim::models {

struct GuestCosts {
  core::Cycles app_send{1'500};      // application: build and hand a message to sendto()
  core::Cycles app_receive{1'500};   // application: recvfrom() returns, consume the message
  core::Cycles socket_syscall{400};  // guest system call entry and exit
  core::Cycles udp_tx{2'500};        // socket -> UDP/IP -> qdisc -> driver
  core::Cycles udp_rx{2'500};        // netif_receive_skb -> IP -> UDP -> socket queue
  core::Cycles app_wakeup{2'000};    // scheduler: wake the task blocked in recvfrom
  core::Cycles irq_entry{700};       // interrupt entry and exit, vring_interrupt / driver ISR
  core::Cycles napi_poll{400};       // one NAPI poll call and its completion
  core::Cycles driver_tx_packet{700};      // start_xmit: header, add the buffer
  core::Cycles driver_tx_free{150};        // reclaiming one sent buffer
  core::Cycles driver_rx_packet{600};      // receive_buf: one used buffer to an skb
  core::Cycles driver_rx_refill{200};      // posting one receive buffer
};

}  // namespace viosim::models
