// The host, its VMs and the shared pieces backends build from.
#include "models/paths/assembly.h"

#include <algorithm>
#include <stdexcept>

#include "models/net/packet_trace.h"
#include "models/net/path_places.h"
#include "models/paths/backend.h"
#include "models/paths/host_process.h"
#include "models/paths/ovs_dpdk.h"

namespace viosim::models {

using namespace place;

std::string indexed(const std::string& base, uint32_t i, const std::string& suffix_for_others) {
  return i == 0 ? base : base + suffix_for_others + std::to_string(i);
}

namespace {

// RSS over `queues` with the configured key (else the well-known one) and
// table (empty: entry i -> i mod queues).
RssTable rss_table(const PathConfig& c, const std::vector<uint16_t>& indirection, uint32_t queues) {
  return RssTable(c.rss_key.empty() ? std::vector<uint8_t>(kDefaultRssKey.begin(), kDefaultRssKey.end()) : c.rss_key,
                  indirection, c.rss_entries, queues);
}

std::string gbps(uint64_t bps) {
  std::string s = std::to_string(double(bps) / 1e9);
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s + " Gb/s";
}

}  // namespace

// Host.

Assembly::Assembly(const PathConfig& c, core::TraceWriter* tracer)
    : config(c), sim(core::SimulatorOptions{core::QueueKind::kQuadHeap, c.seed}) {
  sim.set_tracer(tracer);
  if (c.vms.empty()) throw std::invalid_argument("a host with no VM");
  build_host();
  for (uint32_t k = 0; k < c.vms.size(); ++k) {
    vms.push_back(std::make_unique<VmAssembly>(*this, k));
    vms.back()->build_guest();
  }
  build_flows();
  pool.observe_drops([this](const Packet& p, DropPlace place, std::optional<core::Time> at) {
    if (config.on_drop) config.on_drop(p, place, at.value_or(sim.now()));
    if (!config.flows[p.flow].through_vms()) return;
    if (p.to_guest) {
      ++via_vm(p, p.hop)->route_drops_in[static_cast<size_t>(place)];
    } else {
      ++via_vm(p, p.hop - 1u)->route_drops_out[static_cast<size_t>(place)];
    }
  });
  for (auto& vm : vms) {
    vm->backend.build(*vm);
    // A vCPU without a queue pair of its own sends on one XPS gives it.
    // Queue pair i's interrupts stay on vCPU i; the vCPUs beyond take the
    // queues in turn (Linux's virtnet_set_affinity gives each queue a run
    // of consecutive CPUs instead).
    for (size_t i = 0; i < vm->extra_oses.size(); ++i) {
      vm->extra_oses[i]->set_device(vm->oses[i % vm->oses.size()]->device());
    }
    if (!vm->config.xps.empty()) vm->build_xps();
    vm->build_tx_queues();
    if (vm->rps) vm->bind_rps_queues();
  }
  build_ovs_dpdk(*this);
  for (auto& vm : vms) {
    if (!vm->from_wire) {
      throw std::logic_error("backend " + std::string(vm->backend.name()) + " left VM \"" + vm->config.name +
                             "\" without a way in from the wire");
    }
  }
}

Assembly::~Assembly() = default;

Assembly::HostProcess& Assembly::make_host_process() {
  if (!host_process) {
    if (!config.host_app) throw std::invalid_argument("a flow with a host end, but no core for the host process");
    host_process = std::make_unique<HostProcess>(*this, *config.host_app);
  }
  return *host_process;
}

void Assembly::hop(const std::string& from, const std::string& from_where, const std::string& to,
                   const std::string& to_where, const std::string& how) {
  auto node = [this](const std::string& name, const std::string& where) {
    for (auto [it, end] = boost::vertices(graph); it != end; ++it) {
      if (graph[*it].name == name) return *it;
    }
    return boost::add_vertex(PathVertex{name, where}, graph);
  };
  const auto a = node(from, from_where);
  const auto z = node(to, to_where);
  for (auto [it, end] = boost::out_edges(a, graph); it != end; ++it) {
    if (boost::target(*it, graph) == z && graph[*it].how == how) return;  // several VMs wire the same hop
  }
  boost::add_edge(a, z, PathEdge{how}, graph);
}

Core& Assembly::core(uint32_t i) {
  if (i >= cores.size()) throw std::invalid_argument("core " + std::to_string(i) + " does not exist");
  return *cores[i];
}

HostThread& Assembly::thread(const std::string& name, uint32_t core_index) {
  threads.push_back(std::make_unique<HostThread>(sim, name, nullptr, core(core_index)));
  return *threads.back();
}

void Assembly::build_host() {
  const PathConfig& c = config;
  CpuCosts cpu = c.cpu;
  cpu.cache.cores = c.cores;  // the topology numbers the cores built here
  for (uint32_t i = 0; i < c.cores; ++i) {
    cores.push_back(std::make_unique<Core>(sim, "core" + std::to_string(i), nullptr, cpu, i));
  }
  ddio = std::make_unique<DdioWays>(sim, "ddio", nullptr, cpu.cache.ddio_lines);
  auto leave = [this](uint32_t p) { peer->receive(p); };
  to_peer = std::make_unique<Wire>(sim, "wire_out", nullptr, c.wire, pool, leave);
  const bool p2p = std::any_of(c.flows.begin(), c.flows.end(), [](const FlowConfig& f) { return f.p2p(); });
  if (p2p) to_peer1 = std::make_unique<Wire>(sim, "wire_out_port1", nullptr, c.wire, pool, leave);
  // The peer's TCP receive polls by arrival time: a TSO skb's frames reach
  // it in one event.
  for (Wire* w : {to_peer.get(), to_peer1.get()}) {
    if (w == nullptr || !c.early_frames) continue;
    w->set_early([this](uint32_t p) -> EarlyTaker* { return peer->takes_early(p) ? peer.get() : nullptr; });
  }
  hop(kHostNic, "device", kWire, "wire", "DMA + serialisation at " + gbps(c.wire.line_rate_bps));
  hop(kWire, "wire", kPeer, "peer", "propagation");
  peer = std::make_unique<ExternalPeer>(sim, "peer", nullptr, c.peer, pool, [this](uint32_t p) {
    const bool p2p = config.flows[pool[p].flow].p2p();
    (p2p && p2p_port_in(pool[p]) == 1 ? *from_peer1 : *from_peer).send(p);
  });
  // TCP flows are never P2P: their segments take the wire into port 0.
  // The peer's driver stops its queue on a full ring and wakes it once
  // TX_WAKE_THRESHOLD descriptors are free (ixgbe: twice DESC_NEEDED, 42),
  // not at each frame's departure.
  peer->set_room([this](uint32_t bytes) {
    if (!from_peer) return core::Duration::zero();
    constexpr uint32_t kTxWakeThreshold = 2 * (17 + 4);  // 2 x (MAX_SKB_FRAGS + 4)
    const core::Duration wait = from_peer->wait_for_room(bytes, UINT32_MAX);
    return wait > core::Duration::zero() ? from_peer->wait_for_slots(kTxWakeThreshold) : wait;
  });
  hop(kPeer, "peer", kWireIn, "wire", "response / traffic");
}

void Assembly::build_flows() {
  const PathConfig& c = config;
  for (size_t i = 0; i < c.flows.size(); ++i) {
    const FlowConfig& f = c.flows[i];
    if (f.vm_to_vm() && (f.dst_copies == 0 || f.dst_vm + f.dst_copies > vms.size())) {
      throw std::invalid_argument("flow \"" + f.name + "\" goes to VMs the host does not have");
    }
    for (const FlowConfig::Via& v : f.via) {
      if (v.copies == 0 || v.vm + v.copies > vms.size()) {
        throw std::invalid_argument("flow \"" + f.name + "\" is routed through VMs the host does not have");
      }
    }
    if (f.copies == 0 || f.vm + f.copies > vms.size()) {
      throw std::invalid_argument("flow \"" + f.name + "\" ends in VMs " + std::to_string(f.vm) + " to " +
                                  std::to_string(f.vm + f.copies - 1) + ", but the host has " +
                                  std::to_string(vms.size()));
    }
    flows.push_back(std::make_unique<FlowStats>(sim, "flow_" + core::escape_component_name(f.name), nullptr,
                                                f.pattern == FlowConfig::Pattern::kRequestResponse));
    if (c.on_delivery) flows.back()->observe_deliveries(c.on_delivery);
    if (f.p2p()) {
      flows.back()->without_stages();
      peer->add_flow(static_cast<uint32_t>(i), f, *flows.back(), true);
      peer->add_flow(static_cast<uint32_t>(i), f, *flows.back(), false);
      continue;
    }
    if (f.through_vms()) {
      flows.back()->without_stages();  // its stamps restart at each VM; the VMs' transits are its stages
      // Both ends in the peer; every guest OS of each VM on the route
      // forwards it.
      peer->add_flow(static_cast<uint32_t>(i), f, *flows.back(), true);
      peer->add_flow(static_cast<uint32_t>(i), f, *flows.back(), false);
      for (const FlowConfig::Via& v : f.via) {
        for (uint32_t j = 0; j < v.copies; ++j) {
          for (auto& os : vms[v.vm + j]->oses) os->forward_flow(static_cast<uint32_t>(i));
        }
      }
      continue;
    }
    // Every guest OS of its VM (of each copy) has the flow's application:
    // a sender's share of the connections on each vCPU (copy j's
    // connections are j, j + copies, ...), a receiver wherever its packets
    // arrive.
    for (uint32_t j = 0; j < f.copies; ++j) {
      const std::vector<GuestOs*> apps = vms[f.vm + j]->app_guests();
      const uint32_t n = static_cast<uint32_t>(apps.size());
      for (uint32_t v = 0; v < n; ++v) {
        const bool split = f.from_guest && (n > 1 || f.copies > 1);
        const FlowConfig share = split ? sender_share(f, j + v * f.copies, n * f.copies) : f;
        apps[v]->add_flow(static_cast<uint32_t>(i), share, *flows.back(), f.from_guest);
      }
    }
    // A VM-to-VM flow's server or sink runs in every application guest of
    // its destination VM (each copy); another flow's runs in the peer.
    if (f.vm_to_vm()) {
      for (uint32_t j = 0; j < f.dst_copies; ++j) {
        for (GuestOs* os : vms[f.dst_vm + j]->app_guests())
          os->add_flow(static_cast<uint32_t>(i), f, *flows.back(), false);
      }
      continue;
    }
    if (f.host_end) {
      make_host_process().os->add_flow(static_cast<uint32_t>(i), f, *flows.back(), !f.from_guest);
      continue;
    }
    peer->add_flow(static_cast<uint32_t>(i), f, *flows.back(), !f.from_guest);
  }
}

// The wire into the host: each frame goes where its VM's backend takes
// frames from the wire (the NIC's embedded switch picks a VF's queues by
// the destination, the rest go to the host NIC's own queues).
void Assembly::wire_in() {
  if (from_peer) return;
  auto arrive = [this](uint32_t p) {
    if (VmAssembly* vm = destination(p)) {
      vm->from_wire(p);
      return;
    }
    host_in(p);
  };
  from_peer = std::make_unique<Wire>(sim, "wire_in", nullptr, config.wire, pool, arrive);
  if (to_peer1) from_peer1 = std::make_unique<Wire>(sim, "wire_in_port1", nullptr, config.wire, pool, arrive);
  // A TCP train's frames behind an arriving one go to their NIC queue at
  // once, where it takes them (VmAssembly::early_taker), to land at their
  // arrival times: an event a train, not a frame (the rest, one frame an
  // event, as they come).
  auto taker = [this](uint32_t p) -> EarlyTaker* {
    if (!pool[p].tcp_data) return nullptr;
    const VmAssembly* vm = destination(p);
    return vm != nullptr && vm->early_taker ? vm->early_taker(p) : nullptr;
  };
  if (config.early_frames) {
    from_peer->set_early(taker);
    if (from_peer1) from_peer1->set_early(taker);
  }
  hop(kWireIn, "wire", kHostNic, "device", "propagation");
}

void Assembly::host_in(uint32_t packet) {
  if (!config.flows[pool[packet].flow].p2p()) {
    throw std::logic_error("a packet arriving at the host was taken for one leaving it");
  }
  if (!nic_rx) throw std::logic_error("a P2P frame reached a host with no switch on its NIC");
  nic_rx->receive(packet);
}

void Assembly::make_nic_rx(bool polled, HostNicRx::DeliverCost deliver_cost, HostNicRx::Deliver deliver) {
  const PathConfig& c = config;
  const RssTable rss = rss_table(c, c.rss_indirection, c.nic_queues);
  nic_rx = std::make_unique<MultiQueueRx>(sim, "nic0", nullptr, rss, c.flows, pool);
  nic_rx_polled = polled;
  for (uint32_t q = 0; q < c.nic_queues; ++q) {
    HostThread* softirq = nullptr;
    if (!polled) {
      const uint32_t core = c.irq_cores.empty() ? c.irq_core : c.irq_cores[q % c.irq_cores.size()];
      softirq = &thread("softirq_q" + std::to_string(q), core);
    }
    nic_rx->add_queue(std::make_unique<HostNicRx>(sim, "rx" + std::to_string(q), nic_rx.get(), c.nic, c.host_net, pool,
                                                  softirq, deliver_cost, deliver, ddio.get()));
  }
  wire_in();
  // Frames reach the queues only from the wires, as long as no flow turns
  // around in the NIC's switch (from a VM, or the host, on this host): a
  // pass may then run on over frames the wires handed over early. Not
  // behind the OVS datapath: what a pass sends up costs what its flow
  // cache holds when the pass runs, which its handler thread changes.
  const bool wires_only = std::none_of(c.flows.begin(), c.flows.end(), [](const FlowConfig& f) {
    return f.vm_to_vm() || f.host_end || f.through_vms();
  });
  if (polled || !wires_only || (kernel_switch && kernel_switch->ovs())) return;
  for (size_t q = 0; q < nic_rx->queues(); ++q) {
    nic_rx->queue(q).set_known_until([this] {
      core::Time t = from_peer->unknown_from();
      if (from_peer1) t = std::min(t, from_peer1->unknown_from());
      return t;
    });
  }
}

void Assembly::kernel_nic_rx() {
  if (nic_rx) {
    if (nic_rx_polled)
      throw std::invalid_argument("the host NIC is DPDK's (vhost-user) and cannot also be the kernel's");
    return;
  }
  const PathConfig& c = config;
  KernelSwitch& sw = tap_switch();
  // The NIC's port: a frame from the wire goes to its VM's tap, or (P2P)
  // back out of the NIC.
  const core::Clock& clock = core(c.irq_core).clock();
  nic_switch_port = sw.add_port(
      [this, &c, &clock](uint32_t p) {
        if (destination(p) == nullptr) return c.host_net.nic_xmit_packet;
        return tap_xmit_cost(vm_of(p), p, clock, /*csum_partial=*/false);
      },
      [this, how = "the host stack (NAPI, " + std::string(switch_place()) + ", tun) queued it on the tap"](
          uint32_t p, HostThread& by) {
        if (destination(p) == nullptr) {
          trace_hop(by, pool[p], switch_place(), "the switch sent it out of the NIC's other port (P2P)");
          kernel_xmit(p);
          return;
        }
        tap_push(vm_of(p), p, by, how);
      });
  hop(kHostNic, "device", kSoftirq, "host kernel", "MSI-X (moderated)");
  if (c.host_rps_cpus.empty()) {
    make_nic_rx(
        false, [this](uint32_t p) { return kernel_switch->receive(p, nic_switch_port); },
        [this](uint32_t p, HostThread& by) { kernel_switch->forward(p, nic_switch_port, by); });
    hop(kSoftirq, "host kernel", switch_place(), "host kernel", "netif_receive_skb");
  } else {
    // RPS: the polling core queues each frame to the backlog of the core
    // its RSS hash picks in its queue's map, whose softirq runs the switch;
    // a queue without a map runs the switch on the polling core.
    const RssTable rss = rss_table(c, c.rss_indirection, c.nic_queues);
    std::vector<std::vector<uint32_t>> slots;
    for (const std::vector<uint32_t>& map : c.host_rps_maps) {
      std::vector<uint32_t>& s = slots.emplace_back();
      for (uint32_t core : map) {
        s.push_back(static_cast<uint32_t>(std::find(c.host_rps_cpus.begin(), c.host_rps_cpus.end(), core) -
                                          c.host_rps_cpus.begin()));
      }
    }
    host_rps = std::make_unique<HostRps>(
        slots, c.flows, [&rss](const FlowTuple& t) { return rss.hash(t); },
        [&rss](uint32_t hash) { return rss.queue_for_hash(hash); });
    for (uint32_t cpu : c.host_rps_cpus) {
      host_backlogs.push_back(std::make_unique<HostBacklog>(
          sim, "backlog_c" + std::to_string(cpu), nullptr, thread("backlog_c" + std::to_string(cpu) + "_softirq", cpu),
          c.host_max_backlog, c.host_net, pool,
          [this](uint32_t p) { return kernel_switch->receive(p, nic_switch_port); },
          [this](uint32_t p, HostThread& by) { kernel_switch->forward(p, nic_switch_port, by); }));
    }
    make_nic_rx(
        false,
        [this](uint32_t p) {
          return host_rps->slot_for(pool[p]) == HostRps::kNone ? kernel_switch->receive(p, nic_switch_port)
                                                               : config.host_net.rps_enqueue;
        },
        [this](uint32_t p, HostThread& by) {
          const uint32_t slot = host_rps->slot_for(pool[p]);
          if (slot == HostRps::kNone) {
            kernel_switch->forward(p, nic_switch_port, by);
          } else {
            host_backlogs[slot]->enqueue(p, by);
          }
        });
    hop(kSoftirq, "host kernel", kRpsBacklog, "host kernel", "RPS: enqueue_to_backlog (IPI)");
    hop(kRpsBacklog, "host kernel", switch_place(), "host kernel", "process_backlog: netif_receive_skb");
    if (std::any_of(c.host_rps_maps.begin(), c.host_rps_maps.end(), [](const auto& m) { return m.empty(); })) {
      hop(kSoftirq, "host kernel", switch_place(), "host kernel", "netif_receive_skb (a queue without RPS)");
    }
  }
  if (std::any_of(c.flows.begin(), c.flows.end(), [](const FlowConfig& f) { return f.p2p(); })) {
    hop(switch_place(), "host kernel", kHostNic, "device", "dev_queue_xmit (P2P: out of the other port)");
  }
  // The host transmits a connection's frames on the queue pair its flow
  // hash picks (skb_tx_hash: reciprocal_scale of the skb hash; ixgbe's XPS
  // map covers only its IRQ cores, not the backend's).
  host_txq = ConnectionQueues(c.flows, [&c](const FlowTuple& tuple) {
    return hash_queue(tuple, c.seed ^ 0x7478, c.nic_queues);  // "tx": a key of its own
  });
  // Each queue pair's transmit side: the kernel's qdisc and BQL, the ring,
  // the NIC's fetch as the frame's port has room; its completions are
  // cleaned by the pair's NAPI, which then runs the qdisc.
  const TxQueueSetup setup{c.nic_tx.qdisc, c.nic_tx.bql, &c.flows, c.seed ^ 0x68717464ull};  // "hqtd"
  for (uint32_t q = 0; q < c.nic_queues; ++q) {
    HostNicRx& rx = nic_rx->queue(q);
    nic_tx.push_back(std::make_unique<HostNicTx>(
        sim, "tx" + std::to_string(q), nic_rx.get(), c.nic_tx, pool, setup, [this](uint32_t p) { nic_out(p); },
        [this](uint32_t p, uint32_t buffer) { return port_room(p, buffer); },
        [&rx](uint32_t bytes) { rx.transmitted(bytes); }));
    HostNicTx* tx = nic_tx.back().get();
    rx.set_tx_cleaned([tx](uint32_t frames) { return tx->cleaned(frames); }, [tx] { tx->flush(); });
  }
}

MultiQueueRx& Assembly::polled_nic_rx() {
  if (nic_rx) {
    if (!nic_rx_polled)
      throw std::invalid_argument("the host NIC is the kernel's and cannot also be DPDK's (vhost-user)");
    return *nic_rx;
  }
  make_nic_rx(true, nullptr, [](uint32_t, HostThread&) {});
  return *nic_rx;
}

KernelSwitch& Assembly::tap_switch() {
  if (kernel_switch) return *kernel_switch;
  const KernelSwitchConfig& k = config.kernel_switch;
  HostThread* handler = nullptr;
  if (k.kind == KernelSwitchConfig::Kind::kOvs) {
    handler = &thread("ovs_handler", config.handler_core);
    hop(kOvsDatapath, "host kernel", kOvsHandler, "ovs-vswitchd", "upcall (netlink)");
    hop(kOvsHandler, "ovs-vswitchd", kOvsDatapath, "host kernel", "flow put, OVS_PACKET_CMD_EXECUTE");
  }
  // A frame's way out as the megaflow key sees it: the NIC, or a VM's tap.
  kernel_switch = std::make_unique<KernelSwitch>(sim, "kernel_switch", nullptr, k, pool, handler, [this](uint32_t p) {
    if (to_host(p)) return static_cast<uint32_t>(vms.size() + 1);
    const VmAssembly* to = destination(p);
    return to == nullptr ? 0u : to->index + 1;
  });
  return *kernel_switch;
}

const char* Assembly::switch_place() const {
  return config.kernel_switch.kind == KernelSwitchConfig::Kind::kOvs ? kOvsDatapath : kBridge;
}

// One VM.

VmAssembly::VmAssembly(Assembly& h, uint32_t i)
    : host(h), index(i), config(h.config.vms[i]), backend(models::backend(h.config.backend_of(i))) {}

std::string VmAssembly::own(const std::string& base) const {
  return index == 0 ? base : "vm" + std::to_string(index) + "_" + base;
}

uint64_t VmAssembly::forwarded() const {
  uint64_t n = 0;
  for (const auto& os : oses) n += os->forwarded_in_run();
  for (const auto& f : forwarders) n += f->forwarded_in_run();
  return n;
}

core::Histogram VmAssembly::transit() const {
  core::Histogram h;
  for (const auto& os : oses) h.merge(os->transit());
  for (const auto& f : forwarders) h.merge(f->transit());
  return h;
}

uint32_t VmAssembly::backend_core(uint32_t i) const {
  return config.backend_cores.empty() ? config.backend_core : config.backend_cores[i % config.backend_cores.size()];
}

uint32_t VmAssembly::rx_vector(uint32_t i) const { return config.shared_vector ? kRxVector : kRxVector + 2 * i; }
uint32_t VmAssembly::tx_vector(uint32_t i) const { return config.shared_vector ? kRxVector : kTxVector + 2 * i; }

EventFd& VmAssembly::call(const std::string& name, VCpu& vcpu, uint32_t vector) {
  host.calls.push_back(std::make_unique<EventFd>(name));
  host.irqfds.push_back(std::make_unique<Irqfd>(*host.calls.back(), vcpu, vector));
  return *host.calls.back();
}

std::function<void()> VmAssembly::device_msi(uint32_t i, uint32_t vector, const std::string& handler_name) {
  VCpu& vcpu = irq_vcpu(i);
  if (config.vtd_posted) return [&vcpu, vector] { vcpu.raise_interrupt(vector, nullptr); };
  // Remapped: the host takes the MSI on the IRQ core, the handler signals
  // the eventfd and KVM's irqfd injects inline.
  const PathConfig& h = host.config;
  EventFd& trigger = call(own(handler_name + ".trigger"), vcpu, vector);
  // Each queue pair's vectors' host IRQs (and their handler) on an IRQ core
  // of its own.
  const uint32_t irq_core = h.irq_cores.empty() ? h.irq_core : h.irq_cores[i % h.irq_cores.size()];
  HostThread& handler = host.thread(own(handler_name), irq_core);
  vfio_bodies.push_back(std::make_unique<std::function<void()>>());
  std::function<void()>* body = vfio_bodies.back().get();
  *body = [&handler, &h, &trigger, body] {
    handler.sleep([&handler, &h, &trigger, body] {
      handler.run(h.host_net.nic_irq, CpuCategory::kHostKernel,
                  [&handler, &trigger, body] { handler.signal_in_kernel(trigger, *body); });
    });
  };
  handler.start(*body);
  return [&handler] { handler.wake(nullptr); };
}

// XPS maps from the scenario: each vCPU's queues (the entries naming it;
// entries beyond the VM's queue pairs, which a one-queue device has, are
// not there), and every queue for the vCPUs none names.
void VmAssembly::build_xps() {
  std::vector<GuestNetDevice*> all;
  for (auto& os : oses) {
    if (os->device() == nullptr) return;  // a poll-mode VNF: its kernel sends nothing
    all.push_back(os->device());
  }
  auto hashes = std::make_shared<const ConnectionQueues>(
      host.config.flows,
      [seed = host.config.seed ^ (0x787073ull + index)](const FlowTuple& t) { return symmetric_flow_hash(t, seed); });
  const std::vector<GuestOs*> guests = this->guests();
  for (size_t cpu = 0; cpu < guests.size(); ++cpu) {
    std::vector<GuestNetDevice*> mine;
    for (size_t q = 0; q < config.xps.size() && q < all.size(); ++q) {
      const std::vector<uint32_t>& cpus = config.xps[q];
      if (std::find(cpus.begin(), cpus.end(), cpu) != cpus.end()) mine.push_back(all[q]);
    }
    guests[cpu]->set_xps(std::move(mine), all, hashes);
  }
}

ConnectionQueues VmAssembly::rss_steering() const {
  const RssTable rss = rss_table(host.config, {}, pairs());
  return ConnectionQueues(host.config.flows, [&rss](const FlowTuple& tuple) { return rss.queue_for(tuple); });
}

void VmAssembly::hop(const std::string& from, const std::string& from_where, const std::string& to,
                     const std::string& to_where, const std::string& how) {
  // A poll-mode VNF's rings are driven by its forwarding lcores.
  auto name = [this](const std::string& place) {
    const std::string p = polls() && place == kVirtioNetDriver ? std::string(kPollModeForwarder) : place;
    return host.named_vms() ? in_vm(config.name, p) : p;
  };
  host.hop(name(from), from_where, name(to), to_where, how);
}

void VmAssembly::build_guest() {
  const VmConfig& c = config;
  VCpu::Config vcpu = c.vcpu;
  if (backend.traits().native()) {
    vcpu.native = true;  // the same stack on a host core
    vcpu.apicv = true;
    vcpu.halt_poll_max = core::Duration::zero();
  }
  const uint32_t n = backend.traits().one_queue ? 1 : std::max<uint32_t>(1, c.queue_pairs);
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t core = c.vcpu_cores.empty() ? c.vcpu_core : c.vcpu_cores[i % c.vcpu_cores.size()];
    const std::string name = vm_name("_vcpu" + std::to_string(i));
    HostThread& vcpu_thread = host.thread(name, core);
    vcpus.push_back(std::make_unique<VCpu>(host.sim, name + "_state", nullptr, vcpu_thread, vcpu));
    oses.push_back(std::make_unique<GuestOs>(host.sim, indexed(vm_name(""), i, "_cpu"), nullptr, *vcpus.back(),
                                             host.pool, c.guest));
    oses.back()->set_socket(c.socket);
    oses.back()->set_gro(c.gro);
  }
  for (size_t i = 0; i < c.extra_vcpu_cores.size(); ++i) {
    const std::string name = vm_name("_vcpu" + std::to_string(n + i));
    extra_vcpus.push_back(
        std::make_unique<VCpu>(host.sim, name + "_state", nullptr, host.thread(name, c.extra_vcpu_cores[i]), vcpu));
    extra_oses.push_back(std::make_unique<GuestOs>(host.sim, indexed(vm_name(""), n + i, "_cpu"), nullptr,
                                                   *extra_vcpus.back(), host.pool, c.guest));
    extra_oses.back()->set_socket(c.socket);
    extra_oses.back()->set_gro(c.gro);
  }
  if (c.cpu_load) {
    std::vector<VCpu*> all;
    for (auto& v : vcpus) all.push_back(v.get());
    for (auto& v : extra_vcpus) all.push_back(v.get());
    for (size_t i = 0; i < all.size(); ++i) {
      loads.push_back(std::make_unique<CpuLoad>(host.sim, vm_name("_load" + std::to_string(i)), nullptr, *all[i],
                                                c.cpu_load->busy, c.cpu_load->idle));
    }
  }
  const std::vector<GuestOs*> guests = this->guests();
  if (guests.size() > 1) {
    for (GuestOs* os : guests) os->set_siblings(guests);
  }
  if (!c.app_vcpus.empty()) {
    for (GuestOs* os : guests) os->set_app_guests(app_guests());
  }
  if (c.rps.on()) {
    // The skb hash's boot-time key: one of the guest's own.
    auto rps = std::make_shared<RpsSteering>(c.rps, host.config.flows, host.config.seed ^ (0x727073ull + index),
                                             static_cast<uint32_t>(guests.size()),
                                             [guests](uint32_t cpu) { return guests.at(cpu)->backlog_packets(); });
    for (size_t i = 0; i < guests.size(); ++i) guests[i]->set_rps(rps, static_cast<uint32_t>(i));
    this->rps = rps;
  }
}

