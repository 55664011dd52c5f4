// Charts of one run (one RunSummary, several backends), as the results
// folder and the GUI show them. Each function returns a new chart the
// caller owns; backends keep their colour from chart_style.h throughout.
#pragma once

#include <QtCharts/QChart>
#include <memory>
#include <string>

#include "scenarios/schema/viosim/results.pb.h"

namespace viosim::charts {

// The percentiles marked on the latency CDF, as scatter series of these names.
inline constexpr const char* kPercentileSeriesNames[] = {"p50", "p99", "p99.9"};

// One line per backend (named by backend_label), a staircase through the
// CDF points, over a log latency axis in µs, plus the three percentile
// marker series (one point per backend, each in its backend's colour). Of
// one flow (its index in BackendResult.flows), titled with its name and
// latency kind.
std::unique_ptr<QChart> latency_cdf_chart(const RunSummary& summary, int flow = 0);

// Busy cores by CPU category, one stacked bar per backend; a bar set per
// category that is non-zero for some backend. Idle time is left out: it
// only pads every bar up to the host's core count.
std::unique_ptr<QChart> cpu_by_category_chart(const RunSummary& summary);

// VM exits, guest interrupts, host syscalls and wake-ups per packet, grouped
// by mechanism, one bar set per backend.
std::unique_ptr<QChart> mechanisms_chart(const RunSummary& summary);

// Where the one-way latency goes for one direction ("guest to wire" or
// "wire to guest", as BackendResult.hops names them): the mean time per hop,
// stacked per backend; backends without packets that way are left out.
std::unique_ptr<QChart> latency_hops_chart(const RunSummary& summary, const std::string& direction);

}  // namespace viosim::charts
