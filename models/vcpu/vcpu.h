// A vCPU: a host thread that alternates guest mode and VM exits. Guest code
// (drivers, stacks, applications) runs as guest tasks on it; each exit takes
// its reason's path and cost class; interrupts arrive posted (APICv: no exit
// on a running vCPU, no EOI exit) or injected (a kick forces an
// EXTERNAL_INTERRUPT exit, injection on entry, an EOI MSR-write exit); an
// idle guest halts, KVM polls for the adaptive halt-poll window, then blocks
// the thread until a wake-up. Interrupts and timers are taken at guest step
// boundaries (guest steps are short: per-packet work).
//
// The guest kernel's clock (NO_HZ_IDLE, a TSC-deadline LAPIC timer): the
// tick fires every 1/HZ while the vCPU is busy and stops when it goes idle
// (the haltpoll driver keeps it while it polls); every change of the earliest
// timer event (the tick, an application's timer) is a WRMSR to
// IA32_TSC_DEADLINE, an MSR-write exit in a VM. A deadline reached in
// guest mode is a preemption-timer exit; a halted vCPU is woken by it.
//
// The guest's threads (its applications, ksoftirqd, a DPDK lcore) share the
// vCPU under the guest kernel's fair scheduler (guest_scheduler.h): work
// posted to a thread wakes it, the thread with the least virtual runtime
// runs, and a woken thread or the tick preempts the running one at its next
// return to user mode (a guest user step; PREEMPT_VOLUNTARY), paying a
// context switch. Softirqs run at interrupt exit, or where a task raised
// them (local_bh_enable), up to MAX_SOFTIRQ_RESTART rounds and
// MAX_SOFTIRQ_TIME, unless a woken thread needs the vCPU; what remains is
// ksoftirqd's, a thread like the others, and while it is runnable every
// softirq waits for it.
#pragma once

#include <array>
#include <functional>
#include <vector>

#include "models/host/host_thread.h"
#include "models/kvm/exit_costs.h"
#include "models/vcpu/guest_scheduler.h"
#include "sim-core/ring_buffer.h"