void VmAssembly::bind_rps_queues() {
  std::vector<const GuestNetDevice*> queues;
  for (GuestOs* os : guests()) {
    const GuestNetDevice* d = os->device();
    if (d != nullptr && std::find(queues.begin(), queues.end(), d) == queues.end()) queues.push_back(d);
  }
  rps->set_queues(std::move(queues));
}

// Each guest device's transmit queue: its qdisc (an mq child when the
// device has several queues) and BQL, fq_codel classifying by the skb's
// flow hash under the guest's own boot-time key.
void VmAssembly::build_tx_queues() {
  const TxQueueSetup setup{config.qdisc, config.bql, &host.config.flows, host.config.seed ^ (0x716473ull + index)};
  std::vector<GuestNetDevice*> done;
  for (GuestOs* os : guests()) {
    GuestNetDevice* d = os->device();
    if (d == nullptr || std::find(done.begin(), done.end(), d) != done.end()) continue;
    d->configure_tx(setup);
    done.push_back(d);
  }
}

std::vector<GuestOs*> VmAssembly::guests() const {
  std::vector<GuestOs*> all;
  for (const auto& os : oses) all.push_back(os.get());
  for (const auto& os : extra_oses) all.push_back(os.get());
  return all;
}

std::vector<GuestOs*> VmAssembly::app_guests() const {
  const std::vector<GuestOs*> all = guests();
  std::vector<GuestOs*> apps;
  for (uint32_t v : config.app_vcpus) {
    if (v < all.size()) {
      apps.push_back(all[v]);
    } else {
      throw std::invalid_argument("VM \"" + config.name + "\" runs applications on vCPU " + std::to_string(v) +
                                  ", which it does not have");
    }
  }
  if (apps.empty()) {
    for (const auto& os : oses) apps.push_back(os.get());
  }
  return apps;
}

