// MSER-5 and the end-of-run trend; see transient.h.
#include "models/traffic/transient.h"

#include <cmath>
#include <limits>

namespace viosim::models {

TransientDetector::TransientDetector(size_t max_batches) : max_batches_(max_batches < 8 ? 8 : max_batches & ~size_t{1}) {
  means_.reserve(max_batches_);
  starts_.reserve(max_batches_);
}

void TransientDetector::add(double value, core::Time at) {
  if (count_ == 0) batch_start_ = at;
  sum_ += value;
  if (++count_ < batch_size_) return;
  means_.push_back(sum_ / double(count_));
  starts_.push_back(batch_start_);
  sum_ = 0;
  count_ = 0;
  if (means_.size() == max_batches_) merge_pairs();
}

void TransientDetector::merge_pairs() {
  const size_t half = means_.size() / 2;
  for (size_t i = 0; i < half; ++i) {
    means_[i] = (means_[2 * i] + means_[2 * i + 1]) / 2;
    starts_[i] = starts_[2 * i];
  }
  means_.resize(half);
  starts_.resize(half);
  batch_size_ *= 2;
}

std::optional<core::Time> TransientDetector::transient_end() const {
  const size_t n = means_.size();
  if (n < kMinBatches) return std::nullopt;
  // Suffix sums of x and x^2 give each MSER(d) in O(1).
  std::vector<double> sum(n + 1, 0), squares(n + 1, 0);
  for (size_t i = n; i-- > 0;) {
    sum[i] = sum[i + 1] + means_[i];
    squares[i] = squares[i + 1] + means_[i] * means_[i];
  }
  size_t best = 0;
  double best_value = std::numeric_limits<double>::infinity();
  for (size_t d = 0; d <= n / 2; ++d) {
    const double k = double(n - d);
    const double mean = sum[d] / k;
    const double deviation = std::max(0.0, squares[d] - k * mean * mean);
    const double value = deviation / (k * k);
    if (value < best_value) {
      best_value = value;
      best = d;
    }
  }
  return starts_[best];
}

bool TransientDetector::still_rising() const {
  const size_t n = means_.size();
  if (n < kMinBatches) return false;
  const size_t from = n / 2;
  const double m = double(n - from);
  double sx = 0, sy = 0;
  for (size_t i = from; i < n; ++i) {
    sx += double(i - from);
    sy += means_[i];
  }
  const double mx = sx / m, my = sy / m;
  double sxx = 0, sxy = 0;
  for (size_t i = from; i < n; ++i) {
    const double dx = double(i - from) - mx;
    sxx += dx * dx;
    sxy += dx * (means_[i] - my);
  }
  if (sxx <= 0 || my <= 0) return false;
  const double slope = sxy / sxx;
  double residuals = 0;
  for (size_t i = from; i < n; ++i) {
    const double e = means_[i] - (my + slope * (double(i - from) - mx));
    residuals += e * e;
  }
  const double se = std::sqrt(residuals / std::max(1.0, m - 2) / sxx);
  const double t = se > 0 ? slope / se : (slope > 0 ? std::numeric_limits<double>::infinity() : 0);
  return t > 4 && slope * (m - 1) > 0.5 * my;
}

}  // namespace viosim::models
