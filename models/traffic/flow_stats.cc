// FlowStats spec.
#include "models/traffic/flow_stats.h"

namespace viosim::models {

const core::ComponentSpec& FlowStats::model_spec() {
  static const core::ComponentSpec spec{
      .type = "traffic.flow_stats",
      .help = "per-flow packet counts and latency histogram",
      .params = {},
      .ports = {},
      .stats = {{"sent", core::StatKind::kCounter, core::Unit::kPackets, "packets handed to the stack by the source"},
                {"received", core::StatKind::kCounter, core::Unit::kPackets, "packets delivered to the sink"},
                {"received_bytes", core::StatKind::kCounter, core::Unit::kBytes, "frame bytes delivered"},
                {"latency", core::StatKind::kHistogram, core::Unit::kPicoseconds,
                 "one way (open loop) or round trip at the client (request/response)"}}};
  return spec;
}

}  // namespace viosim::models
