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

// "queues" of "vm[0].nic.queues": how a curve's group names an axis.
std::string short_name(const std::string& path) {
  const size_t dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

charts::BandPoint band(double x, const std::vector<double>& values) {
  const sweep::MeanCi m = sweep::mean_ci95(values);
  return charts::BandPoint{x, m.mean, m.ci95_low.value_or(m.mean), m.ci95_high.value_or(m.mean)};
}

}  // namespace

charts::SweepData sweep_data(const sweep::SweepPlan& plan,
                             const std::vector<std::optional<viosim::SweepPointResult>>& points) {
  charts::SweepData data;
  const std::vector<std::string>& fields = plan.grid.fields;
  const size_t x_axis = fields.empty() ? 0 : fields.size() - 1;
  data.axis = fields.empty() ? "point" : fields.back();
  bool numeric = true;
  for (const auto& values : plan.grid.points) numeric = numeric && x_axis < values.size() && number(values[x_axis]);
  if (!numeric) data.axis += " (position)";

  struct Figures {
    std::vector<double> throughput, p50, p99;
  };
  // Curves by (backend, group) in order of first appearance, their points by axis point.
  std::vector<std::pair<std::string, std::string>> curves;
  std::map<std::pair<std::string, std::string>, std::map<size_t, Figures>> groups;
  for (size_t i = 0; i < plan.points.size() && i < points.size(); ++i) {
    if (!points[i] || !points[i]->has_result()) continue;
    const sweep::SweepPoint& p = plan.points[i];
    const std::vector<std::string>& values = plan.grid.points[p.axis_point];
    std::string group;
    for (size_t a = 0; a < x_axis; ++a) group += (a > 0 ? ", " : "") + short_name(fields[a]) + "=" + values[a];
    const auto key = std::make_pair(p.backend, group);
    if (std::find(curves.begin(), curves.end(), key) == curves.end()) curves.push_back(key);
    const BackendResult& r = points[i]->result();
    Figures& f = groups[key][p.axis_point];
    f.throughput.push_back(r.throughput_pps());
    f.p50.push_back(r.latency_us().p50());
    f.p99.push_back(r.latency_us().p99());
  }
  for (const auto& key : curves) {
    charts::SweepCurves c;
    c.backend = key.first;
    c.group = key.second;
    for (const auto& [axis_point, f] : groups[key]) {
      const auto& values = plan.grid.points[axis_point];
      const double x = numeric ? *number(values[x_axis]) : double(axis_point);
      c.throughput_pps.push_back(band(x, f.throughput));
      c.latency_p50_us.push_back(band(x, f.p50));
      c.latency_p99_us.push_back(band(x, f.p99));
    }
    for (auto* v : {&c.throughput_pps, &c.latency_p50_us, &c.latency_p99_us}) {
      std::stable_sort(v->begin(), v->end(), [](const auto& a, const auto& b) { return a.x < b.x; });
    }
    data.curves.push_back(std::move(c));
  }
  return data;
}

}  // namespace viosim::gui
