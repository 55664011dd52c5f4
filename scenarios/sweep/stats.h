// Statistics across the replications of a sweep point: the sample mean and
// its two-sided 95 % confidence interval, mean +- t * s / sqrt(n), with t
// the 0.975 quantile of Student's t distribution with n - 1 degrees of
// freedom and s the sample standard deviation. Warm-up is already excluded
// from each replication's figures by the run itself.
#pragma once

#include <optional>
#include <vector>

namespace viosim::sweep {

struct MeanCi {
  double mean = 0;
  std::optional<double> ci95_low;   // nothing for n < 2: one sample gives no interval
  std::optional<double> ci95_high;
};

// t_{0.975, df} for df >= 1.
double t_quantile_975(int degrees_of_freedom);

// Of at least one value.
MeanCi mean_ci95(const std::vector<double>& values);

}  // namespace viosim::sweep
