// Core scheduling (FIFO, no preemption except of a yielding spinner) and
// CPU accounting.
#include "models/host/core.h"

#include <algorithm>

#include "models/host/host_thread.h"
#include "sim-core/trace.h"

namespace viosim::models {

const core::ComponentSpec& Core::model_spec() {
  static const core::ComponentSpec spec{
      .type = "host.core",
      .help = "a physical core: one thread at a time, FIFO ready queue, every picosecond charged to a CPU category",
      .params = {{"frequency_hz", core::Unit::kHertz, "3000000000", "core clock"},
                 {"context_switch_cycles", core::Unit::kCycles, "4500", "switching from one thread to another"},
                 {"wakeup_cycles", core::Unit::kCycles, "3000", "scheduler wake-up path on an idle core"},
                 {"ipi_latency_ns", core::Unit::kNanoseconds, "1000", "reschedule IPI to an idle core"},
                 {"idle_exit_latency_ns", core::Unit::kNanoseconds, "1500", "leaving the idle state"}},
      .ports = {},
      .stats = {{"context_switches", core::StatKind::kCounter, core::Unit::kCount,
                 "switches to a thread, from another thread or from idle"},
                {"idle_wakeups", core::StatKind::kCounter, core::Unit::kCount, "threads woken onto the idle core"}}};
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

core::Duration Core::charge(CpuCategory category, core::Time from, core::Time to, const HostThread* by) {
  if (sim().tracer()) trace_slice(category, from, to, by);
  from = std::max(from, accounting_start_);
  if (to <= from) return core::Duration::zero();
  used_[static_cast<size_t>(category)] += to - from;
  return to - from;
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
  accounting_start_ = now();
}

void Core::thread_ready(HostThread& t, const HostThread* waker) {
  if (owner_ == nullptr) {
    owner_ = &t;
    // An IPI when another core wakes us; then the idle-state exit.
    const core::Duration latency =
        (waker != nullptr ? costs_.ipi_latency : core::Duration::zero()) + costs_.idle_exit_latency;
    t.arrive_after(latency);
    return;
  }
  ready_.push_back(&t);
  if (owner_->spinning_with_yield()) owner_->poke_to_yield();
}

void Core::thread_arrived(HostThread& t) {
  charge(CpuCategory::kIdle, idle_since_, now(), nullptr);
  ++idle_wakeups_;
  ++context_switches_;  // from the idle task, as the kernel counts it
  t.switch_in(costs_.wakeup);
}

void Core::thread_released(HostThread& t) {
  (void)t;
  if (!ready_.empty()) {
    HostThread* next = ready_.front();
    ready_.pop_front();
    owner_ = next;
    ++context_switches_;
    next->switch_in(costs_.context_switch);
    return;
  }
  go_idle();
}

void Core::go_idle() {
  owner_ = nullptr;
  idle_since_ = now();
}

}  // namespace viosim::models
