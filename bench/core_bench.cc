// Micro benchmarks of the engine's other hot pieces: a full schedule/execute
// round trip through the simulator, member-event rescheduling with
// cancellation, histogram recording and the random stream.
#include <benchmark/benchmark.h>

#include "sim-core/histogram.h"
#include "sim-core/member_event.h"
#include "sim-core/rng.h"
#include "sim-core/simulator.h"

namespace {

using namespace viosim::core;

class Chain final : public EventTarget {
 public:
  Chain(Simulator& sim) : EventTarget(sim), sim_(sim) {}
  void on_event(uint64_t arg) override { sim_.schedule_after(Nanoseconds(1 + arg % 7), *this, arg + 1); }

 private:
  Simulator& sim_;
};

void schedule_execute(benchmark::State& state) {
  Simulator sim;
  Chain chain(sim);
  sim.schedule_at(Time::zero(), chain);
  for (auto _ : state) {
    sim.run_until(sim.now() + Nanoseconds(4000));  // ~1000 events per iteration
  }
  state.SetItemsProcessed(static_cast<int64_t>(sim.events_executed()));
}
BENCHMARK(schedule_execute);

class TimerOwner final : public Component {
 public:
  static const ComponentSpec& model_spec() {
    static const ComponentSpec s{.type = "bench.timer", .help = "", .params = {}, .ports = {}, .stats = {}};
    return s;
  }
  explicit TimerOwner(Simulator& sim) : Component(sim, "timer") {}
  const ComponentSpec& spec() const override { return model_spec(); }
  MemberEvent timer{this, "t", [] {}};
};

// A coalescing-style timer re-armed before it fires: one cancel per event.
void rearm_timer(benchmark::State& state) {
  Simulator sim;
  TimerOwner owner(sim);
  Chain chain(sim);
  sim.schedule_at(Time::zero(), chain);
  for (auto _ : state) {
    owner.timer.schedule_after(Microseconds(50));
    sim.run_until(sim.now() + Nanoseconds(4));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(rearm_timer);

void histogram_record(benchmark::State& state) {
  Histogram h;
  Rng rng(1);
  for (auto _ : state) h.record(rng.next() >> 24);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(histogram_record);

void rng_exponential(benchmark::State& state) {
  Rng rng(1);
  for (auto _ : state) benchmark::DoNotOptimize(rng.exponential(1.0));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(rng_exponential);

}  // namespace
