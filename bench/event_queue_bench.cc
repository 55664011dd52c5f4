// Micro benchmarks of each pending-event set: the classic "hold" operation
// (pop the earliest, push one at now + Exp(1)) at a steady population, and
// bulk fill then drain.
#include <benchmark/benchmark.h>

#include "sim-core/event_queue.h"
#include "sim-core/rng.h"
#include "sim-core/simulator.h"

namespace {

using namespace viosim::core;

class NullTarget final : public EventTarget {
 public:
  using EventTarget::EventTarget;
  void on_event(uint64_t) override {}
};

void hold(benchmark::State& state, QueueKind kind) {
  Simulator sim;
  NullTarget target(sim);
  auto q = make_event_queue(kind);
  Rng rng(42);
  uint64_t seq = 1;
  const auto population = static_cast<size_t>(state.range(0));
  for (size_t i = 0; i < population; ++i) {
    q->push({Time::zero() + Duration::from_seconds(rng.exponential(1.0)), seq++, &target, 0});
  }
  EventEntry e;
  for (auto _ : state) {
    q->pop_not_after(Time::max(), e);
    q->push({e.time + Duration::from_seconds(rng.exponential(1.0)), seq++, &target, 0});
  }
  state.SetItemsProcessed(state.iterations());
}

void fill_drain(benchmark::State& state, QueueKind kind) {
  Simulator sim;
  NullTarget target(sim);
  const auto n = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    auto q = make_event_queue(kind);
    Rng rng(7);
    for (size_t i = 0; i < n; ++i) {
      q->push({Time::zero() + Duration::from_seconds(rng.exponential(1.0)), i + 1, &target, 0});
    }
    EventEntry e;
    while (q->pop_not_after(Time::max(), e)) benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}

BENCHMARK_CAPTURE(hold, quad_heap, QueueKind::kQuadHeap)->Arg(64)->Arg(10'000)->Arg(1'000'000);
BENCHMARK_CAPTURE(hold, calendar, QueueKind::kCalendar)->Arg(64)->Arg(10'000)->Arg(1'000'000);
BENCHMARK_CAPTURE(fill_drain, quad_heap, QueueKind::kQuadHeap)->Arg(10'000);
BENCHMARK_CAPTURE(fill_drain, calendar, QueueKind::kCalendar)->Arg(10'000);

}  // namespace
