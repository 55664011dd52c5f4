// The search a plan runs: the best value of one monotone knob at which a
// probe passes. "Most" knobs pass up to some value and fail beyond it (VM
// copies, a rate), "fewest" knobs fail below some value and pass from it
// on (cores). A probe that is undecided or refused counts as not passing,
// so an answer is always a value that passed. The probe itself is a
// function handed in, so the search is testable on its own.
//
// Integers: a "most" search starts at the least demanding value (min) and
// doubles until a probe fails, a "fewest" one starts at max and halves;
// then the two are bisected until they are neighbours. Small answers, the
// cheap probes, come first. Rates: the first probe is at max (as RFC 2544
// starts at line rate); then halving down to a pass, and bisection (the
// geometric mean) until the lowest failure is within `precision` of the
// highest pass.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "scenarios/plan/slo_check.h"

namespace viosim::plan {

struct SearchSpace {
  bool integer = true;
  bool most = true;  // the largest passing value (else the smallest)
  double min = 0;
  double max = 0;
  double precision = 0.01;  // continuous only: (fail - pass) <= precision * fail
};

enum class AnswerStatus { kMet, kBound, kNone };
const char* status_name(AnswerStatus s);

struct SearchStep {
  double value = 0;
  Verdict verdict = Verdict::kFail;
};

struct SearchOutcome {
  AnswerStatus status = AnswerStatus::kNone;
  std::optional<double> answer;  // the best passing value (not with kNone)
  std::optional<double> next;    // the nearest value beyond it that did not pass (not with kBound)
  Verdict next_verdict = Verdict::kFail;
  std::vector<SearchStep> steps;  // in the order probed
};

using ProbeFunction = std::function<Verdict(double value)>;

SearchOutcome search_monotone(const SearchSpace& space, const ProbeFunction& probe);

}  // namespace viosim::plan
