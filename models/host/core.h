// A physical core: runs one host thread at a time and charges every
// picosecond to a CPU category. Threads that share it take turns as CFS
// has them (SchedulerParams): the ready thread with the least virtual
// runtime runs next; a woken thread preempts the running one when it has
// run a wake-up granularity less; at each tick while others wait, the
// running thread gives the core up once it had its slice of the period,
// where the kernel may preempt it (HostThread::preemption_point).
// Switching threads costs a context switch; a thread woken on an idle core
// first waits for the IPI and the idle-state exit (charged idle), then
// pays the scheduler's wake-up path (host kernel).
#pragma once

#include <algorithm>
#include <array>
#include <vector>

#include "models/host/cpu_category.h"
#include "models/host/cpu_costs.h"
#include "sim-core/clock.h"
#include "sim-core/component.h"
#include "sim-core/member_event.h"
#include "sim-core/stats.h"

namespace viosim::models {

class HostThread;

class Core final : public core::Component {
 public:
  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  Core(core::Simulator& sim, std::string_view name, core::Component* parent, const CpuCosts& costs,
       uint32_t index);

  uint32_t index() const { return index_; }
  const core::Clock& clock() const { return clock_; }
  const CpuCosts& costs() const { return costs_; }
  // The thread on the core, or waking onto it; nullptr when idle.
  HostThread* owner() const { return owner_; }
  size_t ready_threads() const { return ready_.size(); }
  // Threads that may run here (each counted by every core it may use): a
  // core with one never switches or preempts.
  size_t threads() const { return threads_; }
  void add_thread() { ++threads_; }

  // Time per category since the last statistics reset, including the open
  // idle interval and the elapsed part of the running step. The entries add
  // up to now - accounting_start() exactly.
  std::array<core::Duration, kCpuCategories> usage() const;
  core::Time accounting_start() const { return accounting_start_; }

  // With a trace: writes the open interval (idle, or its thread's step).
  void finish() override;

  // Of usage(), the time its threads spent busy-polling for work (KVM's
  // halt polling, a PMD's or vhost's poll loop, a guest PMD): charged to
  // its category like any work, but given up as soon as work arrives, so
  // busy minus this is what the core had to do.
  core::Duration polling() const;

  // Called by threads: `by` ran [from, to) in `category` (nullptr: idle),
  // busy-polling when `polling`. Returns the part charged (after the
  // statistics reset).
  core::Duration charge(CpuCategory category, core::Time from, core::Time to, const HostThread* by,
                        bool polling = false) {
    if (sim().tracer()) trace_slice(category, from, to, by);
    from = std::max(from, accounting_start_);
    if (to <= from) return core::Duration::zero();
    used_[static_cast<size_t>(category)] += to - from;
    if (polling) polled_ += to - from;
    return to - from;
  }
  // The same slice on the core's trace track, without accounting it.
  void trace_slice(CpuCategory category, core::Time from, core::Time to, const HostThread* by);
  void thread_ready(HostThread& t, const HostThread* waker);
  void thread_released(HostThread& t);
  void thread_arrived(HostThread& t);
  // The floor of its threads' virtual runtimes (cfs_rq->min_vruntime), the
  // running one's up to now: never decreases.
  core::Duration min_vruntime() const;
  uint64_t preemptions() const { return preemptions_.value(); }
  // The running thread between two steps offers the core (cond_resched):
  // whether it lost it.
  bool yield_to_ready(HostThread& t) { return owner_ == &t && !ready_.empty() && preempt_running(true); }
  // A step or spin of a thread with need_resched set has begun: where it
  // may be preempted now, it is.
  void resched_pending(HostThread& t);

 protected:
  void on_reset_stats() override;

 private:
  void go_idle();
  // The running thread, if it is on the core (not still arriving on it).
  HostThread* running() const;
  void update_min_vruntime();
  // Takes the ready thread with the least vruntime (the first queued on ties).
  HostThread* pick_next();
  void enqueue(HostThread& t);
  void switch_to(HostThread& next);
  // A thread's virtual runtime, the running one's up to now.
  core::Duration vruntime_of(const HostThread& t) const;
  // check_preempt_wakeup / check_preempt_tick, and the preemption itself.
  void wakeup_preempt_check();
  void tick();
  void arm_tick();
  // need_resched on the running thread: it gives the core up at its
  // preemption point (HostThread::preemption_point).
  void resched(HostThread& cur);
  // Puts the running thread back among the ready ones and switches to the
  // least-vruntime one; returns whether that is another thread. Between
  // steps the thread keeps its continuation; mid-step the step is cut.
  bool preempt_running(bool between_steps = false);

  uint32_t index_;
  CpuCosts costs_;
  core::Clock clock_;
  HostThread* owner_ = nullptr;
  std::vector<HostThread*> ready_;
  size_t threads_ = 0;
  core::Duration min_vruntime_;
  core::Time slice_start_;  // when the running thread got the core
  uint64_t enqueued_ = 0;   // ready-queue arrivals, for FIFO ties
  HostThread* preempt_target_ = nullptr;  // the running thread a wake-up preempts at the IPI
  core::Time idle_since_;
  int trace_track_ = 0;
  core::Time accounting_start_;
  std::array<core::Duration, kCpuCategories> used_{};
  core::Duration polled_ = core::Duration::zero();  // of used_, busy-polling
  core::Counter context_switches_{this, "context_switches"};
  core::Counter idle_wakeups_{this, "idle_wakeups"};
  core::Counter preemptions_{this, "preemptions"};
  core::MemberEvent wakeup_preempt_{this, "wakeup_preempt", [this] { wakeup_preempt_check(); }};
  core::MemberEvent tick_{this, "tick", [this] { tick(); }};
};

}  // namespace viosim::models
