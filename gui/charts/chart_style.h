// The look shared by every chart: one fixed colour and one readable label
// per backend (so vhost-net is the same blue in the CDF, the bars and the
// load curves), colours and labels of the CPU categories, and the common
// title, legend and axis set-up.
#pragma once

#include <QColor>
#include <QString>
#include <QtCharts/QChart>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QValueAxis>
#include <string_view>

#include "scenarios/schema/viosim/results.pb.h"

namespace viosim::charts {

// Backends are keyed by their results name ("VHOST_NET"). Known backends
// have fixed colours from a colour-blind-safe palette; an unknown name gets
// a colour chosen by a hash of the name, so it too is stable across charts
// and runs.
QColor backend_color(std::string_view backend);
// "vhost-net", "virtio (QEMU userspace)", ...; an unknown name as given.
QString backend_label(std::string_view backend);

// CPU categories by their results name ("guest_kernel").
QColor category_color(std::string_view category);
QString category_label(std::string_view category);

// "Round-trip" or "One-way", from RunSummary.latency_kind.
QString latency_kind_label(std::string_view latency_kind);

// A chart with the house title (a headline and, when not empty, a smaller
// line under it), white background, no animation and a legend at the bottom.
QChart* new_chart(const QString& headline, const QString& subtitle);

// The line under a run chart's headline: the scenario's name and, when some
// compared backends did not run, which ones (else readers look for them).
QString run_subtitle(const RunSummary& summary);

// A linear value axis starting at zero with `title` (which carries the unit)
// and a range rounded up to nice ticks.
QValueAxis* new_value_axis(const QString& title, double max_value);

// Sets a log axis to cover [lo, hi] between powers of its base: base 10
// when the data spans two decades or more, else base 2, because a log
// axis labels only the powers of its base and 10-100 would show two labels.
// Without positive data: 1-1000.
void set_log_range(QLogValueAxis* axis, double lo, double hi);

}  // namespace viosim::charts
