// The guest kernel's clock on a vCPU: NO_HZ_IDLE's tick, the application's
// timer, and the TSC-deadline writes and timer interrupts they cost.
//
// Linux keeps one clock event per CPU programmed for the earliest hrtimer
// (the tick's sched_timer included): hrtimer_interrupt runs what expired
// and programs the next expiry; starting an hrtimer that becomes the
// earliest programs it at once. With the LAPIC in TSC-deadline mode each
// programming is lapic_next_deadline's WRMSR to IA32_TSC_DEADLINE, which
// KVM intercepts (handle_fastpath_set_msr_irqoff). The tick stops when the
// CPU goes idle (tick_nohz_idle_stop_tick, default_idle_call without a
// cpuidle driver, as in a KVM guest without haltpoll) and restarts on the
// jiffies grid when a task leaves idle (tick_nohz_idle_exit). Only a
// timer-wheel timer due within a tick keeps it; with high-resolution
// timers on, an application's timers (nanosleep, timeouts) are hrtimers
// and program the clock event themselves. A stopped tick waits for the
// next timer-wheel event: the guest kernel's own housekeeping (work
// seconds away, not modelled as events), so stopping and restarting are
// one write each, and a timer that fires while the tick is stopped is
// followed by a write for that housekeeping expiry.
//
// Between the deadline firing and its interrupt's handler, and inside the
// handler, starting a timer programs nothing: hrtimer_interrupt programs
// the earliest expiry when it is done (expires_next still holds the one
// that fired, in_hrtirq).
#include <algorithm>

#include "models/vcpu/vcpu.h"

namespace viosim::models {

// The tick's grid: the first multiple of the period after now.
core::Time VCpu::next_jiffy() const {
  return core::Time::zero() + tick_period_ * ((now() - core::Time::zero()) / tick_period_ + 1);
}

core::Time VCpu::first_timer_event() const { return std::min(tick_running_ ? next_tick_ : core::Time::max(), app_at_); }

// The earliest event changed: program the deadline (a write the guest
// pays at its next step boundary, before it halts, or in the handler).
void VCpu::reprogram() {
  if (timer_due_ || in_timer_irq_) return;
  const core::Time want = first_timer_event();
  if (armed_ && want == programmed_) return;
  armed_ = true;
  programmed_ = want;
  if (want == core::Time::max()) {
    deadline_.cancel();
  } else {
    deadline_.schedule_at(std::max(want, now()));
  }
  ++writes_owed_;
}

void VCpu::pay_timer_writes(Continuation k) {
  if (writes_owed_ == 0) {
    k();
    return;
  }
  --writes_owed_;
  ++timer_writes_;
  if (config_.native) {
    // A plain WRMSR on a host core.
    thread_->run(config_.timer_program, kernel_category(),
                 [this, k = std::move(k)]() mutable { pay_timer_writes(std::move(k)); });
    return;
  }
  // The programming, and the exit its WRMSR takes, in one step.
  take_exit(
      ExitReason::kMsrWrite, core::Cycles(0), nullptr,
      [this, k = std::move(k)]() mutable { pay_timer_writes(std::move(k)); }, config_.timer_program);
}

// The deadline passed: the timer interrupt is pending. In guest mode the
// VMX preemption timer forces an exit to deliver it; a halted vCPU is
// woken by the host timer KVM moved the deadline to.
void VCpu::on_deadline() {
  armed_ = false;  // a TSC deadline disarms once reached
  timer_due_ = true;
  if (mode_ == Mode::kGuest && !config_.native) timer_exit_owed_ = true;
  wake_for_work(nullptr);
}

// The idle loop (cpuidle_idle_call): stop the tick.
void VCpu::idle_enter() {
  idle_ = true;
  if (!tick_running_) return;
  tick_running_ = false;
  reprogram();
}

// A task leaves the idle loop: the tick restarts at the next jiffy.
void VCpu::idle_exit() {
  idle_ = false;
  poll_running_ = false;  // the next idle period polls afresh
  if (tick_running_) return;
  tick_running_ = true;
  next_tick_ = next_jiffy();
  reprogram();
}

// The local timer interrupt: hrtimer_interrupt runs the tick and the
// application's timer if they expired, then programs the next expiry.
void VCpu::timer_interrupt() {
  ++timer_interrupts_;
  in_timer_irq_ = true;
  thread_->run(config_.timer_irq, kernel_category(), [this] {
    auto application = [this] {
      auto done = [this] {
        in_timer_irq_ = false;
        reprogram();
        pay_timer_writes([this] { after_handler(); });
      };
      if (app_at_ > now()) {
        done();
        return;
      }
      app_at_ = core::Time::max();
      GuestTask task = std::move(timer_task_);
      task(std::move(done));
    };
    if (!tick_running_ || next_tick_ > now()) {
      application();
      return;
    }
    ++ticks_;
    next_tick_ = next_jiffy();
    if (sched_.tick(now())) need_resched_ = true;  // scheduler_tick: the running thread had its share
    thread_->run(config_.tick, kernel_category(), std::move(application));
  });
}

void VCpu::arm_timer(core::Time at, GuestTask task) {
  timer_task_ = std::move(task);
  app_at_ = at;
  reprogram();
}

void VCpu::send_ipi(VCpu& target, uint32_t vector, Continuation k) {
  ++ipis_sent_;
  if (config_.native || config_.ipiv) {
    // A native ICR write, or one the CPU virtualizes: no exit.
    target.raise_interrupt(vector, thread_);
    k();
    return;
  }
  // The ICR write exits; KVM's fastpath delivers the IPI
  // (handle_fastpath_set_msr_irqoff -> kvm_x2apic_icr_write ->
  // kvm_apic_send_ipi) before this vCPU is entered again.
  take_exit(ExitReason::kMsrWrite, config_.exits.ipi_send, nullptr, std::move(k), core::Cycles(0),
            [this, &target, vector] { target.raise_interrupt(vector, thread_); });
}

}  // namespace viosim::models
