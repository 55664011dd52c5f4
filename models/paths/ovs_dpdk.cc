// OVS-DPDK's PMDs over the physical port and the vhost-user ports.
#include "models/paths/ovs_dpdk.h"

#include <stdexcept>

#include "models/paths/assembly.h"

namespace viosim::models {

std::vector<uint32_t> assign_rxqs(size_t rxqs, uint32_t pmds, PathConfig::OvsDpdk::RxqAssign how) {
  if (pmds == 0) throw std::invalid_argument("OVS-DPDK with no PMD thread");
  std::vector<uint32_t> owner(rxqs);
  for (size_t i = 0; i < rxqs; ++i) {
    const auto pos = static_cast<uint32_t>(i % pmds);
    const bool back = how == PathConfig::OvsDpdk::RxqAssign::kCycles && (i / pmds) % 2 == 1;
    owner[i] = back ? pmds - 1 - pos : pos;
  }
  return owner;
}

void build_ovs_dpdk(Assembly& h) {
  if (h.vhost_ports.empty()) return;
  const PathConfig::OvsDpdk& o = h.config.ovs;
  std::vector<uint32_t> cores = o.pmd_cores;
  if (cores.empty()) {
    for (const auto& vm : h.vms) {
      if (vm->vhost_port == nullptr) continue;
      cores =
          vm->config.backend_cores.empty() ? std::vector<uint32_t>{vm->config.backend_core} : vm->config.backend_cores;
      break;
    }
  }
  // Ports in the order they are added: the physical port, then the VMs'.
  MultiQueueRx& nic = h.polled_nic_rx();
  std::vector<VhostUserPmd::Rxq> rxqs;
  for (uint32_t q = 0; q < nic.queues(); ++q) {
    rxqs.push_back({&nic.queue(q), nullptr, q, nic.name() + ":q" + std::to_string(q)});
  }
  for (const auto& port : h.vhost_ports) {
    for (uint32_t q = 0; q < port->queues.size(); ++q) {
      rxqs.push_back({nullptr, port.get(), q, port->name + ":q" + std::to_string(q)});
    }
  }
  const auto pmds = static_cast<uint32_t>(cores.size());
  const std::vector<uint32_t> owner = assign_rxqs(rxqs.size(), pmds, o.rxq_assign);
  // A frame goes to the port of the VM it is for, if that VM is a
  // vhost-user one, else out of the physical port (to the wire, or turned
  // around by the NIC's embedded switch to a VF).
  VhostUserPmd::Route route = [&h](uint32_t p) -> const VhostUserPort* {
    VmAssembly* to = h.destination(p);
    if (to == nullptr || to->vhost_port == nullptr) {
      if (h.pool[p].to_guest && !h.config.flows[h.pool[p].flow].p2p()) {
        throw std::logic_error("a frame for a VM without a vhost-user port reached OVS-DPDK");
      }
      return nullptr;
    }
    h.cross(p);
    return to->vhost_port;
  };
  for (uint32_t k = 0; k < pmds; ++k) {
    std::vector<VhostUserPmd::Rxq> mine;
    for (size_t i = 0; i < rxqs.size(); ++i) {
      if (owner[i] == k) mine.push_back(rxqs[i]);
    }
    h.switch_pmds.push_back(std::make_unique<VhostUserPmd>(
        h.sim, indexed("pmd", k, ""), nullptr, h.thread("pmd" + std::to_string(k), cores[k]), k, std::move(mine),
        h.pool, h.config.host_net, o.pmd, route, [&h](uint32_t p) { h.nic_out(p); }));
  }
}

}  // namespace viosim::models
