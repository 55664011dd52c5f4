// Writes the charts of one run as PNG and SVG files.
#include "gui/charts/run_plots.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>

#include "gui/charts/render_chart.h"
#include "gui/charts/run_charts.h"
#include "scenarios/runner/run_chart_names.h"

namespace viosim::charts {

const std::vector<std::string>& run_plot_names() { return run_chart_names(); }

std::vector<std::string> write_run_plots(const RunSummary& summary, const std::string& dir, QSize size) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create " + dir + ": " + ec.message());
  using Builder = std::function<std::unique_ptr<QChart>(const RunSummary&)>;
  const Builder builders[] = {
      [](const RunSummary& s) { return latency_cdf_chart(s, 0); }, cpu_by_category_chart, mechanisms_chart,
      [](const RunSummary& s) { return latency_hops_chart(s, std::string(kHopCharts[0].direction)); },
      [](const RunSummary& s) { return latency_hops_chart(s, std::string(kHopCharts[1].direction)); }};
  std::vector<std::string> written;
  for (size_t i = 0; i < run_plot_names().size(); ++i) {
    const std::unique_ptr<QChart> chart = builders[i](summary);
    for (const char* suffix : {".png", ".svg"}) {
      const std::string path = (std::filesystem::path(dir) / (run_plot_names()[i] + suffix)).string();
      render_chart(chart.get(), QString::fromStdString(path), size);
      written.push_back(path);
    }
  }
  // latency_cdf is the first flow's; each other flow gets its own,
  // latency_cdf_flow<i> (i its position in the scenario's flows).
  const int flows = summary.backend_size() > 0 ? summary.backend(0).flows_size() : 0;
  for (int f = 1; f < flows; ++f) {
    const std::unique_ptr<QChart> chart = latency_cdf_chart(summary, f);
    for (const char* suffix : {".png", ".svg"}) {
      const std::string path = (std::filesystem::path(dir) / ("latency_cdf_flow" + std::to_string(f) + suffix)).string();
      render_chart(chart.get(), QString::fromStdString(path), size);
      written.push_back(path);
    }
  }
  return written;
}

}  // namespace viosim::charts
