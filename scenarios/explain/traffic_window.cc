// record_window: one replay with an in-memory trace. The trace starts
// kLead before the window so that a packet already on its way when the
// window opens is known from its birth (its places are named by where it
// has been); the replay runs kTail past it so that most packets still in
// flight at its end have reached their application (or been lost) and
// their facts are known.
#include "scenarios/explain/traffic_window.h"

#include <algorithm>
#include <map>

#include "models/paths/path_model.h"
#include "scenarios/builder/path_builder.h"
#include "scenarios/explain/explain.h"
#include "scenarios/explain/journey_from_trace.h"
#include "scenarios/explain/packet_facts.h"
#include "sim-core/trace_recording.h"

namespace viosim::explain {
namespace {

constexpr core::Duration kLead = core::Milliseconds(2);
constexpr core::Duration kTail = core::Milliseconds(2);

std::string micros(core::Duration d) { return std::to_string(d.seconds() * 1e6) + " us"; }

}  // namespace

TrafficWindow record_window(const viosim::Scenario& resolved, const WindowOptions& options) {
  models::PathConfig config = replay_config(resolved, options.backend, options.cancel);
  const models::PathBackend backend = config.backend;
  const core::Time start = core::Time::zero();
  const core::Time end = start + config.duration;
  core::Time from = options.from, to = options.to;
  if (from == start && to == start) {
    from = start + config.warmup;
    to = std::min(end, from + kDefaultWindow);
  }
  if (!(from < to) || to > end) {
    throw ExplainError("the window " + micros(from - start) + " to " + micros(to - start) +
                       " is empty or outside the run (0 to " + micros(end - start) + ")");
  }
  if (to - from > kMaxWindow) {
    throw ExplainError("the window lasts " + micros(to - from) + ": at most " + micros(kMaxWindow) + " is recorded");
  }

  const core::Time trace_from = from - std::min(kLead, from - start);
  core::TraceRecording recording(trace_from, to);
  config.trace = &recording;
  // How each packet that ended after the trace began ended.
  struct Ending {
    PacketFacts facts;
    WindowPacket::End end;
    std::string dropped_at;
  };
  std::map<uint64_t, Ending> ended;
  config.on_delivery = [&](const models::Packet& p, core::Time at) {
    if (at >= trace_from) ended[models::trace_id(p)] = {facts_of(config, p, at), WindowPacket::End::kDelivered, ""};
  };
  config.on_drop = [&](const models::Packet& p, models::DropPlace place, core::Time at) {
    if (at >= trace_from) {
      ended[models::trace_id(p)] = {facts_of(config, p, at), WindowPacket::End::kDropped,
                                    std::string(models::drop_place_name(place))};
    }
  };
  config.stop = [&](core::Time now) { return now >= std::min(end, to + kTail); };
  models::run_path(config);

  // Each packet's steps, in the order they happened.
  std::map<uint64_t, std::vector<const core::TraceRecording::Flow*>> steps;
  for (const core::TraceRecording::Flow& f : recording.flows()) steps[f.id].push_back(&f);
  TrafficWindow w;
  w.scenario = resolved.name();
  w.backend = std::string(models::backend_name(backend));
  w.from = from;
  w.to = to;
  w.cores = config.cores;
  add_graph(config, w.places, w.links, nullptr);
  for (auto& [id, flow_steps] : steps) {
    std::stable_sort(flow_steps.begin(), flow_steps.end(),
                     [](const auto* a, const auto* b) { return a->at != b->at ? a->at < b->at : a->order < b->order; });
    WindowPacket p;
    p.trace_id = id;
    for (const auto* s : flow_steps)
      p.hops.push_back(Hop{s->at, s->place, recording.track_name(s->track), s->what, {}});
    const auto known = ended.find(id);
    if (known != ended.end()) {
      const PacketFacts& facts = known->second.facts;
      p.end = known->second.end;
      p.end_at = facts.at;
      p.dropped_at = known->second.dropped_at;
      p.flow = config.flows[facts.flow].name;
      p.kind = kind_name(facts.kind);
      name_places(config, facts, p.hops);
    } else {
      // Still on its way after the tail: the trace id carries its flow and
      // kind; on a host of one VM its places need nothing more.
      const uint32_t flow = models::trace_id_flow(id);
      p.flow = flow < config.flows.size() ? config.flows[flow].name : "";
      p.kind = kind_name(models::trace_id_kind(id));
      if (config.vms.size() > 1 || config.host_app) {
        ++w.left_out;
        continue;
      }
    }
    // Only what happened inside the window is shown, from where the packet
    // already was when the window opened (its last place before it), unless
    // it had reached its end by then.
    if (p.end != WindowPacket::End::kInFlight && p.end_at < from) continue;
    std::erase_if(p.hops, [&](const Hop& h) { return h.at > to; });
    const auto first_inside = std::find_if(p.hops.begin(), p.hops.end(), [&](const Hop& h) { return h.at >= from; });
    if (first_inside != p.hops.begin()) {
      Hop& already = *std::prev(first_inside);
      already.at = from;
      already.what = "(here when the window opened) " + already.what;
      p.hops.erase(p.hops.begin(), std::prev(first_inside));
    }
    if (!p.hops.empty()) w.packets.push_back(std::move(p));
  }
  std::stable_sort(w.packets.begin(), w.packets.end(),
                   [](const WindowPacket& a, const WindowPacket& b) { return a.hops.front().at < b.hops.front().at; });
  for (CoreSlice& s : read_timeline(recording)) {
    if (s.to <= from) continue;
    s.from = std::max(s.from, from);
    w.timeline.push_back(std::move(s));
  }
  return w;
}

}  // namespace viosim::explain
