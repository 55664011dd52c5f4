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

uint64_t DdioWays::write(uint64_t stamp, uint32_t old_span, uint32_t span) {
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
  const bool from_llc = topology.socket(static_cast<uint32_t>(c)) == 0 && ddio_->holds(l.stamp);
  ddio_->count_load(from_llc);
  t.add_line_load(from_llc ? topology.llc_latency : topology.dram_latency, category);
}

}  // namespace viosim::models
