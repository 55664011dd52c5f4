// The criteria a plan's probe must meet (its SLOs, and for a rate objective
// the loss allowed on the searched flows), each read from a run's results,
// and the decision over a probe's replications: pass or fail only when the
// 95 % interval of the figure's mean lies on one side of its bound,
// "undecided" otherwise, so that another replication is asked for.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scenarios/schema/viosim/plan.pb.h"
#include "scenarios/schema/viosim/results.pb.h"
#include "scenarios/search/searched_traffic.h"

namespace viosim::plan {

enum class Verdict { kPass, kFail, kUndecided, kRefused };
const char* verdict_name(Verdict v);

struct Criterion {
  enum class Figure { kP50, kP99, kP999, kMean, kLoss, kThroughput, kGoodput, kSearchedLoss };
  Figure figure = Figure::kP99;
  std::string flow;  // results' flow name; both directions of a bidirectional flow
  double bound = 0;
  bool at_most = true;  // the figure passes at or below the bound (else at or above)
  std::string text;     // "p99 of probe <= 100 us"
};

// The SLOs of `plan`, in order.
std::vector<Criterion> slo_criteria(const viosim::Plan& plan);
// The rate objective's own criterion: the searched flows lose at most
// `loss_ratio` (unsent packets of a sender inside the host count as lost).
Criterion searched_loss_criterion(double loss_ratio);

// One criterion's figure in one run.
struct Observation {
  double value = 0;
  bool overloaded = false;  // a latency still rising at the end: the path is past its capacity
  bool starved = false;     // the flow delivered nothing in the measured window: no latency to judge
};

// The relative resolution of a latency percentile: results report the
// midpoint of a histogram bucket (sim-core/histogram.h), within 1/256 of
// the true sample, so replications that agree to the bucket agree only
// that far.
inline constexpr double kPercentileResolution = 1.0 / 256;

// `searched` and `total_pps` are used by kSearchedLoss only. Throws
// std::runtime_error when the flow is not in the results.
Observation observe(const Criterion& c, const viosim::BackendResult& result, const search::SearchedTraffic* searched,
                    double total_pps);

struct Decision {
  Verdict verdict = Verdict::kUndecided;
  double mean = 0;
  std::optional<double> ci95_low, ci95_high;
  std::string reason;  // when not from the interval alone
  // The figure says nothing of the path: its flow delivered nothing, or
  // its latency was still rising at the end (the value then depends on
  // the run's length).
  bool unmeasured = false;
};

// Over the replications so far. A latency or loss criterion fails outright
// when a replication was overloaded or the flow delivered nothing; a zero loss bound fails on any lost packet and
// passes when none was lost; otherwise the interval decides, a percentile's widened by the histogram's resolution, and
// fewer than two replications decide nothing.
Decision decide(const Criterion& c, const std::vector<Observation>& replications);

// "124.3 (95 % 118.1-130.4)", "0.0031", as reports print a decision's figure.
std::string figure_text(const Decision& d);
// A figure as reports print it (six significant digits).
std::string figure_number(double v);

}  // namespace viosim::plan
