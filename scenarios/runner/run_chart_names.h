// The charts of one run by name, in the order `viosim plot` writes them
// (NAME.png, NAME.svg) and the GUI's results view shows them. Here, without
// Qt, so that what names a chart (a lesson's look) can be checked in any
// build.
#pragma once

#include <string>
#include <vector>

namespace viosim {

inline const std::vector<std::string>& run_chart_names() {
  static const std::vector<std::string> names = {"latency_cdf", "cpu_by_category", "mechanisms_per_packet",
                                                 "latency_hops_to_guest", "latency_hops_from_guest"};
  return names;
}

}  // namespace viosim
