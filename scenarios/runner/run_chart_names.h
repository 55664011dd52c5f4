// The charts of one run by name, in the order `viosim plot` writes them
// (NAME.png, NAME.svg) and the GUI's results view shows them, and the two
// latency-by-hop charts with the direction each draws. Here, without Qt,
// so that what names a chart (a lesson's look) can be checked in any
// build.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace viosim {

// BackendResult.hops[].direction: a packet leaving the guest, one reaching it.
inline constexpr std::string_view kGuestToWire = "guest to wire";
inline constexpr std::string_view kWireToGuest = "wire to guest";

struct HopChart {
  std::string_view name;
  std::string_view direction;
};
inline constexpr HopChart kHopCharts[] = {{"latency_hops_to_guest", kWireToGuest},
                                          {"latency_hops_from_guest", kGuestToWire}};

// The direction hop chart `chart` draws; "" for another chart.
inline std::string_view hop_chart_direction(std::string_view chart) {
  for (const HopChart& h : kHopCharts) {
    if (h.name == chart) return h.direction;
  }
  return {};
}

inline const std::vector<std::string>& run_chart_names() {
  static const std::vector<std::string> names = {"latency_cdf", "cpu_by_category", "mechanisms_per_packet",
                                                 std::string(kHopCharts[0].name), std::string(kHopCharts[1].name)};
  return names;
}

}  // namespace viosim
