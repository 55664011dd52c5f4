// What the guest stack needs from a network device driver: a transmit entry
// point, called in guest kernel context inside a vCPU task. Received packets
// go the other way, through GuestOs::deliver from the driver's NAPI poll.
#pragma once

#include <cstdint>

#include "models/host/host_thread.h"

namespace viosim::models {

class VCpu;

class GuestNetDevice {
 public:
  virtual ~GuestNetDevice() = default;
  // Sends one packet from `cpu` (the CPU whose task or softirq sends it:
  // the driver's work runs there); `more` is xmit_more (another follows at
  // once).
  virtual void xmit(VCpu& cpu, uint32_t packet, bool more, Continuation k) = 0;
};

}  // namespace viosim::models
