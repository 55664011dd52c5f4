// explain_packet: pass one finds the packet (its trace id, birth and
// delivery) from the deliveries FlowStats reports; pass two replays the run
// with an in-memory trace whose window is that packet's life.
#include <algorithm>
#include <functional>
#include <optional>
#include <queue>
#include <sstream>

#include "models/paths/path_model.h"
#include "scenarios/builder/path_builder.h"
#include "scenarios/explain/explain.h"
#include "scenarios/explain/journey_from_trace.h"
#include "scenarios/explain/packet_facts.h"
#include "scenarios/loader/suggest.h"
#include "sim-core/trace_recording.h"

namespace viosim::explain {
namespace {

// The flow's index, or -1 for every flow.
int pick_flow(const models::PathConfig& config, const std::string& name) {
  if (name.empty()) return -1;
  std::vector<std::string> names;
  for (size_t i = 0; i < config.flows.size(); ++i) {
    if (config.flows[i].name == name) return static_cast<int>(i);
    names.push_back(config.flows[i].name);
  }
  throw ExplainError("the scenario has no flow \"" + name + "\" (flows: " + scenarios::join(names) + ")");
}

std::string nth_message(uint64_t n, size_t delivered, const std::string& flow) {
  std::ostringstream out;
  out << "there is no packet " << n << ": ";
  if (delivered == 0) {
    out << "no packet";
  } else {
    out << "only " << delivered << " packet" << (delivered == 1 ? "" : "s");
  }
  out << (flow.empty() ? "" : " of flow \"" + flow + "\"") << " reached an application after the warm-up";
  if (delivered > 0) out << " (packets 0 to " << delivered - 1 << ")";
  return out.str();
}

// Pass one: every delivery after the warm-up (of the flow, if one is
// named) until the n-th is certain, or the run ends.
PacketFacts find_packet(models::PathConfig config, uint64_t n, int flow, const std::string& flow_name) {
  const core::Time start = core::Time::zero() + config.warmup;
  const core::Time end = core::Time::zero() + config.duration;
  std::vector<PacketFacts> seen;
  // PacketFacts times not yet reached by the clock, earliest first, and how
  // many are behind it: each delivery is pushed and popped once.
  std::priority_queue<core::Time, std::vector<core::Time>, std::greater<>> ahead;
  uint64_t behind = 0;
  config.on_delivery = [&](const models::Packet& p, core::Time at) {
    if (at < start || at > end || (flow >= 0 && p.flow != static_cast<uint32_t>(flow))) return;
    seen.push_back(facts_of(config, p, at));
    ahead.push(at);
  };
  // A delivery is reported at or before its time (the peer's application
  // gets a packet after its stack), so once the clock has passed it no
  // earlier one can still come.
  config.stop = [&](core::Time now) {
    while (!ahead.empty() && ahead.top() <= now) {
      ahead.pop();
      ++behind;
    }
    return behind > n;
  };
  models::run_path(config);
  std::stable_sort(seen.begin(), seen.end(), [](const PacketFacts& a, const PacketFacts& b) { return a.at < b.at; });
  if (n >= seen.size()) throw ExplainError(nth_message(n, seen.size(), flow_name));
  return seen[n];
}

}  // namespace

Journey explain_packet(const viosim::Scenario& resolved, const ExplainOptions& options) {
  models::PathConfig config = replay_config(resolved, options.backend, options.cancel);
  const models::PathBackend backend = config.backend;
  const int flow = pick_flow(config, options.flow);
  const PacketFacts d = find_packet(config, options.packet, flow, options.flow);

  // Pass two: the same run, traced over the packet's life only.
  core::TraceRecording recording(d.born, d.at);
  bool again = false;
  config.trace = &recording;
  config.on_delivery = [&](const models::Packet& p, core::Time at) {
    again = again || (models::trace_id(p) == d.trace_id && at == d.at && p.born == d.born);
  };
  config.stop = [&](core::Time now) { return now >= d.at; };
  models::run_path(config);
  if (!again) throw std::logic_error("the replay did not deliver the packet as the first run did");

  Journey journey;
  journey.scenario = resolved.name();
  journey.backend = std::string(models::backend_name(backend));
  journey.flow = config.flows[d.flow].name;
  journey.kind = kind_name(d.kind);
  journey.direction = direction_of(config, d);
  journey.bytes = d.bytes;
  journey.index = options.packet;
  journey.trace_id = d.trace_id;
  journey.from = d.born;
  journey.to = d.at;
  journey.cores = config.cores;
  read_journey(recording, d.trace_id, journey);
  name_places(config, d, journey.hops);
  add_graph(config, journey.places, journey.links, &journey.dot);
  add_via(journey);
  return journey;
}

}  // namespace viosim::explain