namespace viosim::models {

class VCpu final : public core::Component {
 public:
  struct Config {
    ExitCosts exits;
    bool apicv = true;  // posted interrupts and virtual EOI
    // Bare metal: the same OS on a host core with no virtualization. No
    // exits, no halt polling: idle is mwait, an interrupt wakes the core.
    bool native = false;
    // A process of the host under study, beside its VMs (not the bare-metal
    // reference): its user and kernel work is charged as the host's.
    bool host_process = false;
    // KVM halt polling (halt_poll_ns, halt_poll_ns_grow, _grow_start, _shrink).
    core::Duration halt_poll_max = core::Microseconds(200);
    uint32_t halt_poll_grow = 2;
    core::Duration halt_poll_grow_start = core::Microseconds(10);
    uint32_t halt_poll_shrink = 2;  // 0: reset to 0 (older kernels)
    // The guest's cpuidle-haltpoll driver and governor: before HLT the
    // idle guest polls for an adaptive window (0 at first; after a halt
    // shorter than the cap it grows, from grow_start, by grow; after a
    // longer one it shrinks by shrink, to 0 below grow_start), keeping its
    // tick while it polls. Zero: no driver (HLT at once).
    core::Duration guest_halt_poll_max = core::Duration::zero();
    core::Duration guest_halt_poll_grow_start = core::Microseconds(50);
    uint32_t guest_halt_poll_grow = 2;
    uint32_t guest_halt_poll_shrink = 2;
    // IPI virtualization (Intel IPIv): an ICR write sends a unicast IPI
    // without exiting. Needs apicv.
    bool ipiv = false;
    // The guest kernel's clock: CONFIG_HZ, and what its timer interrupt
    // costs in the guest (entry and exit, hrtimer_interrupt), a tick
    // beyond that (tick_sched_timer), and one reprogramming of the timer
    // (tick-sched and clockevents bookkeeping and the WRMSR itself).
    uint32_t hz = 250;
    core::Cycles timer_irq{700};
    core::Cycles tick{2'500};
    core::Cycles timer_program{400};
    // The guest's CPUs (its scheduler's tunables scale with them), and what
    // the guest kernel pays to switch from a preempted thread to another.
    uint32_t guest_cpus = 1;
    core::Cycles context_switch{4'500};
  };
  using ThreadId = GuestScheduler::ThreadId;
  static constexpr ThreadId kSoftirqd = 0;  // every vCPU's first thread
  // A piece of guest work: runs guest steps and exits, then calls done.
  using GuestTask = std::function<void(Continuation done)>;
  using InterruptHandler = std::function<void(uint32_t vector, Continuation done)>;
  enum class Mode { kGuest, kHost, kHaltPoll, kHaltBlocked };

  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  VCpu(core::Simulator& sim, std::string_view name, core::Component* parent, HostThread& thread,
       const Config& config);

  // Starts the guest: the vCPU thread enters guest mode at init.
  void init() override;

  // --- guest side, from inside a guest task or interrupt handler ---
  void guest(core::Cycles cycles, CpuCategory category, Continuation k);
  // Busy-polls in guest mode (a poll-mode driver over empty rings, or a
  // computation), charging `category`, until poke_guest() says there is
  // work, an interrupt or timer needs the vCPU, or `max` passes; then k,
  // after them. last_spin_cpu(): the time the spin itself ran on the core.
  void guest_spin(CpuCategory category, Continuation k, core::Duration max = core::Duration::max());
  core::Duration last_spin_cpu() const { return last_spin_cpu_; }
  void poke_guest() {
    if (guest_spinning_) thread_->poke();
  }
  // An exit of an in-kernel or emulated reason, handled in KVM.
  void exit(ExitReason reason, Continuation k);
  // An exit whose handler does `device_work` beyond its reason's cost: in
  // QEMU for a userspace exit, in KVM for an in-kernel one (the LAPIC
  // sending an IPI on an ICR write).
  void exit_to_device(ExitReason reason, core::Cycles device_work, Continuation k);
  // An exit whose KVM handler signals an ioeventfd (the virtio doorbell).
  void exit_signal(ExitReason reason, EventFd& fd, Continuation k);
  // An exit to the userspace device model that runs `device` on this vCPU
  // thread (it may make system calls, e.g. the e1000 TX path writing tap)
  // between KVM_RUN returning and being entered again.
  using DeviceModel = std::function<void(Continuation done)>;
  void exit_to_device_model(ExitReason reason, DeviceModel device, Continuation k);
  // The guest kernel's 1/HZ, and the jiffies counter now.
  core::Duration tick_period() const { return tick_period_; }
  int64_t jiffies() const { return (now() - core::Time::zero()) / tick_period_; }
  // A guest thread on this vCPU, asleep until work is posted to it.
  ThreadId add_thread(std::string name) {
    work_.emplace_back();
    return sched_.add(std::move(name));
  }
  // Queues work for `thread` and wakes it; it runs when the scheduler picks
  // it (waking the vCPU if halted, by `from` when another thread's work
  // brings it: a reschedule IPI when that thread runs on another core).
  void post(ThreadId thread, GuestTask task, const HostThread* from = nullptr);
  // The same from guest code running on `waker`, another vCPU of the same
  // guest (a socket's wake-up, a futex): a reschedule IPI from `waker`
  // when this vCPU must be told.
  void post_from(VCpu& waker, ThreadId thread, GuestTask task);
  static constexpr uint32_t kRescheduleVector = 0xfd;  // RESCHEDULE_VECTOR
  // Queues a softirq (NAPI): it runs on interrupt exit, before the
  // interrupted context resumes, where the task that raised it enables
  // bottom halves again, or in ksoftirqd.
  void post_softirq(GuestTask task);
  // Whether work waits for `thread` beyond what it runs now.
  bool has_queued(ThreadId thread) const { return !work_[thread].tasks.empty(); }
  void set_interrupt_handler(InterruptHandler h) { handler_ = std::move(h); }
  // A vector routed through the IOAPIC (INTx): its EOI must reach the
  // IOAPIC, so paravirtual EOI never spares its exit.
  void set_level_triggered(uint32_t vector) { level_vectors_.push_back(vector); }
  // The guest's LAPIC timer (TSC deadline): runs `task` as a timer interrupt.
  void arm_timer(core::Time at, GuestTask task);
  // Sends `vector` to `target` (an x2APIC ICR write): an MSR-write exit
  // whose handler delivers it, none with IPI virtualization; then k.
  void send_ipi(VCpu& target, uint32_t vector, Continuation k);
  // An IPI the guest code running now sends, at this vCPU's next step
  // boundary (its ICR write; the step's code goes on meanwhile).
  void owe_ipi(VCpu& target, uint32_t vector);

  // --- host side ---
  // An interrupt for the guest (MSI via irqfd, VFIO, a timer...). `from` is
  // the thread whose core sends the notification or wake-up IPI.
  void raise_interrupt(uint32_t vector, const HostThread* from);

  Mode mode() const { return mode_; }
  HostThread& thread() const { return *thread_; }
  const Config& config() const { return config_; }
  core::Duration halt_poll_window() const { return halt_poll_ns_; }
  core::Duration guest_poll_window() const { return guest_poll_limit_; }
  uint64_t guest_polls() const { return guest_polls_.value(); }
  uint64_t exits(ExitReason r) const { return exits_by_reason_[static_cast<size_t>(r)]; }
  uint64_t exits() const { return exits_.value(); }
  uint64_t interrupts() const { return interrupts_.value(); }
  uint64_t posted_without_exit() const { return posted_.value(); }
  uint64_t halts() const { return halts_.value(); }
  uint64_t halt_poll_hits() const { return halt_poll_hits_.value(); }
  uint64_t ticks() const { return ticks_.value(); }
  uint64_t timer_interrupts() const { return timer_interrupts_.value(); }
  uint64_t timer_writes() const { return timer_writes_.value(); }
  uint64_t preemptions() const { return preemptions_.value(); }
  uint64_t ipis_sent() const { return ipis_sent_.value(); }
  bool tick_running() const { return tick_running_; }

 protected:
  void on_reset_stats() override;

 private:
  // `guest_work`: guest kernel code run just before, in the same step
  // (the instruction that exits is its last). `handled`, when given, runs
  // as the handler's work ends, before the entry (an IPI the handler sends
  // reaches its target while this vCPU is on its way back in).
  void take_exit(ExitReason reason, core::Cycles device_work, EventFd* signal, Continuation k,
                 core::Cycles guest_work = core::Cycles(0), Continuation handled = nullptr);
  DeviceModel device_model_;
  void schedule_next();
  // ---- the guest's threads ----
  void wake_thread(ThreadId t);
  void run_thread(ThreadId t);
  void task_done();
  void preempt(Continuation k);
  void run_ksoftirqd();
  bool has_work(ThreadId t) const {
    return work_[t].preempted != nullptr || !work_[t].tasks.empty() || (t == kSoftirqd && !softirqs_.empty());
  }
  bool owes() const { return writes_owed_ > 0 || !ipis_owed_.empty(); }
  void pay_owed(Continuation k);
  // Interrupt context begins (handlers, then the softirqs at their exit, or
  // only the softirqs at a task's local_bh_enable); `resume` follows it.
  void enter_irq(Continuation resume) {
    servicing_ = true;
    softirq_restarts_ = 0;
    resume_after_irq_ = std::move(resume);
  }
  // Interrupted guest code resumed at its step boundary, in the mode (user
  // or kernel) it was in.
  Continuation back_to(Continuation k);
  // do_softirq in the current context (irq exit, local_bh_enable), then k.
  void do_softirq(Continuation k);
  void after_guest_step();
  void step_boundary(Continuation k);
  // ---- the guest's clock (vcpu_timer.cc) ----
  core::Time first_timer_event() const;
  void reprogram();
  void pay_timer_writes(Continuation k);
  void idle_enter();
  void idle_exit();
  core::Time next_jiffy() const;
  void on_deadline();
  void timer_interrupt();
  CpuCategory kernel_category() const {
    return config_.host_process ? CpuCategory::kHostKernel : CpuCategory::kGuestKernel;
  }
  void halt();
  // ---- the guest's haltpoll idle driver (vcpu_haltpoll.cc) ----
  bool guest_poll();
  void adjust_guest_poll(core::Duration halt_time);
  void after_halt_poll();
  void after_block();
  void adjust_halt_poll(core::Duration halt_time);
  void enter_guest(Continuation k);
  bool wants_attention() const { return !pending_.empty() || timer_due_; }
  void deliver_pending();
  void after_handler();
  void finish_handler();
  void after_hlt_exit();
  void resume_from_halt();
  void wake_for_work(const HostThread* from);

  HostThread* thread_;
  Config config_;
  Mode mode_ = Mode::kHost;
  bool in_task_ = false;
  bool in_handler_ = false;
  // Exits owed at the next guest step boundary: the preemption timer
  // reached a deadline, or (without APICv) KVM kicked the running vCPU to
  // inject an interrupt. One exit serves both.
  bool timer_exit_owed_ = false;
  bool kick_owed_ = false;
  // Without APICv: an interrupt was pending at an entry into a handler
  // (interrupts disabled); KVM asked for an interrupt-window exit.
  bool window_wanted_ = false;
  // Without APICv: KVM's paravirtual EOI (QEMU's kvm-pv-eoi, on by
  // default) let the handler being run skip its EOI write. KVM offers it
  // when it injects an edge vector with nothing else pending, and takes
  // it back at an entry with another interrupt pending.
  bool pv_eoi_ = false;
  std::vector<uint32_t> level_vectors_;
  bool in_timer_irq_ = false;  // hrtimer_interrupt runs: it programs the next expiry itself
  core::RingBuffer<GuestTask> softirqs_;
  static constexpr int kMaxSoftirqRestarts = 10;                                // MAX_SOFTIRQ_RESTART
  static constexpr core::Duration kMaxSoftirqTime = core::Microseconds(2'000);  // MAX_SOFTIRQ_TIME
  int softirq_restarts_ = 0;
  core::Time softirq_start_;
  // A task raised softirqs (with bottom halves disabled): they run at its
  // next step boundary or its end.
  bool raised_in_task_ = false;
  // Each guest thread's queued work, and where it stopped when preempted.
  struct ThreadWork {
    core::RingBuffer<GuestTask> tasks;
    Continuation preempted;
  };
  std::vector<ThreadWork> work_;
  GuestScheduler sched_;
  bool need_resched_ = false;    // TIF_NEED_RESCHED of the running thread
  bool last_step_user_ = false;  // the step just run was guest user code
  core::RingBuffer<uint32_t> pending_;
  InterruptHandler handler_;
  Continuation guest_next_;
  Continuation entry_next_;
  Continuation resume_after_irq_;
  bool servicing_ = false;
  bool guest_spinning_ = false;
  core::Duration last_spin_cpu_;
  core::Duration halt_poll_ns_;
  core::Time halt_start_;
  bool timer_due_ = false;
  GuestTask timer_task_;
  // The clock: the tick's next expiry while it runs, the application's
  // timer (Time::max() when none), the deadline last written in the MSR
  // (Time::max(): only the guest's housekeeping, not modelled, is due),
  // and the writes the guest still has to make.
  core::Duration tick_period_;
  bool tick_running_ = true;
  bool idle_ = false;
  core::Time next_tick_;
  core::Time app_at_ = core::Time::max();
  core::Time programmed_ = core::Time::max();
  bool armed_ = true;  // the MSR holds programmed_ (a deadline disarms once reached)
  // The haltpoll governor: its window, whether the last idle state was a
  // poll and whether it ran out, and the poll this idle period started.
  core::Duration guest_poll_limit_;
  bool last_was_poll_ = false;
  bool poll_timed_out_ = false;
  bool poll_running_ = false;
  core::Time poll_start_;
  uint32_t writes_owed_ = 0;
  struct OwedIpi {
    VCpu* target;
    uint32_t vector;
  };
  core::RingBuffer<OwedIpi> ipis_owed_;
  std::array<uint64_t, kExitReasons> exits_by_reason_{};
  core::MemberEvent deadline_{this, "lapic_timer", [this] { on_deadline(); }};
  core::Counter exits_{this, "exits"};
  core::Counter interrupts_{this, "interrupts"};
  core::Counter posted_{this, "interrupts_posted"};
  core::Counter halts_{this, "halts"};
  core::Counter halt_poll_hits_{this, "halt_poll_hits"};
  core::Counter ticks_{this, "ticks"};
  core::Counter guest_polls_{this, "guest_polls"};
  core::Counter timer_interrupts_{this, "timer_interrupts"};
  core::Counter timer_writes_{this, "timer_writes"};
  core::Counter preemptions_{this, "preemptions"};
  core::Counter ipis_sent_{this, "ipis_sent"};
};

}  // namespace viosim::models
