// The host, the VM and the shared pieces backends build from.
#include "models/paths/assembly.h"

#include <algorithm>
#include <stdexcept>

#include "models/net/path_places.h"
#include "models/paths/backend.h"

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

Assembly::Assembly(const PathConfig& c, const Backend& b, core::TraceWriter* tracer)
    : config(c), backend(b), sim(core::SimulatorOptions{core::QueueKind::kQuadHeap, c.seed}) {
  sim.set_tracer(tracer);
  build_common();
  backend.build(*this);
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

uint32_t Assembly::backend_core(uint32_t i) const {
  return config.backend_cores.empty() ? config.backend_core : config.backend_cores[i % config.backend_cores.size()];
}

uint32_t Assembly::rx_vector(uint32_t i) const { return config.shared_vector ? kRxVector : kRxVector + 2 * i; }
uint32_t Assembly::tx_vector(uint32_t i) const { return config.shared_vector ? kRxVector : kTxVector + 2 * i; }

EventFd& Assembly::call(const std::string& name, VCpu& vcpu, uint32_t vector) {
  calls.push_back(std::make_unique<EventFd>(name));
  irqfds.push_back(std::make_unique<Irqfd>(*calls.back(), vcpu, vector));
  return *calls.back();
}

void Assembly::build_common() {
  const PathConfig& c = config;
  for (uint32_t i = 0; i < c.cores; ++i) {
    cores.push_back(std::make_unique<Core>(sim, "core" + std::to_string(i), nullptr, c.cpu, i));
  }
  to_peer = std::make_unique<Wire>(sim, "wire_out", nullptr, c.wire, pool, [this](uint32_t p) {
    if (tx_completion) tx_completion(pool[p]);
    peer->receive(p);
  });
  hop(kHostNic, "device", kWire, "wire", "DMA + serialisation at " + gbps(c.wire.line_rate_bps));
  hop(kWire, "wire", kPeer, "peer", "propagation");
  peer = std::make_unique<ExternalPeer>(sim, "peer", nullptr, c.peer, pool, [this](uint32_t p) { from_peer->send(p); });
  hop(kPeer, "peer", kWireIn, "wire", "response / traffic");
  VCpu::Config vcpu = c.vcpu;
  if (backend.traits().native) {
    vcpu.native = true;  // the same stack on a host core
    vcpu.apicv = true;
    vcpu.halt_poll_max = core::Duration::zero();
  }
  const uint32_t n = backend.traits().one_queue ? 1 : std::max<uint32_t>(1, c.queue_pairs);
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t core = c.vcpu_cores.empty() ? c.vcpu_core : c.vcpu_cores[i % c.vcpu_cores.size()];
    const std::string name = "vm0_vcpu" + std::to_string(i);
    HostThread& vcpu_thread = thread(name, core);
    vcpus.push_back(std::make_unique<VCpu>(sim, name + "_state", nullptr, vcpu_thread, vcpu));
    oses.push_back(std::make_unique<GuestOs>(sim, indexed("vm0", i, "_cpu"), nullptr, *vcpus.back(), pool, c.guest));
    oses.back()->set_socket(c.socket);
  }
  if (n > 1) {
    std::vector<GuestOs*> guests;
    for (auto& os : oses) guests.push_back(os.get());
    for (auto& os : oses) os->set_siblings(guests);
  }
  for (size_t i = 0; i < c.flows.size(); ++i) {
    const FlowConfig& f = c.flows[i];
    flows.push_back(std::make_unique<FlowStats>(sim, "flow_" + core::escape_component_name(f.name), nullptr,
                                                f.pattern == FlowConfig::Pattern::kRequestResponse));
    if (c.on_delivery) flows.back()->observe_deliveries(c.on_delivery);
    // Every guest has every flow's application: a sender's share of the
    // connections on each vCPU, a receiver wherever its packets arrive.
    for (uint32_t v = 0; v < n; ++v) {
      const FlowConfig share = n > 1 && f.from_guest ? sender_share(f, v, n) : f;
      oses[v]->add_flow(static_cast<uint32_t>(i), share, *flows.back(), f.from_guest);
    }
    peer->add_flow(static_cast<uint32_t>(i), f, *flows.back(), !f.from_guest);
  }
}

