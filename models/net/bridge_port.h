// A tap's port on the host's Linux bridge, as the backend that writes the
// guest's frames into the tap sees it. tun_get_user hands each frame to
// the bridge in the writing thread, which forwards it in the same call:
// out of the host NIC, or into the tap of a VM on this host. The writer
// charges the forwarding with its own work (`cost`: the bridge and the
// output device), then hands the frame on (`forward`, with the tap queue
// it was written to and the thread that wrote it).
#pragma once

#include <cstdint>
#include <functional>

#include "models/host/host_thread.h"
#include "sim-core/clock.h"

namespace viosim::models {

struct BridgePort {
  std::function<core::Cycles(uint32_t packet)> cost;
  std::function<void(uint32_t packet, uint32_t queue, HostThread& by)> forward;
};

}  // namespace viosim::models
