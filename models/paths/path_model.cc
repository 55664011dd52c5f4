// Builds one run's Assembly (host, VM and the VM's backend), runs it and
// gathers PathResults.
#include "models/paths/path_model.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>

#include "models/paths/assembly.h"
#include "models/paths/backend.h"
#include "models/paths/path_graph.h"
#include "models/paths/run_loop.h"
#include "sim-core/chrome_trace.h"

namespace viosim::models {

namespace {

PathResults collect(Assembly& t, double wall_s) {
  const PathConfig& c = t.config;
  PathResults r;
  r.backend = std::string(backend_name(c.backend));
  r.window_s = (c.duration - c.warmup).seconds();
  r.wall_s = wall_s;
  r.events = t.sim.events_executed();
  r.fingerprint = t.sim.fingerprint().hex();
  r.wire_frames = t.to_peer->frames() + (t.to_peer1 ? t.to_peer1->frames() : 0);
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
    if (f->is_tcp()) {
      fr.tcp = true;
      fr.tcp_stats = f->tcp_stats();
      fr.payload_bytes = f->payload_bytes();
      fr.tcp_skbs = f->tcp_skbs();
    }
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
  // The host NIC's queues first, then each VM's VF queues.
  if (t.nic_rx) {
    for (size_t q = 0; q < t.nic_rx->queues(); ++q) {
      const HostNicRx& rx = t.nic_rx->queue(q);
      r.per_queue.push_back(
          {rx.counter_value("frames"), rx.drops(), rx.interrupts(), rx.tx_cleaned(), rx.gro_merged()});
    }
  }
  for (const auto& vm : t.vms) {
    PathResults::VmResults& v = r.vms.emplace_back();
    v.name = vm->config.name;
    v.backend = std::string(vm->backend.name());
    v.queues = vm->backend.queue_counts(*vm);
    for (const auto& q : v.queues) v.nic_packets += q.rx_packets + q.tx_packets;
    r.nic_packets += v.nic_packets;
    r.per_vm_queue.insert(r.per_vm_queue.end(), v.queues.begin(), v.queues.end());
    std::vector<const VCpu*> vcpus;  // those with a queue pair, then a CPU load's others
    for (const auto& vcpu : vm->vcpus) vcpus.push_back(vcpu.get());
    for (const auto& vcpu : vm->extra_vcpus) vcpus.push_back(vcpu.get());
    for (const VCpu* vcpu : vcpus) {
      v.vcpu_cores.push_back(vcpu->thread().core().index());
      v.exits += vcpu->exits();
      v.interrupts += vcpu->interrupts();
      v.ipis += vcpu->ipis_sent();
      v.preemptions += vcpu->preemptions();
      for (int i = 0; i < kExitReasons; ++i) v.exits_by_reason[i] += vcpu->exits(static_cast<ExitReason>(i));
      r.timer_interrupts += vcpu->timer_interrupts();
      r.timer_writes += vcpu->timer_writes();
      const auto u = vcpu->thread().usage();
      for (int i = 0; i < kCpuCategories; ++i) v.vcpu_cpu_s[i] += u[i].seconds();
    }
    r.exits += v.exits;
    for (int i = 0; i < kExitReasons; ++i) r.exits_by_reason[i] += v.exits_by_reason[i];
    r.guest_interrupts += v.interrupts;
    for (size_t f = 0; f < c.flows.size(); ++f) {
      const FlowConfig& fc = c.flows[f];
      const bool source = vm->index >= fc.vm && vm->index < fc.vm + fc.copies;
      const bool dest = fc.vm_to_vm() && vm->index >= fc.dst_vm && vm->index < fc.dst_vm + fc.dst_copies;
      bool crossed = false;
      for (const FlowConfig::Via& via : fc.via) crossed |= vm->index >= via.vm && vm->index < via.vm + via.copies;
      if ((source && !fc.through_vms() && !fc.p2p()) || dest || crossed) v.flows.push_back(f);
    }
    v.forwards = vm->config.forwarding != VmConfig::Forwarding::kNone;
    v.forwarded = vm->forwarded();
    v.transit = vm->transit();
    for (int place = 0; place < kDropPlaces; ++place) {
      const std::string name(drop_place_name(static_cast<DropPlace>(place)));
      if (const uint64_t n = vm->route_drops_in[place]) v.drops_in.emplace_back(name, n);
      if (const uint64_t n = vm->route_drops_out[place]) v.drops_out.emplace_back(name, n);
    }
    std::sort(v.drops_in.begin(), v.drops_in.end());
    std::sort(v.drops_out.begin(), v.drops_out.end());
    for (const auto& q : vm->hw_queues) {
      r.per_queue.push_back(
          {q->counter_value("rx_frames"), q->drops(), q->interrupts(), q->counter_value("tx_frames")});
    }
    if (vm->iotlb) {
      r.iotlb_hits += vm->iotlb->hits();
      r.iotlb_misses += vm->iotlb->misses();
    }
  }
  for (const auto& pmd : t.switch_pmds) {
    PathResults::SwitchPmd& s = r.switch_pmds.emplace_back();
    s.core = pmd->thread().core().index();
    for (const auto& q : pmd->rxqs()) s.rxqs.push_back(q.name);
    s.busy = pmd->busy_share();
    s.packets = pmd->packets();
    const uint64_t passes = pmd->busy_passes() + pmd->empty_passes();
    s.empty_poll_share = passes > 0 ? double(pmd->empty_passes()) / double(passes) : 0;
  }
  if (t.kernel_switch && t.kernel_switch->ovs()) {
    const KernelSwitch& k = *t.kernel_switch;
    PathResults::OvsKernel& o = r.ovs_kernel.emplace();
    o.hits = k.hits();
    o.upcalls = k.upcalls();
    o.upcall_drops = k.upcall_drops();
    o.installed = k.megaflows_installed();
    o.megaflows = k.megaflows();
    core::Duration busy;
    const auto u = k.handler()->usage();
    for (int i = 0; i < kCpuCategories; ++i) {
      if (static_cast<CpuCategory>(i) != CpuCategory::kIdle) busy += u[i];
    }
    o.handler_busy = r.window_s > 0 ? busy.seconds() / r.window_s : 0;
  }
  for (const core::Component* comp : t.sim.components()) {
    r.drops += comp->counter_value("drops") + comp->counter_value("qdisc_drops") + comp->counter_value("socket_drops") +
               comp->counter_value("backlog_drops");
  }
  r.dma_llc_loads = t.ddio->llc_loads();
  r.dma_dram_loads = t.ddio->dram_loads();
  for (auto& th : t.threads) {
    r.host_syscalls += th->syscalls();  // QEMU's on the vCPU thread (e1000) count too
    r.wakeups += th->wakeups();
    r.line_transfers += th->line_transfers();
  }
  for (auto& core : t.cores) {
    r.context_switches += core->counter_value("context_switches");
    const auto u = core->usage();
    r.per_core_s.emplace_back();
    r.per_core_polling_s.push_back(core->polling().seconds());
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

void check_cores(const PathConfig& config) {
  if (config.warmup >= config.duration) throw std::invalid_argument("the warm-up must be shorter than the run");
  auto check_core = [&config](uint32_t core, const char* what) {
    if (core >= config.cores) {
      throw std::invalid_argument(std::string(what) + " on core " + std::to_string(core) + ", but the host has " +
                                  std::to_string(config.cores) + " cores");
    }
  };
  for (size_t k = 0; k < config.vms.size(); ++k) {
    const VmConfig& vm = config.vms[k];
    check_core(vm.vcpu_core, "a vCPU");
    for (uint32_t c : vm.vcpu_cores) check_core(c, "a vCPU");
    for (uint32_t c : vm.extra_vcpu_cores) check_core(c, "a vCPU");
    check_core(vm.backend_core, "a backend thread");
    for (uint32_t c : vm.backend_cores) check_core(c, "a backend thread");
    backend(config.backend_of(k));  // one that exists
  }
  for (uint32_t c : config.ovs.pmd_cores) check_core(c, "an OVS-DPDK PMD thread");
  check_core(config.irq_core, "a NIC interrupt");
  for (uint32_t c : config.irq_cores) check_core(c, "a NIC interrupt");
}

// The wiring connects the application and the peer both ways.
void check_connected(const PathGraph& graph) {
  try {
    check_path_graph(graph);
  } catch (const std::logic_error& e) {
    throw std::invalid_argument(e.what());
  }
}

}  // namespace

void check_path(const PathConfig& config) {
  check_cores(config);
  check_connected(build_path_graph(config));
}

PathResults run_path(const PathConfig& config) {
  check_cores(config);
  const auto wall_start = std::chrono::steady_clock::now();
  std::unique_ptr<core::ChromeTrace> trace_file;
  if (config.trace == nullptr && !config.trace_path.empty()) {
    trace_file = std::make_unique<core::ChromeTrace>(config.trace_path, config.trace_from, config.trace_to);
  }
  core::TraceWriter* trace = config.trace != nullptr ? config.trace : trace_file.get();
  // Components trace from their construction on, so the tracer is set
  // before the assembly is built (through the simulator it makes).
  Assembly t(config, trace);
  check_connected(t.graph);
  run_sliced(t.sim, config, [&t] {
    Delivered d;
    for (const auto& f : t.flows) {
      d.packets += f->received_count();
      d.bytes += f->received_bytes();
    }
    return d;
  });
  t.sim.set_tracer(nullptr);
  if (trace) trace->close();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return collect(t, wall);
}

}  // namespace viosim::models
