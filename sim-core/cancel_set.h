// The orders of cancelled events that are still in the pending-event set.
// Cancellation is lazy: the entry stays queued and is skipped when popped.
// Open addressing with linear probing and backward-shift deletion, so a
// steady stream of cancel/skip pairs allocates nothing once grown.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace viosim::core {

class CancelSet {
 public:
  CancelSet() : slots_(16, kEmpty) {}
  // Keys are event orders, never 0. Returns false if already present.
  bool insert(uint64_t key);
  bool contains(uint64_t key) const;
  // Inline: the event loop asks this of every popped event while any
  // cancellation is outstanding, and nearly always misses.
  bool erase(uint64_t key) {
    const size_t mask = slots_.size() - 1;
    size_t i = home(key);
    while (slots_[i] != key) {
      if (slots_[i] == kEmpty) return false;
      i = (i + 1) & mask;
    }
    erase_at(i);
    return true;
  }
  size_t size() const { return size_; }

 private:
  static constexpr uint64_t kEmpty = 0;
  size_t home(uint64_t key) const { return (key * 0x9E3779B97F4A7C15ull) >> shift_; }
  void grow();
  void erase_at(size_t i);

  std::vector<uint64_t> slots_;
  size_t size_ = 0;
  int shift_ = 60;  // 64 - log2(slots)
};

}  // namespace viosim::core
