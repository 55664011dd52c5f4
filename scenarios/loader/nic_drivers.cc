#include "scenarios/loader/nic_drivers.h"

#include <cmath>

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

models::NicCoalescing coalescing_of(const viosim::Nic& nic) {
  const models::NicDriverFacts& facts = models::nic_driver_facts(driver_kind(nic.driver()));
  const viosim::Coalescing& c = nic.coalescing();
  models::NicCoalescing out;
  out.adaptive = c.adaptive();
  out.usecs = core::Microseconds(c.has_rx_usecs() ? c.rx_usecs() : facts.default_usecs);
  out.frames = c.has_rx_frames() ? c.rx_frames() : facts.default_frames;
  out.tx_usecs = core::Microseconds(c.has_rx_usecs() ? c.rx_usecs() : facts.default_tx_usecs);
  out.tx_frames = c.has_rx_frames() ? c.rx_frames() : facts.default_tx_frames;
  // A rate outside the schema's range (nan, inf) is refused by the range
  // check; this reads it only while the other checks of the same file run.
  const double gbps = nic.line_rate_gbps();
  out.link_speed_mbps = std::isfinite(gbps) && gbps > 0 && gbps <= 1e6 ? static_cast<uint32_t>(gbps * 1000) : 0;
  return out;
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
  const models::NicCoalescing settings = coalescing_of(nic);
  if (settings.adaptive) return;  // the no-effect warnings cover rx_usecs and rx_frames
  const int64_t usecs = settings.usecs.ps() / core::Microseconds(1).ps();
  if (usecs != 0 && (usecs < facts.min_usecs || usecs > facts.max_usecs)) {
    std::string why = who + " takes rx-usecs " +
                      (facts.min_usecs > 0 ? "0 or " + std::to_string(facts.min_usecs) : "0") + "-" +
                      std::to_string(facts.max_usecs) + ", not " + std::to_string(usecs);
    if (nic.driver() == viosim::IXGBE && usecs == 1) why += " (ixgbe reads 1 as its adaptive ITR: set adaptive: true)";
    issues->push_back({path + ".coalescing.rx_usecs", why});
  }
  if (settings.frames != 0 && !facts.frame_threshold) {
    issues->push_back({path + ".coalescing.rx_frames", who + " has no frame threshold (ethtool -C rx-frames is "
                                                             "refused); set rx_frames: 0 or use the MLX5 class"});
  }
}

}  // namespace viosim::scenarios
