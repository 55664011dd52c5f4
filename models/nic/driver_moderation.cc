// Each class's moderation, from its driver's sources: ixgbe_main.c and
// ixgbe_ethtool.c, i40e_txrx.c and i40e_ethtool.c, mlx5 en_main.c and
// en_ethtool.c (Linux 6.1).
#include "models/nic/driver_moderation.h"

#include <stdexcept>
#include <string>

namespace viosim::models {

const NicDriverFacts& nic_driver_facts(NicDriverKind kind) {
  // ixgbe: rx-usecs 1 selects the adaptive ITR, above 1 the EITR (at most
  // IXGBE_MAX_EITR >> 2 = 1022 us); no rx-frames. The vector starts at
  // IXGBE_20K_ITR (50 us).
  static constexpr NicDriverFacts kIxgbe{"ixgbe", "Intel 82599, X520, X540, X550", 10, 2, 1022, false, 50, 0};
  // i40e: ITRs in usecs at a 2 us grain up to I40E_MAX_ITR (4080 us); no
  // rx-frames; rx and tx start at I40E_ITR_20K (50 us), dynamic.
  static constexpr NicDriverFacts kI40e{"i40e", "Intel X710, XXV710, XL710", 40, 0, 4080, false, 50, 0};
  // mlx5e: rx CQs count from the CQE where the device can (ConnectX parts
  // do), at MLX5E_PARAMS_DEFAULT_RX_CQ_MODERATION_USEC_FROM_CQE (8 us) and
  // _PKTS (0x20); the CQ fields are 12 and 16 bits wide.
  static constexpr NicDriverFacts kMlx5{"mlx5_core", "NVIDIA ConnectX-4 to ConnectX-7", 400, 0, 4095, true, 8, 32};
  switch (kind) {
    case NicDriverKind::kIxgbe:
      return kIxgbe;
    case NicDriverKind::kI40e:
      return kI40e;
    case NicDriverKind::kMlx5:
      return kMlx5;
  }
  throw std::invalid_argument("unknown NIC driver class");
}

InterruptModerationConfig driver_moderation(NicDriverKind kind, const NicCoalescing& c) {
  const NicDriverFacts& facts = nic_driver_facts(kind);
  const int64_t usecs = c.usecs.ps() / core::Microseconds(1).ps();
  if (!c.adaptive) {
    if (usecs != 0 && (usecs < facts.min_usecs || usecs > facts.max_usecs)) {
      throw std::invalid_argument(std::string(facts.driver) + " takes rx-usecs 0, or " +
                                  std::to_string(facts.min_usecs) + " to " + std::to_string(facts.max_usecs));
    }
    if (c.frames != 0 && !facts.frame_threshold) {
      throw std::invalid_argument(std::string(facts.driver) + " has no rx-frames threshold");
    }
  }
  InterruptModerationConfig m;
  switch (kind) {
    case NicDriverKind::kIxgbe:
      m.mode = ModerationMode::kIxgbe;
      m.ixgbe.algorithm = c.adaptive ? IxgbeItrAlgorithm::kAdaptive : IxgbeItrAlgorithm::kStatic;
      m.ixgbe.rx_usecs = c.usecs;
      m.ixgbe.link_speed_mbps = c.link_speed_mbps;
      m.ixgbe.jiffy = c.jiffy;
      break;
    case NicDriverKind::kI40e:
      m.mode = ModerationMode::kI40e;
      m.i40e.adaptive = c.adaptive;
      m.i40e.usecs = c.usecs;
      m.i40e.link_speed_mbps = c.link_speed_mbps;
      m.i40e.jiffy = c.jiffy;
      break;
    case NicDriverKind::kMlx5:
      if (c.adaptive) {
        // rx DIM counting from the CQE (where the device can, as ConnectX
        // parts do), tx DIM from the EQE.
        m.mode = ModerationMode::kNetDim;
        m.dim.mode = DimPeriodMode::kStartFromCqe;
        m.dim.tx_mode = DimPeriodMode::kStartFromEqe;
      } else {
        m.mode = ModerationMode::kFixed;
        m.fixed = CoalesceParams{c.usecs, c.frames, CoalesceTimer::kRestartOnFrame};
        m.fixed_tx_timer = CoalesceTimer::kFromFirstFrame;
      }
      break;
  }
  return m;
}

}  // namespace viosim::models
