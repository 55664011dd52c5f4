// The sliced run: warm-up, reset, measured window.
#include "models/paths/run_loop.h"

#include <algorithm>

#include "models/paths/cancelled.h"

namespace viosim::models {

void run_sliced(core::Simulator& sim, const PathConfig& config, const std::function<Delivered()>& delivered) {
  const core::Duration slice =
      std::max(std::min(config.duration / 100, core::Milliseconds(1)), core::Nanoseconds(1));
  bool stopped = false;
  PathSnapshot snap{core::Time::zero(), config.duration};
  Delivered before_reset;  // the flows' counts restart after the warm-up
  auto run_to = [&](core::Time until) {
    for (core::Time next = sim.now() + slice; !stopped && sim.now() < until; next = sim.now() + slice) {
      if (config.cancel != nullptr && config.cancel->load(std::memory_order_relaxed)) throw Cancelled();
      sim.run_until(std::min(next, until));
      if (config.progress) config.progress((sim.now() - core::Time::zero()).seconds() / config.duration.seconds());
      if (config.snapshot) {
        const Delivered now = delivered();
        snap.now = sim.now();
        snap.events = sim.events_executed();
        snap.app_packets = before_reset.packets + now.packets;
        snap.app_bytes = before_reset.bytes + now.bytes;
        config.snapshot(snap);
      }
      stopped = config.stop && config.stop(sim.now());
    }
  };
  run_to(core::Time::zero() + config.warmup);
  for (core::Component* comp : sim.components()) comp->settle();
  before_reset = delivered();
  for (core::Component* comp : sim.components()) comp->reset_stats();
  run_to(core::Time::zero() + config.duration);
  sim.finish();
}

}  // namespace viosim::models