BridgePort VmAssembly::bridge_port(const std::string& writer, const std::string& where) {
  const HostNetCosts& n = host.config.host_net;
  // With another tap on the switch, a frame may go there instead of out.
  uint32_t taps_on_bridge = 0;
  for (size_t k = 0; k < host.config.vms.size(); ++k) {
    taps_on_bridge += models::backend(host.config.backend_of(k)).traits().attachment == Attachment::kTap;
  }
  const char* sw = host.switch_place();
  if (taps_on_bridge > 1 || host.config.host_app) {
    hop(writer, where, sw, "host kernel", "tun_sendmsg -> " + std::string(sw) + " (to this host)");
  }
  auto tap_vm = [](const VmAssembly* vm) { return vm != nullptr && vm->tap_steering != nullptr; };
  // This tap's port: the switch outputs a frame from it to another VM's
  // tap (tun_net_xmit) or out of the NIC (dev_queue_xmit down to the
  // driver's doorbell).
  // A frame for the host process is passed up its stack here (IP, UDP,
  // the socket), as the bridge's local delivery does.
  const core::Clock& clock = host.core(config.backend_core).clock();
  const uint32_t port = host.tap_switch().add_port(
      [this, &n, &clock, tap_vm](uint32_t p) {
        const Packet& packet = host.pool[p];
        if (host.to_host(p))
          return packet.tcp_data || packet.kind == PacketKind::kAck ? config.guest.tcp_rx : config.guest.udp_rx;
        VmAssembly* to = host.destination(p);
        // A virtio guest's frames carry their checksum partial (offloaded);
        // an e1000 guest's come whole (QEMU's device fills them).
        return tap_vm(to) ? host.tap_xmit_cost(*to, p, clock, tap_csum) : n.nic_xmit_packet;
      },
      [this, tap_vm, how = "the " + std::string(sw) + " forwarded it from " + config.name + "'s tap (tun_net_xmit)"](
          uint32_t p, HostThread& by) {
        if (host.to_host(p)) {
          host.host_process->receive(p, by);
          return;
        }
        VmAssembly* to = host.destination(p);
        if (!tap_vm(to)) {
          host.kernel_xmit(p);
          return;
        }
        host.cross(p);
        host.tap_push(*to, p, by, how);
      });
  return {[this, port](uint32_t p) { return host.kernel_switch->receive(p, port); },
          [this, port](uint32_t p, uint32_t queue, HostThread& by) {
            tap_steering->sent_on(host.pool[p], queue);  // the connection's queue for the way back
            host.kernel_switch->forward(p, port, by);
          }};
}

