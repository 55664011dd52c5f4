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

const std::array<Figure, 17> kFigures = {{
    {"throughput (kpkt/s)", "packets (or transactions) delivered to applications per second of measured time", 1,
     Better::kHigher, [](const BackendResult& b) { return b.throughput_pps() / 1e3; }},
    {"throughput (Gb/s)", "delivered application bytes", 3, Better::kHigher,
     [](const BackendResult& b) { return b.throughput_gbps(); }},
    {"latency mean (µs)", "mean latency (round trip for request/response, else one way)", 1, Better::kLower,
     [](const BackendResult& b) { return b.latency_us().mean(); }},
    {"latency p50 (µs)", "median latency", 1, Better::kLower, [](const BackendResult& b) { return b.latency_us().p50(); }},
    {"latency p99 (µs)", "99th percentile", 1, Better::kLower, [](const BackendResult& b) { return b.latency_us().p99(); }},
    {"latency p99.9 (µs)", "99.9th percentile", 1, Better::kLower,
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
    {"busy cores", "cores' busy time per second, all categories but idle", 2, Better::kLower, busy_cores},
    {"events", "simulation events executed", 0, Better::kNone, [](const BackendResult& b) { return double(b.events()); }},
    {"wall time (s)", "how long the simulation took", 2, Better::kNone,
     [](const BackendResult& b) { return b.wall_s(); }},
    {"fingerprint", "hash over the executed events: same scenario and seed, same fingerprint", 0, Better::kNone,
     nullptr},
}};

QString formatted(const Figure& f, const BackendResult& b) {
  if (f.get == nullptr) return QString::fromStdString(b.fingerprint());
  return QString::number(f.get(b), 'f', f.decimals);
}

}  // namespace

void CompareModel::set_summary(const viosim::RunSummary& summary) {
  beginResetModel();
  summary_ = summary;
  endResetModel();
}

int CompareModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(kFigures.size());
}

int CompareModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : summary_.backend_size(); }

QVariant CompareModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount()) return QVariant();
  const Figure& f = kFigures[static_cast<size_t>(index.row())];
  const BackendResult& b = summary_.backend(index.column());
  switch (role) {
    case Qt::DisplayRole: return formatted(f, b);
    case Qt::ToolTipRole: return QString::fromUtf8(f.tip);
    case Qt::TextAlignmentRole: return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    case kValueRole: return f.get != nullptr ? QVariant(f.get(b)) : QVariant();
    case Qt::FontRole: {
      if (f.better == Better::kNone || summary_.backend_size() < 2) return QVariant();
      // Bold when no backend does better (ties are all bold).
      const double v = f.get(b);
      for (const BackendResult& other : summary_.backend()) {
        const double o = f.get(other);
        if (f.better == Better::kHigher ? o > v : o < v) return QVariant();
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
    if (role == Qt::DisplayRole) return QString::fromUtf8(kFigures[static_cast<size_t>(section)].name);
    if (role == Qt::ToolTipRole) return QString::fromUtf8(kFigures[static_cast<size_t>(section)].tip);
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
  for (const Figure& f : kFigures) {
    QStringList row{QStringLiteral("\"%1\"").arg(QString::fromUtf8(f.name))};
    for (const BackendResult& b : summary_.backend()) row << formatted(f, b);
    out += row.join(',') + '\n';
  }
  return out;
}

}  // namespace viosim::gui
