#include "scenarios/plan/slo_check.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "scenarios/sweep/stats.h"

namespace viosim::plan {

std::string figure_number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", v);
  return buffer;
}

namespace {

using Figure = Criterion::Figure;

bool is_latency(Figure f) { return f == Figure::kP50 || f == Figure::kP99 || f == Figure::kP999 || f == Figure::kMean; }
bool is_loss(Figure f) { return f == Figure::kLoss || f == Figure::kSearchedLoss; }

double latency(Figure f, const viosim::LatencySummary& l) {
  switch (f) {
    case Figure::kP50:
      return l.p50();
    case Figure::kP99:
      return l.p99();
    case Figure::kP999:
      return l.p999();
    default:
      return l.mean();
  }
}

}  // namespace

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kPass:
      return "pass";
    case Verdict::kFail:
      return "fail";
    case Verdict::kUndecided:
      return "undecided";
    case Verdict::kRefused:
      return "refused";
  }
  return "?";
}

std::vector<Criterion> slo_criteria(const viosim::Plan& plan) {
  std::vector<Criterion> out;
  for (const viosim::Slo& slo : plan.slo()) {
    Criterion c;
    c.flow = slo.flow();
    std::string what, unit = " us";
    switch (slo.bound_case()) {
      case viosim::Slo::kP50UsMax:
        c.figure = Figure::kP50, c.bound = slo.p50_us_max(), what = "p50";
        break;
      case viosim::Slo::kP99UsMax:
        c.figure = Figure::kP99, c.bound = slo.p99_us_max(), what = "p99";
        break;
      case viosim::Slo::kP999UsMax:
        c.figure = Figure::kP999, c.bound = slo.p999_us_max(), what = "p99.9";
        break;
      case viosim::Slo::kMeanUsMax:
        c.figure = Figure::kMean, c.bound = slo.mean_us_max(), what = "mean latency";
        break;
      case viosim::Slo::kLossMax:
        c.figure = Figure::kLoss, c.bound = slo.loss_max(), what = "loss", unit = "";
        break;
      case viosim::Slo::kThroughputPpsMin:
        c.figure = Figure::kThroughput, c.bound = slo.throughput_pps_min(), c.at_most = false;
        what = "throughput", unit = " pkt/s";
        break;
      case viosim::Slo::kThroughputGbpsMin:
        c.figure = Figure::kGoodput, c.bound = slo.throughput_gbps_min(), c.at_most = false;
        what = "goodput", unit = " Gb/s";
        break;
      case viosim::Slo::BOUND_NOT_SET:
        throw std::logic_error("an SLO without a bound passed validation");
    }
    c.text = what + " of " + c.flow + (c.at_most ? " <= " : " >= ") + figure_number(c.bound) + unit;
    out.push_back(c);
  }
  return out;
}

Criterion searched_loss_criterion(double loss_ratio) {
  Criterion c;
  c.figure = Figure::kSearchedLoss;
  c.bound = loss_ratio;
  c.text = "loss of the searched flows <= " + figure_number(loss_ratio);
  return c;
}

Observation observe(const Criterion& c, const viosim::BackendResult& result, const search::SearchedTraffic* searched,
                    double total_pps) {
  Observation o;
  if (c.figure == Figure::kSearchedLoss) {
    const search::TrialOutcome t = searched->outcome(result, total_pps);
    o.value = t.loss_ratio();
    o.overloaded = t.still_growing;
    return o;
  }
  // A flow's directions: "NAME" and, when bidirectional, "NAME (reverse)".
  bool found = false;
  uint64_t offered = 0, lost = 0;
  for (const viosim::FlowResult& f : result.flows()) {
    if (f.name() != c.flow && f.name() != c.flow + " (reverse)") continue;
    o.overloaded = o.overloaded || f.still_growing();
    o.starved = o.starved || f.throughput_pps() == 0;
    if (is_latency(c.figure)) {
      const double v = latency(c.figure, f.latency_us());
      o.value = found ? std::max(o.value, v) : v;
    } else if (c.figure == Figure::kThroughput) {
      o.value = found ? std::min(o.value, f.throughput_pps()) : f.throughput_pps();
    } else if (c.figure == Figure::kGoodput) {
      o.value = found ? std::min(o.value, f.throughput_gbps()) : f.throughput_gbps();
    }
    offered += f.offered_packets();
    for (const viosim::PlaceCount& d : f.drops_by_place()) lost += d.count();
    found = true;
  }
  if (!found) throw std::runtime_error("flow \"" + c.flow + "\" is not in the run's results");
  if (c.figure == Figure::kLoss) o.value = offered == 0 ? 0 : double(lost) / double(offered);
  return o;
}

Decision decide(const Criterion& c, const std::vector<Observation>& replications) {
  Decision d;
  std::vector<double> values;
  for (const Observation& o : replications) values.push_back(o.value);
  if (values.empty()) return d;
  sweep::MeanCi m = sweep::mean_ci95(values);
  // Every figure is a latency, a share or a rate: none is below zero,
  // whatever a wide interval of few replications says.
  if (m.ci95_low) m.ci95_low = std::max(0.0, *m.ci95_low);
  d.mean = m.mean;
  d.ci95_low = m.ci95_low;
  d.ci95_high = m.ci95_high;
  for (size_t r = 0; r < replications.size(); ++r) {
    if ((is_latency(c.figure) || is_loss(c.figure)) && replications[r].starved) {
      d.verdict = Verdict::kFail;
      d.reason = "the flow delivered nothing in the measured window of replication " + std::to_string(r);
      d.unmeasured = true;
      return d;
    }
    if ((is_latency(c.figure) || is_loss(c.figure)) && replications[r].overloaded) {
      d.verdict = Verdict::kFail;
      d.reason = "latency still rising at the end of replication " + std::to_string(r) + ": overloaded";
      d.unmeasured = true;
      return d;
    }
  }
  if (is_loss(c.figure) && c.bound == 0) {
    for (size_t r = 0; r < values.size(); ++r) {
      if (values[r] == 0) continue;
      d.verdict = Verdict::kFail;
      d.reason = "packets lost in replication " + std::to_string(r);
      return d;
    }
    d.verdict = values.size() >= 2 ? Verdict::kPass : Verdict::kUndecided;
    return d;
  }
  if (!m.ci95_low || !m.ci95_high) return d;
  double low = *m.ci95_low, high = *m.ci95_high;
  if (is_latency(c.figure) && c.figure != Figure::kMean) {
    // Replications in one bucket give a zero-width interval, but the
    // figure is known only to the bucket: a bound inside it is not decided.
    low *= 1 - kPercentileResolution;
    high *= 1 + kPercentileResolution;
  }
  if (c.at_most) {
    d.verdict = high <= c.bound ? Verdict::kPass : low > c.bound ? Verdict::kFail : Verdict::kUndecided;
  } else {
    d.verdict = low >= c.bound ? Verdict::kPass : high < c.bound ? Verdict::kFail : Verdict::kUndecided;
  }
  const bool interval_straddles = *m.ci95_low <= c.bound && c.bound <= *m.ci95_high;
  if (d.verdict == Verdict::kUndecided && !interval_straddles) {
    d.reason = "within the latency histogram's resolution (1/256) of the bound";
  }
  return d;
}

std::string figure_text(const Decision& d) {
  std::string out = figure_number(d.mean);
  if (d.ci95_low && d.ci95_high && *d.ci95_low != *d.ci95_high) {
    out += " (95 % " + figure_number(*d.ci95_low) + "-" + figure_number(*d.ci95_high) + ")";
  }
  return out;
}

}  // namespace viosim::plan