void VmAssembly::guest_stack_hops(const std::string& device, const std::string& where) {
  if (polls()) return;  // its lcores forward from ring to ring, no kernel stack between
  const std::string os = backend.traits().native() ? "host kernel" : "guest";
  if (config.forwarding == VmConfig::Forwarding::kKernel) {
    hop(device, where, kIpForward, os, "NAPI poll (a routed packet)");
    hop(kIpForward, os, device, where, "dev_queue_xmit (no qdisc backlog)");
  }
  hop(kApplication, os, kGuestStack, os, "sendto");
  hop(kGuestStack, os, device, where, "ndo_start_xmit");
  hop(device, where, kGuestStack, os, "NAPI poll");
  hop(kGuestStack, os, kApplication, os, "socket wake-up");
}

void VmAssembly::build_taps(const std::string& reader, const std::string& reader_where) {
  const uint32_t n = backend.traits().one_queue ? 1 : pairs();
  for (uint32_t i = 0; i < n; ++i) {
    taps.push_back(std::make_unique<TapQueue>(host.sim, vm_name("_tap" + std::to_string(i)), nullptr, host.pool));
  }
  tap_steering = std::make_unique<TapSteering>(n, host.config.flows, host.config.seed);
  tap_csum = backend.traits().virtio;
  // A poll-mode forwarder's PMD offers no guest TSO (DPDK's virtio PMD
  // asks for it only with LRO): its tap segments.
  tap_tso = tap_csum && config.guest_tso4 && config.forwarding != VmConfig::Forwarding::kPollMode;
  host.kernel_nic_rx();
  from_wire = [this](uint32_t p) { host.nic_rx->receive(p); };
  early_taker = [this](uint32_t p) { return host.nic_rx->early_taker(p); };
  hop(host.switch_place(), "host kernel", kTapQueue, "host kernel",
      "tun_net_xmit (" + std::to_string(taps[0]->capacity()) + " entries)");
  hop(kTapQueue, "host kernel", reader, reader_where, "socket wake-up");
}

