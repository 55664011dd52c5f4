// A plan's report (plan.json's PlanReport) as charts: per answer, each SLO
// figure against the searched value (its mean and 95 % band over the
// replications, the probes coloured by verdict, the bound dashed, the
// answer marked), the busiest cores at the answer (work and busy), and with
// two swept axes a heatmap of the answers per backend (a density matrix).
#pragma once

#include <QtCharts/QChart>
#include <memory>
#include <string>
#include <vector>

#include "scenarios/schema/viosim/plan_report.pb.h"

namespace viosim::charts {

std::unique_ptr<QChart> plan_figure_chart(const PlanReport& report, int answer, int criterion);
std::unique_ptr<QChart> plan_cores_chart(const PlanReport& report, int answer);

// Writes slo_<BACKEND>[_<point>]_<criterion>, cores_<BACKEND>[_<point>]
// and, with two axes, heatmap_<BACKEND> as PNG and SVG into `dir`; returns
// the files.
std::vector<std::string> write_plan_plots(const PlanReport& report, const std::string& dir, int width, int height);

}  // namespace viosim::charts
