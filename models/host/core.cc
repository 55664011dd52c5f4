// Core scheduling (CFS: virtual runtime, wake-up and tick preemption) and
// CPU accounting.
#include "models/host/core.h"

#include <algorithm>

#include "models/host/host_thread.h"
#include "sim-core/trace.h"

namespace viosim::models {

const core::ComponentSpec& Core::model_spec() {
  static const core::ComponentSpec spec{
      .type = "host.core",
      .help = "a physical core: one thread at a time, shared as CFS does, every picosecond charged to a CPU category",
      .params = {{"frequency_hz", core::Unit::kHertz, "3000000000", "core clock"},
                 {"context_switch_cycles", core::Unit::kCycles, "4500", "switching from one thread to another"},
                 {"wakeup_cycles", core::Unit::kCycles, "3000", "scheduler wake-up path on an idle core"},
                 {"ipi_latency_ns", core::Unit::kNanoseconds, "1000", "reschedule IPI to an idle core"},
                 {"idle_exit_latency_ns", core::Unit::kNanoseconds, "1500", "leaving the idle state"}},
      .ports = {},
      .stats = {{"context_switches", core::StatKind::kCounter, core::Unit::kCount,
                 "switches to a thread, from another thread or from idle"},
                {"idle_wakeups", core::StatKind::kCounter, core::Unit::kCount, "threads woken onto the idle core"},
                {"preemptions", core::StatKind::kCounter, core::Unit::kCount,
                 "running threads that lost the core to a ready one (involuntary switches)"}}};
  return spec;
}

Core::Core(core::Simulator& sim, std::string_view name, core::Component* parent, const CpuCosts& costs,
           uint32_t index)
    : core::Component(sim, name, parent), index_(index), costs_(costs), clock_(costs.frequency_hz) {}

void Core::trace_slice(CpuCategory category, core::Time from, core::Time to, const HostThread* by) {
  core::TraceWriter* tw = sim().tracer();
  if (tw == nullptr) return;
  if (trace_track_ == 0) trace_track_ = tw->track("core " + std::to_string(index_));
  tw->slice(trace_track_, category_name(category), "cpu", from, to, by != nullptr ? std::string_view(by->name()) : "");
}

std::array<core::Duration, kCpuCategories> Core::usage() const {
  std::array<core::Duration, kCpuCategories> u = used_;
  const core::Time now = this->now();
  auto add_open = [&](CpuCategory c, core::Time from) {
    from = std::max(from, accounting_start_);
    if (now > from) u[static_cast<size_t>(c)] += now - from;
  };
  if (owner_ == nullptr || owner_->state() == HostThread::State::kWaking) {
    add_open(CpuCategory::kIdle, idle_since_);
  } else {
    owner_->add_open_usage(u, accounting_start_);
  }
  return u;
}

core::Duration Core::polling() const {
  core::Duration d = polled_;
  if (owner_ != nullptr && owner_->state() == HostThread::State::kSpinning) {
    const core::Time from = std::max(owner_->step_start_, accounting_start_);
    if (now() > from) d += now() - from;
  }
  return d;
}

void Core::finish() {
  if (sim().tracer() == nullptr) return;
  if (owner_ == nullptr || owner_->state() == HostThread::State::kWaking) {
    trace_slice(CpuCategory::kIdle, idle_since_, now(), nullptr);
  } else {
    owner_->trace_open_step();
  }
}

void Core::on_reset_stats() {
  used_.fill(core::Duration::zero());
  polled_ = core::Duration::zero();
  accounting_start_ = now();
}

HostThread* Core::running() const {
  if (owner_ == nullptr || owner_->state() == HostThread::State::kWaking) return nullptr;
  return owner_;
}

core::Duration Core::vruntime_of(const HostThread& t) const {
  return &t == running() ? t.vruntime_ + (now() - t.exec_start_) : t.vruntime_;
}

core::Duration Core::min_vruntime() const {
  bool any = false;
  core::Duration least;
  if (HostThread* r = running()) {
    least = vruntime_of(*r);
    any = true;
  }
  for (const HostThread* t : ready_) {
    if (!any || t->vruntime_ < least) least = t->vruntime_;
    any = true;
  }
  return any ? std::max(least, min_vruntime_) : min_vruntime_;
}

void Core::update_min_vruntime() { min_vruntime_ = min_vruntime(); }

HostThread* Core::pick_next() {
  auto first = ready_.begin();
  for (auto it = ready_.begin(); it != ready_.end(); ++it) {
    if ((*it)->vruntime_ < (*first)->vruntime_ ||
        ((*it)->vruntime_ == (*first)->vruntime_ && (*it)->queued_at_ < (*first)->queued_at_)) {
      first = it;
    }
  }
  HostThread* next = *first;
  ready_.erase(first);
  return next;
}

void Core::enqueue(HostThread& t) {
  t.queued_at_ = enqueued_++;
  ready_.push_back(&t);
}

void Core::switch_to(HostThread& next) {
  owner_ = &next;
  ++context_switches_;
  next.exec_start_ = now();
  slice_start_ = now();
  next.switch_in(costs_.context_switch);
  arm_tick();
}

void Core::thread_ready(HostThread& t, const HostThread* waker) {
  // place_entity: a thread that slept keeps its virtual runtime, unless it
  // fell more than half a latency behind the core's floor
  // (GENTLE_FAIR_SLEEPERS): sleepers get a bounded head start.
  update_min_vruntime();
  t.vruntime_ = std::max(t.vruntime_, min_vruntime_ - costs_.scheduler.latency / 2);
  if (owner_ == nullptr) {
    owner_ = &t;
    // An IPI when another core wakes us; then the idle-state exit.
    const core::Duration latency =
        (waker != nullptr ? costs_.ipi_latency : core::Duration::zero()) + costs_.idle_exit_latency;
    t.arrive_after(latency);
    return;
  }
  enqueue(t);
  if (owner_->spinning_with_yield()) {
    // The poll ends for the waiting thread; should the poller go on
    // running rather than block, the tick still ends its slice.
    owner_->poke_to_yield();
    arm_tick();
    return;
  }
  // check_preempt_wakeup: the woken thread takes the core when the running
  // one has run a wake-up granularity more; from another core that takes
  // a reschedule IPI.
  HostThread* cur = running();
  if (cur != nullptr && costs_.scheduler.wakeup_preempts(vruntime_of(*cur) - t.vruntime_)) {
    const bool remote = waker != nullptr && &waker->core() != this;
    const core::Time at = now() + (remote ? costs_.ipi_latency : core::Duration::zero());
    if (!wakeup_preempt_.pending() || preempt_target_ != cur) {
      preempt_target_ = cur;
      wakeup_preempt_.schedule_at(at);
    }
  }
  arm_tick();
}

void Core::wakeup_preempt_check() {
  HostThread* cur = running();
  if (cur == nullptr || cur != preempt_target_ || ready_.empty() || !cur->preemptible()) return;
  resched(*cur);
}

void Core::resched(HostThread& cur) {
  const core::Time at = cur.preemption_point();
  // Kernel code to the step's end: acted on where the thread next may be.
  cur.need_resched_ = cur.state() == HostThread::State::kStep && at >= cur.step_end_;
  if (cur.need_resched_) return;
  if (at == now()) {
    preempt_running();
  } else if (at != core::Time::max()) {
    preempt_target_ = &cur;  // back in user or guest mode later in the step
    wakeup_preempt_.schedule_at(at);
  }
}

void Core::resched_pending(HostThread& t) {
  if (owner_ != &t || ready_.empty()) {
    t.need_resched_ = false;  // nobody to switch to
    return;
  }
  if (!t.preemptible()) return;  // a yielding spin ends by itself; the request waits for what follows
  resched(t);
}

void Core::arm_tick() {
  if (ready_.empty()) {
    tick_.cancel();  // nobody waits: no slice to end
    return;
  }
  if (tick_.pending()) return;
  const int64_t period = costs_.scheduler.tick.ps();
  tick_.schedule_at(core::Time::from_ps((now().ps() / period + 1) * period));
}

// check_preempt_tick: the running thread gives the core up once it had its
// slice of the period (equal weights: period / runnable threads), or after
// the minimum granularity when it is a slice ahead of the leftmost.
void Core::tick() {
  HostThread* cur = running();
  if (cur == nullptr || ready_.empty()) return;
  if (cur->preemptible()) {
    core::Duration least = ready_.front()->vruntime_;
    for (const HostThread* t : ready_) least = std::min(least, t->vruntime_);
    if (costs_.scheduler.tick_preempts(static_cast<int64_t>(ready_.size()) + 1, now() - slice_start_,
                                       vruntime_of(*cur) - least)) {
      resched(*cur);
      if (owner_ != cur) return;  // switched: the next thread's slice has its tick
    }
  }
  arm_tick();
}

// The running thread goes back among the ready ones and the least-vruntime
// one runs. When that is the same thread again (it is still the furthest
// behind), nothing switches: the kernel's schedule() picks prev and only
// starts a new slice.
bool Core::preempt_running(bool between_steps) {
  HostThread* cur = owner_;
  cur->vruntime_ = vruntime_of(*cur);
  cur->exec_start_ = now();
  enqueue(*cur);
  update_min_vruntime();
  HostThread* next = pick_next();
  if (next == cur) {
    slice_start_ = now();
    arm_tick();
    return false;
  }
  if (sim().tracer() != nullptr) cur->trace_instant(CauseKind::kOther, "preempted");
  if (between_steps) {
    cur->state_ = HostThread::State::kReady;  // between steps: its continuation waits
  } else {
    cur->preempt();
  }
  ++preemptions_;
  switch_to(*next);
  return true;
}

void Core::thread_arrived(HostThread& t) {
  charge(CpuCategory::kIdle, idle_since_, now(), nullptr);
  ++idle_wakeups_;
  ++context_switches_;  // from the idle task, as the kernel counts it
  t.exec_start_ = now();
  slice_start_ = now();
  t.switch_in(costs_.wakeup);
  arm_tick();
}

void Core::thread_released(HostThread& t) {
  // update_curr before the dequeue: the floor moves up to the leaving
  // thread's virtual runtime when it was the least, so a sleeper that wakes
  // later is placed against where the core is now.
  t.vruntime_ += now() - t.exec_start_;
  t.exec_start_ = now();
  update_min_vruntime();
  owner_ = nullptr;  // off the core while the next is picked
  if (!ready_.empty()) {
    switch_to(*pick_next());
    return;
  }
  go_idle();
}

void Core::go_idle() {
  tick_.cancel();
  wakeup_preempt_.cancel();
  owner_ = nullptr;
  idle_since_ = now();
}

}  // namespace viosim::models
