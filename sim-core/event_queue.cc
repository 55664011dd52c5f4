// The factory and names of the pending-event set implementations.
#include "sim-core/event_queue.h"

#include "sim-core/calendar_queue.h"
#include "sim-core/quad_heap.h"

namespace viosim::core {

std::unique_ptr<EventQueue> make_event_queue(QueueKind kind) {
  switch (kind) {
    case QueueKind::kCalendar:
      return std::make_unique<CalendarQueue>();
    case QueueKind::kQuadHeap:
      break;
  }
  return std::make_unique<QuadHeap>();
}

std::string_view queue_kind_name(QueueKind kind) {
  return kind == QueueKind::kCalendar ? "calendar" : "quad-heap";
}

bool parse_queue_kind(std::string_view name, QueueKind& out) {
  for (QueueKind k : all_queue_kinds()) {
    if (queue_kind_name(k) == name) {
      out = k;
      return true;
    }
  }
  return false;
}

std::vector<QueueKind> all_queue_kinds() { return {QueueKind::kQuadHeap, QueueKind::kCalendar}; }

}  // namespace viosim::core
