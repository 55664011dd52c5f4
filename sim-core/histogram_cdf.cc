// Histogram -> CDF points, grouping buckets until the points fit.
#include "sim-core/histogram_cdf.h"

#include <algorithm>

namespace viosim::core {
namespace {

// How many aligned runs of `width` buckets hold at least one sample.
size_t occupied_groups(const Histogram& h, size_t width) {
  size_t groups = 0;
  size_t last_key = SIZE_MAX;
  for (size_t i = 0; i < Histogram::kBuckets; ++i) {
    if (h.count_in_bucket(i) == 0 || i / width == last_key) continue;
    last_key = i / width;
    ++groups;
  }
  return groups;
}

}  // namespace

std::vector<CdfPoint> cdf_points(const Histogram& histogram, size_t max_points) {
  std::vector<CdfPoint> points;
  if (histogram.count() == 0 || max_points == 0) return points;
  size_t width = 1;
  while (width < Histogram::kBuckets && occupied_groups(histogram, width) > max_points) width *= 2;

  const double total = static_cast<double>(histogram.count());
  uint64_t seen = 0;
  size_t last_nonempty = 0;
  bool pending = false;
  for (size_t i = 0; i <= Histogram::kBuckets; ++i) {
    // A group closes when the next bucket starts a new run (or at the end).
    if (pending && (i == Histogram::kBuckets || i / width != last_nonempty / width)) {
      points.push_back({std::min(Histogram::bucket_high(last_nonempty), histogram.max()),
                        static_cast<double>(seen) / total});
      pending = false;
    }
    if (i == Histogram::kBuckets) break;
    if (histogram.count_in_bucket(i) == 0) continue;
    seen += histogram.count_in_bucket(i);
    last_nonempty = i;
    pending = true;
  }
  // `seen` reaches the total exactly, so the last fraction is exactly 1.
  return points;
}

}  // namespace viosim::core
