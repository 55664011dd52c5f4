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
#include "models/paths/path_graph.h"
#include "sim-core/chrome_trace.h"
#include "models/traffic/flow_stats.h"

namespace viosim::models {

namespace {

constexpr uint32_t kRxVector = 35;
constexpr uint32_t kTxVector = 36;

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
  std::unique_ptr<VCpu> vcpu;
  std::unique_ptr<GuestOs> os;
  std::unique_ptr<VirtioQueuePair> queues;
  std::unique_ptr<VirtioNetDriver> driver;
  std::unique_ptr<TapQueue> tap;
  std::unique_ptr<MultiQueueRx> nic_rx;
  std::unique_ptr<EventFd> rx_call, tx_call;
  std::unique_ptr<Irqfd> rx_irqfd, tx_irqfd;
  std::unique_ptr<QemuVirtioNet> qemu;
  std::unique_ptr<VhostNet> vhost;
  std::unique_ptr<VhostUserPmd> pmd;
  std::unique_ptr<E1000Device> e1000;
  std::unique_ptr<E1000Driver> e1000_driver;
  std::unique_ptr<Iotlb> iotlb;
  std::unique_ptr<NicQueue> hw_queue;
  std::unique_ptr<NicDriver> hw_driver;
  std::unique_ptr<EventFd> vfio_trigger;
  std::unique_ptr<Irqfd> vfio_irqfd;
  std::unique_ptr<std::function<void()>> vfio_body;
  core::Component* nic_driver = nullptr;  // whichever driver the VM runs

