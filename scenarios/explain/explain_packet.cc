// explain_packet: pass one finds the packet (its trace id, birth and
// delivery) from the deliveries FlowStats reports; pass two replays the run
// with an in-memory trace whose window is that packet's life.
#include <algorithm>
#include <functional>
#include <optional>
#include <queue>
#include <sstream>

#include "models/net/path_places.h"
#include "models/paths/path_graph.h"
#include "models/paths/path_model.h"
#include "scenarios/builder/path_builder.h"
#include "scenarios/explain/explain.h"
#include "scenarios/explain/journey_from_trace.h"
#include "sim-core/trace_recording.h"

namespace viosim::explain {
namespace {

struct Delivery {
  uint64_t trace_id = 0;
  core::Time born;
  core::Time at;
  uint32_t flow = 0;
  uint32_t conn = 0;
  models::PacketKind kind = models::PacketKind::kData;
  bool to_guest = false;
  uint32_t bytes = 0;
  // A VM-to-VM packet: when it crossed into the receiving VM (the host's
  // switch stamped it there, as the wire stamps an arriving one).
  std::optional<core::Time> crossed;
};

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

models::PathBackend pick_backend(const viosim::Scenario& scenario, const std::string& name) {
  const std::vector<models::PathBackend> compared = scenarios::compared_backends(scenario);
  if (compared.empty()) throw ExplainError("the scenario compares no backend");
  if (name.empty()) return compared.front();
  std::vector<std::string> names;
  for (models::PathBackend b : compared) {
    if (models::backend_name(b) == name) return b;
    names.emplace_back(models::backend_name(b));
  }
  throw ExplainError("backend \"" + name + "\" is not one the scenario compares (" + join(names) + ")");
}

// The flow's index, or -1 for every flow.
int pick_flow(const models::PathConfig& config, const std::string& name) {
  if (name.empty()) return -1;
  std::vector<std::string> names;
  for (size_t i = 0; i < config.flows.size(); ++i) {
    if (config.flows[i].name == name) return static_cast<int>(i);
    names.push_back(config.flows[i].name);
  }
  throw ExplainError("the scenario has no flow \"" + name + "\" (flows: " + join(names) + ")");
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
Delivery find_packet(models::PathConfig config, uint64_t n, int flow, const std::string& flow_name) {
  const core::Time start = core::Time::zero() + config.warmup;
  const core::Time end = core::Time::zero() + config.duration;
  std::vector<Delivery> seen;
  // Delivery times not yet reached by the clock, earliest first, and how
  // many are behind it: each delivery is pushed and popped once.
  std::priority_queue<core::Time, std::vector<core::Time>, std::greater<>> ahead;
  uint64_t behind = 0;
  config.on_delivery = [&](const models::Packet& p, core::Time at) {
    if (at < start || at > end || (flow >= 0 && p.flow != static_cast<uint32_t>(flow))) return;
    Delivery& d = seen.emplace_back(
        Delivery{models::trace_id(p), p.born, at, p.flow, p.conn, p.kind, p.to_guest, p.bytes, std::nullopt});
    const models::FlowConfig& of = config.flows[p.flow];
    if ((of.vm_to_vm() || of.host_end) && (p.stamped & (1u << models::kStampWire)) != 0) {
      d.crossed = p.stamp[models::kStampWire];
    }
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
  std::stable_sort(seen.begin(), seen.end(), [](const Delivery& a, const Delivery& b) { return a.at < b.at; });
  if (n >= seen.size()) throw ExplainError(nth_message(n, seen.size(), flow_name));
  return seen[n];
}

const char* kind_name(models::PacketKind kind) {
  switch (kind) {
    case models::PacketKind::kRequest: return "request";
    case models::PacketKind::kResponse: return "response";
    case models::PacketKind::kData: return "data";
  }
  return "?";
}

void add_graph(const models::PathConfig& config, Journey& journey) {
  const models::PathGraph graph = models::build_path_graph(config);
  for (auto [it, end] = boost::vertices(graph); it != end; ++it) {
    journey.places.push_back(PathPlace{graph[*it].name, graph[*it].where});
  }
  for (auto [it, end] = boost::edges(graph); it != end; ++it) {
    journey.links.push_back(PathLink{boost::source(*it, graph), boost::target(*it, graph), graph[*it].how});
  }
  std::ostringstream dot;
  models::write_dot(graph, journey.backend, dot);
  journey.dot = dot.str();
}

}  // namespace

Journey explain_packet(const viosim::Scenario& resolved, const ExplainOptions& options) {
  const models::PathBackend backend = pick_backend(resolved, options.backend);
  models::PathConfig config = scenarios::build_path_config(resolved, backend);
  config.trace_path.clear();
  config.progress = nullptr;
  config.cancel = options.cancel;
  const int flow = pick_flow(config, options.flow);
  const Delivery d = find_packet(config, options.packet, flow, options.flow);

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
  const models::FlowConfig& f = config.flows[d.flow];
  // The VMs it leaves and reaches (VM to VM: a response goes back).
  const std::string& flow_vm = config.vms[f.vm + d.conn % f.copies].name;
  std::string from = flow_vm, to = flow_vm;
  // A routed flow's VMs in the order this packet crosses them (a response
  // goes the route backwards).
  std::vector<std::string> route;
  for (size_t i = 0; i < f.via.size(); ++i) {
    const models::FlowConfig::Via& v = f.via[d.kind == models::PacketKind::kResponse ? f.via.size() - 1 - i : i];
    route.push_back(config.vms[v.vm + d.conn % v.copies].name);
  }
  if (f.p2p()) {
    journey.direction = "peer to peer through the host's switch";
  } else if (f.through_vms()) {
    std::string names;
    for (const std::string& r : route) names += (names.empty() ? "" : ", ") + r;
    journey.direction = "peer through " + names + " to peer";
  } else if (f.vm_to_vm()) {
    const std::string& other = config.vms[f.dst_vm + d.conn % f.dst_copies].name;
    (d.kind == models::PacketKind::kResponse ? from : to) = other;
    journey.direction = "VM " + from + " to VM " + to;
  } else if (f.host_end) {
    journey.direction = d.to_guest ? "host to VM " + flow_vm : "VM " + flow_vm + " to host";
  } else {
    journey.direction = d.to_guest ? "peer to guest" : "guest to peer";
  }
  journey.bytes = d.bytes;
  journey.index = options.packet;
  journey.trace_id = d.trace_id;
  journey.from = d.born;
  journey.to = d.at;
  journey.cores = config.cores;
  read_journey(recording, d.trace_id, journey);
  if (config.vms.size() > 1 || config.host_app) {
    // The graph names a VM's own places after it (and the host process's
    // "host process"): so do the hops, the sender's up to the crossing
    // into the receiver, the receiver's from it.
    // A routed packet is in route[k] until its forwarder sent it on and the
    // switch handed it to the next: a host place (OVS-DPDK's PMD, the NIC's
    // embedded switch) or the next VM's tap.
    size_t k = 0;
    bool forwarded = false;
    for (Hop& hop : journey.hops) {
      if (!f.through_vms()) break;
      const bool host = models::place::host_place(hop.place);
      if ((host || hop.place == models::place::kTapQueue) && forwarded && k + 1 < route.size()) {
        ++k;
        forwarded = false;
      }
      if (host) continue;
      forwarded = forwarded || hop.place == models::place::kIpForward || hop.place == models::place::kPollModeForwarder;
      hop.place = models::place::in_vm(route[k], hop.place);
    }
    for (Hop& hop : journey.hops) {
      if (f.through_vms()) break;
      const bool sender = d.crossed && hop.at < *d.crossed;
      std::string owner = f.vm_to_vm() && sender ? from : to;
      if (f.host_end && (d.to_guest ? sender : (d.crossed && !sender))) owner = models::place::kHostProcess;
      hop.place = models::place::in_vm(owner, hop.place);
    }
  }
  add_graph(config, journey);
  add_via(journey);
  return journey;
}

}  // namespace viosim::explain
