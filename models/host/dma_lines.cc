// Device DMA writes through DDIO and the loads that follow: see dma_lines.h.
#include "models/host/dma_lines.h"

#include "models/host/host_thread.h"

namespace viosim::models {

const core::ComponentSpec& DdioWays::model_spec() {
  static const core::ComponentSpec spec{
      .type = "host.ddio",
      .help = "the LLC ways inbound DMA allocates into (Intel DDIO), shared by the host's devices",
      .params = {{"lines", core::Unit::kCount, "from the profile", "lines the ways hold (0: no DDIO)"}},
      .ports = {},
      .stats = {{"llc_loads", core::StatKind::kCounter, core::Unit::kCount,
                 "device-written lines a core loaded from the LLC"},
                {"dram_loads", core::StatKind::kCounter, core::Unit::kCount,
                 "device-written lines a core loaded from memory"}}};
  return spec;
}

DdioWays::DdioWays(core::Simulator& sim, std::string_view name, core::Component* parent, uint64_t lines)
    : core::Component(sim, name, parent), capacity_(lines) {}

void DdioWays::settle_held() {
  if (settling_) return;  // a held write being made: its own write goes straight in
  settling_ = true;
  for (;;) {
    HeldDmaWrites* first = nullptr;
    core::Time at = core::Time::max();
    for (HeldDmaWrites* d : held_) {
      const core::Time t = d->next_held();
      if (t < at) {
        at = t;
        first = d;
      }
    }
    next_due_ = at;
    if (first == nullptr || at > now()) break;
    first->make_next();
  }
  settling_ = false;
}

uint64_t DdioWays::write_now(uint64_t stamp, uint32_t old_span, uint32_t span) {
  if (capacity_ == 0) return kNever;
  if (holds(stamp)) {
    // Updated in place, and now the ways' newest run (an approximation of
    // their LRU order: it takes the newest place without giving back its
    // old one); lines beyond the old run are allocated.
    if (span > old_span) allocated_ += span - old_span;
    return allocated_ >= span ? allocated_ - span : 0;
  }
  const uint64_t first = allocated_;
  allocated_ += span;
  return first;
}

void DmaLines::load(Line& l, CpuCategory category) {
  l.fresh = false;
  const int32_t c = running_thread.core;
  if (c < 0) return;
  HostThread& t = *running_thread.thread;
  const CacheTopology& topology = t.core().costs().cache;
  // Other devices' writes held back and due by now go in first (a
  // device's own land before it reads its ring).
  ddio_->settle();
  const bool from_llc = topology.socket(static_cast<uint32_t>(c)) == 0 && ddio_->holds(l.stamp);
  ddio_->count_load(from_llc);
  t.add_line_load(from_llc ? topology.llc_latency : topology.dram_latency, category);
}

}  // namespace viosim::models
