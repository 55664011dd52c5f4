// Charts across runs at different offered loads (what a sweep produces):
// throughput and latency against load, one curve per backend in its colour.
#pragma once

#include <QString>
#include <QtCharts/QChart>
#include <memory>
#include <vector>

#include "scenarios/schema/viosim/results.pb.h"

namespace viosim::charts {

// One run of a sweep and the load it was offered, in the unit the caller
// names in the axis title (packets/s, Gbit/s, outstanding requests, ...).
struct LoadPoint {
  double offered_load = 0;
  RunSummary summary;
};

inline constexpr char kDefaultLoadAxisTitle[] = "offered load (packets/s)";

// Throughput (scaled to pkt/s, kpkt/s or Mpkt/s, named in the axis title)
// against load: a line per backend, points sorted by load; a backend is
// drawn through the points where it ran.
std::unique_ptr<QChart> throughput_vs_load_chart(const std::vector<LoadPoint>& points,
                                                 const QString& load_axis_title = kDefaultLoadAxisTitle);

// p99 (solid, named "<backend> p99") and p50 (dashed, "<backend> p50")
// latency against load, on a log latency axis so the knee near saturation
// and the unloaded latency show on one chart.
std::unique_ptr<QChart> latency_vs_load_chart(const std::vector<LoadPoint>& points,
                                              const QString& load_axis_title = kDefaultLoadAxisTitle);

}  // namespace viosim::charts
