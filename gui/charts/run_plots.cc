// Writes the charts of one run as PNG and SVG files.
#include "gui/charts/run_plots.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>

#include "gui/charts/render_chart.h"
#include "gui/charts/run_charts.h"

namespace viosim::charts {

const std::vector<std::string>& run_plot_names() {
  static const std::vector<std::string> names = {"latency_cdf", "cpu_by_category", "mechanisms_per_packet",
                                                 "latency_hops_to_guest", "latency_hops_from_guest"};
  return names;
}

std::vector<std::string> write_run_plots(const RunSummary& summary, const std::string& dir, QSize size) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create " + dir + ": " + ec.message());
  using Builder = std::function<std::unique_ptr<QChart>(const RunSummary&)>;
  const Builder builders[] = {
      latency_cdf_chart, cpu_by_category_chart, mechanisms_chart,
      [](const RunSummary& s) { return latency_hops_chart(s, "wire to guest"); },
      [](const RunSummary& s) { return latency_hops_chart(s, "guest to wire"); }};
  std::vector<std::string> written;
  for (size_t i = 0; i < run_plot_names().size(); ++i) {
    const std::unique_ptr<QChart> chart = builders[i](summary);
    for (const char* suffix : {".png", ".svg"}) {
      const std::string path = (std::filesystem::path(dir) / (run_plot_names()[i] + suffix)).string();
      render_chart(chart.get(), QString::fromStdString(path), size);
      written.push_back(path);
    }
  }
  return written;
}

}  // namespace viosim::charts
