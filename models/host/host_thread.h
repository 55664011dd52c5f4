// A host thread (vCPU thread, QEMU main loop, vhost worker, PMD): a chain of
// steps on its core, written in continuation-passing style. From inside its
// own continuation a thread either runs a step (cycles charged to a
// category), busy-polls (spin), or blocks (sleep, wait on an eventfd); a
// continuation that does none of these is a model bug and throws. Another
// thread's wake-up never runs a continuation inline: it always goes through
// the scheduler and the event queue.
#pragma once

#include <array>
#include <functional>
#include <vector>

#include "models/host/core.h"
#include "models/host/eventfd.h"
#include "models/host/trace_cause.h"
#include "sim-core/member_event.h"

namespace viosim::models {

using Continuation = std::function<void()>;

// One piece of a step: a duration charged to one category. A step of
// several segments (a VM exit: transition, KVM, QEMU) is one event.
struct Segment {
  core::Duration duration;
  CpuCategory category;
};
inline constexpr int kMaxSegments = 7;  // an exit with the guest code before it
// A step as it runs: its own segments after one per category of cache-line
// transfers it pays first.
inline constexpr int kMaxStepSegments = kMaxSegments + kCpuCategories;

class HostThread final : public core::Component, public EventFdListener {
 public:
  enum class State { kBlocked, kWaking, kReady, kActive, kStep, kSpinning };

  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  HostThread(core::Simulator& sim, std::string_view name, core::Component* parent, Core& core);
  // A thread the scheduler may place on any of `cores` (non-empty): each
  // wake-up picks its last core if idle, else an idle one, else the one
  // with the fewest ready threads (lowest index on ties).
  HostThread(core::Simulator& sim, std::string_view name, core::Component* parent, std::vector<Core*> cores);
  ~HostThread() override;

  // Starts the thread: it is woken (from nobody) at init and runs `entry`.
  // A wake() that arrives while it is still on its way to its first wait
  // (the kernel's TASK_RUNNING before the first schedule) is kept, and that
  // first sleep() returns at once, as the woken thread would: a NIC
  // interrupt in the first microseconds is never lost.
  void start(Continuation entry);

  // --- from inside the thread's own continuation ---
  void run(core::Cycles cycles, CpuCategory category, Continuation k);
  void run_for(core::Duration d, CpuCategory category, Continuation k);
  // Segments run back to back as one step (at most kMaxSegments, a
  // signal's inline work included); when `signal_at_end` is given, its
  // listeners' inline work (irqfd's injection) runs last in the step,
  // charged to KVM on this thread, and the fd is signalled as the step
  // ends, before k.
  void run_segments(std::initializer_list<Segment> segments, Continuation k, EventFd* signal_at_end = nullptr);
  void syscall(Syscall s, Continuation k) { syscall(s, core::Cycles(0), std::move(k)); }
  // A system call with `extra` cycles of work beyond the kind's own.
  void syscall(Syscall s, core::Cycles extra, Continuation k);
  // A kernel loop's preemption point (cond_resched(); vhost_worker's
  // need_resched() check after each work item): gives the core up here if
  // the scheduler asked for it while the thread ran kernel code, then k.
  void cond_resched(Continuation k);
  // A system call whose work ends in KVM (KVM_SIGNAL_MSI, KVM_IRQ_LINE:
  // the interrupt's delivery runs inside the ioctl): `kvm` cycles charged
  // to KVM after the call's own, then k.
  void syscall_into_kvm(Syscall s, core::Cycles kvm, Continuation k);
  // Counts `n` system calls of kind `s` made within the step about to be run
  // (a loop of recvmsg in one step, say) and returns their cycles, for the
  // caller to add to that step.
  core::Cycles account_syscalls(Syscall s, uint32_t n);
  // eventfd write (a system call), the listeners' inline work (irqfd
  // injection) charged to KVM on this thread, then the signal's effect.
  void signal(EventFd& fd, Continuation k);
  // The same from a kernel thread: no system call.
  void signal_in_kernel(EventFd& fd, Continuation k);
  // Busy-polls, charging `category`, until poke() or `max` elapses; then k.
  // With `yield`, a thread becoming ready on the core ends the spin too (as
  // KVM's halt polling stops when another task is runnable).
  void spin(CpuCategory category, core::Duration max, bool yield, Continuation k);
  bool spin_found() const { return spin_found_; }
  // The same, also ended by a signal on any of `fds` (vhost busy polling
  // watches the tap socket while it spins).
  void spin_on(std::vector<EventFd*> fds, CpuCategory category, core::Duration max, bool yield, Continuation k);
  // Blocks until wake().
  void sleep(Continuation on_wake);
  // Blocks until one of the eventfds has a count (or continues at once if
  // one has); k runs in the thread once it is back on its core.
  void wait(const std::vector<EventFd*>& fds, Continuation k);

