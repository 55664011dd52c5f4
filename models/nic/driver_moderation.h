// The NIC driver classes a host NIC can have, what each accepts (line
// rates, ethtool -C settings) and the interrupt moderation each gives a
// queue pair with its defaults (Linux 6.1): one place that the scenario
// loader checks against and the builder builds from, so the host NIC, a VF
// and the bare-metal NIC of one class moderate alike.
#pragma once

#include <cstdint>
#include <string_view>

#include "models/nic/interrupt_moderation.h"
#include "sim-core/time.h"

namespace viosim::models {

enum class NicDriverKind : uint8_t { kIxgbe, kI40e, kIce, kMlx5 };

struct NicDriverFacts {
  std::string_view driver;  // the Linux module
  std::string_view nics;    // the NICs it drives
  double max_gbps;          // the fastest port of the class
  // ethtool -C without adaptive moderation.
  uint32_t min_usecs;  // below it (but 0) the driver refuses
  uint32_t max_usecs;
  bool frame_threshold;     // rx-frames is supported
  uint32_t default_usecs;   // the interval before any adaptation
  uint32_t default_frames;  // 0: none
  // The tx side's defaults where the driver keeps its own (mlx5 tx CQs).
  uint32_t default_tx_usecs;
  uint32_t default_tx_frames;
};
const NicDriverFacts& nic_driver_facts(NicDriverKind kind);

// A queue pair's ethtool -C settings. Without adaptive, `usecs` and
// `frames` are the rx side's and `tx_usecs`, `tx_frames` the tx side's.
struct NicCoalescing {
  bool adaptive = true;
  core::Duration usecs = core::Microseconds(50);
  uint32_t frames = 0;
  // The tx side when the scenario set neither (the driver's own).
  core::Duration tx_usecs = core::Microseconds(50);
  uint32_t tx_frames = 0;
  uint32_t link_speed_mbps = 10000;
  core::Duration jiffy = core::Milliseconds(4);  // the host's 1/HZ
  // A VF's queue pair, driven by the class's VF driver in the guest
  // (ixgbevf, iavf, mlx5_core): ixgbevf still runs ixgbe's older
  // latency-range ITR; iavf runs i40e's algorithm, mlx5_core its own.
  bool vf = false;
};
// Throws std::invalid_argument for settings the driver refuses.
InterruptModerationConfig driver_moderation(NicDriverKind kind, const NicCoalescing& c);

}  // namespace viosim::models
