// The figures of CompareModel and how each is read, shown and judged.
#include "gui/app/compare_model.h"

#include <QBrush>
#include <QFont>
#include <QStringList>
#include <array>
#include <cmath>

#include "gui/charts/chart_style.h"

namespace viosim::gui {
namespace {

enum class Better { kNone, kHigher, kLower };

struct Figure {
  const char* name;
  const char* tip;
  int decimals;
  Better better;
  double (*get)(const BackendResult&);
};

double busy_cores(const BackendResult& b) {
  double busy = 0;
  for (const NamedValue& v : b.cpu_by_category()) {
    if (v.name() != "idle") busy += v.value();
  }
  return busy;
}

const std::array<Figure, 18> kFigures = {{
    {"throughput (kpkt/s)", "packets (or transactions) delivered to applications per second of measured time", 1,
     Better::kHigher, [](const BackendResult& b) { return b.throughput_pps() / 1e3; }},
    {"throughput (Gb/s)", "delivered application bytes", 3, Better::kHigher,
     [](const BackendResult& b) { return b.throughput_gbps(); }},
    {"latency mean (µs, all flows)",
     "mean latency of every flow's samples pooled (round trips and one-way "
     "latencies mixed when the flows differ in kind; the rows per flow below keep them apart)",
     1, Better::kLower, [](const BackendResult& b) { return b.latency_us().mean(); }},
    {"latency p50 (µs, all flows)", "median of every flow's samples pooled", 1, Better::kLower,
     [](const BackendResult& b) { return b.latency_us().p50(); }},
    {"latency p99 (µs, all flows)", "99th percentile of every flow's samples pooled", 1, Better::kLower,
     [](const BackendResult& b) { return b.latency_us().p99(); }},
    {"latency p99.9 (µs, all flows)", "99.9th percentile of every flow's samples pooled", 1, Better::kLower,
     [](const BackendResult& b) { return b.latency_us().p999(); }},
    {"drops", "packets dropped anywhere on the path", 0, Better::kLower,
     [](const BackendResult& b) { return double(b.drops()); }},
    {"VM exits / packet", "exits per packet through the virtual NIC", 2, Better::kLower,
     [](const BackendResult& b) { return b.exits_per_packet(); }},
    {"guest interrupts / packet", "interrupts delivered to the guest per packet", 2, Better::kLower,
     [](const BackendResult& b) { return b.interrupts_per_packet(); }},
    {"host syscalls / packet", "system calls by QEMU and the backend threads per packet", 2, Better::kLower,
     [](const BackendResult& b) { return b.syscalls_per_packet(); }},
    {"context switches / packet", "host context switches per packet", 2, Better::kLower,
     [](const BackendResult& b) { return b.context_switches_per_packet(); }},
    {"wake-ups / packet", "host thread wake-ups per packet", 2, Better::kLower,
     [](const BackendResult& b) { return b.wakeups_per_packet(); }},
    {"CPU cycles / packet", "non-idle cycles of all cores per packet", 0, Better::kLower,
     [](const BackendResult& b) { return b.cpu_cycles_per_packet(); }},
    {"cache lines / packet", "cache lines the host threads pulled from another core per packet", 2, Better::kLower,
     [](const BackendResult& b) { return b.cache_line_transfers_per_packet(); }},
    // No best: a backend that carries more packets keeps more cores busy,
    // and halt polling and PMDs spin on work they would give up.
    {"busy cores", "cores' busy time per second, all categories but idle (polling included)", 2, Better::kNone,
     busy_cores},
    {"events", "simulation events executed", 0, Better::kNone,
     [](const BackendResult& b) { return double(b.events()); }},
    {"wall time (s)", "how long the simulation took", 2, Better::kNone,
     [](const BackendResult& b) { return b.wall_s(); }},
    {"fingerprint", "hash over the executed events: same scenario and seed, same fingerprint", 0, Better::kNone,
     nullptr},
}};

// The tooltip's last sentence: which way is better, hence what bold means.
QString direction_note(Better better) {
  switch (better) {
    case Better::kHigher:
      return QObject::tr(". Higher is better: the best is bold.");
    case Better::kLower:
      return QObject::tr(". Lower is better: the best is bold.");
    case Better::kNone:
      break;
  }
  return QObject::tr(". Neither way is better: nothing is bold.");
}

// The pooled latency rows end here; each flow's p50 and p99 follow them.
constexpr size_t kFlowRowsAt = 6;
constexpr int kFlowRowsEach = 2;

}  // namespace

// Row `row`: a fixed figure, or flow `flow`'s p50 (which 0) or p99 (1).
CompareModel::Row CompareModel::row(int r) const {
  const int flows = summary_.backend_size() > 0 ? summary_.backend(0).flows_size() : 0;
  const int at = static_cast<int>(kFlowRowsAt);
  if (r < at) return {r, -1, 0};
  if (r < at + kFlowRowsEach * flows) return {-1, (r - at) / kFlowRowsEach, (r - at) % kFlowRowsEach};
  return {r - kFlowRowsEach * flows, -1, 0};
}

double CompareModel::value(const Row& row, const BackendResult& b) const {
  if (row.figure >= 0) return kFigures[static_cast<size_t>(row.figure)].get(b);
  if (row.flow >= b.flows_size()) return 0;
  const FlowResult& f = b.flows(row.flow);
  return row.which == 0 ? f.latency_us().p50() : f.latency_us().p99();
}

QString CompareModel::row_name(const Row& row) const {
  if (row.figure >= 0) return QString::fromUtf8(kFigures[static_cast<size_t>(row.figure)].name);
  const FlowResult& f = summary_.backend(0).flows(row.flow);
  return QString::fromUtf8("flow %1 %2 (µs, %3)")
      .arg(QString::fromStdString(f.name()), row.which == 0 ? QStringLiteral("p50") : QStringLiteral("p99"),
           f.latency_kind() == "round_trip" ? QStringLiteral("round trip") : QStringLiteral("one way"));
}

QString CompareModel::formatted(const Row& row, const BackendResult& b) const {
  if (row.figure >= 0 && kFigures[static_cast<size_t>(row.figure)].get == nullptr) {
    return QString::fromStdString(b.fingerprint());
  }
  return QString::number(value(row, b), 'f', row.figure >= 0 ? kFigures[static_cast<size_t>(row.figure)].decimals : 1);
}

void CompareModel::set_summary(const viosim::RunSummary& summary) {
  beginResetModel();
  summary_ = summary;
  endResetModel();
}

int CompareModel::rowCount(const QModelIndex& parent) const {
  const int flows = summary_.backend_size() > 0 ? summary_.backend(0).flows_size() : 0;
  return parent.isValid() ? 0 : static_cast<int>(kFigures.size()) + kFlowRowsEach * flows;
}

int CompareModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : summary_.backend_size(); }

