// The bridge from the command to the chart library, compiled with or
// without Qt (VIOSIM_HAVE_CHARTS), so the CLI builds either way.
#include "cli/plotting.h"

#include <stdexcept>

#ifdef VIOSIM_HAVE_CHARTS
#include "gui/charts/headless_qt.h"
#include "gui/charts/run_plots.h"
#endif

namespace viosim::cli {

#ifdef VIOSIM_HAVE_CHARTS

bool plotting_available() { return true; }

std::vector<std::string> write_plots(const RunSummary& summary, const std::string& dir, PlotSize size) {
  const charts::HeadlessQt qt;
  return charts::write_run_plots(summary, dir, QSize(size.width, size.height));
}

#else

bool plotting_available() { return false; }

std::vector<std::string> write_plots(const RunSummary&, const std::string&, PlotSize) {
  throw std::logic_error(kNoPlotting);
}

#endif

}  // namespace viosim::cli
