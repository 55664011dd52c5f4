// A plan's SLO chart: its subtitle gives the answer, and names a tipping
// point where the answer warns of one on that figure (and only there).
#include "gui/charts/plan_charts.h"

#include <gtest/gtest.h>

namespace viosim::charts {
namespace {

PlanReport report_with_two_criteria() {
  PlanReport r;
  r.set_objective("highest_rate");
  PlanAnswer* a = r.add_answers();
  a->set_backend("PASSTHROUGH");
  a->set_status("met");
  a->set_value(500);
  a->set_value_text("500 pkt/s");
  for (const double v : {100.0, 500.0, 1000.0}) {
    PlanProbe* p = a->add_probes();
    p->set_value(v);
    for (const char* c : {"p99 of stream <= 200 us", "loss of the searched flows <= 0"}) {
      PlanFigure* f = p->add_figures();
      f->set_criterion(c);
      f->set_mean(v / 10);
      f->set_bound(100);
      f->set_at_most(true);
      f->set_verdict(v <= 500 ? "pass" : "fail");
    }
  }
  a->add_warnings("p99 of stream <= 200 us: 40 at 1000 but 60 at 500, which asks less: the figure falls");
  return r;
}

TEST(PlanCharts, TheSubtitleNamesATippingPointOnTheWarnedFigureOnly) {
  const PlanReport r = report_with_two_criteria();
  const std::unique_ptr<QChart> p99 = plan_figure_chart(r, 0, 0);
  const std::unique_ptr<QChart> loss = plan_figure_chart(r, 0, 1);
  EXPECT_TRUE(p99->title().contains("p99 of stream"));
  EXPECT_TRUE(p99->title().contains("tipping point")) << p99->title().toStdString();
  EXPECT_TRUE(loss->title().contains("highest_rate: 500 pkt/s"));
  EXPECT_FALSE(loss->title().contains("tipping point")) << loss->title().toStdString();
}

}  // namespace
}  // namespace viosim::charts