QVariant CompareModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount()) return QVariant();
  const Row r = row(index.row());
  const Figure* f = r.figure >= 0 ? &kFigures[static_cast<size_t>(r.figure)] : nullptr;
  const Better better = f != nullptr ? f->better : Better::kLower;
  const bool has_value = f == nullptr || f->get != nullptr;
  const BackendResult& b = summary_.backend(index.column());
  switch (role) {
    case Qt::DisplayRole: return formatted(r, b);
    case Qt::ToolTipRole:
      return (f != nullptr ? QString::fromUtf8(f->tip) : tr("this flow's own latency, its samples only")) +
             direction_note(better);
    case Qt::TextAlignmentRole: return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    case kValueRole: return has_value ? QVariant(value(r, b)) : QVariant();
    case Qt::FontRole: {
      if (better == Better::kNone || summary_.backend_size() < 2) return QVariant();
      // Bold when no backend does better (ties are all bold).
      const double v = value(r, b);
      for (const BackendResult& other : summary_.backend()) {
        const double o = value(r, other);
        if (better == Better::kHigher ? o > v : o < v) return QVariant();
      }
      QFont bold;
      bold.setBold(true);
      return bold;
    }
  }
  return QVariant();
}

QVariant CompareModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation == Qt::Vertical) {
    if (section < 0 || section >= rowCount()) return QVariant();
    const Row r = row(section);
    if (role == Qt::DisplayRole) return row_name(r);
    if (role == Qt::ToolTipRole) {
      const Better better = r.figure >= 0 ? kFigures[static_cast<size_t>(r.figure)].better : Better::kLower;
      return (r.figure >= 0 ? QString::fromUtf8(kFigures[static_cast<size_t>(r.figure)].tip)
                            : tr("this flow's own latency, its samples only")) +
             direction_note(better);
    }
    return QVariant();
  }
  if (section < 0 || section >= columnCount()) return QVariant();
  const std::string& backend = summary_.backend(section).backend();
  if (role == Qt::DisplayRole) return charts::backend_label(backend);
  if (role == Qt::DecorationRole) return charts::backend_color(backend);
  if (role == Qt::ForegroundRole) return QBrush(charts::backend_color(backend).darker(130));
  return QVariant();
}

QString CompareModel::to_csv() const {
  QStringList head{QStringLiteral("figure")};
  for (const BackendResult& b : summary_.backend()) head << QString::fromStdString(b.backend());
  QString out = head.join(',') + '\n';
  for (int i = 0; i < rowCount(); ++i) {
    const Row r = row(i);
    QStringList line{QStringLiteral("\"%1\"").arg(row_name(r))};
    for (const BackendResult& b : summary_.backend()) line << formatted(r, b);
    out += line.join(',') + '\n';
  }
  return out;
}

}  // namespace viosim::gui
