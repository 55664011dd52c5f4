// A compact, deterministic cumulative distribution of a Histogram, for
// results files and plots: at most `max_points` points, each at the upper
// edge of a non-empty bucket with the exact fraction of samples at or below
// it, so every point lies on the true empirical CDF of the bucketed data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim-core/histogram.h"

namespace viosim::core {

struct CdfPoint {
  uint64_t value = 0;                // a bucket's inclusive upper edge, clamped to the histogram's max
  double cumulative_fraction = 0;    // samples <= value, over all samples
};

// Empty for an empty histogram. When the non-empty buckets outnumber
// `max_points`, neighbouring buckets are grouped in aligned runs of a power
// of two (on the log-linear layout this keeps an even resolution per octave,
// which is what a log-scaled axis shows) and the last bucket of each run is
// kept; the final point always has fraction 1.
std::vector<CdfPoint> cdf_points(const Histogram& histogram, size_t max_points);

}  // namespace viosim::core
