// The guest kernel's fair scheduler on one vCPU (CFS as Linux had it up to
// 6.5, every thread SCHED_NORMAL at nice 0): each thread accrues virtual
// runtime while it runs, by the runqueue's clock (interrupts and the
// softirqs at their exit included: Debian's kernel has neither
// IRQ_TIME_ACCOUNTING nor PARAVIRT_TIME_ACCOUNTING); the runnable thread
// with the least runs next. A thread that wakes is
// placed no further back than half a latency period behind the queue's
// minimum (GENTLE_FAIR_SLEEPERS) and preempts the running one when it is
// behind it by more than the wake-up granularity (check_preempt_wakeup);
// the tick preempts a thread that has run its slice of the period, or its
// minimum granularity while another is behind it by more than that slice
// (check_preempt_tick). The rules and tunables are the host's
// (SchedulerParams); a guest's scale with its own CPUs at boot: 6 ms
// latency, 0.75 ms minimum granularity and 1 ms wake-up granularity on one
// vCPU.
//
// Pure bookkeeping: the vCPU asks it whom to run and whether to preempt.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/host/cpu_costs.h"
#include "sim-core/time.h"

namespace viosim::models {

class GuestScheduler {
 public:
  using ThreadId = uint32_t;
  static constexpr ThreadId kNone = UINT32_MAX;

  explicit GuestScheduler(const SchedulerParams& p) : p_(p) {}

  // A thread, asleep until woken. Threads never go away.
  ThreadId add(std::string name);
  // `id` becomes runnable at `now`. Whether it should preempt the running
  // thread (none running: false; the caller just picks).
  bool wake(ThreadId id, core::Time now);
  // The running thread stops at `now`: blocked (asleep) or preempted
  // (still runnable).
  void put_prev(core::Time now, bool runnable);
  // The runnable thread with the least virtual runtime (first woken on a
  // tie) starts running at `now`; kNone when none is runnable.
  ThreadId pick(core::Time now);
  // The tick at `now` while `current()` runs: whether it must yield.
  bool tick(core::Time now);

  ThreadId current() const { return current_; }
  bool runnable(ThreadId id) const { return threads_[id].runnable; }
  core::Duration vruntime(ThreadId id) const { return threads_[id].vruntime; }
  const std::string& name(ThreadId id) const { return threads_[id].name; }
  uint32_t nr_running() const;

 private:
  struct Thread {
    std::string name;
    core::Duration vruntime;
    bool runnable = false;
    uint64_t order = 0;  // when it last became runnable: ties go to the earlier
  };
  void update_curr(core::Time now);
  void update_min_vruntime();
  ThreadId leftmost() const;  // the runnable thread, the current one aside, with the least vruntime

  SchedulerParams p_;
  std::vector<Thread> threads_;
  ThreadId current_ = kNone;
  core::Time exec_start_;
  core::Time picked_at_;  // the current thread's run began: its slice counts from here
  core::Duration min_vruntime_;
  uint64_t order_ = 0;
};

}  // namespace viosim::models
