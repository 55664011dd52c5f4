// The t quantiles are the two-sided 95 % (upper-tail 0.025) column of the
// table "Critical values of the Student's t distribution" of the
// NIST/SEMATECH e-Handbook of Statistical Methods, section 1.3.6.7.2
// (https://www.itl.nist.gov/div898/handbook/eda/section3/eda3672.htm),
// three decimals as printed there. Between tabled degrees of freedom the
// quantile is interpolated linearly in 1/df, the usual rule for t tables
// (it is within 0.001 of the exact value everywhere past df = 30).
#include "scenarios/sweep/stats.h"

#include <cmath>
#include <iterator>
#include <stdexcept>

namespace viosim::sweep {
namespace {

struct TableEntry {
  int df;
  double t;
};

constexpr TableEntry kT975[] = {
    {1, 12.706}, {2, 4.303},  {3, 3.182},  {4, 2.776},  {5, 2.571},   {6, 2.447},   {7, 2.365},  {8, 2.306},
    {9, 2.262},  {10, 2.228}, {11, 2.201}, {12, 2.179}, {13, 2.160},  {14, 2.145},  {15, 2.131}, {16, 2.120},
    {17, 2.110}, {18, 2.101}, {19, 2.093}, {20, 2.086}, {21, 2.080},  {22, 2.074},  {23, 2.069}, {24, 2.064},
    {25, 2.060}, {26, 2.056}, {27, 2.052}, {28, 2.048}, {29, 2.045},  {30, 2.042},  {40, 2.021}, {50, 2.009},
    {60, 2.000}, {80, 1.990}, {100, 1.984},
};
constexpr double kTInfinity = 1.960;  // the normal quantile, the table's last row

}  // namespace

double t_quantile_975(int df) {
  if (df < 1) throw std::invalid_argument("t quantile needs at least one degree of freedom");
  const auto* last = std::end(kT975) - 1;
  for (const auto* e = std::begin(kT975); e != std::end(kT975); ++e) {
    if (e->df == df) return e->t;
    if (e->df > df) {
      const auto* lo = e - 1;  // df > 30 here, so there is an entry below
      const double x = 1.0 / df, x0 = 1.0 / lo->df, x1 = 1.0 / e->df;
      return lo->t + (e->t - lo->t) * (x - x0) / (x1 - x0);
    }
  }
  const double x = 1.0 / df, x0 = 1.0 / last->df;
  return kTInfinity + (last->t - kTInfinity) * x / x0;
}

MeanCi mean_ci95(const std::vector<double>& values) {
  if (values.empty()) throw std::invalid_argument("mean of no values");
  MeanCi out;
  const double n = static_cast<double>(values.size());
  double sum = 0;
  for (double v : values) sum += v;
  out.mean = sum / n;
  if (values.size() < 2) return out;
  double squares = 0;
  for (double v : values) squares += (v - out.mean) * (v - out.mean);
  const double s = std::sqrt(squares / (n - 1));
  const double half = t_quantile_975(static_cast<int>(values.size()) - 1) * s / std::sqrt(n);
  out.ci95_low = out.mean - half;
  out.ci95_high = out.mean + half;
  return out;
}

}  // namespace viosim::sweep
