#include "scenarios/loader/flow_rates.h"

#include <algorithm>

namespace viosim::scenarios {
namespace {

const viosim::Vm* find_vm(const viosim::Scenario& s, const std::string& name) {
  for (const auto& vm : s.vm()) {
    if (vm.name() == name) return &vm;
  }
  return nullptr;
}

}  // namespace

double mean_frame_bytes(const viosim::OpenLoop& load) {
  if (!load.has_frame_mix()) return load.frame_bytes();
  double weight = 0, bytes = 0;
  for (const auto& entry : load.frame_mix().entry()) {
    weight += entry.weight();
    bytes += entry.weight() * entry.frame_bytes();
  }
  return weight > 0 ? bytes / weight : 0;
}

double open_loop_pps(const viosim::OpenLoop& load) {
  if (load.has_rate_pps()) return load.rate_pps();
  const double frame = mean_frame_bytes(load);
  return load.has_rate_mbps() && frame > 0 ? load.rate_mbps() * 1e6 / (8 * frame) : 0;
}

bool routed_through_vms(const viosim::Flow& flow) { return flow.via_size() > 0 || flow.has_chain(); }

bool is_p2p(const viosim::Flow& flow) {
  return flow.src() == kExternal && flow.dst() == kExternal && !routed_through_vms(flow);
}

const viosim::Nic* flow_uplink(const viosim::Scenario& s, const viosim::Flow& flow) {
  if (flow.src() != kExternal && flow.dst() != kExternal) return nullptr;
  // A flow routed through VMs enters and leaves by the first one's uplink;
  // a P2P flow by the NIC of the VMs (the builder's: the first VM's uplink).
  const bool p2p = is_p2p(flow);
  if (p2p && s.vm_size() == 0) return nullptr;
  const viosim::Vm* vm = find_vm(s, p2p                       ? s.vm(0).name()
                                    : flow.has_chain()        ? flow.chain().vm()
                                    : flow.via_size() > 0     ? flow.via(0)
                                    : flow.src() == kExternal ? flow.dst()
                                                              : flow.src());
  if (vm == nullptr) return nullptr;
  for (const auto& nic : s.host().nic()) {
    if (nic.name() == vm->nic().uplink()) return &nic;
  }
  return nullptr;
}

uint32_t vm_copies(const viosim::Scenario& s, int v) {
  for (const viosim::Flow& f : s.traffic().flow()) {
    if (f.has_chain() && f.chain().vm() == s.vm(v).name()) return f.chain().chains() * f.chain().length();
  }
  return std::max<uint32_t>(1, s.vm(v).count());
}

uint32_t flow_copies(const viosim::Scenario& s, const viosim::Flow& flow) {
  // A flow from "external" back to it: its rate and connections as
  // written (a route's over the copies on it).
  if (is_p2p(flow) || routed_through_vms(flow)) return 1;
  const std::string& end = flow.src() == kExternal || flow.src() == "host" ? flow.dst() : flow.src();
  for (int v = 0; v < s.vm_size(); ++v) {
    if (s.vm(v).name() == end) return vm_copies(s, v);
  }
  return 1;
}

bool two_way(const viosim::Flow& f) { return f.has_request_response() || f.bidirectional(); }

bool frames_cross_vm(const viosim::Scenario& s, const viosim::Vm& vm, bool into) {
  for (const viosim::Flow& f : s.traffic().flow()) {
    const std::string& near = into ? f.dst() : f.src();
    const std::string& far = into ? f.src() : f.dst();
    if (near == vm.name() || (two_way(f) && far == vm.name())) return true;
    if (std::find(f.via().begin(), f.via().end(), vm.name()) != f.via().end()) return true;
    if (f.has_chain() && f.chain().vm() == vm.name()) return true;
  }
  return false;
}

}  // namespace viosim::scenarios