  // --- from anywhere ---
  // Makes a blocked thread runnable (a spinning one stops spinning);
  // `waker` is the thread whose core sends the IPI (nullptr: none needed).
  void wake(const HostThread* waker);
  // Tells a spinning thread that there is work where it polls.
  void poke();
  // Ends a yielding spin because another thread wants the core.
  void poke_to_yield();

  // A cache line this thread's code of `category` pulled from another core
  // (SharedLines): the time runs at the start of its next step, as a
  // segment of that category. A thread about to block or spin pays what it
  // owes first, in a step of its own; a wake-up or poke arriving meanwhile
  // is kept, as the kernel keeps one for a task between setting its state
  // and calling schedule().
  // A `serial` one (a ring index the batch waits on) is not overlapped
  // with the batch's other misses.
  void add_line_transfer(core::Duration d, CpuCategory category, bool serial = false) {
    ++line_transfers_;
    add_line_load(d, category, serial);
  }
  // A line it loaded from the LLC or memory rather than another core
  // (DmaLines): the same debt, not counted as a transfer.
  void add_line_load(core::Duration d, CpuCategory category, bool serial = false) {
    if (d <= core::Duration::zero()) return;  // a profile that prices transfers at 0
    (serial ? line_serial_debt_ : line_debt_)[static_cast<size_t>(category)] += d;
    line_debt_mask_ |= uint16_t(1u << static_cast<unsigned>(category));
    ++line_debt_count_;
    if (!serial) ++line_parallel_count_;
  }
  // Whether it owes transfers its next step (or block) will pay.
  bool owes_lines() const { return line_debt_mask_ != 0; }
  // Whether all it owes is of `category`.
  bool owes_lines_only(CpuCategory category) const {
    return (line_debt_mask_ & ~uint16_t(1u << static_cast<unsigned>(category))) == 0;
  }
  // The time what it owes would add to its next step, overlapped as that
  // step would overlap it.
  core::Duration owed_line_time() const;
  // Pays what it owes now, inside the step the caller is about to run
  // (which adds owed_line_time() for it), and starts a batch afresh: what
  // it loads next overlaps only with itself, as in a step of its own.
  void pay_owed_lines_in_step();
  uint64_t line_transfers() const { return line_transfers_.value(); }

  State state() const { return state_; }
  Core& core() const { return *core_; }
  uint64_t syscalls(Syscall s) const { return syscalls_by_kind_[static_cast<size_t>(s)]; }
  uint64_t syscalls() const { return syscalls_.value(); }
  uint64_t wakeups() const { return wakeups_.value(); }
  // Time this thread's steps and spins took on its core, by category, since
  // the core's statistics reset (its open step up to now included).
  std::array<core::Duration, kCpuCategories> usage() const;
  // The time its ended steps and spins ran on the core, since the start
  // (statistics resets aside): a CPU-time budget's clock.
  core::Duration on_core() const { return on_core_; }

  // Used by Core.
  void switch_in(core::Cycles cost);
  // Whether the core may take it away now: in a step, or spinning without
  // yielding (a yielding spinner gives the core up by itself).
  bool preemptible() const { return state_ == State::kStep || (state_ == State::kSpinning && !spin_yield_); }
  // When the core may take it away, the kernel being Debian's
  // PREEMPT_VOLUNTARY: at once in user or guest mode (the reschedule IPI
  // returns to user mode, or exits the guest) and in a spin (the poll
  // loops stop on need_resched); in kernel mode (host kernel, KVM, the
  // exit and entry, vhost) at the step's next return to user or guest
  // mode, else no earlier than its end. Time::max() when not preemptible.
  core::Time preemption_point() const;
  // The guest kernel's code is the host kernel's (bare metal: no guest
  // mode to exit from).
  void set_native_kernel() { native_kernel_ = true; }
  // Stops the step or spin where it is (the elapsed part charged); the
  // thread is ready again and finishes it when it next gets the core. A
  // spin that work or a wake-up reached meanwhile ends as it resumes.
  void preempt();
  void arrive_after(core::Duration latency);
  bool spinning_with_yield() const { return state_ == State::kSpinning && spin_yield_; }
  // Adds the elapsed part of the current step or spin, by category, from
  // max(start, since) to now.
  void add_open_usage(std::array<core::Duration, kCpuCategories>& usage, core::Time since) const;

  void on_eventfd_signal(EventFd& fd, HostThread* signaller) override;
  void on_eventfd_gone(EventFd& fd) override;

  // Tracing: this thread's track, and an instant event of a kind on it
  // (no-ops when the simulator has no trace).
  int trace_track();
  void trace_instant(CauseKind kind, std::string_view what);
  // Writes the elapsed part of the current step or spin to the trace (the
  // thread's and its core's tracks): a run ending mid-step still shows it.
  void trace_open_step();

