// Grouping a sweep's finished points by axis point and backend.
#include "gui/app/sweep_results.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <string>

#include "scenarios/sweep/stats.h"

namespace viosim::gui {
namespace {

// The first axis's value at an axis point as a number, if it is one.
std::optional<double> number(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) return std::nullopt;
  return v;
}

charts::BandPoint band(double x, const std::vector<double>& values) {
  const sweep::MeanCi m = sweep::mean_ci95(values);
  return charts::BandPoint{x, m.mean, m.ci95_low.value_or(m.mean), m.ci95_high.value_or(m.mean)};
}

}  // namespace

charts::SweepData sweep_data(const sweep::SweepPlan& plan,
                             const std::vector<std::optional<viosim::SweepPointResult>>& points) {
  charts::SweepData data;
  data.axis = plan.grid.fields.empty() ? "point" : plan.grid.fields.front();
  bool numeric = true;
  for (const auto& values : plan.grid.points) numeric = numeric && !values.empty() && number(values.front());
  if (!numeric) data.axis += " (position)";

  struct Figures {
    std::vector<double> throughput, p50, p99;
  };
  std::vector<std::string> backends;  // in order of first appearance
  std::map<std::pair<std::string, size_t>, Figures> groups;
  for (size_t i = 0; i < plan.points.size() && i < points.size(); ++i) {
    if (!points[i] || !points[i]->has_result()) continue;
    const sweep::SweepPoint& p = plan.points[i];
    const BackendResult& r = points[i]->result();
    if (std::find(backends.begin(), backends.end(), p.backend) == backends.end()) backends.push_back(p.backend);
    Figures& f = groups[{p.backend, p.axis_point}];
    f.throughput.push_back(r.throughput_pps());
    f.p50.push_back(r.latency_us().p50());
    f.p99.push_back(r.latency_us().p99());
  }
  for (const std::string& backend : backends) {
    charts::SweepCurves curves;
    curves.backend = backend;
    for (const auto& [key, f] : groups) {
      if (key.first != backend) continue;
      const auto& values = plan.grid.points[key.second];
      const double x = numeric ? *number(values.front()) : double(key.second);
      curves.throughput_pps.push_back(band(x, f.throughput));
      curves.latency_p50_us.push_back(band(x, f.p50));
      curves.latency_p99_us.push_back(band(x, f.p99));
    }
    for (auto* v : {&curves.throughput_pps, &curves.latency_p50_us, &curves.latency_p99_us}) {
      std::stable_sort(v->begin(), v->end(), [](const auto& a, const auto& b) { return a.x < b.x; });
    }
    data.curves.push_back(std::move(curves));
  }
  return data;
}

}  // namespace viosim::gui
