// Removing cancelled entries in one pass, and the near list's spill.
#include "sim-core/quad_heap.h"

#include <stdexcept>

namespace viosim::core {

void QuadHeap::remove_cancelled(CancelSet& cancelled) {
  // The near list, kept in order and at the end of its array.
  size_t kept = kNear;
  for (size_t i = kNear; i-- > near_begin_;) {
    if (!cancelled.erase(near_[i].order)) near_[--kept] = near_[i];
  }
  near_begin_ = kept;
  EventEntry* h = nodes();
  kept = 0;
  for (size_t i = 0; i < size_; ++i) {
    if (!cancelled.erase(h[i].order)) h[kept++] = h[i];
  }
  if (cancelled.size() != 0) throw std::logic_error("a cancelled event was not in the quad heap");
  size_ = kept;
  // Floyd's heap construction: sift every parent down, the last first.
  if (kept < 2) return;
  for (size_t i = (kept - 2) / 4 + 1; i-- > 0;) sift_down(i, h[i], kept);
}

void QuadHeap::spill_near() {
  constexpr size_t kHalf = kNear / 2;
  for (size_t i = kHalf; i != kNear; ++i) heap_push(near_[i]);
  for (size_t i = kHalf; i-- > 0;) near_[i + kHalf] = near_[i];
  near_begin_ = kHalf;
}

bool QuadHeap::remove_now(Time time, uint64_t order) {
  const EventEntry key{time, order, nullptr, 0};
  // Every queued entry no later than the list's last is in the list.
  if (near_begin_ == kNear || earlier(near_[kNear - 1], key)) return false;
  size_t at = kNear - 1;
  while (near_[at].order != order || near_[at].time != time) {
    if (at == near_begin_) return false;
    --at;
  }
  for (; at != near_begin_; --at) near_[at] = near_[at - 1];
  ++near_begin_;
  return true;
}

bool QuadHeap::contains(Time time, uint64_t order) const {
  for (size_t i = near_begin_; i < kNear; ++i) {
    if (near_[i].order == order && near_[i].time == time) return true;
  }
  const EventEntry* h = nodes();
  for (size_t i = 0; i < size_; ++i) {
    if (h[i].order == order && h[i].time == time) return true;
  }
  return false;
}

}  // namespace viosim::core
