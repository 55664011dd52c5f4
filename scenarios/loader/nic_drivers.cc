#include "scenarios/loader/nic_drivers.h"

#include "scenarios/schema/field_options.h"

namespace viosim::scenarios {

models::NicDriverKind driver_kind(viosim::NicDriver driver) {
  switch (driver) {
    case viosim::IXGBE:
      return models::NicDriverKind::kIxgbe;
    case viosim::I40E:
      return models::NicDriverKind::kI40e;
    case viosim::ICE:
      return models::NicDriverKind::kIce;
    case viosim::MLX5:
      return models::NicDriverKind::kMlx5;
  }
  return models::NicDriverKind::kIxgbe;
}

uint32_t rx_usecs_of(const viosim::Nic& nic) {
  return nic.coalescing().has_rx_usecs() ? nic.coalescing().rx_usecs()
                                         : models::nic_driver_facts(driver_kind(nic.driver())).default_usecs;
}

uint32_t tx_usecs_of(const viosim::Nic& nic) {
  return nic.coalescing().has_rx_usecs() ? nic.coalescing().rx_usecs()
                                         : models::nic_driver_facts(driver_kind(nic.driver())).default_tx_usecs;
}

uint32_t tx_frames_of(const viosim::Nic& nic) {
  return nic.coalescing().has_rx_frames() ? nic.coalescing().rx_frames()
                                          : models::nic_driver_facts(driver_kind(nic.driver())).default_tx_frames;
}

uint32_t rx_frames_of(const viosim::Nic& nic) {
  return nic.coalescing().has_rx_frames() ? nic.coalescing().rx_frames()
                                          : models::nic_driver_facts(driver_kind(nic.driver())).default_frames;
}

void check_nic_driver(const viosim::Nic& nic, const std::string& path, Issues* issues) {
  const models::NicDriverFacts& facts = models::nic_driver_facts(driver_kind(nic.driver()));
  const std::string who =
      "nic \"" + nic.name() + "\" (" + std::string(facts.driver) + ": " + std::string(facts.nics) + ")";
  if (nic.line_rate_gbps() > facts.max_gbps) {
    issues->push_back({path + ".line_rate_gbps",
                       who + " has ports of at most " + schema::format_number(facts.max_gbps) + " Gb/s, not " +
                           schema::format_number(nic.line_rate_gbps()) + "; pick a driver class that drives it"});
  }
  const viosim::Coalescing& c = nic.coalescing();
  if (c.adaptive()) return;  // the no-effect warnings cover rx_usecs and rx_frames
  const uint32_t usecs = rx_usecs_of(nic);
  if (usecs != 0 && (usecs < facts.min_usecs || usecs > facts.max_usecs)) {
    std::string why = who + " takes rx-usecs " +
                      (facts.min_usecs > 0 ? "0 or " + std::to_string(facts.min_usecs) : "0") + "-" +
                      std::to_string(facts.max_usecs) + ", not " + std::to_string(usecs);
    if (nic.driver() == viosim::IXGBE && usecs == 1) why += " (ixgbe reads 1 as its adaptive ITR: set adaptive: true)";
    issues->push_back({path + ".coalescing.rx_usecs", why});
  }
  if (rx_frames_of(nic) != 0 && !facts.frame_threshold) {
    issues->push_back({path + ".coalescing.rx_frames", who + " has no frame threshold (ethtool -C rx-frames is "
                                                             "refused); set rx_frames: 0 or use the MLX5 class"});
  }
}

}  // namespace viosim::scenarios
