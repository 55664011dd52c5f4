// The event loop, lazy cancellation and the component lifecycle.
#include "sim-core/simulator.h"

#include <algorithm>
#include <cstdio>
#include <type_traits>

#include "sim-core/component.h"

namespace viosim::core {

EventTarget::EventTarget(Simulator& sim) : target_id_(sim.next_target_id()) {}

std::string Fingerprint::hex() const {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h_));
  return buf;
}

Simulator::Simulator(SimulatorOptions options)
    : options_(options), queue_(make_event_queue(options.queue)) {}

Simulator::~Simulator() = default;

void Simulator::throw_past(Time when) const {
  throw SchedulingError("cannot schedule an event at " + to_string(when) + ", before the current time " +
                        to_string(now_));
}

void Simulator::throw_sequence_exhausted() {
  throw SchedulingError("more than 2^48 events scheduled in one run");
}

bool Simulator::is_pending(const EventHandle& h) const {
  if (!h.valid() || h.time < now_) return false;  // everything before now has left the set
  if (cancelled_.contains(h.order)) return false;
  // Run, or cancelled at once, or queued: the queue answers (a scan; the
  // models never ask, they keep their own handles).
  return queue_->contains(h.time, h.order);
}

bool Simulator::cancel(const EventHandle& h) {
  if (!is_pending(h)) return false;
  cancel_pending(h);
  return true;
}

void Simulator::cancel_pending(const EventHandle& h) {
  // The queue takes it out at once where that is cheap; otherwise it is
  // skipped when popped.
  if (queue_->remove_now(h.time, h.order)) return;
  cancelled_.insert(h.order);
  // Cancelled entries wait in the set until their time comes; a timer
  // re-armed far ahead again and again would let them deepen every push and
  // pop, and each one popped costs as much as a live event. Once they are a
  // few and more than an eighth of the set, they go in one pass (amortised:
  // at least an eighth as many cancels as queued entries since the last).
  if (cancelled_.size() >= kPurgeAtLeast && 8 * cancelled_.size() > queue_->size()) {
    queue_->remove_cancelled(cancelled_);
  }
}

void Simulator::initialize() {
  if (initialised_) return;
  initialised_ = true;
  // init() may create further components; index so that they are visited.
  for (size_t i = 0; i < components_.size(); ++i) components_[i]->check_connections();
  for (size_t i = 0; i < components_.size(); ++i) components_[i]->init();
}

template <class Queue>
bool Simulator::run_loop(Queue& queue, Time limit) {
  EventEntry e;
  while (queue.pop_not_after(limit, e)) {
    if (cancelled_.size() != 0 && cancelled_.erase(e.order)) continue;
    now_ = e.time;
    ++executed_;
    if constexpr (std::is_same_v<Queue, QuadHeap>) {
      if (EventTarget* next = queue.next_target()) {
        __builtin_prefetch(next);
        __builtin_prefetch(reinterpret_cast<const char*>(next) + 64);
      }
    }
    fingerprint_.add_event(static_cast<uint64_t>(e.time.ps()),
                           (uint64_t{e.target->target_id()} << 16) | (e.order >> kSequenceBits));
    e.target->on_event(e.arg);
    if (stop_requested_) return true;
  }
  return false;
}

RunStatus Simulator::run_until(Time limit) {
  initialize();
  stop_requested_ = false;
  const bool stopped = options_.queue == QueueKind::kQuadHeap
                           ? run_loop(static_cast<QuadHeap&>(*queue_), limit)
                           : run_loop(static_cast<CalendarQueue&>(*queue_), limit);
  if (stopped) return RunStatus::kStopped;
  if (pending_events() == 0) {
    if (limit != Time::max() && limit > now_) now_ = limit;
    return RunStatus::kDrained;
  }
  if (limit > now_) now_ = limit;
  return RunStatus::kReachedLimit;
}

void Simulator::finish() {
  if (finished_) return;
  finished_ = true;
  for (Component* c : components_) c->finish();
}

void Simulator::add_component(Component* c) { components_.push_back(c); }

void Simulator::remove_component(Component* c) {
  // Components usually die in reverse order of birth: search from the back.
  auto it = std::find(components_.rbegin(), components_.rend(), c);
  if (it != components_.rend()) components_.erase(std::next(it).base());
}

}  // namespace viosim::core