void VmAssembly::build_virtio_queues() {
  const VmConfig& c = config;
  Virtqueue::Config vq;
  vq.size = c.queue_size;
  vq.event_idx = c.event_idx;
  vq.layout = c.packed_ring ? Virtqueue::Layout::kPacked : Virtqueue::Layout::kSplit;
  if (c.packed_ring && !backend.traits().packed_ring) {
    throw std::logic_error(std::string(backend.name()) + " has no packed virtqueue (the validator refuses it)");
  }
  vq.in_order = c.in_order;
  if (c.in_order && !backend.traits().in_order) {
    throw std::logic_error(std::string(backend.name()) +
                           " does not offer VIRTIO_F_IN_ORDER (the validator refuses it)");
  }
  vq.backend = backend.traits().ring_device;
  vq.device_dma = backend.traits().ring_dma;
  vq.ddio = host.ddio.get();
  VirtioNetDriver::Config driver = c.driver;
  // virtnet_probe's choice of receive buffers, from what was negotiated.
  using RxBuffers = VirtioNetDriver::Config::RxBuffers;
  driver.rx_buffers = c.mrg_rxbuf ? RxBuffers::kMergeable : c.guest_tso4 ? RxBuffers::kBig : RxBuffers::kSmall;
  driver.tso = c.host_tso4 && backend.traits().host_tso;
  if (polls()) {
    // DPDK's virtio PMD in place of the kernel's driver: no EVENT_IDX, and
    // its ring code runs in guest user space.
    vq.event_idx = false;
    vq.driver_category = CpuCategory::kGuestUser;
    for (uint32_t i = 0; i < pairs(); ++i) {
      queues.push_back(
          std::make_unique<VirtioQueuePair>(vm_name("_q" + std::to_string(i)), vq, rx_vector(i), tx_vector(i)));
      forwarders.push_back(std::make_unique<PollModeForwarder>(host.sim, indexed(vm_name("_testpmd"), i, "_q"), nullptr,
                                                               *vcpus[i], *queues.back(), host.pool, c.poll_mode));
      nic_drivers.push_back(forwarders.back().get());
    }
    return;
  }
  for (uint32_t i = 0; i < pairs(); ++i) {
    queues.push_back(
        std::make_unique<VirtioQueuePair>(vm_name("_q" + std::to_string(i)), vq, rx_vector(i), tx_vector(i)));
    drivers.push_back(std::make_unique<VirtioNetDriver>(host.sim, indexed(vm_name("_virtio_net"), i, "_q"), nullptr,
                                                        *oses[i], *queues.back(), driver, &irq_os(i)));
    nic_drivers.push_back(drivers.back().get());
  }
  guest_stack_hops(kVirtioNetDriver, "guest");
}

