// Per-packet costs of the host network stack and the copy bandwidth: the
// host NIC driver and NAPI, tap in both directions (the switch between
// them: kernel_switch.h). Host-profile
// data; defaults are section 10 orders of magnitude for a ~3 GHz Xeon.
#pragma once

#include <cstdint>

#include "sim-core/clock.h"
#include "sim-core/mul_div.h"

namespace viosim::models {

struct HostNetCosts {
  core::Cycles nic_irq{1'500};           // hard IRQ handler: mask, napi_schedule
  core::Cycles napi_poll{400};           // one NAPI poll call and its completion
  core::Cycles nic_rx_packet{900};       // driver RX: descriptor, skb, netif_receive_skb
  core::Cycles tun_xmit_packet{600};     // tun_net_xmit: ptr_ring produce, wake the reader
  core::Cycles tun_get_user_packet{1'200};  // guest TX entering the host stack from tap
  core::Cycles nic_xmit_packet{900};     // dev_queue_xmit, qdisc, driver, doorbell
  core::Cycles nic_tx_clean_packet{300};  // NAPI reclaiming a sent frame: unmap, free the skb, BQL
  core::Cycles rps_enqueue{400};          // get_rps_cpu and enqueue_to_backlog on the polling core
  core::Cycles gro_segment{300};          // napi_gro_receive's work on one TCP segment (as the guest's)
  core::Cycles gso_segment{500};          // skb_segment: one segment's skb and headers, for a device without TSO
  uint64_t copy_bytes_per_s = 10'000'000'000;  // memcpy, DRAM-resident
  // Copy cost of `bytes` at the copy bandwidth, in cycles of `clock`.
  core::Cycles copy(uint32_t bytes, const core::Clock& clock) const {
    return clock.to_cycles(
        core::Duration::from_ps(static_cast<int64_t>(core::mul_div_floor(bytes, 1'000'000'000'000, copy_bytes_per_s))));
  }
};

}  // namespace viosim::models
