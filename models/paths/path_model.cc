// Assembles host, VM, backend, NIC, wire, peer and flows for one backend.
#include "models/paths/path_model.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>

#include "models/e1000/e1000_device.h"
#include "models/guest/e1000_driver.h"
#include "models/guest/guest_os.h"
#include "models/guest/nic_driver.h"
#include "models/guest/virtio_net_driver.h"
#include "models/host/host_thread.h"
#include "models/kvm/irqfd.h"
#include "models/net/tap.h"
#include "models/net/tap_steering.h"
#include "models/paths/cancelled.h"
#include "models/paths/path_graph.h"
#include "sim-core/chrome_trace.h"
#include "models/traffic/flow_stats.h"

namespace viosim::models {

namespace {

constexpr uint32_t kRxVector = 35;
constexpr uint32_t kTxVector = 36;

// Names keep the single-queue path's (queue 0, vCPU 0) so that its
// components draw the same random streams as before multi-queue.
std::string indexed(const std::string& base, uint32_t i, const std::string& suffix_for_others) {
  return i == 0 ? base : base + suffix_for_others + std::to_string(i);
}

// The pieces of one run, in construction order (components register with
// the simulator as they are built and must outlive the run).
struct Topology {
  explicit Topology(const PathConfig& c) : config(c), sim(core::SimulatorOptions{core::QueueKind::kQuadHeap, c.seed}) {}

  const PathConfig& config;
  core::Simulator sim;
  PacketPool pool;
  std::vector<std::unique_ptr<Core>> cores;
  std::vector<std::unique_ptr<HostThread>> threads;
  std::vector<std::unique_ptr<FlowStats>> flows;
  std::unique_ptr<Wire> to_peer, from_peer;
  std::unique_ptr<ExternalPeer> peer;
  // One vCPU and guest OS per queue pair (vCPU i sends on queue pair i).
  std::vector<std::unique_ptr<VCpu>> vcpus;
  std::vector<std::unique_ptr<GuestOs>> oses;
  std::vector<std::unique_ptr<VirtioQueuePair>> queues;
  std::vector<std::unique_ptr<VirtioNetDriver>> drivers;
  std::vector<std::unique_ptr<TapQueue>> taps;
  std::unique_ptr<TapSteering> tap_steering;
  std::unique_ptr<MultiQueueRx> nic_rx;
  std::vector<std::unique_ptr<EventFd>> calls;
  std::vector<std::unique_ptr<Irqfd>> irqfds;
  std::unique_ptr<QemuVirtioNet> qemu;
  std::vector<std::unique_ptr<VhostNet>> vhosts;
  std::vector<std::unique_ptr<VhostUserPmd>> pmds;
  std::unique_ptr<E1000Device> e1000;
  std::unique_ptr<E1000Driver> e1000_driver;
  std::unique_ptr<Iotlb> iotlb;
  std::vector<std::unique_ptr<NicQueue>> hw_queues;
  std::vector<std::unique_ptr<NicDriver>> hw_drivers;
  ConnectionQueues hw_steering;  // connection -> hardware queue, by RSS
  std::vector<std::unique_ptr<std::function<void()>>> vfio_bodies;  // each remapped vector's handler loop
  std::vector<core::Component*> nic_drivers;  // whichever drivers the VM runs
  // A frame the host kernel sent through its NIC has left: the queue's TX
  // completion (paths whose host stack drives the NIC).
  std::function<void(const Packet&)> tx_completion;
  ConnectionQueues host_txq;  // connection -> host NIC queue pair it is sent on

