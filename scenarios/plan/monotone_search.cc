#include "scenarios/plan/monotone_search.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace viosim::plan {

const char* status_name(AnswerStatus s) {
  switch (s) {
    case AnswerStatus::kMet:
      return "met";
    case AnswerStatus::kBound:
      return "bound";
    case AnswerStatus::kNone:
      return "none";
  }
  return "?";
}

namespace {

class Walk {
 public:
  Walk(const ProbeFunction& probe, SearchOutcome* out) : probe_(probe), out_(out) {}
  bool passes(double v) {
    const Verdict verdict = probe_(v);
    out_->steps.push_back({v, verdict});
    return verdict == Verdict::kPass;
  }
  void met(double pass, double fail) {
    out_->status = AnswerStatus::kMet;
    out_->answer = pass;
    out_->next = fail;
    out_->next_verdict = verdict_at(fail);
  }
  void none(double fail) {
    out_->status = AnswerStatus::kNone;
    out_->next = fail;
    out_->next_verdict = verdict_at(fail);
  }
  void bound(double pass) {
    out_->status = AnswerStatus::kBound;
    out_->answer = pass;
  }

 private:
  // A value the search ended on was probed.
  Verdict verdict_at(double v) const {
    for (const SearchStep& s : out_->steps) {
      if (s.value == v) return s.verdict;
    }
    throw std::logic_error("the search ended on a value it did not probe");
  }
  const ProbeFunction& probe_;
  SearchOutcome* out_;
};

void integer_most(const SearchSpace& s, Walk& w) {
  double pass = s.min;
  if (!w.passes(pass)) return w.none(pass);
  double fail = 0;
  for (;;) {
    if (pass >= s.max) return w.bound(pass);
    const double v = std::min(s.max, std::max(pass + 1, 2 * pass));
    if (!w.passes(v)) {
      fail = v;
      break;
    }
    pass = v;
  }
  while (fail - pass > 1) {
    const double mid = std::floor((pass + fail) / 2);
    (w.passes(mid) ? pass : fail) = mid;
  }
  w.met(pass, fail);
}

void integer_fewest(const SearchSpace& s, Walk& w) {
  double pass = s.max;
  if (!w.passes(pass)) return w.none(pass);
  double fail = 0;
  for (;;) {
    if (pass <= s.min) return w.bound(pass);
    const double v = std::max(s.min, std::min(pass - 1, std::floor(pass / 2)));
    if (!w.passes(v)) {
      fail = v;
      break;
    }
    pass = v;
  }
  while (pass - fail > 1) {
    const double mid = std::floor((pass + fail) / 2);
    (w.passes(mid) ? pass : fail) = mid;
  }
  w.met(pass, fail);
}

void continuous_most(const SearchSpace& s, Walk& w) {
  double fail = s.max;
  if (w.passes(fail)) return w.bound(fail);
  double pass = 0;
  for (;;) {
    const double v = std::max(s.min, fail / 2);
    if (w.passes(v)) {
      pass = v;
      break;
    }
    if (v <= s.min) return w.none(v);
    fail = v;
  }
  while (fail - pass > s.precision * fail) {
    const double mid = std::sqrt(pass * fail);
    (w.passes(mid) ? pass : fail) = mid;
  }
  w.met(pass, fail);
}

}  // namespace

SearchOutcome search_monotone(const SearchSpace& space, const ProbeFunction& probe) {
  SearchOutcome out;
  Walk walk(probe, &out);
  if (space.integer) {
    space.most ? integer_most(space, walk) : integer_fewest(space, walk);
  } else {
    continuous_most(space, walk);
  }
  return out;
}

}  // namespace viosim::plan
