// The guest's threads on a vCPU: posting work, waking a thread from this
// vCPU or another (try_to_wake_up and its reschedule IPI), picking the next
// thread, preemption, softirqs and ksoftirqd.
#include "models/vcpu/vcpu.h"

namespace viosim::models {

void VCpu::do_softirq(Continuation k) {
  raised_in_task_ = false;
  enter_irq(std::move(k));
  finish_handler();
}

void VCpu::post(ThreadId thread, GuestTask task, const HostThread* from) {
  work_.at(thread).tasks.push_back(std::move(task));
  wake_thread(thread);
  wake_for_work(from);
}

void VCpu::post_softirq(GuestTask task) {
  softirqs_.push_back(std::move(task));
  // Raised by a task (bottom halves off): run when it enables them again.
  // Raised by ksoftirqd or in an interrupt: run before that returns.
  if (in_task_ && !servicing_ && !in_handler_ && sched_.current() != kSoftirqd) raised_in_task_ = true;
  wake_for_work(nullptr);
}

void VCpu::wake_thread(ThreadId t) {
  if (sched_.wake(t, now())) need_resched_ = true;  // check_preempt_wakeup
}

// try_to_wake_up from another CPU of the guest: the thread is queued here
// at once. An idle vCPU is told by a reschedule IPI (the wake list's
// function-call IPI), unless it polls in its idle loop and sees
// need_resched by itself (TIF_POLLING_NRFLAG); a busy one only when the
// woken thread preempts its current one (resched_curr); otherwise the
// thread waits for its turn without an IPI.
void VCpu::post_from(VCpu& waker, ThreadId thread, GuestTask task) {
  if (&waker == this) {
    post(thread, std::move(task));
    return;
  }
  work_.at(thread).tasks.push_back(std::move(task));
  if (sched_.runnable(thread)) return;  // already woken: nothing more to tell
  const bool busy = sched_.nr_running() > 0;  // ttwu_queue_cond: an idle CPU's wake list
  const bool preempts = sched_.wake(thread, now());
  if (preempts) need_resched_ = true;
  if (poll_running_ && idle_) {
    poke_guest();  // set_nr_if_polling: its poll loop sees need_resched
    return;
  }
  if (!busy || preempts) waker.owe_ipi(*this, kRescheduleVector);
}

void VCpu::owe_ipi(VCpu& target, uint32_t vector) { ipis_owed_.push_back({&target, vector}); }

// The timer writes and IPIs the last step made, before anything else.
void VCpu::pay_owed(Continuation k) {
  if (writes_owed_ > 0) {
    pay_timer_writes([this, k = std::move(k)]() mutable { pay_owed(std::move(k)); });
    return;
  }
  if (ipis_owed_.empty()) {
    k();
    return;
  }
  const OwedIpi ipi = ipis_owed_.front();
  ipis_owed_.pop_front();
  send_ipi(*ipi.target, ipi.vector, [this, k = std::move(k)]() mutable { pay_owed(std::move(k)); });
}

void VCpu::schedule_next() {
  if (owes()) {
    pay_owed([this] { schedule_next(); });
    return;
  }
  if (wants_attention()) {
    enter_irq([this] { schedule_next(); });
    deliver_pending();
    return;
  }
  if (!softirqs_.empty()) wake_thread(kSoftirqd);
  if (idle_ && sched_.nr_running() > 0) {
    // A thread to run: the idle loop ends, the tick restarts.
    idle_exit();
    schedule_next();
    return;
  }
  const ThreadId next = sched_.pick(now());
  if (next == GuestScheduler::kNone) {
    halt();
    return;
  }
  run_thread(next);
}

void VCpu::run_thread(ThreadId t) {
  in_task_ = true;
  ThreadWork& w = work_[t];
  if (w.preempted) {
    Continuation k = std::move(w.preempted);
    w.preempted = nullptr;
    k();  // where it was preempted
    return;
  }
  if (t == kSoftirqd) {
    run_ksoftirqd();
    return;
  }
  if (w.tasks.empty()) {
    task_done();
    return;
  }
  GuestTask task = std::move(w.tasks.front());
  w.tasks.pop_front();
  task([this] { task_done(); });
}

// A task ended (or its thread found nothing to do): softirqs it raised run
// as it enables bottom halves; its thread sleeps unless more is queued.
void VCpu::task_done() {
  if (raised_in_task_ && !softirqs_.empty()) {
    do_softirq([this] { task_done(); });
    return;
  }
  raised_in_task_ = false;
  in_task_ = false;
  need_resched_ = false;
  sched_.put_prev(now(), has_work(sched_.current()));
  schedule_next();
}

// run_ksoftirqd: one softirq after another, a preemption point
// (cond_resched) between them, until none is pending.
void VCpu::run_ksoftirqd() {
  if (softirqs_.empty()) {
    task_done();
    return;
  }
  if (need_resched_) {
    preempt([this] { run_ksoftirqd(); });
    return;
  }
  GuestTask softirq = std::move(softirqs_.front());
  softirqs_.pop_front();
  softirq([this] { run_ksoftirqd(); });
}

// The running thread yields where it is; the scheduler picks again, and a
// switch to another thread costs a context switch.
void VCpu::preempt(Continuation k) {
  const ThreadId prev = sched_.current();
  work_[prev].preempted = std::move(k);
  need_resched_ = false;
  in_task_ = false;
  sched_.put_prev(now(), true);
  const ThreadId next = sched_.pick(now());
  if (next == prev) {
    run_thread(next);
    return;
  }
  ++preemptions_;
  if (sim().tracer()) thread_->trace_instant(CauseKind::kOther, "guest preempts " + sched_.name(prev));
  thread_->run(config_.context_switch, kernel_category(), [this, next] { run_thread(next); });
}

}  // namespace viosim::models
