// Assembles host, VM, backend, NIC, wire, peer and flows for one backend.
#include "models/paths/path_model.h"

#include <chrono>
#include <memory>
#include <stdexcept>

#include "models/guest/guest_os.h"
#include "models/guest/virtio_net_driver.h"
#include "models/host/host_thread.h"
#include "models/kvm/irqfd.h"
#include "models/net/tap.h"
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
  std::unique_ptr<HostNicRx> nic_rx;
  std::unique_ptr<EventFd> rx_call, tx_call;
  std::unique_ptr<Irqfd> rx_irqfd, tx_irqfd;
  std::unique_ptr<QemuVirtioNet> qemu;
  std::unique_ptr<VhostNet> vhost;
  std::unique_ptr<VhostUserPmd> pmd;

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
  t.vcpu = std::make_unique<VCpu>(t.sim, "vm0_vcpu0_state", nullptr, vcpu_thread, c.vcpu);
  t.os = std::make_unique<GuestOs>(t.sim, "vm0", nullptr, *t.vcpu, t.pool, c.guest);
  for (size_t i = 0; i < c.flows.size(); ++i) {
    const FlowConfig& f = c.flows[i];
    t.flows.push_back(std::make_unique<FlowStats>(t.sim, "flow_" + f.name, nullptr,
                                                  f.pattern == FlowConfig::Pattern::kRequestResponse));
    t.os->add_flow(static_cast<uint32_t>(i), f, *t.flows.back(), f.from_guest);
    t.peer->add_flow(static_cast<uint32_t>(i), f, *t.flows.back(), !f.from_guest);
  }
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
  auto to_wire = [&t](uint32_t p) { t.to_peer->send(p); };

  if (c.backend == PathBackend::kVhostUser) {
    // OVS-DPDK: the PMD owns the physical port too; no kernel on the path.
    t.nic_rx = std::make_unique<HostNicRx>(t.sim, "nic0_rx", nullptr, c.nic, c.host_net, t.pool, nullptr,
                                           core::Cycles(0), [](uint32_t, HostThread&) {});
    t.from_peer = std::make_unique<Wire>(t.sim, "wire_in", nullptr, c.wire, t.pool,
                                         [&t](uint32_t p) { t.nic_rx->receive(p); });
    t.rx_call = std::make_unique<EventFd>("vm0_q0.rx_call");
    t.tx_call = std::make_unique<EventFd>("vm0_q0.tx_call");
    t.rx_irqfd = std::make_unique<Irqfd>(*t.rx_call, *t.vcpu, kRxVector);
    t.tx_irqfd = std::make_unique<Irqfd>(*t.tx_call, *t.vcpu, kTxVector);
    t.pmd = std::make_unique<VhostUserPmd>(t.sim, "pmd", nullptr, t.thread("pmd0", c.backend_core), *t.queues,
                                           *t.rx_call, *t.tx_call, *t.nic_rx, t.pool, c.host_net, c.pmd, to_wire);
    return;
  }

  // Kernel networking: NIC interrupt and NAPI on the IRQ core, the bridge,
  // and the VM's tap queue.
  t.tap = std::make_unique<TapQueue>(t.sim, "vm0_tap0", nullptr);
  HostThread& softirq = t.thread("softirq" + std::to_string(c.irq_core), c.irq_core);
  const core::Cycles deliver_cost = c.host_net.bridge_packet + c.host_net.tun_xmit_packet;
  t.nic_rx = std::make_unique<HostNicRx>(t.sim, "nic0_rx", nullptr, c.nic, c.host_net, t.pool, &softirq, deliver_cost,
                                         [&t](uint32_t p, HostThread& by) {
                                           if (!t.tap->push(p, &by)) t.pool.release(p);
                                         });
  t.from_peer = std::make_unique<Wire>(t.sim, "wire_in", nullptr, c.wire, t.pool,
                                       [&t](uint32_t p) { t.nic_rx->receive(p); });
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
    r.app_packets += f->received_count();
    r.app_bytes += f->received_bytes();
    r.latency.merge(f->latency());
    r.round_trip = r.round_trip || f->round_trip();
  }
  if (t.driver) r.nic_packets = counter(*t.driver, "rx_packets") + counter(*t.driver, "tx_packets");
  for (const core::Component* comp : t.sim.components()) {
    r.drops += counter(*comp, "drops") + counter(*comp, "qdisc_drops");
  }
  r.exits = t.vcpu->exits();
  for (int i = 0; i < kExitReasons; ++i) r.exits_by_reason[i] = t.vcpu->exits(static_cast<ExitReason>(i));
  r.guest_interrupts = t.vcpu->interrupts();
  for (auto& th : t.threads) {
    if (th->name() != "vm0_vcpu0") r.host_syscalls += th->syscalls();  // the host side, not the vCPU
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
  switch (config.backend) {
    case PathBackend::kVirtioUserspace:
    case PathBackend::kVhostNet:
    case PathBackend::kVhostUser:
      break;
    default:
      throw std::invalid_argument("the " + std::string(backend_name(config.backend)) + " path is not modelled yet");
  }
  if (config.warmup >= config.duration) throw std::invalid_argument("the warm-up must be shorter than the run");
  const auto wall_start = std::chrono::steady_clock::now();
  Topology t(config);
  build_common(t);
  build_virtio(t);
  t.sim.run_until(core::Time::zero() + config.warmup);
  for (core::Component* comp : t.sim.components()) comp->reset_stats();
  t.sim.run_until(core::Time::zero() + config.duration);
  t.sim.finish();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return collect(t, wall);
}

}  // namespace viosim::models
