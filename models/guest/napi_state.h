// Who holds a driver's NAPI instance (NAPI_STATE_SCHED): nobody, its
// softirq, or a task busy-polling it from a receive (IN_BUSY_POLL), and the
// busy poller waiting for the softirq to let it go. The virtio-net and the
// NIC drivers share these rules; their polls are their own.
#pragma once

#include <cstdint>
#include <utility>

#include "models/vcpu/vcpu.h"

namespace viosim::models {

// Who runs a poll: the softirq, a busy-polling task, or its last poll
// (busy_poll_stop), and how many packets it may take: the driver's
// weight, or BUSY_POLL_BUDGET.
enum class NapiPoll { kSoftirq, kBusy, kBusyStop };
inline uint32_t poll_budget(NapiPoll by, uint32_t weight) { return by == NapiPoll::kSoftirq ? weight : 8; }

class NapiState {
 public:
  bool scheduled() const { return scheduled_; }
  // napi_schedule_prep for the softirq: false while held.
  bool schedule() {
    if (scheduled_) return false;
    scheduled_ = true;
    return true;
  }
  // napi_busy_loop's take: false while the softirq holds it (the loop
  // spins and is poked when it is free).
  bool busy_take(VCpu& cpu) {
    if (busy_poller_ == &cpu) return true;
    if (scheduled_) {
      busy_waiter_ = &cpu;
      return false;
    }
    scheduled_ = true;
    busy_poller_ = &cpu;
    if (busy_waiter_ == &cpu) busy_waiter_ = nullptr;
    return true;
  }
  // busy_poll_stop: IN_BUSY_POLL clears before its last poll.
  void busy_stop() { busy_poller_ = nullptr; }
  // napi_complete_done: free; a busy poller waiting for it takes it next.
  void complete() {
    scheduled_ = false;
    if (busy_waiter_ != nullptr) std::exchange(busy_waiter_, nullptr)->poke_guest();
  }
  // The device published received packets: a busy loop sees them.
  void published() const {
    if (busy_poller_ != nullptr) busy_poller_->poke_guest();
  }

 private:
  bool scheduled_ = false;
  VCpu* busy_poller_ = nullptr;
  VCpu* busy_waiter_ = nullptr;
};

}  // namespace viosim::models
