// Calendar queue: bucket scan within the current year, direct search when a
// whole year is empty, and resizing with a sampled bucket width.
#include "sim-core/calendar_queue.h"

#include <algorithm>
#include <stdexcept>

namespace viosim::core {

namespace {
constexpr size_t kMinBuckets = 2;
constexpr size_t kWidthSample = 64;
constexpr size_t kBucketReserve = 8;

int64_t saturating_add(int64_t a, int64_t b) {
  int64_t r = 0;
  return __builtin_add_overflow(a, b, &r) ? INT64_MAX : r;
}
}  // namespace

CalendarQueue::CalendarQueue() : buckets_(kMinBuckets), mask_(kMinBuckets - 1) {}

void CalendarQueue::move_window_to(int64_t t) {
  current_ = bucket_of(t);
  window_end_ = saturating_add(t & ~(width_ - 1), width_);
}

void CalendarQueue::push(const EventEntry& entry) {
  const int64_t t = entry.time.ps();
  // The window may only move back when the queue was empty (or at the start).
  if (size_ == 0 || t < window_end_ - width_) move_window_to(t);
  Bucket& b = buckets_[bucket_of(t)];
  if (b.empty() || !earlier(entry, b.items.back())) {
    b.items.push_back(entry);  // the common case: later than all queued
  } else {
    auto first = b.items.begin() + static_cast<std::ptrdiff_t>(b.head);
    b.items.insert(std::upper_bound(first, b.items.end(), entry, earlier), entry);
  }
  if (++size_ > 2 * buckets_.size()) resize(2 * buckets_.size());
}

size_t CalendarQueue::find_earliest_bucket() {
  size_t i = current_;
  int64_t end = window_end_;
  for (size_t n = 0; n <= mask_; ++n) {
    const Bucket& b = buckets_[i];
    if (!b.empty() && b.front().time.ps() < end) {
      current_ = i;
      window_end_ = end;
      return i;
    }
    i = (i + 1) & mask_;
    end = saturating_add(end, width_);
  }
  // A whole year without an event: jump straight to the earliest one.
  size_t best = buckets_.size();
  for (size_t k = 0; k < buckets_.size(); ++k) {
    if (buckets_[k].empty()) continue;
    if (best == buckets_.size() || earlier(buckets_[k].front(), buckets_[best].front())) best = k;
  }
  // Frequent whole-year misses mean the width no longer fits the spacing
  // (a small population never crosses a resize threshold): re-measure it,
  // at most once per `size_` pops so the cost stays amortised.
  if (size_ >= 2 && pops_since_resize_ >= size_) {
    resize(buckets_.size());
    return current_;
  }
  move_window_to(buckets_[best].front().time.ps());
  return best;
}

bool CalendarQueue::pop_not_after(Time limit, EventEntry& out) {
  if (size_ == 0) return false;
  Bucket& b = buckets_[find_earliest_bucket()];
  if (b.front().time > limit) return false;
  out = b.front();
  if (++b.head == b.items.size()) {
    b.items.clear();  // keeps the capacity: no allocation next time
    b.head = 0;
  } else if (b.head >= 4 && 2 * b.head >= b.items.size()) {
    // Later years' events keep the bucket from emptying: drop the popped
    // prefix before it grows the vector.
    b.items.erase(b.items.begin(), b.items.begin() + static_cast<std::ptrdiff_t>(b.head));
    b.head = 0;
  }
  --size_;
  ++pops_since_resize_;
  if (buckets_.size() > kMinBuckets && size_ < buckets_.size() / 2) resize(buckets_.size() / 2);
  return true;
}

void CalendarQueue::resize(size_t buckets) {
  std::vector<EventEntry> all;
  all.reserve(size_);
  for (Bucket& b : buckets_) {
    all.insert(all.end(), b.items.begin() + static_cast<std::ptrdiff_t>(b.head), b.items.end());
  }
  std::sort(all.begin(), all.end(), earlier);

  // Width: three times the mean gap between the earliest events, ignoring
  // gaps more than twice the first mean (Brown's outlier rule).
  const size_t n = std::min(all.size(), kWidthSample);
  if (n >= 2) {
    const EventEntry* earliest = all.data();
    double sum = 0;
    for (size_t k = 0; k + 1 < n; ++k) sum += double(earliest[k + 1].time.ps() - earliest[k].time.ps());
    const double mean = sum / double(n - 1);
    double kept = 0;
    size_t count = 0;
    for (size_t k = 0; k + 1 < n; ++k) {
      const double gap = double(earliest[k + 1].time.ps() - earliest[k].time.ps());
      if (gap <= 2 * mean) {
        kept += gap;
        ++count;
      }
    }
    const double width = count > 0 ? 3.0 * kept / double(count) : 3.0 * mean;
    // Round to a power of two (1 ps to ~1100 s).
    width_shift_ = 0;
    while (width_shift_ < 50 && double(int64_t{1} << (width_shift_ + 1)) <= width) ++width_shift_;
    width_ = int64_t{1} << width_shift_;
  }

  pops_since_resize_ = 0;
  buckets_.assign(buckets, {});
  // Room for a few events each up front, so that steady state rarely finds
  // a bucket fuller than it has ever been (which would allocate).
  for (Bucket& b : buckets_) b.items.reserve(kBucketReserve);
  mask_ = buckets - 1;
  for (const EventEntry& e : all) buckets_[bucket_of(e.time.ps())].items.push_back(e);
  if (!all.empty()) move_window_to(all.front().time.ps());
}

void CalendarQueue::remove_cancelled(CancelSet& cancelled) {
  for (Bucket& b : buckets_) {
    // Each bucket stays sorted: the kept entries keep their order.
    const auto first = b.items.begin() + static_cast<std::ptrdiff_t>(b.head);
    const auto last =
        std::remove_if(first, b.items.end(), [&](const EventEntry& e) { return cancelled.erase(e.order); });
    size_ -= static_cast<size_t>(b.items.end() - last);
    b.items.erase(last, b.items.end());
    if (b.empty()) {
      b.items.clear();
      b.head = 0;
    }
  }
  if (cancelled.size() != 0) throw std::logic_error("a cancelled event was not in the calendar queue");
}

bool CalendarQueue::contains(Time time, uint64_t order) const {
  const Bucket& b = buckets_[bucket_of(time.ps())];
  for (size_t i = b.head; i < b.items.size(); ++i) {
    if (b.items[i].order == order && b.items[i].time == time) return true;
  }
  return false;
}

}  // namespace viosim::core
