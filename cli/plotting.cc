// The bridge from the command to the chart library, compiled with or
// without Qt (VIOSIM_HAVE_CHARTS), so the CLI builds either way.
#include "cli/plotting.h"

#include <stdexcept>

#ifdef VIOSIM_HAVE_CHARTS
#include "gui/charts/headless_qt.h"
#include "gui/charts/heatmap_chart.h"
#include "gui/charts/plan_charts.h"
#include "gui/charts/run_plots.h"
#include "gui/charts/sweep_charts.h"
#endif

namespace viosim::cli {

#ifdef VIOSIM_HAVE_CHARTS

bool plotting_available() { return true; }

std::vector<std::string> write_plots(const RunSummary& summary, const std::string& dir, PlotSize size) {
  const charts::HeadlessQt qt;
  return charts::write_run_plots(summary, dir, QSize(size.width, size.height));
}

std::vector<std::string> write_sweep_plots(const std::string& aggregate_csv, const std::string& dir, PlotSize size) {
  const charts::HeadlessQt qt;
  std::vector<std::string> files =
      charts::write_sweep_plots(charts::read_sweep_aggregate(aggregate_csv), dir, size.width, size.height);
  // Two axes: a heatmap per backend too (a density matrix).
  if (const auto matrix = charts::read_sweep_matrix(aggregate_csv)) {
    const std::vector<std::string> more = charts::write_sweep_heatmaps(*matrix, dir, size.width, size.height);
    files.insert(files.end(), more.begin(), more.end());
  }
  return files;
}

std::vector<std::string> write_search_plots(const std::string& search_csv, const std::string& dir, PlotSize size) {
  const charts::HeadlessQt qt;
  return charts::write_search_plots(charts::read_search_table(search_csv), dir, size.width, size.height);
}

std::vector<std::string> write_plan_plots(const PlanReport& report, const std::string& dir, PlotSize size) {
  const charts::HeadlessQt qt;
  return charts::write_plan_plots(report, dir, size.width, size.height);
}

#else

bool plotting_available() { return false; }

std::vector<std::string> write_plan_plots(const PlanReport&, const std::string&, PlotSize) {
  throw std::logic_error(kNoPlotting);
}

std::vector<std::string> write_plots(const RunSummary&, const std::string&, PlotSize) {
  throw std::logic_error(kNoPlotting);
}

std::vector<std::string> write_sweep_plots(const std::string&, const std::string&, PlotSize) {
  throw std::logic_error(kNoPlotting);
}

std::vector<std::string> write_search_plots(const std::string&, const std::string&, PlotSize) {
  throw std::logic_error(kNoPlotting);
}

#endif

}  // namespace viosim::cli
