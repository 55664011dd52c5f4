// Each NIC driver class builds the moderation its driver runs, and refuses
// the ethtool -C settings its driver refuses.
#include "models/nic/driver_moderation.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace viosim::models {
namespace {

using core::Microseconds;

TEST(DriverModerationTest, AdaptiveIsEachDriversOwnAlgorithm) {
  const NicCoalescing adaptive;
  EXPECT_EQ(driver_moderation(NicDriverKind::kIxgbe, adaptive).mode, ModerationMode::kIxgbe);
  EXPECT_EQ(driver_moderation(NicDriverKind::kIxgbe, adaptive).ixgbe.algorithm, IxgbeItrAlgorithm::kAdaptive);
  EXPECT_EQ(driver_moderation(NicDriverKind::kI40e, adaptive).mode, ModerationMode::kI40e);
  EXPECT_TRUE(driver_moderation(NicDriverKind::kI40e, adaptive).i40e.adaptive);
  const InterruptModerationConfig mlx5 = driver_moderation(NicDriverKind::kMlx5, adaptive);
  EXPECT_EQ(mlx5.mode, ModerationMode::kNetDim);
  EXPECT_EQ(mlx5.dim.mode, DimPeriodMode::kStartFromCqe);
  EXPECT_EQ(mlx5.dim.tx_mode, DimPeriodMode::kStartFromEqe);
}

TEST(DriverModerationTest, FixedSettingsMeanWhatTheDriverMakesOfThem) {
  NicCoalescing fixed;
  fixed.adaptive = false;
  fixed.usecs = Microseconds(30);
  const InterruptModerationConfig ixgbe = driver_moderation(NicDriverKind::kIxgbe, fixed);
  EXPECT_EQ(ixgbe.ixgbe.algorithm, IxgbeItrAlgorithm::kStatic);  // the EITR, a least gap
  EXPECT_EQ(ixgbe.ixgbe.rx_usecs, Microseconds(30));
  EXPECT_FALSE(driver_moderation(NicDriverKind::kI40e, fixed).i40e.adaptive);
  fixed.frames = 8;
  const InterruptModerationConfig mlx5 = driver_moderation(NicDriverKind::kMlx5, fixed);
  EXPECT_EQ(mlx5.mode, ModerationMode::kFixed);  // a CQ timer and a frame count
  EXPECT_EQ(mlx5.fixed.rx_frames, 8u);
  EXPECT_THROW(driver_moderation(NicDriverKind::kI40e, fixed), std::invalid_argument);  // no rx-frames
  fixed.frames = 0;
  fixed.usecs = Microseconds(1);  // ixgbe's adaptive switch
  EXPECT_THROW(driver_moderation(NicDriverKind::kIxgbe, fixed), std::invalid_argument);
  fixed.usecs = Microseconds(1023);
  EXPECT_THROW(driver_moderation(NicDriverKind::kIxgbe, fixed), std::invalid_argument);
}

TEST(DriverModerationTest, FactsNameTheClassesLimits) {
  EXPECT_EQ(nic_driver_facts(NicDriverKind::kIxgbe).max_gbps, 10);
  EXPECT_EQ(nic_driver_facts(NicDriverKind::kI40e).max_gbps, 40);
  EXPECT_EQ(nic_driver_facts(NicDriverKind::kIce).max_gbps, 100);
  EXPECT_EQ(driver_moderation(NicDriverKind::kIce, NicCoalescing{}).mode, ModerationMode::kIce);
  EXPECT_FALSE(nic_driver_facts(NicDriverKind::kI40e).frame_threshold);
  EXPECT_TRUE(nic_driver_facts(NicDriverKind::kMlx5).frame_threshold);
}

}  // namespace
}  // namespace viosim::models