void Assembly::guest_stack_hops(const std::string& device, const std::string& where) {
  const std::string os = backend.traits().native ? "host kernel" : "guest";
  hop(kApplication, os, kGuestStack, os, "sendto");
  hop(kGuestStack, os, device, where, "ndo_start_xmit");
  hop(device, where, kGuestStack, os, "NAPI poll");
  hop(kGuestStack, os, kApplication, os, "socket wake-up");
}

void Assembly::build_nic_rx(bool polled, core::Cycles deliver_cost, HostNicRx::Deliver deliver) {
  const PathConfig& c = config;
  const RssTable rss = rss_table(c, c.rss_indirection, c.nic_queues);
  nic_rx = std::make_unique<MultiQueueRx>(sim, "nic0", nullptr, rss, c.flows, pool);
  for (uint32_t q = 0; q < c.nic_queues; ++q) {
    HostThread* softirq = nullptr;
    if (!polled) {
      const uint32_t core = c.irq_cores.empty() ? c.irq_core : c.irq_cores[q % c.irq_cores.size()];
      softirq = &thread("softirq_q" + std::to_string(q), core);
    }
    nic_rx->add_queue(std::make_unique<HostNicRx>(sim, "rx" + std::to_string(q), nic_rx.get(), c.nic, c.host_net, pool,
                                                  softirq, deliver_cost, deliver));
  }
  from_peer = std::make_unique<Wire>(sim, "wire_in", nullptr, c.wire, pool, [this](uint32_t p) { nic_rx->receive(p); });
  hop(kWireIn, "wire", kHostNic, "device",
      "propagation; RSS over " + std::to_string(c.nic_queues) + (c.nic_queues == 1 ? " queue" : " queues"));
}

void Assembly::build_host_rx_to_tap(uint32_t tap_queues, const std::string& reader, const std::string& reader_where) {
  const PathConfig& c = config;
  for (uint32_t i = 0; i < tap_queues; ++i) {
    taps.push_back(std::make_unique<TapQueue>(sim, "vm0_tap" + std::to_string(i), nullptr, pool));
  }
  tap_steering = std::make_unique<TapSteering>(tap_queues, c.flows, c.seed);
  build_nic_rx(false, c.host_net.bridge_packet + c.host_net.tun_xmit_packet, [this](uint32_t p, HostThread& by) {
    TapQueue& tap = *taps[tap_steering->queue_for(pool[p])];
    tap.push(p, &by);  // a full tap drops it
  });
  hop(kHostNic, "device", kSoftirq, "host kernel", "MSI-X (moderated)");
  hop(kSoftirq, "host kernel", kBridge, "host kernel", "netif_receive_skb");
  hop(kBridge, "host kernel", kTapQueue, "host kernel",
      "tun_net_xmit (" + std::to_string(taps[0]->capacity()) + " entries)");
  hop(kTapQueue, "host kernel", reader, reader_where, "socket wake-up");
  // The host transmits a connection's frames on the queue pair its flow
  // hash picks (skb_tx_hash: reciprocal_scale of the skb hash; ixgbe's XPS
  // map covers only its IRQ cores, not the backend's).
  host_txq = ConnectionQueues(c.flows, [&c](const FlowTuple& tuple) {
    return hash_queue(tuple, c.seed ^ 0x7478, c.nic_queues);  // "tx": a key of its own
  });
  tx_completion = [this](const Packet& p) { nic_rx->queue(host_txq.of(p)).transmitted(p.bytes); };
}