// Hardware queues: an SR-IOV VF's in the VM (DMA through the IOTLB,
// interrupts posted or remapped), or the host NIC's on bare metal; one per
// queue pair, each with its vector on its vCPU, the receive side spread by
// RSS over the same key and table as the host NIC's.
void VmAssembly::build_hardware_queues(bool vf) {
  const VmConfig& c = config;
  if (vf) {
    iotlb = std::make_unique<Iotlb>(c.iotlb_entries, c.iommu_page_bytes);
    // Translations in time order with the DMA the VF's queues hold back.
    iotlb->set_before_lookup([ddio = host.ddio.get()] { ddio->settle(); });
  }
  hw_steering = rss_steering();
  for (uint32_t i = 0; i < pairs(); ++i) {
    VCpu& vcpu = *vcpus[i];
    const uint32_t vector = kRxVector + 2 * i;
    NicQueue::Msi msi = vf ? device_msi(i, vector, indexed("vfio_irq", i, ""))
                           : [&vcpu, vector] { vcpu.raise_interrupt(vector, nullptr); };
    const std::string name = vf ? indexed(vm_name("_vf0"), i, "_q") : own("nic0_queue" + std::to_string(i));
    hw_queues.push_back(std::make_unique<NicQueue>(
        host.sim, name, nullptr, c.hw_queue, host.pool, iotlb.get(), [this](uint32_t p) { host.nic_out(p); }, msi,
        host.ddio.get()));
    hw_queues.back()->set_port_room([this](uint32_t p, uint32_t buffer) { return host.port_room(p, buffer); });
    if (i == 0) {
      from_wire = [this](uint32_t p) { hw_queues[hw_steering.of(host.pool[p])]->receive(p); };
      early_taker = [this](uint32_t p) -> EarlyTaker* {
        NicQueue& q = *hw_queues[hw_steering.of(host.pool[p])];
        return q.takes_early() ? &q : nullptr;
      };
      host.wire_in();
    }
    hw_drivers.push_back(std::make_unique<NicDriver>(
        host.sim, vf ? indexed(vm_name("_vf_driver"), i, "_q") : own(indexed("host_nic_driver", i, "_q")), nullptr,
        *oses[i], *hw_queues.back(), vector, c.hw_driver));
    nic_drivers.push_back(hw_drivers.back().get());
  }
}

