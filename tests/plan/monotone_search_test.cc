// The plan's search against probes of known outcome: it finds the known
// threshold of a monotone case from every side, stops at the plan's
// bounds, counts undecided and refused probes as not passing, and keeps
// the continuous search within its precision.
#include "scenarios/plan/monotone_search.h"

#include <gtest/gtest.h>

#include <cmath>

namespace viosim::plan {
namespace {

SearchSpace integers(bool most, double min, double max) {
  SearchSpace s;
  s.integer = true;
  s.most = most;
  s.min = min;
  s.max = max;
  return s;
}

TEST(MonotoneSearch, FindsTheLargestPassingCountForEveryThreshold) {
  for (int threshold = 1; threshold < 64; ++threshold) {
    int probes = 0;
    const SearchOutcome out = search_monotone(integers(true, 1, 64), [&](double v) {
      ++probes;
      return v <= threshold ? Verdict::kPass : Verdict::kFail;
    });
    ASSERT_EQ(out.status, AnswerStatus::kMet) << threshold;
    EXPECT_EQ(*out.answer, threshold);
    EXPECT_EQ(*out.next, threshold + 1);
    EXPECT_EQ(out.next_verdict, Verdict::kFail);
    // Doubling then bisection: about 2 log2(64) probes, never a scan.
    EXPECT_LE(probes, 13) << threshold;
    EXPECT_EQ(out.steps.size(), size_t(probes));
  }
}

TEST(MonotoneSearch, FindsTheSmallestPassingCountForEveryThreshold) {
  for (int threshold = 2; threshold <= 40; ++threshold) {
    const SearchOutcome out = search_monotone(
        integers(false, 1, 40), [&](double v) { return v >= threshold ? Verdict::kPass : Verdict::kFail; });
    ASSERT_EQ(out.status, AnswerStatus::kMet) << threshold;
    EXPECT_EQ(*out.answer, threshold);
    EXPECT_EQ(*out.next, threshold - 1);
  }
}

TEST(MonotoneSearch, SaysWhenTheBoundPassesOrNothingDoes) {
  const SearchOutcome all = search_monotone(integers(true, 1, 50), [](double) { return Verdict::kPass; });
  EXPECT_EQ(all.status, AnswerStatus::kBound);
  EXPECT_EQ(*all.answer, 50);
  EXPECT_FALSE(all.next);
  const SearchOutcome none = search_monotone(integers(true, 3, 50), [](double) { return Verdict::kFail; });
  EXPECT_EQ(none.status, AnswerStatus::kNone);
  EXPECT_FALSE(none.answer);
  EXPECT_EQ(*none.next, 3);
  EXPECT_EQ(none.steps.size(), 1u);
  const SearchOutcome fewest = search_monotone(integers(false, 2, 16), [](double) { return Verdict::kPass; });
  EXPECT_EQ(fewest.status, AnswerStatus::kBound);
  EXPECT_EQ(*fewest.answer, 2);
}

TEST(MonotoneSearch, AnUndecidedOrRefusedProbeIsNotAPassAndIsNamedAsTheNextValue) {
  // Passes up to 9, undecided at 10, fails beyond.
  const SearchOutcome out = search_monotone(integers(true, 1, 32), [](double v) {
    return v <= 9 ? Verdict::kPass : v == 10 ? Verdict::kUndecided : Verdict::kFail;
  });
  EXPECT_EQ(*out.answer, 9);
  EXPECT_EQ(*out.next, 10);
  EXPECT_EQ(out.next_verdict, Verdict::kUndecided);
  // Refused from 13 on (the host has no cores left, say).
  const SearchOutcome refused =
      search_monotone(integers(true, 1, 64), [](double v) { return v <= 12 ? Verdict::kPass : Verdict::kRefused; });
  EXPECT_EQ(*refused.answer, 12);
  EXPECT_EQ(refused.next_verdict, Verdict::kRefused);
}

TEST(MonotoneSearch, BracketsARateWithinThePrecision) {
  SearchSpace s;
  s.integer = false;
  s.min = 1e3;
  s.max = 14.88e6;
  s.precision = 0.01;
  for (double threshold : {2.2e3, 3.3e5, 1.234567e6, 9.9e6}) {
    const SearchOutcome out =
        search_monotone(s, [&](double v) { return v <= threshold ? Verdict::kPass : Verdict::kFail; });
    ASSERT_EQ(out.status, AnswerStatus::kMet) << threshold;
    EXPECT_LE(*out.answer, threshold);
    EXPECT_GT(*out.next, threshold);
    EXPECT_LE(*out.next - *out.answer, s.precision * *out.next);
    EXPECT_EQ(out.steps.front().value, s.max);  // RFC 2544 starts at the line rate
  }
  const SearchOutcome none = search_monotone(s, [](double) { return Verdict::kFail; });
  EXPECT_EQ(none.status, AnswerStatus::kNone);
  EXPECT_EQ(*none.next, s.min);
}

}  // namespace
}  // namespace viosim::plan
