// A log-linear histogram of non-negative integer samples (picoseconds,
// bytes, ...): exact below 128, then 128 linear sub-buckets per power of two,
// so a bucket spans at most 1/128 of its values and a percentile reported at
// the bucket's midpoint is within 0.4 % of the true sample. Fixed memory
// (7,424 counters) whatever the number of samples.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace viosim::core {

class Histogram {
 public:
  static constexpr int kSubBucketBits = 7;
  static constexpr uint64_t kSubBuckets = uint64_t{1} << kSubBucketBits;
  static constexpr size_t kBuckets = kSubBuckets * (64 - kSubBucketBits + 1);

  Histogram() : counts_(kBuckets, 0) {}

  void record(uint64_t value) {
    ++counts_[bucket_of(value)];
    ++count_;
    sum_ += value;
    if (value < min_) min_ = value;
    if (value > max_) max_ = value;
  }
  void merge(const Histogram& other);
  void reset();

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0; }
  // The sample of rank ceil(q * count) (q in [0, 1]), reported at its
  // bucket's midpoint and clamped to [min, max]; 0 when empty.
  uint64_t percentile(double q) const;

  // Bucket arithmetic, public for tests and for exporting a CDF.
  static size_t bucket_of(uint64_t value) {
    if (value < kSubBuckets) return static_cast<size_t>(value);
    const int msb = 63 - __builtin_clzll(value);
    const int shift = msb - kSubBucketBits;
    return static_cast<size_t>((shift + 1) * kSubBuckets + ((value >> shift) - kSubBuckets));
  }
  static uint64_t bucket_low(size_t index);
  static uint64_t bucket_high(size_t index);  // inclusive
  uint64_t count_in_bucket(size_t index) const { return counts_[index]; }

 private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  __extension__ unsigned __int128 sum_ = 0;  // exact
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
};

}  // namespace viosim::core