  Core& core(uint32_t i) {
    if (i >= cores.size()) throw std::invalid_argument("core " + std::to_string(i) + " does not exist");
    return *cores[i];
  }
  HostThread& thread(const std::string& name, uint32_t core_index) {
    threads.push_back(std::make_unique<HostThread>(sim, name, nullptr, core(core_index)));
    return *threads.back();
  }
  uint32_t pairs() const { return static_cast<uint32_t>(oses.size()); }
  uint32_t backend_core(uint32_t i) const {
    return config.backend_cores.empty() ? config.backend_core
                                        : config.backend_cores[i % config.backend_cores.size()];
  }
  // The vector of queue pair `i`'s rx or tx queue and the vCPU it reaches.
  uint32_t rx_vector(uint32_t i) const { return config.shared_vector ? kRxVector : kRxVector + 2 * i; }
  uint32_t tx_vector(uint32_t i) const { return config.shared_vector ? kRxVector : kTxVector + 2 * i; }
  VCpu& irq_vcpu(uint32_t i) const { return *vcpus[config.shared_vector ? 0 : i]; }
  GuestOs& irq_os(uint32_t i) const { return *oses[config.shared_vector ? 0 : i]; }
  // A call eventfd injecting `vector` into `vcpu` through KVM's irqfd.
  EventFd& call(const std::string& name, VCpu& vcpu, uint32_t vector) {
    calls.push_back(std::make_unique<EventFd>(name));
    irqfds.push_back(std::make_unique<Irqfd>(*calls.back(), vcpu, vector));
    return *calls.back();
  }
};

void build_common(Topology& t) {
  const PathConfig& c = t.config;
  for (uint32_t i = 0; i < c.cores; ++i) {
    t.cores.push_back(std::make_unique<Core>(t.sim, "core" + std::to_string(i), nullptr, c.cpu, i));
  }
  t.to_peer = std::make_unique<Wire>(t.sim, "wire_out", nullptr, c.wire, t.pool, [&t](uint32_t p) {
    if (t.tx_completion) t.tx_completion(t.pool[p]);
    t.peer->receive(p);
  });
  t.peer = std::make_unique<ExternalPeer>(t.sim, "peer", nullptr, c.peer, t.pool,
                                          [&t](uint32_t p) { t.from_peer->send(p); });
  VCpu::Config vcpu = c.vcpu;
  if (c.backend == PathBackend::kBareMetal) {
    vcpu.native = true;  // the same stack on a host core
    vcpu.apicv = true;
    vcpu.halt_poll_max = core::Duration::zero();
  }
  const uint32_t pairs = c.backend == PathBackend::kE1000 ? 1 : std::max<uint32_t>(1, c.queue_pairs);
  for (uint32_t i = 0; i < pairs; ++i) {
    const uint32_t core = c.vcpu_cores.empty() ? c.vcpu_core : c.vcpu_cores[i % c.vcpu_cores.size()];
    const std::string name = "vm0_vcpu" + std::to_string(i);
    HostThread& vcpu_thread = t.thread(name, core);
    t.vcpus.push_back(std::make_unique<VCpu>(t.sim, name + "_state", nullptr, vcpu_thread, vcpu));
    t.oses.push_back(std::make_unique<GuestOs>(t.sim, indexed("vm0", i, "_cpu"), nullptr, *t.vcpus.back(), t.pool,
                                               c.guest));
    t.oses.back()->set_socket(c.socket);
  }
  if (pairs > 1) {
    std::vector<GuestOs*> guests;
    for (auto& os : t.oses) guests.push_back(os.get());
    for (auto& os : t.oses) os->set_siblings(guests);
  }
  for (size_t i = 0; i < c.flows.size(); ++i) {
    const FlowConfig& f = c.flows[i];
    t.flows.push_back(std::make_unique<FlowStats>(t.sim, "flow_" + core::escape_component_name(f.name), nullptr,
                                                  f.pattern == FlowConfig::Pattern::kRequestResponse));
    if (c.on_delivery) t.flows.back()->observe_deliveries(c.on_delivery);
    // Every guest has every flow's application: a sender's share of the
    // connections on each vCPU, a receiver wherever its packets arrive.
    for (uint32_t v = 0; v < pairs; ++v) {
      const FlowConfig share = pairs > 1 && f.from_guest ? sender_share(f, v, pairs) : f;
      t.oses[v]->add_flow(static_cast<uint32_t>(i), share, *t.flows.back(), f.from_guest);
    }
    t.peer->add_flow(static_cast<uint32_t>(i), f, *t.flows.back(), !f.from_guest);
  }
}

// RSS over `queues` with the configured key (else the well-known one) and
// table (empty: entry i -> i mod queues).
RssTable rss_table(const PathConfig& c, const std::vector<uint16_t>& indirection, uint32_t queues) {
  return RssTable(c.rss_key.empty() ? std::vector<uint8_t>(kDefaultRssKey.begin(), kDefaultRssKey.end()) : c.rss_key,
                  indirection, c.rss_entries, queues);
}

// The host NIC's receive queues behind RSS; in interrupt mode each with its
// softirq thread on its IRQ core, handing frames to `deliver`.
void build_nic_rx(Topology& t, bool polled, core::Cycles deliver_cost, HostNicRx::Deliver deliver) {
  const PathConfig& c = t.config;
  const RssTable rss = rss_table(c, c.rss_indirection, c.nic_queues);
  t.nic_rx = std::make_unique<MultiQueueRx>(t.sim, "nic0", nullptr, rss, c.flows, t.pool);
  for (uint32_t q = 0; q < c.nic_queues; ++q) {
    HostThread* softirq = nullptr;
    if (!polled) {
      const uint32_t core = c.irq_cores.empty() ? c.irq_core : c.irq_cores[q % c.irq_cores.size()];
      softirq = &t.thread("softirq_q" + std::to_string(q), core);
    }
    t.nic_rx->add_queue(std::make_unique<HostNicRx>(t.sim, "rx" + std::to_string(q), t.nic_rx.get(), c.nic, c.host_net,
                                                    t.pool, softirq, deliver_cost, deliver));
  }
  t.from_peer = std::make_unique<Wire>(t.sim, "wire_in", nullptr, c.wire, t.pool,
                                       [&t](uint32_t p) { t.nic_rx->receive(p); });
}

// Kernel networking in front of the tap queues (one per queue pair): the
// NIC's queues with their interrupts and NAPI on the IRQ cores, the bridge,
// and the tap's queue choice (the guest's last queue for the connection,
// else the flow hash).
void build_host_rx_to_tap(Topology& t, uint32_t tap_queues) {
  const PathConfig& c = t.config;
  for (uint32_t i = 0; i < tap_queues; ++i) {
    t.taps.push_back(std::make_unique<TapQueue>(t.sim, "vm0_tap" + std::to_string(i), nullptr, t.pool));
  }
  t.tap_steering = std::make_unique<TapSteering>(tap_queues, c.flows, c.seed);
  build_nic_rx(t, false, c.host_net.bridge_packet + c.host_net.tun_xmit_packet, [&t](uint32_t p, HostThread& by) {
    TapQueue& tap = *t.taps[t.tap_steering->queue_for(t.pool[p])];
    tap.push(p, &by);  // a full tap drops it
  });
  // The host transmits a connection's frames on the queue pair its flow
  // hash picks (skb_tx_hash: reciprocal_scale of the skb hash; ixgbe's XPS
  // map covers only its IRQ cores, not the backend's).
  t.host_txq = ConnectionQueues(c.flows, [&c](const FlowTuple& tuple) {
    return hash_queue(tuple, c.seed ^ 0x7478, c.nic_queues);  // "tx": a key of its own
  });
  t.tx_completion = [&t](const Packet& p) { t.nic_rx->queue(t.host_txq.of(p)).transmitted(p.bytes); };
}

void build_virtio(Topology& t) {
  const PathConfig& c = t.config;
  SplitVirtqueue::Config vq;
  vq.size = c.queue_size;
  vq.event_idx = c.event_idx;
  vq.backend = c.backend == PathBackend::kVirtioUserspace ? SplitVirtqueue::Backend::kQemu
                                                          : SplitVirtqueue::Backend::kVhost;
  VirtioNetDriver::Config driver = c.driver;
  driver.shared_vector = c.shared_vector;
  for (uint32_t i = 0; i < t.pairs(); ++i) {
    t.queues.push_back(std::make_unique<VirtioQueuePair>("vm0_q" + std::to_string(i), vq, t.rx_vector(i),
                                                         t.tx_vector(i)));
    t.drivers.push_back(std::make_unique<VirtioNetDriver>(t.sim, indexed("vm0_virtio_net", i, "_q"), nullptr,
                                                          *t.oses[i], *t.queues.back(), driver, &t.irq_os(i)));
    t.nic_drivers.push_back(t.drivers.back().get());
  }
  auto to_wire = [&t](uint32_t p) { t.to_peer->send(p); };

  if (c.backend == PathBackend::kVhostUser) {
    // OVS-DPDK: the PMDs own the physical port too; no kernel on the path.
    // A PMD per backend core: PMD k polls the guest TX queues k, k + PMDs,
    // ... and the NIC queues likewise, and fills guest RX queue k mod pairs
    // (its transmit queue id on the vhost-user port).
    build_nic_rx(t, true, core::Cycles(0), [](uint32_t, HostThread&) {});
    std::vector<VhostUserPmd::GuestQueue> queues;
    for (uint32_t i = 0; i < t.pairs(); ++i) {
      const std::string q = "vm0_q" + std::to_string(i);
      queues.push_back({t.queues[i].get(), &t.call(q + ".rx_call", t.irq_vcpu(i), t.rx_vector(i)),
                        &t.call(q + ".tx_call", t.irq_vcpu(i), t.tx_vector(i))});
    }
    const uint32_t pmds = static_cast<uint32_t>(std::max<size_t>(1, c.backend_cores.size()));
    for (uint32_t k = 0; k < pmds; ++k) {
      std::vector<VhostUserPmd::GuestQueue> polled;
      for (uint32_t i = k; i < t.pairs(); i += pmds) polled.push_back(queues[i]);
      std::vector<HostNicRx*> ports;
      for (size_t q = k; q < t.nic_rx->queues(); q += pmds) ports.push_back(&t.nic_rx->queue(q));
      t.pmds.push_back(std::make_unique<VhostUserPmd>(t.sim, indexed("pmd", k, ""), nullptr,
                                                      t.thread("pmd" + std::to_string(k), t.backend_core(k)),
                                                      std::move(polled), queues[k % t.pairs()], std::move(ports),
                                                      t.pool, c.host_net, c.pmd, to_wire));
    }
    return;
  }

  build_host_rx_to_tap(t, t.pairs());
  // A write to tap queue i records the connection's queue for the way back.
  auto to_tap = [&t](uint32_t p, uint32_t queue) {
    t.tap_steering->sent_on(t.pool[p], queue);
    t.to_peer->send(p);
  };
  if (c.backend == PathBackend::kVirtioUserspace) {
    std::vector<QemuVirtioNet::Queue> queues;
    for (uint32_t i = 0; i < t.pairs(); ++i) queues.push_back({t.queues[i].get(), &t.irq_vcpu(i), t.taps[i].get()});
    t.qemu = std::make_unique<QemuVirtioNet>(t.sim, "qemu", nullptr, t.thread("qemu_main", c.backend_core),
                                             std::move(queues), t.pool, c.host_net, c.qemu, to_tap);
    return;
  }
  for (uint32_t i = 0; i < t.pairs(); ++i) {
    // vhost-net: a device (and its worker thread) per queue pair.
    const std::string q = "vm0_q" + std::to_string(i);
    EventFd& rx_call = t.call(q + ".rx_call", t.irq_vcpu(i), t.rx_vector(i));
    EventFd& tx_call = t.call(q + ".tx_call", t.irq_vcpu(i), t.tx_vector(i));
    t.vhosts.push_back(std::make_unique<VhostNet>(
        t.sim, indexed("vhost", i, "_q"), nullptr, t.thread(indexed("vhost_worker", i, ""), t.backend_core(i)),
        *t.queues[i], rx_call, tx_call, *t.taps[i], t.pool, c.host_net, c.vhost,
        [to_tap, i](uint32_t p) { to_tap(p, i); }));
  }
}

void build_e1000(Topology& t) {
  const PathConfig& c = t.config;
  build_host_rx_to_tap(t, 1);
  t.e1000 = std::make_unique<E1000Device>(t.sim, "vm0_e1000", nullptr, t.thread("qemu_main", c.backend_core),
                                          *t.vcpus[0], kRxVector, *t.taps[0], t.pool, c.host_net, c.qemu.costs,
                                          c.e1000, [&t](uint32_t p) { t.to_peer->send(p); });
  t.e1000_driver = std::make_unique<E1000Driver>(t.sim, "vm0_e1000_driver", nullptr, *t.oses[0], *t.e1000, kRxVector,
                                                 E1000Driver::Config{c.driver.napi_budget, 16, c.driver.qdisc_len});
  t.nic_drivers.push_back(t.e1000_driver.get());
}

// Hardware queues: an SR-IOV VF's in the VM (DMA through the IOTLB,
// interrupts posted or remapped), or the host NIC's on bare metal; one per
// queue pair, each with its vector on its vCPU, the receive side spread by
// RSS over the same key and table as the host NIC's.
void build_hardware_queues(Topology& t) {
  const PathConfig& c = t.config;
  const bool vf = c.backend == PathBackend::kPassthrough;
  if (vf) t.iotlb = std::make_unique<Iotlb>(c.iotlb_entries, c.iommu_page_bytes);
  const RssTable rss = rss_table(c, {}, t.pairs());
  t.hw_steering = ConnectionQueues(c.flows, [&rss](const FlowTuple& tuple) { return rss.queue_for(tuple); });
  for (uint32_t i = 0; i < t.pairs(); ++i) {
    VCpu& vcpu = *t.vcpus[i];
    const uint32_t vector = kRxVector + 2 * i;
    NicQueue::Msi msi = [&vcpu, vector] { vcpu.raise_interrupt(vector, nullptr); };
    if (vf && !c.vtd_posted) {
      // Remapped: the host takes the MSI on the IRQ core, VFIO's handler
      // signals the eventfd and KVM's irqfd injects inline.
      EventFd& trigger = t.call(indexed("vm0_vf0.trigger", i, "_q"), vcpu, vector);
      // Each VF vector's host IRQ (and VFIO's handler) on its own IRQ core.
      const uint32_t irq_core = c.irq_cores.empty() ? c.irq_core : c.irq_cores[i % c.irq_cores.size()];
      HostThread& handler = t.thread(indexed("vfio_irq", i, ""), irq_core);
      t.vfio_bodies.push_back(std::make_unique<std::function<void()>>());
      std::function<void()>* body = t.vfio_bodies.back().get();
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
    t.hw_queues.push_back(std::make_unique<NicQueue>(t.sim, name, nullptr, c.hw_queue, t.pool, t.iotlb.get(),
                                                     *t.to_peer, msi));
    if (i == 0) {
      t.from_peer = std::make_unique<Wire>(t.sim, "wire_in", nullptr, c.wire, t.pool,
                                           [&t](uint32_t p) { t.hw_queues[t.hw_steering.of(t.pool[p])]->receive(p); });
    }
    t.hw_drivers.push_back(std::make_unique<NicDriver>(t.sim, vf ? indexed("vm0_vf_driver", i, "_q")
                                                                 : indexed("host_nic_driver", i, "_q"),
                                                       nullptr, *t.oses[i], *t.hw_queues.back(), vector, c.hw_driver));
    t.nic_drivers.push_back(t.hw_drivers.back().get());
  }
}

uint64_t counter(const core::Component& c, std::string_view stat) {
  const core::Statistic* s = c.find_stat(stat);
  const auto* counter = dynamic_cast<const core::Counter*>(s);
  return counter != nullptr ? counter->value() : 0;
}

PathResults collect(Topology& t, double wall_s) {
  const PathConfig& c = t.config;
  PathResults r;
  r.backend = std::string(backend_name(c.backend));
  r.window_s = (c.duration - c.warmup).seconds();
  r.wall_s = wall_s;
  r.events = t.sim.events_executed();
  r.fingerprint = t.sim.fingerprint().hex();
  for (size_t i = 0; i < t.flows.size(); ++i) {
    const FlowStats* f = t.flows[i].get();
    FlowResults& fr = r.flows.emplace_back();
    fr.name = c.flows[i].name;
    fr.round_trip = f->round_trip();
    fr.latency = f->latency();
    fr.packets = f->received_count();
    fr.bytes = f->received_bytes();
    fr.offered_packets = f->total_sent();
    fr.delivered_packets = f->total_received();
    fr.in_flight_packets = t.pool.in_flight(static_cast<uint32_t>(i));
    for (int place = 0; place < kDropPlaces; ++place) {  // names in enum order are sorted too
      if (const uint64_t n = t.pool.drops(static_cast<uint32_t>(i), static_cast<DropPlace>(place))) {
        fr.drops_by_place.emplace_back(std::string(drop_place_name(static_cast<DropPlace>(place))), n);
      }
    }
    std::sort(fr.drops_by_place.begin(), fr.drops_by_place.end());
    if (const auto end = f->transient().transient_end()) fr.transient_ms = (*end - core::Time::zero()).seconds() * 1e3;
    fr.still_growing = f->transient().still_rising();
    r.sent += f->sent_count();
    r.app_packets += f->received_count();
    r.app_bytes += f->received_bytes();
    r.latency.merge(f->latency());
    for (int d = 0; d < 2; ++d) {
      r.hop_packets[d] += f->hop_packets(d);
      for (int h = 0; h < FlowStats::kHops; ++h) r.hop_mean_us[d][h] += f->hop_ps(d, h);
    }
    r.round_trip = r.round_trip || f->round_trip();
  }
  for (int d = 0; d < 2; ++d) {
    for (double& h : r.hop_mean_us[d]) h = r.hop_packets[d] > 0 ? h / double(r.hop_packets[d]) * 1e-6 : 0;
  }
  for (size_t i = 0; i < t.nic_drivers.size(); ++i) {
    const core::Component& d = *t.nic_drivers[i];
    PathResults::VmQueueCounts q;
    q.vcpu_core = t.irq_vcpu(static_cast<uint32_t>(i)).thread().core().index();
    q.rx_packets = counter(d, "rx_packets");
    q.tx_packets = counter(d, "tx_packets");
    q.interrupts = counter(d, "rx_interrupts") + counter(d, "tx_interrupts") + counter(d, "interrupts");
    q.kicks = counter(d, "kicks") + counter(d, "doorbells");
    if (i < t.hw_queues.size()) q.interrupts = t.hw_queues[i]->interrupts();  // MSI-X of the VF queue
    if (t.e1000_driver) q.interrupts = t.vcpus[0]->interrupts();                // its one INTx line
    r.nic_packets += q.rx_packets + q.tx_packets;
    r.per_vm_queue.push_back(q);
  }
  for (const core::Component* comp : t.sim.components()) {
    r.drops += counter(*comp, "drops") + counter(*comp, "qdisc_drops") + counter(*comp, "socket_drops");
  }
  if (t.nic_rx) {
    for (size_t q = 0; q < t.nic_rx->queues(); ++q) {
      const HostNicRx& rx = t.nic_rx->queue(q);
      r.per_queue.push_back({counter(rx, "frames"), rx.drops(), rx.interrupts(), rx.tx_cleaned()});
    }
  } else {
    for (const auto& q : t.hw_queues) {
      r.per_queue.push_back({counter(*q, "rx_frames"), q->drops(), q->interrupts(), counter(*q, "tx_frames")});
    }
  }
  if (t.iotlb) {
    r.iotlb_hits = t.iotlb->hits();
    r.iotlb_misses = t.iotlb->misses();
  }
  for (const auto& v : t.vcpus) {
    r.exits += v->exits();
    for (int i = 0; i < kExitReasons; ++i) r.exits_by_reason[i] += v->exits(static_cast<ExitReason>(i));
    r.guest_interrupts += v->interrupts();
  }
  for (auto& th : t.threads) {
    r.host_syscalls += th->syscalls();  // QEMU's on the vCPU thread (e1000) count too
    r.wakeups += th->wakeups();
  }
  for (auto& core : t.cores) {
    r.context_switches += counter(*core, "context_switches");
    const auto u = core->usage();
    r.per_core_s.emplace_back();
    for (int i = 0; i < kCpuCategories; ++i) {
      r.per_core_s.back()[i] = u[i].seconds();
      r.cpu_s[i] += u[i].seconds();
      if (static_cast<CpuCategory>(i) != CpuCategory::kIdle) {
        r.busy_cycles += double(core->clock().to_cycles(u[i]).count());
      }
    }
  }
  return r;
}

}  // namespace

void check_path(const PathConfig& config) {
  if (config.warmup >= config.duration) throw std::invalid_argument("the warm-up must be shorter than the run");
  auto check_core = [&config](uint32_t core, const char* what) {
    if (core >= config.cores) {
      throw std::invalid_argument(std::string(what) + " on core " + std::to_string(core) + ", but the host has " +
                                  std::to_string(config.cores) + " cores");
    }
  };
  check_core(config.vcpu_core, "a vCPU");
  for (uint32_t c : config.vcpu_cores) check_core(c, "a vCPU");
  check_core(config.backend_core, "a backend thread");
  for (uint32_t c : config.backend_cores) check_core(c, "a backend thread");
  check_core(config.irq_core, "a NIC interrupt");
  for (uint32_t c : config.irq_cores) check_core(c, "a NIC interrupt");
  try {
    check_path_graph(build_path_graph(config));  // the wiring connects both ways
  } catch (const std::logic_error& e) {
    throw std::invalid_argument(e.what());
  }
}

PathResults run_path(const PathConfig& config) {
  check_path(config);
  const auto wall_start = std::chrono::steady_clock::now();
  std::unique_ptr<core::ChromeTrace> trace_file;
  if (config.trace == nullptr && !config.trace_path.empty()) {
    trace_file = std::make_unique<core::ChromeTrace>(config.trace_path, config.trace_from, config.trace_to);
  }
  core::TraceWriter* trace = config.trace != nullptr ? config.trace : trace_file.get();
  Topology t(config);
  t.sim.set_tracer(trace);
  build_common(t);
  switch (config.backend) {
    case PathBackend::kVirtioUserspace:
    case PathBackend::kVhostNet:
    case PathBackend::kVhostUser:
      build_virtio(t);
      break;
    case PathBackend::kE1000:
      build_e1000(t);
      break;
    case PathBackend::kPassthrough:
    case PathBackend::kBareMetal:
      build_hardware_queues(t);
      break;
  }
  // The run goes in slices so that progress can be reported and a cancel
  // request answered within a slice (at most 1 ms simulated); slicing does
  // not change which events run or in which order.
  const core::Duration slice =
      std::max(std::min(config.duration / 100, core::Milliseconds(1)), core::Nanoseconds(1));
  bool stopped = false;
  PathSnapshot snap{core::Time::zero(), config.duration};
  uint64_t packets_before_reset = 0, bytes_before_reset = 0;  // the flows' counts restart after the warm-up
  auto run_to = [&](core::Time until) {
    for (core::Time t_next = t.sim.now() + slice; !stopped && t.sim.now() < until; t_next = t.sim.now() + slice) {
      if (config.cancel != nullptr && config.cancel->load(std::memory_order_relaxed)) throw Cancelled();
      t.sim.run_until(std::min(t_next, until));
      if (config.progress) config.progress((t.sim.now() - core::Time::zero()).seconds() / config.duration.seconds());
      if (config.snapshot) {
        snap.now = t.sim.now();
        snap.events = t.sim.events_executed();
        snap.app_packets = packets_before_reset;
        snap.app_bytes = bytes_before_reset;
        for (const auto& f : t.flows) {
          snap.app_packets += f->received_count();
          snap.app_bytes += f->received_bytes();
        }
        config.snapshot(snap);
      }
      stopped = config.stop && config.stop(t.sim.now());
    }
  };
  run_to(core::Time::zero() + config.warmup);
  for (const auto& f : t.flows) {
    packets_before_reset += f->received_count();
    bytes_before_reset += f->received_bytes();
  }
  for (core::Component* comp : t.sim.components()) comp->reset_stats();
  run_to(core::Time::zero() + config.duration);
  t.sim.finish();
  t.sim.set_tracer(nullptr);
  if (trace) trace->close();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return collect(t, wall);
}

}  // namespace viosim::models