  Core& core(uint32_t i) {
    if (i >= cores.size()) throw std::invalid_argument("core " + std::to_string(i) + " does not exist");
    return *cores[i];
  }
  HostThread& thread(const std::string& name, uint32_t core_index) {
    threads.push_back(std::make_unique<HostThread>(sim, name, nullptr, core(core_index)));
    return *threads.back();
  }
};

void build_common(Topology& t) {
  const PathConfig& c = t.config;
  for (uint32_t i = 0; i < c.cores; ++i) {
    t.cores.push_back(std::make_unique<Core>(t.sim, "core" + std::to_string(i), nullptr, c.cpu, i));
  }
  t.to_peer = std::make_unique<Wire>(t.sim, "wire_out", nullptr, c.wire, t.pool,
                                     [&t](uint32_t p) { t.peer->receive(p); });
  t.peer = std::make_unique<ExternalPeer>(t.sim, "peer", nullptr, c.peer, t.pool,
                                          [&t](uint32_t p) { t.from_peer->send(p); });
  HostThread& vcpu_thread = t.thread("vm0_vcpu0", c.vcpu_core);
  VCpu::Config vcpu = c.vcpu;
  if (c.backend == PathBackend::kBareMetal) {
    vcpu.native = true;  // the same stack on a host core
    vcpu.apicv = true;
    vcpu.halt_poll_max = core::Duration::zero();
  }
  t.vcpu = std::make_unique<VCpu>(t.sim, "vm0_vcpu0_state", nullptr, vcpu_thread, vcpu);
  t.os = std::make_unique<GuestOs>(t.sim, "vm0", nullptr, *t.vcpu, t.pool, c.guest);
  for (size_t i = 0; i < c.flows.size(); ++i) {
    const FlowConfig& f = c.flows[i];
    t.flows.push_back(std::make_unique<FlowStats>(t.sim, "flow_" + f.name, nullptr,
                                                  f.pattern == FlowConfig::Pattern::kRequestResponse));
    if (c.on_delivery) t.flows.back()->observe_deliveries(c.on_delivery);
    t.os->add_flow(static_cast<uint32_t>(i), f, *t.flows.back(), f.from_guest);
    t.peer->add_flow(static_cast<uint32_t>(i), f, *t.flows.back(), !f.from_guest);
  }
}

// The host NIC's receive queues behind RSS; in interrupt mode each with its
// softirq thread on its IRQ core, handing frames to `deliver`.
void build_nic_rx(Topology& t, bool polled, core::Cycles deliver_cost, HostNicRx::Deliver deliver) {
  const PathConfig& c = t.config;
  const RssTable rss(c.rss_key.empty() ? std::vector<uint8_t>(kDefaultRssKey.begin(), kDefaultRssKey.end()) : c.rss_key,
                     c.rss_indirection, c.rss_entries, c.nic_queues);
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

// Kernel networking in front of a tap queue: the NIC's queues with their
// interrupts and NAPI on the IRQ cores, and the bridge.
void build_host_rx_to_tap(Topology& t) {
  const PathConfig& c = t.config;
  t.tap = std::make_unique<TapQueue>(t.sim, "vm0_tap0", nullptr, t.pool);
  build_nic_rx(t, false, c.host_net.bridge_packet + c.host_net.tun_xmit_packet, [&t](uint32_t p, HostThread& by) {
    if (!t.tap->push(p, &by)) t.pool.release(p);
  });
}

void build_virtio(Topology& t) {
  const PathConfig& c = t.config;
  SplitVirtqueue::Config vq;
  vq.size = c.queue_size;
  vq.event_idx = c.event_idx;
  vq.backend = c.backend == PathBackend::kVirtioUserspace ? SplitVirtqueue::Backend::kQemu
                                                          : SplitVirtqueue::Backend::kVhost;
  t.queues = std::make_unique<VirtioQueuePair>("vm0_q0", vq, kRxVector, kTxVector);
  t.driver = std::make_unique<VirtioNetDriver>(t.sim, "vm0_virtio_net", nullptr, *t.os, *t.queues, c.driver);
  t.nic_driver = t.driver.get();
  auto to_wire = [&t](uint32_t p) { t.to_peer->send(p); };

  if (c.backend == PathBackend::kVhostUser) {
    // OVS-DPDK: the PMD owns the physical port too; no kernel on the path.
    build_nic_rx(t, true, core::Cycles(0), [](uint32_t, HostThread&) {});
    std::vector<HostNicRx*> ports;
    for (size_t q = 0; q < t.nic_rx->queues(); ++q) ports.push_back(&t.nic_rx->queue(q));
    t.rx_call = std::make_unique<EventFd>("vm0_q0.rx_call");
    t.tx_call = std::make_unique<EventFd>("vm0_q0.tx_call");
    t.rx_irqfd = std::make_unique<Irqfd>(*t.rx_call, *t.vcpu, kRxVector);
    t.tx_irqfd = std::make_unique<Irqfd>(*t.tx_call, *t.vcpu, kTxVector);
    t.pmd = std::make_unique<VhostUserPmd>(t.sim, "pmd", nullptr, t.thread("pmd0", c.backend_core), *t.queues,
                                           *t.rx_call, *t.tx_call, ports, t.pool, c.host_net, c.pmd, to_wire);
    return;
  }

  build_host_rx_to_tap(t);
  if (c.backend == PathBackend::kVirtioUserspace) {
    t.qemu = std::make_unique<QemuVirtioNet>(t.sim, "qemu", nullptr, t.thread("qemu_main", c.backend_core), *t.queues,
                                             *t.vcpu, *t.tap, t.pool, c.host_net, c.qemu, to_wire);
    return;
  }
  t.rx_call = std::make_unique<EventFd>("vm0_q0.rx_call");
  t.tx_call = std::make_unique<EventFd>("vm0_q0.tx_call");
  t.rx_irqfd = std::make_unique<Irqfd>(*t.rx_call, *t.vcpu, kRxVector);
  t.tx_irqfd = std::make_unique<Irqfd>(*t.tx_call, *t.vcpu, kTxVector);
  t.vhost = std::make_unique<VhostNet>(t.sim, "vhost", nullptr, t.thread("vhost_worker", c.backend_core), *t.queues,
                                       *t.rx_call, *t.tx_call, *t.tap, t.pool, c.host_net, c.vhost, to_wire);
}

void build_e1000(Topology& t) {
  const PathConfig& c = t.config;
  build_host_rx_to_tap(t);
  t.e1000 = std::make_unique<E1000Device>(t.sim, "vm0_e1000", nullptr, t.thread("qemu_main", c.backend_core), *t.vcpu,
                                          kRxVector, *t.tap, t.pool, c.host_net, c.qemu.costs, c.e1000,
                                          [&t](uint32_t p) { t.to_peer->send(p); });
  t.e1000_driver = std::make_unique<E1000Driver>(t.sim, "vm0_e1000_driver", nullptr, *t.os, *t.e1000, kRxVector,
                                                 E1000Driver::Config{c.driver.napi_budget, 16, c.driver.qdisc_len});
  t.nic_driver = t.e1000_driver.get();
}

// A hardware queue: an SR-IOV VF in the VM (DMA through the IOTLB,
// interrupts posted or remapped), or the host's NIC on bare metal.
void build_hardware_queue(Topology& t) {
  const PathConfig& c = t.config;
  const bool vf = c.backend == PathBackend::kPassthrough;
  if (vf) t.iotlb = std::make_unique<Iotlb>(c.iotlb_entries, c.iommu_page_bytes);
  NicQueue::Msi msi = [&t] { t.vcpu->raise_interrupt(kRxVector, nullptr); };
  if (vf && !c.vtd_posted) {
    // Remapped: the host takes the MSI on the IRQ core, VFIO's handler
    // signals the eventfd and KVM's irqfd injects inline.
    t.vfio_trigger = std::make_unique<EventFd>("vm0_vf0.trigger");
    t.vfio_irqfd = std::make_unique<Irqfd>(*t.vfio_trigger, *t.vcpu, kRxVector);
    HostThread& handler = t.thread("vfio_irq", c.irq_core);
    t.vfio_body = std::make_unique<std::function<void()>>();
    *t.vfio_body = [&t, &handler, &c] {
      handler.sleep([&t, &handler, &c] {
        handler.run(c.host_net.nic_irq, CpuCategory::kHostKernel,
                    [&t, &handler] { handler.signal_in_kernel(*t.vfio_trigger, *t.vfio_body); });
      });
    };
    handler.start(*t.vfio_body);
    msi = [&handler] { handler.wake(nullptr); };
  }
  t.hw_queue = std::make_unique<NicQueue>(t.sim, vf ? "vm0_vf0" : "nic0_queue0", nullptr, c.hw_queue, t.pool,
                                          t.iotlb.get(), *t.to_peer, msi);
  t.from_peer = std::make_unique<Wire>(t.sim, "wire_in", nullptr, c.wire, t.pool,
                                       [&t](uint32_t p) { t.hw_queue->receive(p); });
  t.hw_driver = std::make_unique<NicDriver>(t.sim, vf ? "vm0_vf_driver" : "host_nic_driver", nullptr, *t.os,
                                            *t.hw_queue, kRxVector, c.hw_driver);
  t.nic_driver = t.hw_driver.get();
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
  for (auto& f : t.flows) {
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
  if (t.nic_driver) r.nic_packets = counter(*t.nic_driver, "rx_packets") + counter(*t.nic_driver, "tx_packets");
  for (const core::Component* comp : t.sim.components()) {
    r.drops += counter(*comp, "drops") + counter(*comp, "qdisc_drops");
  }
  if (t.nic_rx) {
    for (size_t q = 0; q < t.nic_rx->queues(); ++q) {
      const HostNicRx& rx = t.nic_rx->queue(q);
      r.per_queue.push_back({counter(rx, "frames"), rx.drops(), rx.interrupts()});
    }
  } else if (t.hw_queue) {
    r.per_queue.push_back({counter(*t.hw_queue, "rx_frames"), t.hw_queue->drops(), t.hw_queue->interrupts()});
  }
  if (t.iotlb) {
    r.iotlb_hits = t.iotlb->hits();
    r.iotlb_misses = t.iotlb->misses();
  }
  r.exits = t.vcpu->exits();
  for (int i = 0; i < kExitReasons; ++i) r.exits_by_reason[i] = t.vcpu->exits(static_cast<ExitReason>(i));
  r.guest_interrupts = t.vcpu->interrupts();
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

PathResults run_path(const PathConfig& config) {
  if (config.warmup >= config.duration) throw std::invalid_argument("the warm-up must be shorter than the run");
  check_path_graph(build_path_graph(config));  // the wiring connects both ways
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
      build_hardware_queue(t);
      break;
  }
  // The run goes in slices so that progress can be reported; slicing does
  // not change which events run or in which order.
  const core::Duration slice = std::max(config.duration / 100, core::Nanoseconds(1));
  bool stopped = false;
  auto run_to = [&](core::Time until) {
    for (core::Time t_next = t.sim.now() + slice; !stopped && t.sim.now() < until; t_next = t.sim.now() + slice) {
      t.sim.run_until(std::min(t_next, until));
      if (config.progress) config.progress((t.sim.now() - core::Time::zero()).seconds() / config.duration.seconds());
      stopped = config.stop && config.stop(t.sim.now());
    }
  };
  run_to(core::Time::zero() + config.warmup);
  for (core::Component* comp : t.sim.components()) comp->reset_stats();
  run_to(core::Time::zero() + config.duration);
  t.sim.finish();
  t.sim.set_tracer(nullptr);
  if (trace) trace->close();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return collect(t, wall);
}

}  // namespace viosim::models
