#include "scenarios/search/rate_search.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <stdexcept>

namespace viosim::search {
namespace {

// One criterion's state between trials.
struct Criterion {
  Bounds bounds;
  double step = 0;         // the next move away from the bound just found
  bool expanding = false;  // moving away from a bound believed close to the rate
  bool hint_used = false;
  bool guessing = false;  // the trial running is at the hint
};

bool done(const Criterion& c, const SearchSettings& s) {
  const Bounds& b = c.bounds;
  if (b.at_max()) return true;
  if (b.below_min()) return b.fail <= s.min_rate;
  return b.pass > 0 && b.fail > 0 && b.fail - b.pass <= s.precision * b.fail;
}

// Narrows `c` by a trial at `rate`. A trial at the hint (the rate the path
// delivered when overloaded) gives a bound likely close to the answer.
// `passed(trial)` tells whether an earlier trial passed this criterion.
template <class Passed>
void record(Criterion& c, const SearchSettings& s, const std::vector<Trial>& trials, double rate, bool pass,
            Passed passed) {
  const bool guess = c.guessing;
  c.guessing = false;
  Bounds& b = c.bounds;
  if (pass) {
    if (rate <= b.pass || (b.fail > 0 && rate >= b.fail)) return;  // nothing new, or contradicts a failure
    b.pass = rate;
    if (guess) {
      c.expanding = true;
      c.step = s.precision * rate;
    } else if (c.expanding) {
      c.step *= 2;
    }
  } else {
    if (b.fail > 0 && rate >= b.fail) return;
    if (rate <= b.pass) {
      // It fails below a rate that passed: the failure wins, and the pass
      // to keep is the highest one below it.
      b.pass = 0;
      for (const Trial& t : trials) {
        if (passed(t) && t.rate < rate) b.pass = std::max(b.pass, t.rate);
      }
      c.step = 0;
    }
    b.fail = rate;
    if (b.pass == 0) {
      // Still no passing rate: step down, each step twice the last.
      c.step = c.step == 0 || guess ? s.precision * rate : c.step * 2;
    }
    c.expanding = false;
  }
}

// The next rate to try for `c`, inside its interval.
double next_rate(Criterion& c, const SearchSettings& s, double hint) {
  const Bounds& b = c.bounds;
  if (b.pass == 0) {
    if (!c.hint_used && hint > s.min_rate && hint < b.fail * (1 - s.precision)) {
      c.hint_used = true;
      c.guessing = true;
      return hint;
    }
    c.hint_used = true;
    return std::max(s.min_rate, b.fail - c.step);
  }
  const double middle = (b.pass + b.fail) / 2;
  return c.expanding ? std::min(b.pass + c.step, middle) : middle;
}

// Trial rates carry 7 significant digits: enough for any precision allowed
// (1e-4), and a rate printed in full runs the very same trial again.
double rounded(double rate) {
  const double scale = std::pow(10.0, 6 - std::floor(std::log10(rate)));
  return std::round(rate * scale) / scale;
}

// The rate to run: rounded, but never below min_rate (which runs as given).
double bounded(double rate, const SearchSettings& s) {
  const double r = rounded(rate);
  return r <= s.min_rate ? s.min_rate : r;
}

}  // namespace

SearchResult search_rates(const SearchSettings& s, const TrialFunction& trial) {
  if (!(s.min_rate > 0) || !(s.max_rate >= s.min_rate) || !(s.precision > 0) || s.max_trials < 1) {
    throw std::invalid_argument("search_rates: needs 0 < min_rate <= max_rate, precision > 0 and a trial");
  }
  SearchResult result;
  Criterion ndr, pdr;
  ndr.hint_used = true;            // its failures lose little: their receive rates say nothing new
  std::set<double> tried;          // the rates run
  bool ndr_started = false;
  double hint = 0;  // the receive rate of the first trial, if it failed
  double rate = s.max_rate;
  while (static_cast<int>(result.trials.size()) < s.max_trials) {
    Trial t;
    t.rate = rate;
    t.outcome = trial(rate);
    t.ndr_pass = !t.outcome.still_growing && t.outcome.missing() == 0;
    t.pdr_pass = !t.outcome.still_growing && t.outcome.loss_ratio() <= s.pdr_loss_ratio;
    tried.insert(rate);
    result.trials.push_back(t);
    record(ndr, s, result.trials, rate, t.ndr_pass, [](const Trial& x) { return x.ndr_pass; });
    record(pdr, s, result.trials, rate, t.pdr_pass, [](const Trial& x) { return x.pdr_pass; });
    // After the first failure, the partial-drop search tries the rate the
    // path delivered in it.
    hint = result.trials.size() == 1 && !t.pdr_pass ? t.outcome.receive_rate : 0;

    // The partial-drop rate first: its failures bound the zero-loss one.
    Criterion* c = !done(pdr, s) ? &pdr : !done(ndr, s) ? &ndr : nullptr;
    if (c == nullptr) {
      result.converged = true;
      break;
    }
    if (c == &ndr && !ndr_started) {
      // Its steps so far followed the other search's trials: start afresh.
      ndr_started = true;
      ndr.expanding = false;
      ndr.step = s.precision * ndr.bounds.fail;
    }
    rate = bounded(next_rate(*c, s, hint), s);
    if (tried.count(rate) != 0) {
      // Already run (steps met an earlier trial): halve the interval instead.
      const Bounds& b = c->bounds;
      rate = bounded(b.pass > 0 ? (b.pass + b.fail) / 2 : b.fail / 2, s);
      if (tried.count(rate) != 0) break;  // no rate left between them
    }
  }
  result.ndr = ndr.bounds;
  result.pdr = pdr.bounds;
  return result;
}

std::string rate_text(double pps) {
  const int decimals = pps > 0 ? std::clamp(6 - static_cast<int>(std::floor(std::log10(pps))), 0, 9) : 0;
  char text[64];
  std::snprintf(text, sizeof text, "%.*f pkt/s", decimals, pps);
  return text;
}

}  // namespace viosim::search
