// A 4-ary implicit min-heap of events behind a short sorted list of the
// earliest ones.
//
// The heap: half the depth of a binary heap, and the storage is offset so
// that the four children of every node fill one 128-byte aligned block (two
// adjacent cache lines, which the hardware fetches together): a pop touches
// one block per level. Sifting moves a hole instead of swapping.
//
// The near list: up to kNear entries in time order, each no later than
// every heap entry; the heap is popped only when the list is empty. In the
// I/O models most events are scheduled a little ahead of now (a thread's
// next step, a wire's next frame), a few places from the front, and the
// pending set is small: an entry no later than the heap's earliest goes
// into the list, placed by moving the entries earlier than it one slot
// towards the front as it passes them, and is popped from the list without
// a sift. The list ends at the end of its array and grows towards the
// front; a full list hands its later half to the heap. A cancelled entry in
// the list leaves it at once (a timer re-armed on every packet is the
// common case), so only heap entries wait as cancelled until popped.
#pragma once

#include <array>
#include <vector>

#include "sim-core/event_queue.h"

namespace viosim::core {

class QuadHeap final : public EventQueue {
 public:
  QuadHeap() { grow(); }
  void push(const EventEntry& entry) override;
  bool pop_not_after(Time limit, EventEntry& out) override;
  // The target of the entry to pop next, or null.
  EventTarget* next_target() const {
    if (near_begin_ != kNear) return near_[near_begin_].target;
    return size_ != 0 ? nodes()[0].target : nullptr;
  }
  size_t size() const override { return size_ + (kNear - near_begin_); }
  std::string_view name() const override { return "quad-heap"; }
  void remove_cancelled(CancelSet& cancelled) override;
  // From the near list only.
  bool remove_now(Time time, uint64_t order) override;
  bool contains(Time time, uint64_t order) const override;

 private:
  struct alignas(128) Block {
    EventEntry slot[4];
  };
  static constexpr size_t kOffset = 3;  // node k lives in slot k + 3
  EventEntry* nodes() { return &blocks_[0].slot[0] + kOffset; }
  const EventEntry* nodes() const { return &blocks_[0].slot[0] + kOffset; }
  // The earliest of the children that start at node `first` in a heap of
  // n nodes (first < n).
  size_t earliest_child(size_t first, size_t n);
  // Moves `moving` down from `hole` in a heap of n nodes until it is no
  // later than its children.
  void sift_down(size_t hole, EventEntry moving, size_t n);
  void heap_push(const EventEntry& entry);
  void near_insert(const EventEntry& entry);
  // Moves the later half of a full near list into the heap.
  void spill_near();
  void grow() {
    blocks_.resize(blocks_.empty() ? 256 : blocks_.size() * 2);
    capacity_ = blocks_.size() * 4 - kOffset;
  }

  static constexpr size_t kNear = 32;

  std::vector<Block> blocks_;
  size_t size_ = 0;  // in the heap
  size_t capacity_ = 0;
  // The near list is near_[near_begin_, kNear), earliest first.
  std::array<EventEntry, kNear> near_;
  size_t near_begin_ = kNear;
};

// Defined here so that the simulator's loop, which knows the final type,
// inlines them.

inline void QuadHeap::push(const EventEntry& entry) {
  if (size_ != 0 && earlier(nodes()[0], entry)) {
    heap_push(entry);
    return;
  }
  if (near_begin_ == 0) {
    spill_near();
    if (earlier(nodes()[0], entry)) {
      heap_push(entry);
      return;
    }
  }
  near_insert(entry);
}

inline void QuadHeap::near_insert(const EventEntry& entry) {
  size_t at = near_begin_--;
  while (at != kNear && earlier(near_[at], entry)) {
    near_[at - 1] = near_[at];
    ++at;
  }
  near_[at - 1] = entry;
}

inline void QuadHeap::heap_push(const EventEntry& entry) {
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

inline void QuadHeap::sift_down(size_t hole, EventEntry moving, size_t n) {
  EventEntry* h = nodes();
  for (size_t first = 4 * hole + 1; first < n; first = 4 * hole + 1) {
    const size_t best = earliest_child(first, n);
    if (!earlier(h[best], moving)) break;
    h[hole] = h[best];
    hole = best;
  }
  h[hole] = moving;
}

inline bool QuadHeap::pop_not_after(Time limit, EventEntry& out) {
  if (near_begin_ != kNear) {
    const EventEntry& first = near_[near_begin_];
    if (first.time > limit) return false;
    out = first;
    ++near_begin_;
    return true;
  }
  EventEntry* h = nodes();
  if (size_ == 0 || h[0].time > limit) return false;
  out = h[0];
  const size_t n = --size_;
  if (n == 0) return true;
  // Top-down: the hole left at the root follows the earliest child until the
  // last entry fits. In the I/O models the last entry is often a recent,
  // near-term event that fits high up, so the descent stops early (a
  // bottom-up pop, to a leaf and back up, ran 2 % slower on the 8-VM
  // path benchmark and executed 2 % more instructions).
  sift_down(0, h[n], n);
  return true;
}

}  // namespace viosim::core
