// Plotting for the viosim command. The charts need Qt, which a build may
// leave out (VIOSIM_GUI=OFF); then plotting_available() is false and the
// commands say so instead of plotting.
#pragma once

#include <string>
#include <vector>

#include "scenarios/schema/viosim/plan_report.pb.h"
#include "scenarios/schema/viosim/results.pb.h"

namespace viosim::cli {

inline constexpr char kNoPlotting[] =
    "this viosim was built without plotting (it needs Qt 6 with Qt Charts and Qt SVG); "
    "reconfigure with -DVIOSIM_GUI=ON";

bool plotting_available();

struct PlotSize {
  int width = 1100;
  int height = 700;
};

// Writes every plot of `summary` as PNG and SVG into `dir` (created if
// needed), rendering offscreen; returns the files written. Throws
// std::runtime_error on failure, std::logic_error without plotting.
std::vector<std::string> write_plots(const RunSummary& summary, const std::string& dir, PlotSize size = {});

// The load curves of a sweep (its aggregate.csv), with confidence bands.
std::vector<std::string> write_sweep_plots(const std::string& aggregate_csv, const std::string& dir, PlotSize size = {});

// The rates a swept search found (its search.csv) against the swept axis.
std::vector<std::string> write_search_plots(const std::string& search_csv, const std::string& dir, PlotSize size = {});

// A plan's charts: each SLO figure against the searched value per answer,
// with its bound and the answer marked; the busiest cores at each answer;
// and with two swept axes a heatmap of the answers per backend.
std::vector<std::string> write_plan_plots(const PlanReport& report, const std::string& dir, PlotSize size = {});

}  // namespace viosim::cli
