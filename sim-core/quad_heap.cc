// Removing cancelled entries from the quad heap in one pass.
#include "sim-core/quad_heap.h"

#include <stdexcept>

namespace viosim::core {

void QuadHeap::remove_cancelled(CancelSet& cancelled) {
  if (has_front_ && cancelled.erase(front_.order)) has_front_ = false;
  EventEntry* h = nodes();
  size_t kept = 0;
  for (size_t i = 0; i < size_; ++i) {
    if (!cancelled.erase(h[i].order)) h[kept++] = h[i];
  }
  if (cancelled.size() != 0) throw std::logic_error("a cancelled event was not in the quad heap");
  size_ = kept;
  // Floyd's heap construction: sift every parent down, the last first.
  if (kept < 2) return;
  for (size_t i = (kept - 2) / 4 + 1; i-- > 0;) sift_down(i, h[i], kept);
}

bool QuadHeap::contains(Time time, uint64_t order) const {
  if (has_front_ && front_.order == order && front_.time == time) return true;
  const EventEntry* h = nodes();
  for (size_t i = 0; i < size_; ++i) {
    if (h[i].order == order && h[i].time == time) return true;
  }
  return false;
}

}  // namespace viosim::core