 protected:
  void on_reset_stats() override;

 private:
  // A system call's entry: counted and traced; returns its cycles.
  core::Cycles enter_syscall(Syscall s);
  friend class Core;
  void begin_step(core::Duration d, CpuCategory category, Continuation&& k);
  void begin_segments(const Segment* segments, int count, Continuation&& k);
  void schedule_step(core::Duration d, CpuCategory category, Continuation&& k);
  void charge_step(core::Time until);
  // Calls f(category, from, to) for each segment of the current step that
  // elapsed by `until`.
  template <class F>
  void each_segment(core::Time until, F f) const;
  void step_done();
  void continue_with(Continuation k);
  void stop_listening();

  Core* pick_core() const;

  Core* core_;
  std::vector<Core*> allowed_;
  State state_ = State::kBlocked;
  Continuation next_;       // what runs when the current step, spin or block ends
  CpuCategory step_category_ = CpuCategory::kIdle;  // of a spin or a one-segment step
  std::array<core::Duration, kCpuCategories> used_{};  // charged since the statistics reset, by category
  core::Duration on_core_;                             // every step's and spin's time on the core, from the start
  std::array<Segment, kMaxStepSegments> segments_{};
  int segment_count_ = 0;  // 0: the step is one segment of step_category_
  core::Time step_start_;
  core::Time step_end_;                   // of a step (a spin: spin_until_)
  core::Time spin_until_ = core::Time::max();
  bool preempted_spin_ = false;           // off the core in the middle of a spin
  // CFS: virtual runtime (equal weights: time run), when it last got its
  // core, and its place in the ready queue's arrival order.
  core::Duration vruntime_;
  core::Time exec_start_;
  uint64_t queued_at_ = 0;
  bool spin_yield_ = false;
  bool spin_found_ = false;
  bool starting_ = false;      // started, its first wait not reached yet
  bool wake_pending_ = false;  // woken while starting: its first sleep returns at once
  EventFd* pending_signal_ = nullptr;  // signalled when the current step ends
  // The scheduler asked for the core while it ran kernel code to its
  // step's end: given up at its next preemption point (a step that begins
  // in user or guest mode, a spin, cond_resched), forgotten as it blocks.
  bool need_resched_ = false;
  bool native_kernel_ = false;         // guest-kernel code runs in host kernel mode
  bool kernel_mode(CpuCategory c) const;
  // Cache-line transfers not yet in a step, by category.
  std::array<core::Duration, kCpuCategories> line_debt_{};         // overlapped across the batch
  std::array<core::Duration, kCpuCategories> line_serial_debt_{};  // paid in full
  uint32_t line_parallel_count_ = 0;
  uint16_t line_debt_mask_ = 0;  // the categories that owe some
  uint32_t line_debt_count_ = 0;
  // Moves the transfers owed into `out` as segments (traced as a "cache"
  // instant) and returns how many.
  int take_line_debt(Segment* out);
  uint32_t line_overlap() const;
  // What category `c` owes, its parallel part overlapped `overlap` ways.
  core::Duration owed_in(int c, uint32_t overlap) const { return line_serial_debt_[c] + line_debt_[c] / overlap; }
  // Blocking or spinning with transfers owed: a step pays them first, then
  // the block runs as asked (settle_woken_: unless a wake-up came meanwhile).
  enum class Block : uint8_t { kSleep, kWait, kSpin };
  void settle_then(Block kind, Continuation k);
  // A spin's deadline `max` from now, and the time left to one (both keep
  // Duration::max() / Time::max() for "no deadline").
  core::Time deadline(core::Duration max) const;
  core::Duration left_until(core::Time until) const;
  void finish_settle();
  bool settling_ = false;
  bool settle_woken_ = false;  // wake() meanwhile: ends any block
  bool settle_poked_ = false;  // poke() or a spin_on fd's signal meanwhile: ends a spin
  Block settle_kind_ = Block::kSleep;
  Continuation settle_next_;
  std::vector<EventFd*> settle_fds_;
  CpuCategory settle_category_ = CpuCategory::kIdle;
  core::Time settle_until_;  // a spin's deadline
  bool settle_yield_ = false;
  int trace_track_ = 0;
  std::vector<EventFd*> waiting_on_;
  std::array<uint64_t, kSyscallKinds> syscalls_by_kind_{};
  core::MemberEvent step_event_{this, "step", [this] { step_done(); }};
  core::Counter syscalls_{this, "syscalls"};
  core::Counter wakeups_{this, "wakeups"};
  core::Counter line_transfers_{this, "line_transfers"};
};

}  // namespace viosim::models
