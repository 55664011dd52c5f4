// The plot files of one run, as `viosim plot` and `viosim run --plot` write
// them: each chart of run_charts.h as NAME.png and NAME.svg in one folder.
#pragma once

#include <QSize>
#include <string>
#include <vector>

#include "scenarios/schema/viosim/results.pb.h"

namespace viosim::charts {

inline constexpr QSize kDefaultPlotSize{1100, 700};

// The base names, in the order they are written.
const std::vector<std::string>& run_plot_names();  // latency_cdf, cpu_by_category, mechanisms_per_packet

// Creates `dir` if needed and writes every plot of `summary` into it;
// returns the paths written. Needs a QApplication (headless_qt.h). Throws
// std::runtime_error if a file cannot be written.
std::vector<std::string> write_run_plots(const RunSummary& summary, const std::string& dir,
                                         QSize size = kDefaultPlotSize);

}  // namespace viosim::charts
