// A 4-ary implicit min-heap of events. Half the depth of a binary heap, and
// the storage is offset so that the four children of every node fill one
// 128-byte aligned block (two adjacent cache lines, which the hardware
// fetches together): a pop touches one block per level. Sifting moves a hole
// instead of swapping.
#pragma once

#include <vector>

#include "sim-core/event_queue.h"

namespace viosim::core {

class QuadHeap final : public EventQueue {
 public:
  QuadHeap() { grow(); }
  void push(const EventEntry& entry) override;
  bool pop_not_after(Time limit, EventEntry& out) override;
  size_t size() const override { return size_; }
  std::string_view name() const override { return "quad-heap"; }
  void remove_cancelled(CancelSet& cancelled) override;

 private:
  struct alignas(128) Block {
    EventEntry slot[4];
  };
  static constexpr size_t kOffset = 3;  // node k lives in slot k + 3
  EventEntry* nodes() { return &blocks_[0].slot[0] + kOffset; }
  // The earliest of the children that start at node `first` in a heap of
  // n nodes (first < n).
  size_t earliest_child(size_t first, size_t n);
  void grow() {
    blocks_.resize(blocks_.empty() ? 256 : blocks_.size() * 2);
    capacity_ = blocks_.size() * 4 - kOffset;
  }

  std::vector<Block> blocks_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// Defined here so that the simulator's loop, which knows the final type,
// inlines them.

inline void QuadHeap::push(const EventEntry& entry) {
  if (size_ == capacity_) grow();
  size_t hole = size_++;
  EventEntry* h = nodes();
  while (hole > 0) {
    const size_t parent = (hole - 1) / 4;
    if (!earlier(entry, h[parent])) break;
    h[hole] = h[parent];
    hole = parent;
  }
  h[hole] = entry;
}

inline size_t QuadHeap::earliest_child(size_t first, size_t n) {
  EventEntry* h = nodes();
  if (first + 4 <= n) {
    // Full family: a tournament of three selects, which the compiler turns
    // into conditional moves; random keys would mispredict a branchy scan.
    const size_t b01 = earlier(h[first + 1], h[first]) ? first + 1 : first;
    const size_t b23 = earlier(h[first + 3], h[first + 2]) ? first + 3 : first + 2;
    return earlier(h[b23], h[b01]) ? b23 : b01;
  }
  size_t best = first;
  for (size_t c = first + 1; c < n; ++c) {
    if (earlier(h[c], h[best])) best = c;
  }
  return best;
}

inline bool QuadHeap::pop_not_after(Time limit, EventEntry& out) {
  EventEntry* h = nodes();
  if (size_ == 0 || h[0].time > limit) return false;
  out = h[0];
  const size_t n = --size_;
  if (n == 0) return true;
  // Bottom-up (Floyd): the hole left at the root follows the earliest child
  // down to a leaf without asking whether the last entry would fit on the
  // way, then the last entry rises from there. It came from the bottom, so
  // it rarely rises: a comparison per level is saved, and the unpredictable
  // branch with it.
  const EventEntry last = h[n];
  size_t hole = 0;
  for (size_t first = 1; first < n; first = 4 * hole + 1) {
    const size_t best = earliest_child(first, n);
    h[hole] = h[best];
    hole = best;
  }
  while (hole > 0) {
    const size_t parent = (hole - 1) / 4;
    if (!earlier(last, h[parent])) break;
    h[hole] = h[parent];
    hole = parent;
  }
  h[hole] = last;
  return true;
}

}  // namespace viosim::core
