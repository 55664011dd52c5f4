// The vCPU run loop: guest tasks, exits by class, interrupt delivery
// (posted or injected), HLT with adaptive halt polling.
#include "models/vcpu/vcpu.h"

#include <algorithm>
#include <stdexcept>

namespace viosim::models {

const core::ComponentSpec& VCpu::model_spec() {
  static const core::ComponentSpec spec{
      .type = "vcpu",
      .help = "a vCPU thread alternating guest mode and VM exits, with interrupt delivery and halt polling",
      .params = {{"apicv", core::Unit::kNone, "true", "posted interrupts and virtual EOI"},
                 {"halt_poll_ns", core::Unit::kNanoseconds, "200000", "cap of the halt-polling window"},
                 {"halt_poll_ns_grow", core::Unit::kNone, "2", "window growth factor"},
                 {"halt_poll_ns_grow_start", core::Unit::kNanoseconds, "10000", "first window"},
                 {"halt_poll_ns_shrink", core::Unit::kNone, "2", "window shrink divisor (0: reset)"}},
      .ports = {},
      .stats = {{"exits", core::StatKind::kCounter, core::Unit::kCount, "VM exits of every reason"},
                {"interrupts", core::StatKind::kCounter, core::Unit::kCount, "interrupts raised for the guest"},
                {"interrupts_posted", core::StatKind::kCounter, core::Unit::kCount,
                 "interrupts that reached the guest in guest mode without an exit"},
                {"halts", core::StatKind::kCounter, core::Unit::kCount, "HLT exits"},
                {"halt_poll_hits", core::StatKind::kCounter, core::Unit::kCount,
                 "halts ended by a wake-up within the polling window"},
                {"ticks", core::StatKind::kCounter, core::Unit::kCount, "scheduler ticks the guest kernel took"},
                {"guest_polls", core::StatKind::kCounter, core::Unit::kCount,
                 "idle polls of the guest's haltpoll driver (instead of a HLT)"},
                {"timer_interrupts", core::StatKind::kCounter, core::Unit::kCount,
                 "local timer interrupts (ticks and the applications' timers)"},
                {"timer_writes", core::StatKind::kCounter, core::Unit::kCount,
                 "TSC-deadline writes programming the guest's timer (MSR-write exits in a VM)"},
                {"ipis_sent", core::StatKind::kCounter, core::Unit::kCount,
                 "IPIs the guest sent from this vCPU to another (reschedule: a woken thread there)"},
                {"preemptions", core::StatKind::kCounter, core::Unit::kCount,
                 "guest threads preempted by the guest's scheduler (tick or wake-up) for another"}}};
  return spec;
}

VCpu::VCpu(core::Simulator& sim, std::string_view name, core::Component* parent, HostThread& thread,
           const Config& config)
    : core::Component(sim, name, parent),
      thread_(&thread),
      config_(config),
      sched_(SchedulerParams::at_boot(config.guest_cpus)),
      tick_period_(core::Seconds(1) / std::max<uint32_t>(1, config.hz)),
      next_tick_(core::Time::zero() + tick_period_),
      programmed_(next_tick_) {
  add_thread("ksoftirqd");
  if (config.native) thread.set_native_kernel();  // its kernel is the host's
}

void VCpu::init() {
  // The guest booted with its tick programmed; the first write is its own.
  if (!deadline_.pending() && programmed_ != core::Time::max()) deadline_.schedule_at(programmed_);
  thread_->start([this] {
    mode_ = Mode::kGuest;
    schedule_next();
  });
}

void VCpu::on_reset_stats() { exits_by_reason_.fill(0); }

// ---- guest side ----

void VCpu::guest(core::Cycles cycles, CpuCategory category, Continuation k) {
  guest_next_ = std::move(k);
  last_step_user_ = category == CpuCategory::kGuestUser;
  if (config_.host_process) {
    if (category == CpuCategory::kGuestUser) category = CpuCategory::kHostUser;
    if (category == CpuCategory::kGuestKernel) category = CpuCategory::kHostKernel;
  }
  thread_->run(cycles, category, [this] { after_guest_step(); });
}

void VCpu::guest_spin(CpuCategory category, Continuation k, core::Duration max) {
  guest_next_ = std::move(k);
  last_step_user_ = category == CpuCategory::kGuestUser;
  if (config_.host_process && category == CpuCategory::kGuestUser) category = CpuCategory::kHostUser;
  guest_spinning_ = true;
  const core::Duration before = thread_->on_core();
  thread_->spin(category, max, /*yield=*/false, [this, before] {
    guest_spinning_ = false;
    last_spin_cpu_ = thread_->on_core() - before;
    after_guest_step();
  });
}

void VCpu::after_guest_step() { step_boundary(std::move(guest_next_)); }

// Between two guest steps: the timer writes the step made, the exits that
// events during the step forced, then any interrupt the guest can take.
void VCpu::step_boundary(Continuation k) {
  if (owes()) {
    pay_owed([this, k = std::move(k)]() mutable { step_boundary(std::move(k)); });
    return;
  }
  if (timer_exit_owed_ || kick_owed_) {
    // The VMX preemption timer reached a deadline, or (without APICv) the
    // kick IPI landed in guest mode: one exit, whatever the guest was doing.
    const ExitReason reason = timer_exit_owed_ ? ExitReason::kPreemptionTimer : ExitReason::kExternalInterrupt;
    timer_exit_owed_ = false;
    kick_owed_ = false;
    take_exit(reason, core::Cycles(0), nullptr, [this, k = std::move(k)]() mutable { step_boundary(std::move(k)); });
    return;
  }
  if (servicing_ || in_handler_) {
    k();
    return;
  }
  if (wants_attention()) {
    enter_irq(back_to(std::move(k)));
    if (!config_.native && config_.apicv) ++posted_;  // posted interrupt: delivered in guest mode, no exit
    deliver_pending();
    return;
  }
  if (!in_task_) {
    k();
    return;
  }
  if (raised_in_task_ && !softirqs_.empty()) {
    do_softirq([this, k = std::move(k)]() mutable { step_boundary(std::move(k)); });  // local_bh_enable
    return;
  }
  raised_in_task_ = false;
  // Back to user mode with a reschedule asked for: the scheduler runs.
  if (need_resched_ && last_step_user_) {
    preempt(std::move(k));
    return;
  }
  k();
}

void VCpu::exit(ExitReason reason, Continuation k) { take_exit(reason, core::Cycles(0), nullptr, std::move(k)); }

void VCpu::exit_to_device(ExitReason reason, core::Cycles device_work, Continuation k) {
  take_exit(reason, device_work, nullptr, std::move(k));
}

void VCpu::exit_signal(ExitReason reason, EventFd& fd, Continuation k) {
  take_exit(reason, core::Cycles(0), &fd, std::move(k));
}

void VCpu::exit_to_device_model(ExitReason reason, DeviceModel device, Continuation k) {
  if (sim().tracer()) thread_->trace_instant(CauseKind::kExit, "exit " + std::string(exit_reason_name(reason)));
  ++exits_;
  ++exits_by_reason_[static_cast<size_t>(reason)];
  mode_ = Mode::kHost;
  timer_exit_owed_ = false;  // on the way back in, KVM injects what is pending
  kick_owed_ = false;
  entry_next_ = std::move(k);
  device_model_ = std::move(device);
  const core::Clock& clock = thread_->core().clock();
  const ExitCosts& c = config_.exits;
  const core::Duration transition = clock.to_duration(c.exit_entry);
  const core::Duration user_kernel = clock.to_duration(c.userspace_kernel);
  // Exit, KVM's handler and decode, KVM_RUN returning (half the ioctl round
  // trip), QEMU's dispatch; then the device model; then back in.
  thread_->run_segments({{transition / 2, CpuCategory::kExitEntry},
                         {clock.to_duration(c.handler[static_cast<size_t>(reason)] + c.emulation), CpuCategory::kKvm},
                         {user_kernel / 2, CpuCategory::kHostKernel},
                         {clock.to_duration(c.userspace_dispatch), CpuCategory::kQemu}},
                        [this, transition, user_kernel] {
                          DeviceModel device = std::move(device_model_);
                          device([this, transition, user_kernel] {
                            thread_->run_segments({{user_kernel - user_kernel / 2, CpuCategory::kHostKernel},
                                                   {transition - transition / 2, CpuCategory::kExitEntry}},
                                                  [this] {
                                                    Continuation next = std::move(entry_next_);
                                                    enter_guest(std::move(next));
                                                  });
                          });
                        });
}

void VCpu::take_exit(ExitReason reason, core::Cycles device_work, EventFd* signal, Continuation k,
                     core::Cycles guest_work, Continuation handled) {
  if (sim().tracer()) thread_->trace_instant(CauseKind::kExit, "exit " + std::string(exit_reason_name(reason)));
  ++exits_;
  ++exits_by_reason_[static_cast<size_t>(reason)];
  mode_ = Mode::kHost;
  timer_exit_owed_ = false;  // on the way back in, KVM injects what is pending
  kick_owed_ = false;
  entry_next_ = std::move(k);
  const core::Clock& clock = thread_->core().clock();
  const ExitCosts& c = config_.exits;
  const ExitClass cls = exit_class(reason);
  const core::Duration transition = clock.to_duration(c.exit_entry);
  const core::Duration exit_half = transition / 2;
  const core::Duration handler = clock.to_duration(c.handler[static_cast<size_t>(reason)]);
  // An in-kernel exit's device work is KVM's own (the LAPIC sending an IPI).
  const core::Duration emulation = cls == ExitClass::kInKernel ? clock.to_duration(device_work)
                                                               : clock.to_duration(c.emulation);
  const core::Duration user_kernel =
      cls == ExitClass::kUserspace ? clock.to_duration(c.userspace_kernel) : core::Duration::zero();
  const core::Duration user_qemu = cls == ExitClass::kUserspace
                                       ? clock.to_duration(c.userspace_dispatch + device_work)
                                       : core::Duration::zero();
  auto entered = [this] {
    Continuation next = std::move(entry_next_);
    enter_guest(std::move(next));
  };
  if (signal == nullptr && !handled) {
    thread_->run_segments({{clock.to_duration(guest_work), kernel_category()},
                           {exit_half, CpuCategory::kExitEntry},
                           {handler, CpuCategory::kKvm},
                           {emulation, CpuCategory::kKvm},
                           {user_kernel, CpuCategory::kHostKernel},
                           {user_qemu, CpuCategory::kQemu},
                           {transition - exit_half, CpuCategory::kExitEntry}},
                          entered);
    return;
  }
  // The handler signals the ioeventfd (or sends the IPI) before the entry:
  // the waiter starts waking while this vCPU is still on its way back into
  // the guest. (KVM's own handler: after a userspace exit's QEMU dispatch
  // it would come too late.)
  if (cls == ExitClass::kUserspace) throw std::logic_error("a userspace exit's handler signalled from KVM");
  thread_->run_segments(
      {{clock.to_duration(guest_work), kernel_category()},
       {exit_half, CpuCategory::kExitEntry},
       {handler, CpuCategory::kKvm},
       {emulation, CpuCategory::kKvm},
       {user_kernel, CpuCategory::kHostKernel},
       {user_qemu, CpuCategory::kQemu}},
      [this, rest = transition - exit_half, handled = std::move(handled)] {
        if (handled) handled();
        thread_->run_for(rest, CpuCategory::kExitEntry, [this] {
          Continuation next = std::move(entry_next_);
          enter_guest(std::move(next));
        });
      },
      signal);
}

void VCpu::enter_guest(Continuation k) {
  mode_ = Mode::kGuest;
  // Entered with interrupts disabled (a handler runs) and one pending:
  // without virtual interrupt delivery KVM asks for an interrupt window.
  if (in_handler_ && !config_.apicv && wants_attention()) {
    window_wanted_ = true;
    pv_eoi_ = false;  // apic_sync_pv_eoi_to_guest: not with another pending
  }
  if (servicing_ || in_handler_ || !wants_attention()) {
    k();
    return;
  }
  // Pending at entry: injected (or synced from the PIR) now, no extra exit;
  // back to where the exit came from (user or kernel mode) after it.
  enter_irq(back_to(std::move(k)));
  deliver_pending();
}

Continuation VCpu::back_to(Continuation k) {
  return [this, user = last_step_user_, k = std::move(k)]() mutable {
    last_step_user_ = user;
    step_boundary(std::move(k));
  };
}

void VCpu::deliver_pending() {
  in_handler_ = true;
  if (timer_due_) {
    timer_due_ = false;
    timer_exit_owed_ = false;  // delivered: whatever exit it was owed is moot
    pv_eoi_ = pending_.empty();
    if (config_.apicv) {
      timer_interrupt();
    } else {
      thread_->run(config_.exits.injection, CpuCategory::kKvm, [this] { timer_interrupt(); });
    }
    return;
  }
  const uint32_t vector = pending_.front();
  pending_.pop_front();
  pv_eoi_ = pending_.empty() && std::find(level_vectors_.begin(), level_vectors_.end(), vector) == level_vectors_.end();
  if (config_.apicv) {
    handler_(vector, [this] { after_handler(); });
  } else {
    thread_->run(config_.exits.injection, CpuCategory::kKvm,
                 [this, vector] { handler_(vector, [this] { after_handler(); }); });
  }
}

void VCpu::after_handler() {
  if (config_.apicv || config_.native || pv_eoi_) {
    // Virtual EOI of an edge vector (APICv), a native EOI, or a
    // paravirtual one (the guest clears a flag in memory): no exit.
    finish_handler();
  } else {
    exit(ExitReason::kMsrWrite, [this] { finish_handler(); });  // x2APIC EOI write
  }
}

void VCpu::finish_handler() {
  in_handler_ = false;
  if (wants_attention()) {
    if (window_wanted_) {
      // The guest's IRET opened the window KVM asked for.
      window_wanted_ = false;
      exit(ExitReason::kInterruptWindow, [this] { deliver_pending(); });
      return;
    }
    deliver_pending();
    return;
  }
  window_wanted_ = false;
  // irq_exit -> invoke_softirq: pending softirqs run before the
  // interrupted context resumes, unless ksoftirqd is runnable (Linux 6.1's
  // ksoftirqd_running(): it has them), and __do_softirq restarts while
  // under MAX_SOFTIRQ_RESTART rounds and MAX_SOFTIRQ_TIME and nothing
  // needs the CPU (need_resched: a woken thread, on an idle vCPU any); the
  // rest are ksoftirqd's, which the scheduler runs as any thread (no
  // receive livelock).
  const bool resched = need_resched_ || (sched_.current() == GuestScheduler::kNone && sched_.nr_running() > 0);
  if (!softirqs_.empty() && !sched_.runnable(kSoftirqd) &&
      (softirq_restarts_ == 0 ||
       (softirq_restarts_ < kMaxSoftirqRestarts && !resched && now() - softirq_start_ < kMaxSoftirqTime))) {
    if (softirq_restarts_++ == 0) softirq_start_ = now();
    GuestTask softirq = std::move(softirqs_.front());
    softirqs_.pop_front();
    softirq([this] { finish_handler(); });
    return;
  }
  if (!softirqs_.empty()) wake_thread(kSoftirqd);
  servicing_ = false;
  Continuation k = std::move(resume_after_irq_);
  k();
}

// ---- host side ----

void VCpu::raise_interrupt(uint32_t vector, const HostThread* from) {
  // A vector already pending in the IRR (or the posted-interrupt
  // descriptor) is not pending twice: the second MSI merges with it.
  for (size_t i = 0; i < pending_.size(); ++i) {
    if (pending_[i] == vector) return;
  }
  if (sim().tracer()) thread_->trace_instant(CauseKind::kInterrupt, "interrupt " + std::to_string(vector));
  ++interrupts_;
  pending_.push_back(vector);
  // Without APICv KVM kicks a vCPU in guest mode out to inject it.
  if (mode_ == Mode::kGuest && !config_.apicv && !config_.native) kick_owed_ = true;
  wake_for_work(from);
}

void VCpu::wake_for_work(const HostThread* from) {
  switch (mode_) {
    case Mode::kHaltPoll:
      thread_->poke();
      break;
    case Mode::kHaltBlocked:
      thread_->wake(from);
      break;
    case Mode::kGuest:
      poke_guest();  // a spinning poll-mode driver stops; else seen at the next step boundary
      break;
    case Mode::kHost:
      break;  // seen at the next step boundary or entry
  }
}

// ---- HLT and halt polling ----

void VCpu::halt() {
  if (guest_poll()) return;
  idle_enter();
  if (owes()) {
    pay_owed([this] { schedule_next(); });  // then look again: something may have come
    return;
  }
  if (config_.native) {
    // mwait: the core idles until an interrupt (or posted work) wakes it.
    mode_ = Mode::kHaltBlocked;
    thread_->sleep([this] {
      mode_ = Mode::kGuest;
      schedule_next();
    });
    return;
  }
  if (sim().tracer()) thread_->trace_instant(CauseKind::kExit, "exit hlt");
  ++halts_;
  ++exits_;
  ++exits_by_reason_[static_cast<size_t>(ExitReason::kHlt)];
  mode_ = Mode::kHost;
  timer_exit_owed_ = false;
  kick_owed_ = false;
  halt_start_ = now();
  const core::Clock& clock = thread_->core().clock();
  const ExitCosts& c = config_.exits;
  thread_->run_segments({{clock.to_duration(c.exit_entry) / 2, CpuCategory::kExitEntry},
                         {clock.to_duration(c.handler[static_cast<size_t>(ExitReason::kHlt)]), CpuCategory::kKvm}},
                        [this] { after_hlt_exit(); });
}

void VCpu::after_hlt_exit() {
  halt_poll_ns_ = std::min(halt_poll_ns_, config_.halt_poll_max);
  if (wants_attention() || sched_.nr_running() > 0 || !softirqs_.empty()) {
    resume_from_halt();  // it came while exiting: kvm_vcpu_check_block sees it
    return;
  }
  if (halt_poll_ns_ > core::Duration::zero()) {
    mode_ = Mode::kHaltPoll;
    thread_->spin(CpuCategory::kKvm, halt_poll_ns_, /*yield=*/true, [this] { after_halt_poll(); });
    return;
  }
  mode_ = Mode::kHaltBlocked;
  thread_->sleep([this] { after_block(); });
}

void VCpu::after_halt_poll() {
  if (thread_->spin_found() || wants_attention() || sched_.nr_running() > 0 || !softirqs_.empty()) {
    ++halt_poll_hits_;
    resume_from_halt();
    return;
  }
  mode_ = Mode::kHaltBlocked;
  thread_->sleep([this] { after_block(); });
}

void VCpu::after_block() { resume_from_halt(); }

void VCpu::resume_from_halt() {
  adjust_halt_poll(now() - halt_start_);
  adjust_guest_poll(now() - halt_start_);
  mode_ = Mode::kHost;
  const core::Duration transition = thread_->core().clock().to_duration(config_.exits.exit_entry);
  thread_->run_for(transition - transition / 2, CpuCategory::kExitEntry, [this] {
    mode_ = Mode::kGuest;
    schedule_next();
  });
}

// kvm_vcpu_halt's rule: a halt within the window keeps it; a halt longer
// than the cap shrinks it; a short halt that outlived the window grows it.
void VCpu::adjust_halt_poll(core::Duration halt_time) {
  const core::Duration max = config_.halt_poll_max;
  if (max == core::Duration::zero()) {
    halt_poll_ns_ = core::Duration::zero();
    return;
  }
  if (halt_time <= halt_poll_ns_) return;
  if (halt_poll_ns_ > core::Duration::zero() && halt_time > max) {
    core::Duration v = config_.halt_poll_shrink == 0 ? core::Duration::zero() : halt_poll_ns_ / config_.halt_poll_shrink;
    if (v < config_.halt_poll_grow_start) v = core::Duration::zero();
    halt_poll_ns_ = v;
  } else if (halt_poll_ns_ < max && halt_time < max) {
    if (config_.halt_poll_grow == 0) return;
    core::Duration v = halt_poll_ns_ * config_.halt_poll_grow;
    if (v < config_.halt_poll_grow_start) v = config_.halt_poll_grow_start;
    halt_poll_ns_ = v;
  }
}

}  // namespace viosim::models
