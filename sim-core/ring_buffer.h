// A FIFO on a power-of-two ring that grows by doubling and never shrinks:
// after warm-up, pushing and popping allocate nothing (unlike std::deque,
// which allocates a block every few hundred bytes).
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace viosim::core {

template <class T>
class RingBuffer {
 public:
  explicit RingBuffer(size_t initial_capacity = 16) : slots_(round_up(initial_capacity)) {}

  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  size_t capacity() const { return slots_.size(); }

  void push_back(const T& v) {
    if (size_ == slots_.size()) grow();
    slots_[(head_ + size_) & (slots_.size() - 1)] = v;
    ++size_;
  }
  T& front() { return slots_[head_]; }
  const T& front() const { return slots_[head_]; }
  T& operator[](size_t i) { return slots_[(head_ + i) & (slots_.size() - 1)]; }
  const T& operator[](size_t i) const { return slots_[(head_ + i) & (slots_.size() - 1)]; }
  void pop_front() {
    head_ = (head_ + 1) & (slots_.size() - 1);
    --size_;
  }
  void clear() {
    head_ = 0;
    size_ = 0;
  }

 private:
  static size_t round_up(size_t n) {
    size_t c = 1;
    while (c < n) c *= 2;
    return c;
  }
  void grow() {
    std::vector<T> bigger(slots_.size() * 2);
    for (size_t i = 0; i < size_; ++i) bigger[i] = std::move((*this)[i]);
    slots_.swap(bigger);
    head_ = 0;
  }

  std::vector<T> slots_;
  size_t head_ = 0;
  size_t size_ = 0;
};

}  // namespace viosim::core
