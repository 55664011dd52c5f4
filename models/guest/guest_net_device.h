// What the guest stack needs from a network device driver: a transmit entry
// point, called in guest kernel context inside a vCPU task. Received packets
// go the other way, through GuestOs::deliver from the driver's NAPI poll.
#pragma once

#include <cstdint>
#include <stdexcept>

#include "models/host/host_thread.h"
#include "models/net/netdev_tx_queue.h"

namespace viosim::models {

class VCpu;

class GuestNetDevice {
 public:
  virtual ~GuestNetDevice() = default;
  // Sends one packet from `cpu` (the CPU whose task or softirq sends it:
  // the driver's work runs there); `more` is xmit_more (another follows at
  // once).
  virtual void xmit(VCpu& cpu, uint32_t packet, bool more, Continuation k) = 0;
  // The qdisc and BQL of its transmit queue (netdev_tx_queue.h); until
  // set, pfifo_fast of 1000 packets without BQL.
  virtual void configure_tx(const TxQueueSetup& setup) = 0;
  // NETIF_F_TSO: it takes a TCP skb of up to 64 KB whole and cuts it into
  // frames itself (or its device model does); otherwise the stack's GSO
  // cuts it before the driver (validate_xmit_skb).
  virtual bool tso() const = 0;
  // Its queue tells `owner` of each TCP data skb it frees (the sockets'
  // destructors, which TCP Small Queues wait on).
  virtual void track_skbs(SkbOwner& owner) = 0;

  // Busy polling (sk_busy_loop, from a receive in task context on `cpu`):
  // busy_poll_own() takes the RX NAPI unless its softirq holds it (then
  // the caller spins and asks again); busy_poll() runs one poll of
  // BUSY_POLL_BUDGET packets, leaving the device's interrupt off
  // (napi_complete_done refuses while busy polling); busy_poll_stop() runs
  // the last poll, which completes the NAPI as a softirq poll would and
  // gives it back. While it is owned, the device pokes the polling vCPU
  // when it publishes received packets. Every driver here has them; the
  // default is for devices without a NAPI (the host process's).
  virtual bool busy_poll_own(VCpu& /*cpu*/) { throw std::logic_error("busy polling on a device without it"); }
  virtual void busy_poll(VCpu& /*cpu*/, Continuation /*k*/) {}
  virtual void busy_poll_stop(VCpu& /*cpu*/, Continuation /*k*/) {}
  // Received packets are waiting for the next poll.
  virtual bool busy_poll_ready() const { return false; }
};

}  // namespace viosim::models
