// The side-by-side table: a sound table model, one column per backend in
// the run's order and colour, the best value of a row in bold.
#include <gtest/gtest.h>

#include <QColor>
#include <QFont>

#include "gui/app/compare_model.h"
#include "gui/charts/chart_style.h"
#include "tests/gui/charts/small_run.h"
#include "tests/gui/app/model_tester.h"

namespace viosim::gui {
namespace {

int row_of(const CompareModel& m, const QString& name) {
  for (int r = 0; r < m.rowCount(); ++r) {
    if (m.headerData(r, Qt::Vertical).toString() == name) return r;
  }
  return -1;
}

TEST(CompareModel, IsASoundTableOfEveryBackend) {
  CompareModel model;
  CheckedModel checked(&model);
  const RunSummary& summary = charts::small_run();
  model.set_summary(summary);
  ASSERT_EQ(model.columnCount(), summary.backend_size());
  for (int c = 0; c < summary.backend_size(); ++c) {
    EXPECT_EQ(model.headerData(c, Qt::Horizontal).toString(), charts::backend_label(summary.backend(c).backend()));
    EXPECT_EQ(model.headerData(c, Qt::Horizontal, Qt::DecorationRole).value<QColor>(),
              charts::backend_color(summary.backend(c).backend()));
  }
  const int p99 = row_of(model, QString::fromUtf8("latency p99 (µs, all flows)"));
  ASSERT_GE(p99, 0);
  for (int c = 0; c < summary.backend_size(); ++c) {
    EXPECT_DOUBLE_EQ(model.index(p99, c).data(CompareModel::kValueRole).toDouble(), summary.backend(c).latency_us().p99());
  }
  model.set_summary(RunSummary());
  EXPECT_EQ(model.columnCount(), 0);
  EXPECT_TRUE(checked.problems().isEmpty()) << checked.problems().join('\n').toStdString();
}

TEST(CompareModel, TheBestOfARowIsBold) {
  CompareModel model;
  const RunSummary& summary = charts::small_run();
  ASSERT_GE(summary.backend_size(), 2);
  model.set_summary(summary);
  const int p50 = row_of(model, QString::fromUtf8("latency p50 (µs, all flows)"));
  int best = 0;
  for (int c = 1; c < summary.backend_size(); ++c) {
    if (summary.backend(c).latency_us().p50() < summary.backend(best).latency_us().p50()) best = c;
  }
  for (int c = 0; c < summary.backend_size(); ++c) {
    const bool bold = model.index(p50, c).data(Qt::FontRole).value<QFont>().bold();
    if (summary.backend(c).latency_us().p50() == summary.backend(best).latency_us().p50()) EXPECT_TRUE(bold) << c;
    else EXPECT_FALSE(bold) << c;
  }
  const QString csv = model.to_csv();
  EXPECT_TRUE(csv.startsWith("figure," + QString::fromStdString(summary.backend(0).backend())));
  EXPECT_EQ(csv.count('\n'), model.rowCount() + 1);
}

// Rows without a better direction mark no best, and every tooltip says
// which way a row's figure is better.
TEST(CompareModel, RowsWithoutADirectionMarkNoBest) {
  CompareModel model;
  const RunSummary& summary = charts::small_run();
  ASSERT_GE(summary.backend_size(), 2);
  model.set_summary(summary);
  for (const char* name : {"busy cores", "events", "wall time (s)", "fingerprint"}) {
    const int r = row_of(model, QString::fromUtf8(name));
    ASSERT_GE(r, 0) << name;
    for (int c = 0; c < model.columnCount(); ++c) {
      EXPECT_FALSE(model.index(r, c).data(Qt::FontRole).value<QFont>().bold()) << name << " " << c;
    }
    EXPECT_TRUE(model.headerData(r, Qt::Vertical, Qt::ToolTipRole).toString().endsWith("nothing is bold.")) << name;
  }
  const int p99 = row_of(model, QString::fromUtf8("latency p99 (µs, all flows)"));
  EXPECT_TRUE(model.headerData(p99, Qt::Vertical, Qt::ToolTipRole).toString().contains("Lower is better"));
  const int kpps = row_of(model, QString::fromUtf8("throughput (kpkt/s)"));
  EXPECT_TRUE(model.index(kpps, 0).data(Qt::ToolTipRole).toString().contains("Higher is better"));
}

}  // namespace
}  // namespace viosim::gui

namespace viosim::gui {
namespace {

// Each flow has its own latency rows, named with its kind, beside the
// pooled ones.
TEST(CompareModel, EachFlowHasItsOwnLatencyRows) {
  CompareModel model;
  const RunSummary& summary = charts::small_run();
  ASSERT_GE(summary.backend(0).flows_size(), 1);
  model.set_summary(summary);
  for (int f = 0; f < summary.backend(0).flows_size(); ++f) {
    const FlowResult& flow = summary.backend(0).flows(f);
    const QString kind = flow.latency_kind() == "round_trip" ? QStringLiteral("round trip") : QStringLiteral("one way");
    const int p99 = row_of(model, QString::fromUtf8("flow %1 p99 (µs, %2)").arg(QString::fromStdString(flow.name()), kind));
    ASSERT_GE(p99, 0) << flow.name();
    for (int c = 0; c < summary.backend_size(); ++c) {
      EXPECT_DOUBLE_EQ(model.index(p99, c).data(CompareModel::kValueRole).toDouble(),
                       summary.backend(c).flows(f).latency_us().p99());
    }
  }
}

}  // namespace
}  // namespace viosim::gui