void Assembly::build_virtio_queues() {
  const PathConfig& c = config;
  SplitVirtqueue::Config vq;
  vq.size = c.queue_size;
  vq.event_idx = c.event_idx;
  vq.backend = backend.id() == PathBackend::kVirtioUserspace ? SplitVirtqueue::Backend::kQemu
                                                             : SplitVirtqueue::Backend::kVhost;
  VirtioNetDriver::Config driver = c.driver;
  driver.shared_vector = c.shared_vector;
  for (uint32_t i = 0; i < pairs(); ++i) {
    queues.push_back(std::make_unique<VirtioQueuePair>("vm0_q" + std::to_string(i), vq, rx_vector(i), tx_vector(i)));
    drivers.push_back(std::make_unique<VirtioNetDriver>(sim, indexed("vm0_virtio_net", i, "_q"), nullptr, *oses[i],
                                                        *queues.back(), driver, &irq_os(i)));
    nic_drivers.push_back(drivers.back().get());
  }
  guest_stack_hops(kVirtioNetDriver, "guest");
}

// Hardware queues: an SR-IOV VF's in the VM (DMA through the IOTLB,
// interrupts posted or remapped), or the host NIC's on bare metal; one per
// queue pair, each with its vector on its vCPU, the receive side spread by
// RSS over the same key and table as the host NIC's.
void Assembly::build_hardware_queues(bool vf) {
  const PathConfig& c = config;
  if (vf) iotlb = std::make_unique<Iotlb>(c.iotlb_entries, c.iommu_page_bytes);
  const RssTable rss = rss_table(c, {}, pairs());
  hw_steering = ConnectionQueues(c.flows, [&rss](const FlowTuple& tuple) { return rss.queue_for(tuple); });
  for (uint32_t i = 0; i < pairs(); ++i) {
    VCpu& vcpu = *vcpus[i];
    const uint32_t vector = kRxVector + 2 * i;
    NicQueue::Msi msi = [&vcpu, vector] { vcpu.raise_interrupt(vector, nullptr); };
    if (vf && !c.vtd_posted) {
      // Remapped: the host takes the MSI on the IRQ core, VFIO's handler
      // signals the eventfd and KVM's irqfd injects inline.
      EventFd& trigger = call(indexed("vm0_vf0.trigger", i, "_q"), vcpu, vector);
      // Each VF vector's host IRQ (and VFIO's handler) on its own IRQ core.
      const uint32_t irq_core = c.irq_cores.empty() ? c.irq_core : c.irq_cores[i % c.irq_cores.size()];
      HostThread& handler = thread(indexed("vfio_irq", i, ""), irq_core);
      vfio_bodies.push_back(std::make_unique<std::function<void()>>());
      std::function<void()>* body = vfio_bodies.back().get();
      *body = [&handler, &c, &trigger, body] {
        handler.sleep([&handler, &c, &trigger, body] {
          handler.run(c.host_net.nic_irq, CpuCategory::kHostKernel,
                      [&handler, &trigger, body] { handler.signal_in_kernel(trigger, *body); });
        });
      };
      handler.start(*body);
      msi = [&handler] { handler.wake(nullptr); };
    }
    const std::string name = vf ? indexed("vm0_vf0", i, "_q") : "nic0_queue" + std::to_string(i);
    hw_queues.push_back(
        std::make_unique<NicQueue>(sim, name, nullptr, c.hw_queue, pool, iotlb.get(), *to_peer, msi));
    if (i == 0) {
      from_peer = std::make_unique<Wire>(sim, "wire_in", nullptr, c.wire, pool,
                                         [this](uint32_t p) { hw_queues[hw_steering.of(pool[p])]->receive(p); });
      hop(kWireIn, "wire", kHostNic, "device",
          "propagation; RSS over " + std::to_string(pairs()) + (pairs() == 1 ? " queue" : " queues"));
    }
    hw_drivers.push_back(std::make_unique<NicDriver>(sim, vf ? indexed("vm0_vf_driver", i, "_q")
                                                             : indexed("host_nic_driver", i, "_q"),
                                                     nullptr, *oses[i], *hw_queues.back(), vector, c.hw_driver));
    nic_drivers.push_back(hw_drivers.back().get());
  }
}

}  // namespace viosim::models
