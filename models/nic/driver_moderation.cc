// Each class's moderation, from its driver's sources: ixgbe_main.c and
// ixgbe_ethtool.c (ixgbevf_main.c for its VFs), i40e_txrx.c and
// i40e_ethtool.c (iavf_txrx.c, the same algorithm), mlx5 en_main.c and
// en_ethtool.c (Linux 6.1).
#include "models/nic/driver_moderation.h"

#include <stdexcept>
#include <string>

namespace viosim::models {

const NicDriverFacts& nic_driver_facts(NicDriverKind kind) {
  // ixgbe: rx-usecs 1 selects the adaptive ITR, above 1 the EITR (at most
  // IXGBE_MAX_EITR >> 2 = 1022 us); no rx-frames. The vector starts at
  // IXGBE_20K_ITR (50 us).
  static constexpr NicDriverFacts kIxgbe{"ixgbe", "Intel 82599, X520, X540, X550", 10, 2, 1022, false, 50, 0, 50, 0};
  // i40e: ITRs in usecs at a 2 us grain up to I40E_MAX_ITR (8160 us); no
  // rx-frames; rx and tx start at I40E_ITR_20K (50 us), dynamic.
  static constexpr NicDriverFacts kI40e{"i40e", "Intel X710, XXV710, XL710", 40, 0, 8160, false, 50, 0, 50, 0};
  // ice: ICE_DFLT_RX_ITR / ICE_DFLT_TX_ITR (ICE_ITR_20K, 50 us) up to
  // ICE_ITR_MAX (8160 us) at a 2 us grain; no rx-frames.
  static constexpr NicDriverFacts kIce{"ice", "Intel E810", 100, 0, 8160, false, 50, 0, 50, 0};
  // mlx5e: rx CQs count from the CQE where the device can (ConnectX parts
  // do): MLX5E_PARAMS_DEFAULT_RX_CQ_MODERATION_USEC_FROM_CQE (3 us) and
  // _PKTS (0x20); tx CQs from the EQE, _TX_CQ_MODERATION_USEC (16 us) and
  // _PKTS (0x20). The CQ fields are 12 and 16 bits wide.
  static constexpr NicDriverFacts kMlx5{"mlx5_core", "NVIDIA ConnectX-4 to ConnectX-7", 400, 0, 4095, true, 3, 32, 16,
                                        32};
  switch (kind) {
    case NicDriverKind::kIxgbe:
      return kIxgbe;
    case NicDriverKind::kI40e:
      return kI40e;
    case NicDriverKind::kIce:
      return kIce;
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
      m.ixgbe.algorithm = !c.adaptive ? IxgbeItrAlgorithm::kStatic
                          : c.vf      ? IxgbeItrAlgorithm::kLatencyRange  // ixgbevf_update_itr
                                      : IxgbeItrAlgorithm::kAdaptive;
      m.ixgbe.rx_usecs = c.usecs;
      m.ixgbe.link_speed_mbps = c.link_speed_mbps;
      m.ixgbe.jiffy = c.jiffy;
      break;
    case NicDriverKind::kI40e:
      m.mode = ModerationMode::kI40e;
      m.tx_report_stride = 4;  // WB_STRIDE, in i40e_tx_map and iavf_tx_map alike
      m.i40e.adaptive = c.adaptive;
      m.i40e.usecs = c.usecs;
      m.i40e.link_speed_mbps = c.link_speed_mbps;
      m.i40e.jiffy = c.jiffy;
      break;
    case NicDriverKind::kIce:
      m.mode = ModerationMode::kIce;
      m.ice.adaptive = c.adaptive;
      m.ice.usecs = c.usecs;
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
        m.fixed_tx = CoalesceParams{c.tx_usecs, c.tx_frames, CoalesceTimer::kFromFirstFrame};
      }
      break;
  }
  return m;
}

}  // namespace viosim::models
