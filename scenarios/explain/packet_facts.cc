// A packet's facts and what follows from them (see packet_facts.h).
#include "scenarios/explain/packet_facts.h"

#include <sstream>

#include "models/net/path_places.h"
#include "models/paths/path_graph.h"
#include "scenarios/builder/path_builder.h"
#include "scenarios/explain/explain.h"
#include "scenarios/loader/suggest.h"

namespace viosim::explain {
namespace {

// The VMs a packet of this flow leaves and reaches, and a routed flow's VMs
// in the order it crosses them (a response goes the route backwards).
struct Ends {
  std::string from, to, flow_vm;
  std::vector<std::string> route;
};

Ends ends_of(const models::PathConfig& config, const PacketFacts& d) {
  const models::FlowConfig& f = config.flows[d.flow];
  Ends e;
  e.flow_vm = config.vms[f.vm + d.conn % f.copies].name;
  e.from = e.to = e.flow_vm;
  for (size_t i = 0; i < f.via.size(); ++i) {
    const models::FlowConfig::Via& v = f.via[d.back ? f.via.size() - 1 - i : i];
    e.route.push_back(config.vms[v.vm + d.conn % v.copies].name);
  }
  if (f.vm_to_vm()) {
    const std::string& other = config.vms[f.dst_vm + d.conn % f.dst_copies].name;
    (d.back ? e.from : e.to) = other;
  }
  return e;
}

}  // namespace

PacketFacts facts_of(const models::PathConfig& config, const models::Packet& p, core::Time at) {
  PacketFacts d{models::trace_id(p), p.born, at, p.flow, p.conn, p.kind, p.to_guest, p.bytes, std::nullopt,
                models::reverse(p)};
  const models::FlowConfig& of = config.flows[p.flow];
  if ((of.vm_to_vm() || of.host_end) && (p.stamped & (1u << models::kStampWire)) != 0) {
    d.crossed = p.stamp[models::kStampWire];
  }
  return d;
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
  throw ExplainError("backend \"" + name + "\" is not one the scenario compares (" + scenarios::join(names) + ")");
}

models::PathConfig replay_config(const viosim::Scenario& scenario, const std::string& backend,
                                 const std::atomic<bool>* cancel) {
  models::PathConfig config = scenarios::build_path_config(scenario, pick_backend(scenario, backend));
  config.trace_path.clear();
  config.progress = nullptr;
  config.cancel = cancel;
  return config;
}

const char* kind_name(models::PacketKind kind) {
  switch (kind) {
    case models::PacketKind::kRequest:
      return "request";
    case models::PacketKind::kResponse:
      return "response";
    case models::PacketKind::kData:
      return "data";
    case models::PacketKind::kAck:
      return "ack";
  }
  return "?";
}

void add_graph(const models::PathConfig& config, std::vector<PathPlace>& places, std::vector<PathLink>& links,
               std::string* dot) {
  const models::PathGraph graph = models::build_path_graph(config);
  for (auto [it, end] = boost::vertices(graph); it != end; ++it) {
    places.push_back(PathPlace{graph[*it].name, graph[*it].where});
  }
  for (auto [it, end] = boost::edges(graph); it != end; ++it) {
    links.push_back(PathLink{boost::source(*it, graph), boost::target(*it, graph), graph[*it].how});
  }
  if (dot != nullptr) {
    std::ostringstream out;
    models::write_dot(graph, std::string(models::backend_name(config.backend)), out);
    *dot = out.str();
  }
}

std::string direction_of(const models::PathConfig& config, const PacketFacts& d) {
  const models::FlowConfig& f = config.flows[d.flow];
  const Ends e = ends_of(config, d);
  if (f.p2p()) return "peer to peer through the host's switch";
  if (f.through_vms()) return "peer through " + scenarios::join(e.route) + " to peer";
  if (f.vm_to_vm()) return "VM " + e.from + " to VM " + e.to;
  if (f.host_end) return d.to_guest ? "host to VM " + e.flow_vm : "VM " + e.flow_vm + " to host";
  return d.to_guest ? "peer to guest" : "guest to peer";
}

void name_places(const models::PathConfig& config, const PacketFacts& d, std::vector<Hop>& hops) {
  if (config.vms.size() <= 1 && !config.host_app) return;
  const models::FlowConfig& f = config.flows[d.flow];
  const Ends e = ends_of(config, d);
  if (f.through_vms()) {
    // A routed packet is in route[k] until its forwarder sent it on and the
    // switch handed it to the next: a host place (OVS-DPDK's PMD, the NIC's
    // embedded switch) or the next VM's tap.
    size_t k = 0;
    bool forwarded = false;
    for (Hop& hop : hops) {
      const bool host = models::place::host_place(hop.place);
      if ((host || hop.place == models::place::kTapQueue) && forwarded && k + 1 < e.route.size()) {
        ++k;
        forwarded = false;
      }
      if (host) continue;
      forwarded = forwarded || hop.place == models::place::kIpForward || hop.place == models::place::kPollModeForwarder;
      hop.place = models::place::in_vm(e.route[k], hop.place);
    }
    return;
  }
  // The sender's places up to the crossing into the receiver, the
  // receiver's from it.
  for (Hop& hop : hops) {
    const bool sender = d.crossed && hop.at < *d.crossed;
    std::string owner = f.vm_to_vm() && sender ? e.from : e.to;
    if (f.host_end && (d.to_guest ? sender : (d.crossed && !sender))) owner = models::place::kHostProcess;
    hop.place = models::place::in_vm(owner, hop.place);
  }
}

}  // namespace viosim::explain
