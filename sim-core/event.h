// What the pending-event set holds. An event is a (time, order) key plus the
// target to call and one 64-bit argument: 32 bytes, copied by value, so the
// hot path never allocates. `order` packs the priority above a 48-bit
// insertion sequence, so comparing (time, order) gives the total order
// (time, priority, FIFO).
#pragma once

#include <cstdint>

#include "sim-core/time.h"

namespace viosim::core {

class Simulator;

// Lower runs first among events at the same time.
using Priority = int16_t;

// Anything an event can be delivered to. The argument is a plain value (an
// index, a count), never a pointer, so that runs stay reproducible.
class EventTarget {
 public:
  explicit EventTarget(Simulator& sim);
  EventTarget(const EventTarget&) = delete;
  EventTarget& operator=(const EventTarget&) = delete;
  virtual ~EventTarget() = default;

  virtual void on_event(uint64_t arg) = 0;

  // Assigned in construction order; it names the target in the fingerprint.
  uint32_t target_id() const { return target_id_; }

 private:
  uint32_t target_id_;
};

struct EventEntry {
  Time time;
  uint64_t order = 0;  // priority (biased, high 16 bits) | sequence (low 48 bits)
  EventTarget* target = nullptr;
  uint64_t arg = 0;
};

constexpr int kSequenceBits = 48;
constexpr uint64_t kSequenceMask = (uint64_t{1} << kSequenceBits) - 1;

constexpr uint64_t make_order(Priority p, uint64_t sequence) {
  return (static_cast<uint64_t>(static_cast<uint16_t>(p) ^ 0x8000u) << kSequenceBits) | sequence;
}
constexpr Priority order_priority(uint64_t order) {
  return static_cast<Priority>(static_cast<uint16_t>((order >> kSequenceBits) ^ 0x8000u));
}

// Strict (time, order) comparison as one 128-bit compare: times are never
// negative in a run, so the unsigned view keeps their order.
inline bool earlier(const EventEntry& a, const EventEntry& b) {
  const unsigned __int128 ka =
      (static_cast<unsigned __int128>(static_cast<uint64_t>(a.time.ps())) << 64) | a.order;
  const unsigned __int128 kb =
      (static_cast<unsigned __int128>(static_cast<uint64_t>(b.time.ps())) << 64) | b.order;
  return ka < kb;
}

// Names one scheduled event, for cancellation. Default-constructed: none.
struct EventHandle {
  Time time;
  uint64_t order = 0;
  bool valid() const { return order != 0; }
};

}  // namespace viosim::core
