// Finding where an SLO figure improves as the plan's knob asks more.
#include "scenarios/plan/trend_check.h"

#include <algorithm>
#include <cmath>

#include "scenarios/plan/slo_check.h"

namespace viosim::plan {
namespace {

double low(const viosim::PlanFigure& f) { return f.has_ci95_low() ? f.ci95_low() : f.mean(); }
double high(const viosim::PlanFigure& f) { return f.has_ci95_high() ? f.ci95_high() : f.mean(); }

}  // namespace

std::vector<std::string> trend_warnings(const viosim::PlanAnswer& answer, bool most) {
  std::vector<const viosim::PlanProbe*> probes;
  for (const viosim::PlanProbe& p : answer.probes()) {
    if (p.figures_size() > 0) probes.push_back(&p);
  }
  // In the order of what they ask: the least demanding first.
  std::sort(probes.begin(), probes.end(), [most](const viosim::PlanProbe* a, const viosim::PlanProbe* b) {
    return most ? a->value() < b->value() : a->value() > b->value();
  });
  std::vector<std::string> out;
  const int criteria = probes.empty() ? 0 : probes.front()->figures_size();
  for (int k = 0; k < criteria; ++k) {
    double best_gain = 0;
    const viosim::PlanProbe* from = nullptr;
    const viosim::PlanProbe* to = nullptr;
    for (size_t i = 0; i < probes.size(); ++i) {
      if (probes[i]->figures_size() <= k || probes[i]->figures(k).unmeasured()) continue;
      const viosim::PlanFigure& a = probes[i]->figures(k);
      for (size_t j = i + 1; j < probes.size(); ++j) {
        if (probes[j]->figures_size() <= k || probes[j]->figures(k).unmeasured()) continue;
        const viosim::PlanFigure& b = probes[j]->figures(k);
        // Better: lower for a bound the figure must stay at or below,
        // higher for a floor.
        const double gain = a.at_most() ? low(a) - high(b) : low(b) - high(a);
        if (gain <= kTrendTolerance * std::abs(a.mean())) continue;
        // From zero (a floor's figure): the largest change there is.
        const double share = a.mean() != 0 ? gain / std::abs(a.mean()) : HUGE_VAL;
        if (from == nullptr || share > best_gain) {
          best_gain = share;
          from = probes[i];
          to = probes[j];
        }
      }
    }
    if (from == nullptr) continue;
    const viosim::PlanFigure& a = from->figures(k);
    const viosim::PlanFigure& b = to->figures(k);
    const std::string change =
        a.mean() == 0 ? " from 0" : " by " + figure_number(std::round(1000 * best_gain) / 10) + " %";
    out.push_back(a.criterion() + ": " + figure_number(b.mean()) + " at " + to->value_text() + " but " +
                  figure_number(a.mean()) + " at " + from->value_text() + ", which asks less: the figure " +
                  (a.at_most() ? "falls" : "rises") + change +
                  " where the search assumes it only gets worse, so a value it did not try may pass or fail "
                  "against the trend (a mode change, such as adaptive interrupt moderation's, can do this)");
  }
  return out;
}

}  // namespace viosim::plan
