// Backends side by side: one column per backend of a run (in its colour),
// one row per figure (throughput, latency percentiles, drops, exits,
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
  viosim::RunSummary summary_;
};

}  // namespace viosim::gui
