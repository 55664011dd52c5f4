// Start-up transients of a flow's latency series, in bounded memory.
//
// MSER-5 (White 1997; White, Cobb and Spratt 2000): the series is cut into
// batches of 5 samples; the truncation point d is the number of leading
// batch means that minimises the standard error of the mean of the rest,
//   MSER(d) = sum_{i>=d} (x_i - mean_d)^2 / (n - d)^2,
// searched over the first half of the series. Batch means go into a series
// of at most `max_batches`; when it fills, neighbours merge and the batch
// size doubles, so memory stays flat whatever the run length (MSER on the
// coarser batches, which the rule allows).
//
// still_rising(): the batch means of the last half of the series climb
// (least-squares slope with a t statistic above 4, rising by more than half
// their mean over that half): a backlog that still grows at the end, not
// the drift of an adapting interrupt rate.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "sim-core/time.h"

namespace viosim::models {

class TransientDetector {
 public:
  explicit TransientDetector(size_t max_batches = 4096);

  void add(double value, core::Time at);

  // When the transient ends: the time of the first sample of the first
  // kept batch; nothing while the series has fewer than kMinBatches.
  std::optional<core::Time> transient_end() const;
  bool still_rising() const;

  static constexpr size_t kMinBatches = 20;
  size_t batches() const { return means_.size(); }

 private:
  void merge_pairs();

  size_t max_batches_;
  size_t batch_size_ = 5;
  double sum_ = 0;
  size_t count_ = 0;
  core::Time batch_start_;
  std::vector<double> means_;
  std::vector<core::Time> starts_;
};

}  // namespace viosim::models
