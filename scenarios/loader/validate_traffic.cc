// Rules about flows: endpoints that exist, a load that is set, 4-tuples
// that are well formed, and open-loop rates that fit the wire.
#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <regex>

#include "scenarios/loader/flow_rates.h"
#include "scenarios/loader/suggest.h"
#include "scenarios/loader/validate.h"

namespace viosim::scenarios {
namespace {

constexpr char kHost[] = "host";  // a process on the host, through its stack and switch
// Transactions a request/response flow keeps in flight over all its
// connections: each is a packet alive from the start, so this bounds a
// run's memory (65,536 is far beyond any netperf or sockperf setting).
constexpr uint64_t kMaxInFlight = 65536;

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", value);
  return buffer;
}

bool is_ipv4(const std::string& text) {
  static const std::regex kDottedQuad(R"((\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}))");
  std::smatch match;
  if (!std::regex_match(text, match, kDottedQuad)) return false;
  for (int i = 1; i <= 4; ++i) {
    if (std::stoi(match[i]) > 255) return false;
  }
  return true;
}

struct Endpoints {
  std::map<std::string, int> vms;  // name -> index
  std::vector<std::string> choices;
};

bool check_endpoint(const std::string& path, const std::string& field,
                    const std::string& value, const Endpoints& endpoints, const std::string& who, Issues* issues) {
  if (value.empty()) {
    issues->push_back({field == "dst" ? path : path + "." + field,
                       who + " has no " + field + "; set it to \"external\", \"host\" or a vm name (" + join(endpoints.choices) + ")"});
    return false;
  }
  if (value == kExternal || value == kHost || endpoints.vms.count(value) != 0) return true;
  issues->push_back({path + "." + field, who + " names " + field + " \"" + value +
                                             "\", which is neither \"external\", \"host\" nor a vm" +
                                             did_you_mean(value, endpoints.choices) +
                                             " (endpoints: " + join(endpoints.choices) + ")"});
  return false;
}

void check_rate(const viosim::Scenario& s, const viosim::Flow& flow, const std::string& path, const std::string& who,
                Issues* issues) {
  const viosim::OpenLoop& load = flow.open_loop();
  const std::string load_path = path + ".open_loop";
  if (load.rate_case() == viosim::OpenLoop::RATE_NOT_SET) {
    issues->push_back({load_path, who + ": open_loop needs a rate; set rate_pps or rate_mbps"});
    return;
  }
  if (load.has_frame_mix() && load.frame_mix().entry_size() == 0) {
    issues->push_back({load_path + ".frame_mix", who + ": frame_mix has no entry; add entry { frame_bytes: 64 weight: 1 }"});
    return;
  }
  // Only traffic to or from "external" crosses a host NIC.
  const viosim::Nic* uplink = flow_uplink(s, flow);
  const double frame = mean_frame_bytes(load);
  if (uplink == nullptr || frame <= 0) return;
  // Each copy of the VM runs the flow as written: together they offer
  // copies x the rate on the one uplink.
  const uint32_t copies = flow_copies(s, flow);
  // A flow routed through VMs both enters and leaves by the NIC: each
  // direction carries its rate, twice when it goes both ways.
  // (P2P's reverse leaves by the other port: 1x each way.)
  const bool routed = routed_through_vms(flow);
  const double pps = open_loop_pps(load) * copies * (routed && flow.bidirectional() ? 2 : 1);
  const double wire_bps = pps * (frame + kWireOverheadBytes) * 8;
  const double line_bps = uplink->line_rate_gbps() * 1e9;
  if (wire_bps > line_bps) {
    const std::string rate_path = load_path + (load.has_rate_pps() ? ".rate_pps" : ".rate_mbps");
    const std::string vm = flow.src() == "external" ? flow.dst() : flow.src();
    issues->push_back({rate_path, who + " offers " + number(wire_bps / 1e9) + " Gb/s on the wire (" +
                                      (copies > 1 ? std::to_string(copies) + " copies of vm \"" + vm + "\" x " : "") +
                                      number(pps / copies / 1e6) + " Mpps of " + number(frame) +
                                      " B frames, plus 20 B preamble and gap each), above the " +
                                      number(uplink->line_rate_gbps()) + " Gb/s line rate of nic \"" + uplink->name() + "\""});
  }
}

// A VM a route crosses (`verb` says how: "chains", "is routed through"),
// named at `field`: on the host, and a forwarder. Its index, or nullopt
// when the host has no such VM.
std::optional<int> route_vm(const viosim::Scenario& s, const std::string& name, const std::string& field,
                            const std::string& who, const std::string& verb, const Endpoints& endpoints,
                            Issues* issues) {
  const auto vm = endpoints.vms.find(name);
  if (vm == endpoints.vms.end()) {
    std::vector<std::string> vms(endpoints.choices.begin() + 2, endpoints.choices.end());
    issues->push_back({field, who + " " + verb + " \"" + name + "\", which is not a vm" + did_you_mean(name, vms) +
                                  " (vms: " + join(vms) + ")"});
    return std::nullopt;
  }
  if (!s.vm(vm->second).has_forward()) {
    issues->push_back({field, who + " " + verb + " vm \"" + name + "\", which does not forward; give vm[" +
                                  std::to_string(vm->second) +
                                  "] forward { mode: KERNEL } or forward { mode: POLL_MODE }"});
  }
  return vm->second;
}

// A route made of one forwarding VM's copies: the VM forwards, the chains
// decide its copies, one flow chains it, and every chain gets a
// connection.
void check_chain(const viosim::Scenario& s, const viosim::Flow& flow, const std::string& path, const std::string& who,
                 const Endpoints& endpoints, Issues* issues) {
  const viosim::Chain& chain = flow.chain();
  if (flow.via_size() > 0) {
    issues->push_back({path + ".chain", who + " sets both via and chain; a route is one or the other"});
    return;
  }
  const std::optional<int> index = route_vm(s, chain.vm(), path + ".chain.vm", who, "chains", endpoints, issues);
  if (!index) return;
  const viosim::Vm& v = s.vm(*index);
  const std::string at_vm = "vm[" + std::to_string(*index) + "]";
  if (v.count() > 1 || v.pin_cores_size() > 0) {
    issues->push_back({path + ".chain.vm", who + " chains vm \"" + chain.vm() + "\", whose copies the chains decide (" +
                                               std::to_string(chain.chains() * chain.length()) + "); leave " + at_vm +
                                               ".count and " + at_vm + ".pin_cores unset"});
  }
  for (int g = 0; g < s.traffic().flow_size(); ++g) {
    const viosim::Flow& other = s.traffic().flow(g);
    if (&other == &flow) break;
    if (other.has_chain() && other.chain().vm() == chain.vm()) {
      issues->push_back({path + ".chain.vm", who + " chains vm \"" + chain.vm() + "\", which traffic.flow[" +
                                                 std::to_string(g) +
                                                 "] chains already; a chained VM's copies "
                                                 "belong to one chain flow"});
    }
  }
  if (flow.connections() < chain.chains()) {
    issues->push_back({path + ".connections", who + " has " + std::to_string(flow.connections()) +
                                                  " connection(s) for " + std::to_string(chain.chains()) +
                                                  " chains (connection c takes chain c mod chains); give it at least " +
                                                  std::to_string(chain.chains()) + " connections"});
  }
}

// A flow through forwarding VMs: from "external" back to it, each VM on
// the host, a forwarder, once.
void check_route(const viosim::Scenario& s, const viosim::Flow& flow, const std::string& path, const std::string& who,
                 const Endpoints& endpoints, Issues* issues) {
  if (flow.src() != kExternal || flow.dst() != kExternal) {
    issues->push_back({path + (flow.src() != kExternal ? ".src" : ".dst"),
                       who + " is routed through VMs (via) but goes from \"" + flow.src() + "\" to \"" + flow.dst() +
                           "\"; a route starts and ends at \"external\" (a flow between a VM or the host and a "
                           "route of forwarders is not modelled yet)"});
  }
  if (flow.has_chain()) {
    check_chain(s, flow, path, who, endpoints, issues);
    return;
  }
  constexpr int kMaxVia = 64;
  if (flow.via_size() > kMaxVia) {
    issues->push_back({path + ".via", who + " crosses " + std::to_string(flow.via_size()) + " VMs; at most " +
                                          std::to_string(kMaxVia) + " are allowed"});
    return;
  }
  std::map<std::string, int> seen;
  uint32_t most_copies = 1;
  for (int i = 0; i < flow.via_size(); ++i) {
    const std::string& name = flow.via(i);
    const std::string here = at(path + ".via", i);
    if (auto [it, fresh] = seen.emplace(name, i); !fresh) {
      issues->push_back({here, who + " crosses vm \"" + name + "\" twice (via[" + std::to_string(it->second) +
                                   "] and via[" + std::to_string(i) +
                                   "]): a VM forwards through its one NIC by the packet's "
                                   "addresses, so it cannot tell the second crossing from the first"});
      continue;
    }
    const std::optional<int> index = route_vm(s, name, here, who, "is routed through", endpoints, issues);
    if (!index) continue;
    most_copies = std::max<uint32_t>(most_copies, vm_copies(s, *index));
    for (int g = 0; g < s.traffic().flow_size(); ++g) {
      if (s.traffic().flow(g).has_chain() && s.traffic().flow(g).chain().vm() == name) {
        issues->push_back({here, who + " is routed through vm \"" + name +
                                     "\", whose copies make the chains of "
                                     "traffic.flow[" +
                                     std::to_string(g) +
                                     "]; a chained VM's copies belong to "
                                     "that one flow"});
      }
    }
  }
  if (flow.connections() < most_copies) {
    // Connection c crosses copy c mod count: some copies would get nothing.
    issues->push_back({path + ".connections", who + " has " + std::to_string(flow.connections()) +
                                                  " connection(s) but crosses a vm with " +
                                                  std::to_string(most_copies) +
                                                  " copies (connection c crosses copy c mod count); give it at least " +
                                                  std::to_string(most_copies) + " connections"});
  }
}

void check_flow(const viosim::Scenario& s, int f, const Endpoints& endpoints, std::map<std::string, int>& names,
                Issues* issues) {
  const viosim::Flow& flow = s.traffic().flow(f);
  const std::string path = at("traffic.flow", f);
  const std::string who = flow.name().empty() ? path : "flow \"" + flow.name() + "\"";
  const bool printable = std::none_of(flow.name().begin(), flow.name().end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (flow.name().empty()) {
    issues->push_back({path, path + " has no name; every flow needs a unique name"});
  } else if (!printable) {
    issues->push_back({path + ".name", path + " has a name with a control character (tab, newline, ...); "
                                              "a flow name labels tables and plots: use printable text"});
  } else if (auto [it, fresh] = names.emplace(flow.name(), f); !fresh) {
    issues->push_back({path + ".name", "flow name \"" + flow.name() + "\" is already used by " + at("traffic.flow", it->second)});
  }
  const bool src_ok = check_endpoint(path, "src", flow.src(), endpoints, who, issues);
  const bool dst_ok = check_endpoint(path, "dst", flow.dst(), endpoints, who, issues);
  const bool routed = routed_through_vms(flow);
  if (routed) check_route(s, flow, path, who, endpoints, issues);
  for (const std::string* end : {&flow.src(), &flow.dst()}) {
    const auto vm = endpoints.vms.find(*end);
    if (vm != endpoints.vms.end() && s.vm(vm->second).has_forward() &&
        s.vm(vm->second).forward().mode() == viosim::Forwarder::POLL_MODE) {
      issues->push_back({path + (end == &flow.src() ? ".src" : ".dst"),
                         who + " ends in vm \"" + *end + "\", whose vCPUs run a poll-mode forwarder (vm[" +
                             std::to_string(vm->second) +
                             "].forward): its NIC belongs to DPDK, not to a guest "
                             "stack an application could use"});
    }
  }
  if (routed) {
    // Its ends are checked with the route.
  } else if (src_ok && dst_ok && flow.src() == kExternal && flow.dst() == kExternal) {
    // P2P: in by port 0, out by port 1 of the VMs' NIC.
    const viosim::Nic* nic = flow_uplink(s, flow);
    if (nic != nullptr && nic->ports() < 2) {
      issues->push_back({path + ".dst", who +
                                            " goes from \"external\" to \"external\" through no VM (P2P: in by one "
                                            "port of nic \"" +
                                            nic->name() + "\", out by another), but that nic has " +
                                            "one port; give it ports: 2, or route the flow through forwarding VMs "
                                            "(via)"});
    }
  } else if (src_ok && dst_ok && flow.src() == flow.dst()) {
    issues->push_back({path + ".dst", who + " goes from \"" + flow.src() + "\" to itself" +
                                          (flow.src() == kExternal || flow.src() == kHost ? "; one end must be a vm" : "")});
  } else if (src_ok && dst_ok && endpoints.vms.count(flow.src()) == 0 && endpoints.vms.count(flow.dst()) == 0) {
    issues->push_back({path + ".dst", who + " goes from \"" + flow.src() + "\" to \"" + flow.dst() +
                                          "\", neither of them a vm; one end must be a vm"});
  }
  if (!is_ipv4(flow.src_ip())) {
    issues->push_back({path + ".src_ip", who + " has src_ip \"" + flow.src_ip() + "\", not an IPv4 address like 10.0.0.1"});
  }
  if (!is_ipv4(flow.dst_ip())) {
    issues->push_back({path + ".dst_ip", who + " has dst_ip \"" + flow.dst_ip() + "\", not an IPv4 address like 10.0.1.1"});
  }
  if (static_cast<uint64_t>(flow.src_port()) + flow.connections() - 1 > 65535) {
    issues->push_back({path + ".connections", who + " has " + std::to_string(flow.connections()) +
                                                  " connections from src_port " + std::to_string(flow.src_port()) +
                                                  ", which runs past port 65535"});
  }
  switch (flow.load_case()) {
    case viosim::Flow::LOAD_NOT_SET:
      issues->push_back({path, who + " has no load; set one of open_loop, request_response, bulk"});
      break;
    case viosim::Flow::kOpenLoop:
      if (src_ok && dst_ok) check_rate(s, flow, path, who, issues);
      break;
    case viosim::Flow::kRequestResponse:
      if (static_cast<uint64_t>(flow.connections()) * flow.request_response().outstanding() > kMaxInFlight) {
        issues->push_back({path + ".request_response.outstanding",
                           who + " keeps " + std::to_string(flow.connections()) + " x " +
                               std::to_string(flow.request_response().outstanding()) +
                               " transactions in flight (connections x outstanding); at most " +
                               std::to_string(kMaxInFlight) + " are allowed"});
      }
      if (flow.bidirectional()) {
        issues->push_back({path + ".bidirectional", who + ": bidirectional applies to open_loop and bulk; "
                                                          "request_response already goes both ways"});
      }
      break;
    case viosim::Flow::kBulk:
      break;
  }
}

}  // namespace

void validate_traffic(const viosim::Scenario& s, Issues* issues) {
  Endpoints endpoints;
  endpoints.choices.push_back(kExternal);
  endpoints.choices.push_back(kHost);
  for (int v = 0; v < s.vm_size(); ++v) {
    if (s.vm(v).name().empty()) continue;
    if (endpoints.vms.emplace(s.vm(v).name(), v).second) endpoints.choices.push_back(s.vm(v).name());
  }
  if (s.traffic().flow_size() == 0) {
    issues->push_back({"traffic", "the scenario has no traffic; add traffic { flow { ... } }"});
  }
  std::map<std::string, int> names;
  for (int f = 0; f < s.traffic().flow_size(); ++f) check_flow(s, f, endpoints, names, issues);
}

}  // namespace viosim::scenarios
