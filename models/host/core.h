// A physical core: runs one host thread at a time, keeps the threads that
// are ready to run in FIFO order, and charges every picosecond to a CPU
// category. Switching threads costs a context switch; a thread woken on an
// idle core first waits for the IPI and the idle-state exit (charged idle),
// then pays the scheduler's wake-up path (host kernel).
#pragma once

#include <array>

#include "models/host/cpu_category.h"
#include "models/host/cpu_costs.h"
#include "sim-core/clock.h"
#include "sim-core/component.h"
#include "sim-core/ring_buffer.h"
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

  // Time per category since the last statistics reset, including the open
  // idle interval and the elapsed part of the running step. The entries add
  // up to now - accounting_start() exactly.
  std::array<core::Duration, kCpuCategories> usage() const;
  core::Time accounting_start() const { return accounting_start_; }

  // With a trace: writes the open interval (idle, or its thread's step).
  void finish() override;

  // Called by threads: `by` ran [from, to) in `category` (nullptr: idle).
  // Returns the part charged (after the statistics reset).
  core::Duration charge(CpuCategory category, core::Time from, core::Time to, const HostThread* by);
  // The same slice on the core's trace track, without accounting it.
  void trace_slice(CpuCategory category, core::Time from, core::Time to, const HostThread* by);
  void thread_ready(HostThread& t, const HostThread* waker);
  void thread_released(HostThread& t);
  void thread_arrived(HostThread& t);

 protected:
  void on_reset_stats() override;

 private:
  void go_idle();

  uint32_t index_;
  CpuCosts costs_;
  core::Clock clock_;
  HostThread* owner_ = nullptr;
  core::RingBuffer<HostThread*> ready_;
  core::Time idle_since_;
  int trace_track_ = 0;
  core::Time accounting_start_;
  std::array<core::Duration, kCpuCategories> used_{};
  core::Counter context_switches_{this, "context_switches"};
  core::Counter idle_wakeups_{this, "idle_wakeups"};
};

}  // namespace viosim::models
