// The guest's cpuidle-haltpoll driver and its governor
// (drivers/cpuidle/cpuidle-haltpoll.c, drivers/cpuidle/governors/haltpoll.c,
// drivers/cpuidle/poll_state.c). haltpoll_select picks the poll state, the
// tick kept, unless the window is 0 or the last poll ran out without an
// event: then HLT, the tick stopped. poll_idle spins with interrupts on
// until a task is woken (need_resched) or the window, counted from the
// poll's start, runs out; an interrupt that wakes no task is handled and
// the poll goes on. After a HLT, the halt's length adjusts the window.
// The driver turns KVM's own halt polling off (MSR_KVM_POLL_CONTROL): the
// builder sets the host window to 0.
#include <algorithm>

#include "models/vcpu/vcpu.h"

namespace viosim::models {

// Polls instead of halting: returns false when the governor picks HLT.
bool VCpu::guest_poll() {
  if (config_.guest_halt_poll_max == core::Duration::zero() || config_.native) return false;
  if (guest_poll_limit_ == core::Duration::zero() || (last_was_poll_ && poll_timed_out_)) return false;
  idle_ = true;  // the idle loop, its tick kept
  if (!poll_running_) {
    poll_running_ = true;
    poll_start_ = now();
    ++guest_polls_;
  }
  const core::Duration left = poll_start_ + guest_poll_limit_ - now();
  if (left <= core::Duration::zero()) {
    last_was_poll_ = true;
    poll_timed_out_ = true;
    poll_running_ = false;
    return false;
  }
  guest_spinning_ = true;
  thread_->spin(kernel_category(), left, /*yield=*/false, [this] {
    guest_spinning_ = false;
    last_was_poll_ = true;
    const bool event = thread_->spin_found() || wants_attention() || sched_.nr_running() > 0 || !softirqs_.empty();
    poll_timed_out_ = !event;
    if (!event) poll_running_ = false;
    step_boundary([this] { schedule_next(); });
  });
  return true;
}

// adjust_poll_limit, after a HLT of `halt_time`.
void VCpu::adjust_guest_poll(core::Duration halt_time) {
  const core::Duration max = config_.guest_halt_poll_max;
  if (max == core::Duration::zero()) return;
  last_was_poll_ = false;
  if (halt_time > guest_poll_limit_ && halt_time <= max) {
    core::Duration v = guest_poll_limit_ * config_.guest_halt_poll_grow;
    if (v < config_.guest_halt_poll_grow_start) v = config_.guest_halt_poll_grow_start;
    guest_poll_limit_ = std::min(v, max);
  } else if (halt_time > max) {
    core::Duration v =
        config_.guest_halt_poll_shrink == 0 ? core::Duration::zero() : guest_poll_limit_ / config_.guest_halt_poll_shrink;
    if (v < config_.guest_halt_poll_grow_start) v = core::Duration::zero();
    guest_poll_limit_ = v;
  }
}

}  // namespace viosim::models