void Assembly::tap_push(VmAssembly& vm, uint32_t packet, HostThread& by, const std::string& how) {
  TapQueue& tap = *vm.taps[vm.tap_steering->queue_for(pool[packet])];
  if (vm.tap_segments(pool[packet])) {
    gso_out.clear();
    pool.segment(packet, kTcpFrameOverhead, gso_out);
    for (uint32_t s : gso_out) tap.push(s, &by, how);  // a full tap drops what it cannot take
    return;
  }
  tap.push(packet, &by, how);  // a full tap drops it
}

core::Cycles Assembly::tap_xmit_cost(const VmAssembly& vm, uint32_t packet, const core::Clock& clock,
                                     bool csum_partial) const {
  const Packet& p = pool[packet];
  if (!vm.tap_segments(p)) {
    if (!csum_partial || vm.tap_csum) return config.host_net.tun_xmit_packet;
    // One checksum pass over the TCP or UDP datagram: the frame less
    // Ethernet (with its FCS) and IP.
    constexpr uint32_t kBelowL4 = 14 + 4 + 20;
    return config.host_net.tun_xmit_packet + config.host_net.copy(p.bytes > kBelowL4 ? p.bytes - kBelowL4 : 0, clock);
  }
  core::Cycles cost = (config.host_net.tun_xmit_packet + config.host_net.gso_segment) * p.segs;
  if (!vm.tap_csum) cost = cost + config.host_net.copy(pool.tcp(packet).len, clock);
  return cost;
}

}  // namespace viosim::models
