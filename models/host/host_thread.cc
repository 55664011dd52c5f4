// Host thread steps, blocking, wake-ups and busy polling.
#include "models/host/host_thread.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <stdexcept>

#include "models/host/shared_lines.h"
#include "sim-core/trace.h"

namespace viosim::models {

const core::ComponentSpec& HostThread::model_spec() {
  static const core::ComponentSpec spec{
      .type = "host.thread",
      .help = "a host thread pinned to a core: steps of cycles charged to a category, blocking, wake-ups, polling",
      .params = {},
      .ports = {},
      .stats = {{"syscalls", core::StatKind::kCounter, core::Unit::kCount, "system calls made"},
                {"wakeups", core::StatKind::kCounter, core::Unit::kCount, "times woken from blocked"},
                {"line_transfers", core::StatKind::kCounter, core::Unit::kCount,
                 "cache lines its loads and stores pulled from other cores"}}};
  return spec;
}

HostThread::HostThread(core::Simulator& sim, std::string_view name, core::Component* parent, Core& core)
    : core::Component(sim, name, parent), core_(&core), allowed_{&core} {
  core.add_thread();
}

HostThread::HostThread(core::Simulator& sim, std::string_view name, core::Component* parent,
                       std::vector<Core*> cores)
    : core::Component(sim, name, parent), allowed_(std::move(cores)) {
  if (allowed_.empty()) throw std::invalid_argument("thread " + this->name() + " has no core to run on");
  core_ = allowed_.front();
  for (Core* c : allowed_) c->add_thread();
}

Core* HostThread::pick_core() const {
  if (core_->owner() == nullptr || allowed_.size() == 1) return core_;
  Core* best = nullptr;
  for (Core* c : allowed_) {
    if (c->owner() == nullptr) return c;
    if (best == nullptr || c->ready_threads() < best->ready_threads()) best = c;
  }
  return best;
}

HostThread::~HostThread() { stop_listening(); }

void HostThread::start(Continuation entry) {
  next_ = std::move(entry);
  state_ = State::kBlocked;
  wake(nullptr);
  starting_ = true;
}

uint32_t HostThread::line_overlap() const {
  // The batch's misses overlap as far as its buffers' chains and the
  // core's fill buffers allow.
  uint32_t overlap = 1;
  if (running_thread.thread == this) {
    overlap = std::clamp(std::max(running_thread.taken, running_thread.given), 1u, core_->costs().cache.fill_buffers);
    overlap = std::min(overlap, std::max(line_parallel_count_, 1u));  // never less than one miss's time
  }
  return overlap;
}

core::Duration HostThread::owed_line_time() const {
  const uint32_t overlap = line_overlap();
  core::Duration total;
  for (unsigned mask = line_debt_mask_; mask != 0; mask &= mask - 1) {
    const int c = std::countr_zero(mask);
    total += owed_in(c, overlap);
  }
  return total;
}

void HostThread::pay_owed_lines_in_step() {
  if (line_debt_mask_ != 0) {
    std::array<Segment, kCpuCategories> paid{};
    take_line_debt(paid.data());
  }
  if (running_thread.thread == this) running_thread.taken = running_thread.given = 0;
}

int HostThread::take_line_debt(Segment* out) {
  const uint32_t overlap = line_overlap();
  int n = 0;
  core::Duration total;
  for (unsigned mask = line_debt_mask_; mask != 0; mask &= mask - 1) {
    const int c = std::countr_zero(mask);
    const core::Duration d = owed_in(c, overlap);
    line_debt_[c] = line_serial_debt_[c] = core::Duration::zero();
    if (d == core::Duration::zero()) continue;
    out[n++] = Segment{d, static_cast<CpuCategory>(c)};
    total += d;
  }
  if (sim().tracer()) {
    char text[112];
    std::snprintf(text, sizeof text, "%u cache line miss%s (+%.3f us%s)", line_debt_count_,
                  line_debt_count_ == 1 ? "" : "es", total.seconds() * 1e6, overlap > 1 ? ", overlapped" : "");
    trace_instant(CauseKind::kCache, text);
  }
  line_debt_mask_ = 0;
  line_debt_count_ = 0;
  line_parallel_count_ = 0;
  return n;
}

void HostThread::begin_step(core::Duration d, CpuCategory category, Continuation&& k) {
  if (line_debt_mask_ != 0) {
    const Segment one{d, category};
    begin_segments(&one, 1, std::move(k));
    return;
  }
  schedule_step(d, category, std::move(k));
  segment_count_ = 0;
  if (need_resched_) core_->resched_pending(*this);
}

void HostThread::schedule_step(core::Duration d, CpuCategory category, Continuation&& k) {
  if (state_ != State::kActive) {
    throw std::logic_error("thread " + name() + " started a step outside its own continuation");
  }
  next_ = std::move(k);
  step_category_ = category;
  step_start_ = now();
  step_end_ = step_start_ + d;
  state_ = State::kStep;
  step_event_.schedule_after(d);
}

void HostThread::begin_segments(const Segment* segments, int count, Continuation&& k) {
  // Cache-line transfers owed run first, a segment per category. (The
  // thread is between steps: segments_ is free to fill.)
  int n = line_debt_mask_ != 0 ? take_line_debt(segments_.data()) : 0;
  if (n + count > kMaxStepSegments) throw std::logic_error("too many segments in one step");
  core::Duration total;
  for (int i = 0; i < n; ++i) total += segments_[i].duration;
  for (int i = 0; i < count; ++i) {
    if (segments[i].duration == core::Duration::zero()) continue;
    segments_[n++] = segments[i];
    total += segments[i].duration;
  }
  schedule_step(total, n > 0 ? segments_[0].category : CpuCategory::kHostKernel, std::move(k));
  segment_count_ = n;
  if (need_resched_) core_->resched_pending(*this);
}

void HostThread::run_segments(std::initializer_list<Segment> segments, Continuation k, EventFd* signal_at_end) {
  const core::Cycles inline_work = signal_at_end != nullptr ? signal_at_end->inline_cycles() : core::Cycles(0);
  const size_t count = segments.size() + (inline_work > core::Cycles(0) ? 1 : 0);
  if (count > kMaxSegments) throw std::logic_error("too many segments in one step");
  pending_signal_ = signal_at_end;  // before the step begins: a preemption there carries it
  if (count == segments.size()) {
    begin_segments(segments.begin(), static_cast<int>(count), std::move(k));
  } else {
    // The signal's inline work (irqfd's injection) ends the step.
    std::array<Segment, kMaxSegments> all{};
    std::copy(segments.begin(), segments.end(), all.begin());
    all[count - 1] = {core_->clock().to_duration(inline_work), CpuCategory::kKvm};
    begin_segments(all.data(), static_cast<int>(count), std::move(k));
  }
}

template <class F>
void HostThread::each_segment(core::Time until, F f) const {
  if (segment_count_ == 0) {
    f(step_category_, step_start_, until);
    return;
  }
  core::Time t = step_start_;
  for (int i = 0; i < segment_count_ && t < until; ++i) {
    const core::Time end = std::min(until, t + segments_[i].duration);
    f(segments_[i].category, t, end);
    t = end;
  }
}

void HostThread::charge_step(core::Time until) {
  core::TraceWriter* tw = sim().tracer();
  const bool polling = state_ == State::kSpinning;
  each_segment(until, [&](CpuCategory category, core::Time from, core::Time to) {
    used_[static_cast<size_t>(category)] += core_->charge(category, from, to, this, polling);
    on_core_ += to - from;
    if (tw) tw->slice(trace_track(), category_name(category), "cpu", from, to);
  });
}

void HostThread::trace_open_step() {
  core::TraceWriter* tw = sim().tracer();
  if (tw == nullptr || (state_ != State::kStep && state_ != State::kSpinning)) return;
  each_segment(now(), [&](CpuCategory category, core::Time from, core::Time to) {
    core_->trace_slice(category, from, to, this);
    tw->slice(trace_track(), category_name(category), "cpu", from, to);
  });
}

int HostThread::trace_track() {
  if (trace_track_ == 0 && sim().tracer() != nullptr) trace_track_ = sim().tracer()->track("thread " + name());
  return trace_track_;
}

void HostThread::trace_instant(CauseKind kind, std::string_view what) {
  if (core::TraceWriter* tw = sim().tracer()) tw->instant(trace_track(), what, cause_kind_name(kind), now());
}

void HostThread::run(core::Cycles cycles, CpuCategory category, Continuation k) {
  begin_step(core_->clock().to_duration(cycles), category, std::move(k));
}

void HostThread::run_for(core::Duration d, CpuCategory category, Continuation k) {
  begin_step(d, category, std::move(k));
}

core::Cycles HostThread::enter_syscall(Syscall s) {
  if (sim().tracer()) trace_instant(CauseKind::kOther, "syscall " + std::string(syscall_name(s)));
  return account_syscalls(s, 1);
}

void HostThread::syscall(Syscall s, core::Cycles extra, Continuation k) {
  run(enter_syscall(s) + extra, CpuCategory::kHostKernel, std::move(k));
}

void HostThread::cond_resched(Continuation k) {
  if (state_ != State::kActive)
    throw std::logic_error("thread " + name() + " checked need_resched outside its own continuation");
  if (!need_resched_) {
    k();
    return;
  }
  need_resched_ = false;
  next_ = std::move(k);
  if (core_->yield_to_ready(*this)) return;  // next_ runs when it is back on the core
  Continuation same = std::move(next_);      // it is still the one to run
  same();
}

void HostThread::syscall_into_kvm(Syscall s, core::Cycles kvm, Continuation k) {
  const core::Clock& clock = core_->clock();
  run_segments(
      {{clock.to_duration(enter_syscall(s)), CpuCategory::kHostKernel}, {clock.to_duration(kvm), CpuCategory::kKvm}},
      std::move(k));
}

core::Cycles HostThread::account_syscalls(Syscall s, uint32_t n) {
  syscalls_.add(n);
  syscalls_by_kind_[static_cast<size_t>(s)] += n;
  const CpuCosts& c = core_->costs();
  return (c.syscall_base + c.syscall_work[static_cast<size_t>(s)]) * int64_t{n};
}

void HostThread::signal(EventFd& fd, Continuation k) {
  run_segments({{core_->clock().to_duration(enter_syscall(Syscall::kEventfdWrite)), CpuCategory::kHostKernel}},
               std::move(k), &fd);
}

void HostThread::signal_in_kernel(EventFd& fd, Continuation k) {
  run_segments({{core_->clock().to_duration(core_->costs().eventfd_signal_in_kernel), CpuCategory::kHostKernel}},
               std::move(k), &fd);
}

core::Time HostThread::deadline(core::Duration max) const {
  return max == core::Duration::max() ? core::Time::max() : now() + max;
}

core::Duration HostThread::left_until(core::Time until) const {
  if (until == core::Time::max()) return core::Duration::max();
  return until > now() ? until - now() : core::Duration::zero();
}

void HostThread::settle_then(Block kind, Continuation k) {
  settle_kind_ = kind;
  settle_next_ = std::move(k);
  settling_ = true;
  settle_woken_ = false;
  settle_poked_ = false;
  begin_segments(nullptr, 0, [this] { finish_settle(); });
}

void HostThread::finish_settle() {
  settling_ = false;
  starting_ = false;  // it has reached its first block
  const bool woken = settle_woken_;
  const bool poked = settle_poked_;
  settle_woken_ = settle_poked_ = false;
  Continuation k = std::move(settle_next_);
  switch (settle_kind_) {
    case Block::kSleep:
      if (woken) {
        k();  // woken before it slept: it runs on
      } else {
        sleep(std::move(k));
      }
      return;
    case Block::kWait:
      if (woken) {
        begin_step(core::Duration::zero(), CpuCategory::kHostKernel, std::move(k));
      } else {
        wait(settle_fds_, std::move(k));  // a signal meanwhile left its count
      }
      return;
    case Block::kSpin:
      // spin_on's listeners are already in place; its deadline counts from
      // the settle's start.
      spin(settle_category_, left_until(settle_until_), settle_yield_, std::move(k));
      if (woken || poked) poke();
      return;
  }
}

void HostThread::spin(CpuCategory category, core::Duration max, bool yield, Continuation k) {
  if (state_ != State::kActive) throw std::logic_error("thread " + name() + " spun outside its own continuation");
  if (line_debt_mask_ != 0) {
    settle_category_ = category;
    settle_until_ = deadline(max);
    settle_yield_ = yield;
    settle_then(Block::kSpin, std::move(k));
    return;
  }
  starting_ = false;  // a spin is a wait that sees every poke
  next_ = std::move(k);
  step_category_ = category;
  segment_count_ = 0;
  step_start_ = now();
  spin_yield_ = yield;
  spin_found_ = false;
  spin_until_ = deadline(max);
  state_ = State::kSpinning;
  if (yield && core_->ready_threads() > 0) {
    step_event_.schedule_after(core::Duration::zero());
  } else if (max != core::Duration::max()) {
    step_event_.schedule_after(max);
  }
  if (need_resched_) core_->resched_pending(*this);  // a poll loop checks need_resched
}

void HostThread::spin_on(std::vector<EventFd*> fds, CpuCategory category, core::Duration max, bool yield,
                         Continuation k) {
  waiting_on_ = std::move(fds);
  for (EventFd* fd : waiting_on_) fd->add_listener(this);
  spin(category, max, yield, std::move(k));
}

void HostThread::poke() {
  if (settling_) {
    settle_poked_ = true;  // a spin to come ends as soon as it starts
    return;
  }
  if (preempted_spin_) {
    spin_found_ = true;  // the spin ends as soon as it is back on the core
    return;
  }
  if (state_ != State::kSpinning) return;
  if (!spin_found_ && sim().tracer()) trace_instant(CauseKind::kPoll, "busy poll found work");
  spin_found_ = true;
  step_event_.schedule_after(core::Duration::zero());
}

void HostThread::poke_to_yield() {
  if (state_ != State::kSpinning || spin_found_) return;
  step_event_.schedule_after(core::Duration::zero());
}

void HostThread::sleep(Continuation on_wake) {
  if (state_ != State::kActive) throw std::logic_error("thread " + name() + " slept outside its own continuation");
  if (line_debt_mask_ != 0) {
    settle_then(Block::kSleep, std::move(on_wake));
    return;
  }
  next_ = std::move(on_wake);
  state_ = State::kBlocked;
  starting_ = false;
  need_resched_ = false;  // schedule() runs as it blocks
  core_->thread_released(*this);
  if (wake_pending_) {
    wake_pending_ = false;
    wake(nullptr);
  }
}

void HostThread::wait(const std::vector<EventFd*>& fds, Continuation k) {
  if (std::any_of(fds.begin(), fds.end(), [](EventFd* fd) { return fd->count() > 0; })) {
    // Already readable: no blocking, continue after the current instant.
    begin_step(core::Duration::zero(), CpuCategory::kHostKernel, std::move(k));
    return;
  }
  if (line_debt_mask_ != 0) {
    if (&fds != &settle_fds_) settle_fds_.assign(fds.begin(), fds.end());
    settle_then(Block::kWait, std::move(k));
    return;
  }
  waiting_on_.assign(fds.begin(), fds.end());  // no allocation once it has held as many
  for (EventFd* fd : waiting_on_) fd->add_listener(this);
  sleep(std::move(k));
}

void HostThread::on_eventfd_signal(EventFd&, HostThread* signaller) {
  if (state_ == State::kSpinning || preempted_spin_) {
    poke();
  } else if (state_ == State::kBlocked && !waiting_on_.empty()) {
    wake(signaller);
  } else if (settling_) {
    settle_poked_ = true;  // a spin_on's fd, signalled while it pays its way to the spin
  }
}

void HostThread::on_eventfd_gone(EventFd& fd) {
  waiting_on_.erase(std::remove(waiting_on_.begin(), waiting_on_.end(), &fd), waiting_on_.end());
}

void HostThread::stop_listening() {
  for (EventFd* fd : waiting_on_) fd->remove_listener(this);
  waiting_on_.clear();
}

void HostThread::wake(const HostThread* waker) {
  if (state_ == State::kSpinning || preempted_spin_) {
    poke();
    return;
  }
  if (state_ != State::kBlocked) {
    // Already runnable. A thread still on its way to its first wait, or
    // paying its way to a block, would lose this wake-up there: keep it.
    if (settling_) {
      settle_woken_ = true;
    } else if (starting_) {
      wake_pending_ = true;
    }
    return;
  }
  stop_listening();
  ++wakeups_;
  if (sim().tracer()) trace_instant(CauseKind::kWakeup, waker != nullptr ? "woken by " + waker->name() : "woken");
  state_ = State::kReady;
  Core* last = core_;
  core_ = pick_core();
  // Virtual runtime is relative to a core's floor: moving keeps the offset.
  if (core_ != last) vruntime_ += core_->min_vruntime() - last->min_vruntime();
  core_->thread_ready(*this, waker);
}

void HostThread::arrive_after(core::Duration latency) {
  state_ = State::kWaking;
  step_event_.schedule_after(latency);
}

void HostThread::switch_in(core::Cycles cost) {
  step_category_ = CpuCategory::kHostKernel;
  segment_count_ = 0;
  step_start_ = now();
  step_end_ = step_start_ + core_->clock().to_duration(cost);
  state_ = State::kStep;
  step_event_.schedule_at(step_end_);
}

bool HostThread::kernel_mode(CpuCategory c) const {
  switch (c) {
    case CpuCategory::kHostKernel:
    case CpuCategory::kKvm:
    case CpuCategory::kExitEntry:
    case CpuCategory::kVhost:
      return true;
    case CpuCategory::kGuestKernel:
      return native_kernel_;
    default:
      return false;
  }
}

core::Time HostThread::preemption_point() const {
  if (!preemptible()) return core::Time::max();
  const core::Time t = now();
  if (state_ == State::kSpinning) return t;
  if (segment_count_ == 0) return kernel_mode(step_category_) ? step_end_ : t;
  core::Time start = step_start_;
  bool in_kernel = false;  // the segment running now is in kernel mode
  for (int i = 0; i < segment_count_; ++i) {
    const core::Time end = start + segments_[i].duration;
    if (end > t) {
      if (!kernel_mode(segments_[i].category)) return in_kernel ? start : t;
      in_kernel = true;
    }
    start = end;
  }
  return step_end_;
}

void HostThread::preempt() {
  if (!preemptible()) throw std::logic_error("thread " + name() + " preempted while not running a step or a spin");
  step_event_.cancel();
  need_resched_ = false;
  const core::Time t = now();
  charge_step(t);
  Continuation k = std::move(next_);
  if (state_ == State::kSpinning) {
    // The poll's deadline is a time (halt-poll's stop, vhost's endtime):
    // time off the core counts against it.
    preempted_spin_ = true;
    next_ = [this, category = step_category_, until = spin_until_, yield = spin_yield_, k = std::move(k)]() mutable {
      preempted_spin_ = false;
      if (spin_found_) {  // poked while off the core
        stop_listening();
        k();
        return;
      }
      spin(category, left_until(until), yield, std::move(k));  // still listening where it was
    };
  } else {
    std::array<Segment, kMaxStepSegments> rest{};
    int n = 0;
    each_segment(step_end_, [&](CpuCategory category, core::Time from, core::Time to) {
      if (to > t) rest[n++] = {to - std::max(from, t), category};
    });
    EventFd* signal = pending_signal_;
    pending_signal_ = nullptr;
    next_ = [this, rest, n, signal, k = std::move(k)]() mutable {
      pending_signal_ = signal;  // before the rest begins: a preemption there carries it again
      begin_segments(rest.data(), n, std::move(k));
    };
  }
  state_ = State::kReady;
}

void HostThread::add_open_usage(std::array<core::Duration, kCpuCategories>& usage, core::Time since) const {
  if (state_ != State::kStep && state_ != State::kSpinning) return;
  const core::Time now = this->now();
  auto add = [&](CpuCategory c, core::Time from, core::Time to) {
    from = std::max(from, since);
    if (to > from) usage[static_cast<size_t>(c)] += to - from;
  };
  if (segment_count_ == 0) {
    add(step_category_, step_start_, now);
    return;
  }
  core::Time t = step_start_;
  for (int i = 0; i < segment_count_ && t < now; ++i) {
    const core::Time end = std::min(now, t + segments_[i].duration);
    add(segments_[i].category, t, end);
    t = end;
  }
}

void HostThread::step_done() {
  switch (state_) {
    case State::kWaking:
      core_->thread_arrived(*this);
      return;
    case State::kSpinning:
      stop_listening();
      charge_step(now());
      break;
    case State::kStep:
      charge_step(now());
      break;
    default:
      throw std::logic_error("thread " + name() + " got a step event in the wrong state");
  }
  if (pending_signal_ != nullptr) {
    EventFd* fd = pending_signal_;
    pending_signal_ = nullptr;
    if (sim().tracer()) trace_instant(CauseKind::kSignal, "signal " + fd->name());
    fd->signal(this);  // its listeners' inline work ran at the step's end
  }
  continue_with(std::move(next_));
}

void HostThread::continue_with(Continuation k) {
  state_ = State::kActive;
  struct Current {  // restored even when the continuation throws
    RunningThread outer = running_thread;
    explicit Current(HostThread* t) { running_thread = {t, static_cast<int32_t>(t->core().index())}; }
    ~Current() { running_thread = outer; }
  } running(this);
  k();
  if (state_ == State::kActive) {
    throw std::logic_error("thread " + name() + " ended a step without running, spinning or blocking");
  }
}

void HostThread::on_reset_stats() {
  syscalls_by_kind_.fill(0);
  used_.fill(core::Duration::zero());
}

std::array<core::Duration, kCpuCategories> HostThread::usage() const {
  std::array<core::Duration, kCpuCategories> u = used_;
  add_open_usage(u, core_->accounting_start());
  return u;
}

}  // namespace viosim::models
