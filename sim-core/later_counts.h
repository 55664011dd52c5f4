// Counts made before their time (a frame handed over before it arrives, a
// pass a queue runs ahead of its time): each entry adds to its counters
// once its time has come, so a statistics window holds what happened in
// it. Entries may be added out of time order (two wires, several queues):
// they are kept in it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "sim-core/ring_buffer.h"
#include "sim-core/stats.h"
#include "sim-core/time.h"

namespace viosim::core {

template <size_t N>
class LaterCounts {
 public:
  using Amounts = std::array<uint64_t, N>;
  using Counters = std::array<Counter*, N>;

  void add(Time at, const Amounts& amounts) {
    if (!q_.empty() && q_[q_.size() - 1].at == at) {  // one entry a time (a pass's merges)
      for (size_t k = 0; k < N; ++k) q_[q_.size() - 1].amounts[k] += amounts[k];
      return;
    }
    size_t i = q_.size();
    q_.push_back({at, amounts});
    for (; i > 0 && q_[i - 1].at > at; --i) q_[i] = q_[i - 1];
    q_[i] = {at, amounts};
  }
  bool due(Time now) const { return !q_.empty() && q_.front().at <= now; }
  // Adds what is due by `now` to `counters`, amount by amount.
  void count_due(Time now, const Counters& counters) {
    for (; due(now); q_.pop_front()) {
      for (size_t k = 0; k < N; ++k) counters[k]->add(q_.front().amounts[k]);
    }
  }
  // Amount `k` of what is due by `by` and not counted yet.
  uint64_t due_amount(Time by, size_t k) const {
    uint64_t n = 0;
    for (size_t i = 0; i < q_.size() && q_[i].at <= by; ++i) n += q_[i].amounts[k];
    return n;
  }
  // Forgets what is due by `now` (it belonged to a window that ended).
  void drop_due(Time now) {
    while (due(now)) q_.pop_front();
  }

 private:
  struct Entry {
    Time at;
    Amounts amounts{};
  };
  RingBuffer<Entry> q_;
};

}  // namespace viosim::core
