// Backends side by side: one column per backend of a run (in its colour),
// one row per figure (throughput, latency percentiles pooled and per flow, drops, exits,
// interrupts, syscalls and cycles per packet, busy cores, engine figures).
// The best value of each row where "best" means something (highest
// throughput, lowest latency and cost) is bold.
#pragma once

#include <QAbstractTableModel>

#include "scenarios/schema/viosim/results.pb.h"

namespace viosim::gui {

class CompareModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  // The raw number of a cell (a double; the fingerprint row has none).
  static constexpr int kValueRole = Qt::UserRole + 1;

  using QAbstractTableModel::QAbstractTableModel;

  void set_summary(const viosim::RunSummary& summary);
  const viosim::RunSummary& summary() const { return summary_; }

  // The table as CSV: a header of backends, a line per figure.
  QString to_csv() const;

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  // A row is a figure of the backend (kFigures in the .cc), or one flow's
  // p50 (which 0) or p99 (which 1): the pooled latency rows name
  // themselves so, each flow's rows follow them.
  struct Row {
    int figure = -1;
    int flow = -1;
    int which = 0;
  };
  Row row(int r) const;
  double value(const Row& row, const BackendResult& b) const;
  QString row_name(const Row& row) const;
  QString formatted(const Row& row, const BackendResult& b) const;

  viosim::RunSummary summary_;
};

}  // namespace viosim::gui
