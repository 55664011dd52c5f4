// The pending-event set behind a narrow interface. Contract (what the
// simulator guarantees and every implementation may rely on): entries are
// never pushed earlier than the last entry popped, and (time, order) keys are
// unique. Implementations differ only in speed; the typed test suite in
// tests/sim-core/event_queue_test.cc runs against each one.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "sim-core/cancel_set.h"
#include "sim-core/event.h"

namespace viosim::core {

class EventQueue {
 public:
  virtual ~EventQueue() = default;
  virtual void push(const EventEntry& entry) = 0;
  // Removes and returns the earliest entry if it is at or before `limit`.
  virtual bool pop_not_after(Time limit, EventEntry& out) = 0;
  virtual size_t size() const = 0;
  // Drops every queued entry whose order is in `cancelled` and empties the
  // set (every member must be queued). The pop order of the rest is
  // unchanged: it follows from their unique (time, order) keys alone.
  virtual void remove_cancelled(CancelSet& cancelled) = 0;
  // Removes the entry with this key now if that is cheap (it is queued);
  // false leaves it queued, for a lazy cancellation.
  virtual bool remove_now(Time, uint64_t) { return false; }
  // Whether the entry with this key is queued (a scan: for the rare
  // question of Simulator::is_pending).
  virtual bool contains(Time time, uint64_t order) const = 0;
  virtual std::string_view name() const = 0;
  bool empty() const { return size() == 0; }
};

enum class QueueKind { kQuadHeap, kCalendar };

std::unique_ptr<EventQueue> make_event_queue(QueueKind kind);
// "quad-heap" / "calendar"; returns false for an unknown name.
bool parse_queue_kind(std::string_view name, QueueKind& out);
std::string_view queue_kind_name(QueueKind kind);
std::vector<QueueKind> all_queue_kinds();

}  // namespace viosim::core
