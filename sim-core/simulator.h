// The simulator: a clock, the pending-event set and the components of one
// run. It is an object, not a global, so tests, the GUI and sweep workers can
// each run as many as they like. Events execute in (time, priority,
// insertion) order; scheduling in the past throws SchedulingError.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <vector>

#include "sim-core/calendar_queue.h"
#include "sim-core/cancel_set.h"
#include "sim-core/event.h"
#include "sim-core/event_queue.h"
#include "sim-core/fingerprint.h"
#include "sim-core/quad_heap.h"

namespace viosim::core {

class Component;
class TraceWriter;

class SchedulingError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

struct SimulatorOptions {
  QueueKind queue = QueueKind::kQuadHeap;
  uint64_t seed = 1;  // root of every component's random stream
};

enum class RunStatus {
  kDrained,      // no event left
  kStopped,      // stop() was called by an event
  kReachedLimit  // the next event lies after the limit of run_until
};

class Simulator {
 public:
  // Cancelled entries the queue did not take out at once wait in the
  // pending-event set until a purge, which runs once they number at least
  // this many and are over an eighth of it.
  static constexpr size_t kPurgeAtLeast = 4;

  explicit Simulator(SimulatorOptions options = {});
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  Time now() const { return now_; }
  uint64_t seed() const { return options_.seed; }

  EventHandle schedule_at(Time when, EventTarget& target, uint64_t arg = 0, Priority priority = 0) {
    if (when < now_) throw_past(when);
    const EventEntry e{when, make_order(priority, next_sequence()), &target, arg};
    push(e);
    return EventHandle{when, e.order};
  }
  EventHandle schedule_after(Duration delay, EventTarget& target, uint64_t arg = 0,
                             Priority priority = 0) {
    return schedule_at(now_ + delay, target, arg, priority);
  }

  // True while the event is queued and neither executed nor cancelled (a
  // scan of the queue, for tests and tools).
  bool is_pending(const EventHandle& h) const;
  // Returns true if the event was pending and will now not run (it asks
  // is_pending first: a scan; MemberEvent uses cancel_pending).
  bool cancel(const EventHandle& h);
  // The same for a caller that knows the event is pending (MemberEvent
  // forgets its handle when it runs or is cancelled): no check.
  void cancel_pending(const EventHandle& h);

  // Checks every component's connections and runs its init(), once; run()
  // does it on its first call if nobody did before.
  void initialize();
  // Runs events until the set drains or an event calls stop().
  RunStatus run() { return run_until(Time::max()); }
  // Runs every event at or before `limit`; the clock then reads `limit`
  // (unless stopped earlier), so a following run_until continues from there.
  RunStatus run_until(Time limit);
  void stop() { stop_requested_ = true; }
  // Calls finish() of every component once; statistics are final after it.
  void finish();

  uint64_t events_executed() const { return executed_; }
  size_t pending_events() const { return queue_->size() - cancelled_.size(); }
  // What the pending-event set holds: the pending events and the cancelled
  // ones not yet dropped (fewer than kPurgeAtLeast, or at most an eighth).
  size_t queued_entries() const { return queue_->size(); }
  const Fingerprint& fingerprint() const { return fingerprint_; }
  std::string_view queue_name() const { return queue_->name(); }

  // Components register themselves on construction (and leave on
  // destruction); init and finish run in registration order.
  void add_component(Component* c);
  void remove_component(Component* c);
  const std::vector<Component*>& components() const { return components_; }
  uint32_t next_target_id() { return next_target_id_++; }

  // The trace being written, or null (the models' hooks test it).
  TraceWriter* tracer() const { return tracer_; }
  void set_tracer(TraceWriter* tracer) { tracer_ = tracer; }

 private:
  uint64_t next_sequence() {
    if (sequence_ > kSequenceMask) throw_sequence_exhausted();
    return sequence_++;
  }
  // The loop and the push know the queue's final type, so the compiler calls
  // (and for the heap, inlines) it directly instead of through the vtable.
  void push(const EventEntry& e) {
    if (options_.queue == QueueKind::kQuadHeap) {
      static_cast<QuadHeap&>(*queue_).push(e);
    } else {
      static_cast<CalendarQueue&>(*queue_).push(e);
    }
  }
  template <class Queue>
  bool run_loop(Queue& queue, Time limit);
  [[noreturn]] void throw_past(Time when) const;
  [[noreturn]] static void throw_sequence_exhausted();

  SimulatorOptions options_;
  std::unique_ptr<EventQueue> queue_;
  CancelSet cancelled_;
  Time now_;
  uint64_t sequence_ = 1;       // 0 is the invalid handle
  uint64_t executed_ = 0;
  Fingerprint fingerprint_;
  bool stop_requested_ = false;
  bool initialised_ = false;
  bool finished_ = false;
  uint32_t next_target_id_ = 1;
  std::vector<Component*> components_;
  TraceWriter* tracer_ = nullptr;
};

}  // namespace viosim::core
