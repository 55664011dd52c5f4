// A self-scheduling event owned by a component: a timer, a poll, a deferred
// piece of work. It is pending at most once; scheduling it again moves it,
// and cancel() withdraws it.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "sim-core/component.h"

namespace viosim::core {

class MemberEvent final : public EventTarget {
 public:
  MemberEvent(Component* owner, std::string_view name, std::function<void()> action)
      : EventTarget(owner->sim()), sim_(&owner->sim()), name_(name), action_(std::move(action)) {}

  void schedule_at(Time when, Priority priority = 0) {
    cancel();
    handle_ = sim_->schedule_at(when, *this, 0, priority);
  }
  void schedule_after(Duration delay, Priority priority = 0) { schedule_at(sim_->now() + delay, priority); }
  // Returns true if it was pending.
  bool cancel() {
    if (!handle_.valid()) return false;
    sim_->cancel_pending(handle_);  // a valid handle_ is pending: it is cleared when the event runs
    handle_ = {};
    return true;
  }
  bool pending() const { return handle_.valid(); }
  Time when() const { return handle_.time; }
  const std::string& name() const { return name_; }

  void on_event(uint64_t) override {
    handle_ = {};
    action_();
  }

 private:
  Simulator* sim_;
  std::string name_;
  std::function<void()> action_;
  EventHandle handle_;
};

}  // namespace viosim::core
