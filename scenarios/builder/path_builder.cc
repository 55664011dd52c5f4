// Scenario -> PathConfig: costs, topology, NIC, peer and flows.
#include "scenarios/builder/path_builder.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <utility>

#include "models/guest/e1000_driver.h"
#include "models/paths/backend.h"
#include "models/paths/path_model.h"
#include "scenarios/loader/flow_rates.h"
#include "scenarios/loader/nic_drivers.h"
#include "scenarios/loader/sweep_expand.h"

namespace viosim::scenarios {
namespace {

using models::PathBackend;

// Converts the profile's nanoseconds to cycles at its frequency.
struct Units {
  double ghz;
  core::Cycles ns(double v) const { return core::Cycles(static_cast<int64_t>(std::llround(v * ghz))); }
  static core::Duration us(double v) { return core::Duration::from_seconds(v * 1e-6); }
  static core::Duration nsd(double v) { return core::Duration::from_seconds(v * 1e-9); }
};

}  // namespace

PathBackend model_backend(viosim::Backend b) {
  const models::Backend* found = models::find_backend(viosim::Backend_Name(b));
  if (found == nullptr) throw std::logic_error("backend " + viosim::Backend_Name(b) + " has no model");
  return found->id();
}

namespace {

// CFS's tunables as the kernel sets them at boot, or as the scenario says.
void fill_scheduler(const viosim::Host& h, models::SchedulerParams& p) {
  const models::SchedulerParams boot = models::SchedulerParams::at_boot(h.cores());
  const viosim::Scheduler& s = h.scheduler();
  auto ns = [](int64_t v) { return core::Nanoseconds(v); };
  p.latency = s.has_latency_ns() ? ns(s.latency_ns()) : boot.latency;
  p.min_granularity = s.has_min_granularity_ns() ? ns(s.min_granularity_ns()) : boot.min_granularity;
  p.wakeup_granularity = s.has_wakeup_granularity_ns() ? ns(s.wakeup_granularity_ns()) : boot.wakeup_granularity;
  p.tick = core::Duration::from_ps(1'000'000'000'000 / s.tick_hz());
}

void fill_costs(const viosim::HostCosts& h, models::PathConfig& c, models::VmConfig& vm) {
  const Units u{h.frequency_ghz()};
  // CPU and scheduler.
  c.cpu.frequency_hz = static_cast<uint64_t>(std::llround(h.frequency_ghz() * 1e9));
  c.cpu.context_switch = u.ns(h.context_switch_ns());
  c.cpu.ipi_latency = Units::nsd(h.ipi_ns());
  c.cpu.idle_exit_latency = Units::nsd(h.idle_exit_ns());
  // wakeup_ns is to the first instruction on a busy-free core: the IPI plus
  // the scheduler's path there.
  c.cpu.wakeup = u.ns(std::max(0.0, h.wakeup_ns() - h.ipi_ns()));
  c.cpu.syscall_base = u.ns(h.syscall_ns());
  c.cpu.eventfd_signal_in_kernel = u.ns(h.eventfd_signal_ns());
  c.cpu.syscall_work.fill(core::Cycles(0));
  c.cpu.syscall_work[static_cast<size_t>(models::Syscall::kEventfdWrite)] = u.ns(h.eventfd_signal_ns());
  c.cpu.syscall_work[static_cast<size_t>(models::Syscall::kPpoll)] = u.ns(h.ppoll_ns());
  c.cpu.cache.smt_transfer = Units::nsd(h.cache_line_smt_ns());
  c.cpu.cache.socket_transfer = Units::nsd(h.cache_line_socket_ns());
  c.cpu.cache.remote_transfer = Units::nsd(h.cache_line_remote_ns());
  c.cpu.cache.fill_buffers = h.line_fill_buffers();
  c.cpu.cache.llc_latency = Units::nsd(h.llc_latency_ns());
  c.cpu.cache.dram_latency = Units::nsd(h.dram_latency_ns());
  c.cpu.cache.ddio_lines = uint64_t{h.ddio_kib()} * 1024 / 64;

  // Exits: every round trip pays exit_entry_cycles (its hardware part to
  // exit/entry, the rest to KVM); the classes add to it.
  models::ExitCosts& e = vm.vcpu.exits;
  e.exit_entry = core::Cycles(std::min(h.exit_transition_cycles(), h.exit_entry_cycles()));
  const core::Cycles kvm_base(h.exit_entry_cycles() - e.exit_entry.count());
  e.handler.fill(kvm_base);
  e.handler[static_cast<size_t>(models::ExitReason::kPioFast)] = kvm_base + core::Cycles(h.io_fast_path_cycles());
  e.handler[static_cast<size_t>(models::ExitReason::kMmioFast)] = kvm_base + core::Cycles(h.io_fast_path_cycles());
  e.emulation = core::Cycles(h.emulation_cycles());
  // The userspace round trip: KVM_RUN returning and entered again is a
  // system call's worth of kernel work; the rest is QEMU's dispatch.
  const core::Cycles ioctl = std::min(u.ns(h.syscall_ns()), core::Cycles(h.userspace_exit_cycles()));
  e.userspace_kernel = ioctl;
  e.userspace_dispatch = core::Cycles(h.userspace_exit_cycles()) - ioctl;
  e.injection = u.ns(h.interrupt_injection_ns());
  e.irqfd_inject = u.ns(h.irqfd_inject_ns());
  // An x2APIC ICR write that sends a virtual IPI: the exit round trip,
  // and KVM's delivery to the target vCPU for the rest.
  e.ipi_send =
      core::Cycles(h.virtual_ipi_cycles() > h.exit_entry_cycles() ? h.virtual_ipi_cycles() - h.exit_entry_cycles() : 0);

  // Host network stack.
  models::HostNetCosts& n = c.host_net;
  n.nic_irq = u.ns(h.nic_irq_ns());
  n.napi_poll = u.ns(h.napi_poll_ns());
  n.nic_rx_packet = u.ns(h.nic_rx_packet_ns());
  n.rps_enqueue = u.ns(h.guest_rps_enqueue_ns());  // the same kernel code, on the host
  models::KernelSwitchConfig& k = c.kernel_switch;
  k.bridge_packet = u.ns(h.bridge_packet_ns());
  k.ovs_packet = u.ns(h.ovs_packet_ns());
  k.ovs_upcall = u.ns(h.ovs_upcall_ns());
  k.handler_upcall = u.ns(h.ovs_handler_upcall_ns());
  k.handler_execute = u.ns(h.ovs_handler_execute_ns());
  n.tun_xmit_packet = u.ns(h.tun_xmit_packet_ns());
  n.tun_get_user_packet = u.ns(h.tun_get_user_packet_ns());
  n.nic_xmit_packet = u.ns(h.nic_xmit_packet_ns());
  n.nic_tx_clean_packet = u.ns(h.nic_tx_clean_packet_ns());
  n.copy_bytes_per_s = static_cast<uint64_t>(h.copy_bandwidth_gb_per_s() * 1e9);
  n.gro_segment = u.ns(h.guest_gro_ns());  // the same kernel code, on the host
  n.gso_segment = u.ns(h.gso_segment_ns());

  // Guest.
  models::GuestCosts& g = vm.guest;
  g.app_send = u.ns(h.guest_app_send_ns());
  g.app_receive = u.ns(h.guest_app_receive_ns());
  g.socket_syscall = u.ns(h.guest_syscall_ns());
  g.udp_tx = u.ns(h.guest_udp_tx_ns());
  g.udp_rx = u.ns(h.guest_udp_rx_ns());
  g.tcp_rx = u.ns(h.guest_tcp_rx_ns());
  g.tcp_ack = u.ns(h.guest_tcp_ack_ns());
  g.gro = u.ns(h.guest_gro_ns());
  g.tcp_tx = u.ns(h.guest_tcp_tx_ns());
  g.gso_segment = u.ns(h.gso_segment_ns());
  g.copy_bytes_per_s = n.copy_bytes_per_s;
  g.ip_forward = u.ns(h.guest_ip_forward_ns());
  g.app_wakeup = u.ns(h.guest_wakeup_ns());
  g.irq_entry = u.ns(h.guest_irq_ns());
  // The guest's timer interrupt is an interrupt like the others.
  vm.vcpu.timer_irq = g.irq_entry;
  vm.vcpu.context_switch = c.cpu.context_switch;  // the guest's own __schedule, on the same core
  vm.vcpu.tick = u.ns(h.guest_timer_tick_ns());
  vm.vcpu.timer_program = u.ns(h.guest_timer_program_ns());
  g.napi_poll = u.ns(h.guest_napi_poll_ns());
  g.driver_tx_packet = u.ns(h.guest_driver_tx_ns());
  g.driver_tx_free = u.ns(h.guest_driver_tx_free_ns());
  g.driver_rx_packet = u.ns(h.guest_driver_rx_ns());
  g.driver_rx_refill = u.ns(h.guest_driver_refill_ns());
  g.driver_rx_buffer = u.ns(h.guest_driver_rx_buffer_ns());
  g.page_alloc = u.ns(h.guest_page_alloc_ns());
  g.rps_enqueue = u.ns(h.guest_rps_enqueue_ns());

  // Backends.
  vm.qemu.costs = {u.ns(h.qemu_dispatch_ns()), u.ns(h.ppoll_fd_ns()), u.ns(h.qemu_pop_ns()), u.ns(h.qemu_push_ns()),
                   u.ns(h.qemu_receive_ns())};
  vm.vhost.costs = {u.ns(h.vhost_work_ns()),      u.ns(h.vhost_tx_packet_ns()), u.ns(h.vhost_tx_batch_ns()),
                    u.ns(h.vhost_rx_packet_ns()), u.ns(h.vhost_rx_buffer_ns()), u.ns(h.vhost_used_flush_ns())};
  vm.poll_mode.costs = {u.ns(h.guest_pmd_burst_ns()), u.ns(h.guest_pmd_rx_packet_ns()),
                        u.ns(h.guest_pmd_tx_packet_ns()), u.ns(h.guest_driver_tx_free_ns())};
  c.ovs.pmd.costs = {u.ns(h.pmd_poll_queue_ns()),  u.ns(h.pmd_burst_ns()),         u.ns(h.pmd_copy_packet_ns()),
                     u.ns(h.pmd_copy_packet_ns()), u.ns(h.pmd_switch_packet_ns()), u.ns(h.pmd_nic_packet_ns())};
}

// A qdisc as tc sets it: the guest's on its interface, the host's on its NIC.
models::QdiscConfig qdisc_config(viosim::QdiscKind kind, uint32_t txqueuelen, const viosim::FqCodel& fq) {
  models::QdiscConfig q;
  q.kind = kind == viosim::FQ_CODEL  ? models::QdiscConfig::Kind::kFqCodel
           : kind == viosim::NOQUEUE ? models::QdiscConfig::Kind::kNoqueue
                                     : models::QdiscConfig::Kind::kPfifoFast;
  q.txqueuelen = txqueuelen;
  q.fq_limit = fq.limit();
  q.fq_flows = fq.flows();
  q.codel_target = core::Microseconds(fq.target_us());
  q.codel_interval = core::Microseconds(fq.interval_us());
  q.fq_quantum = fq.quantum();
  return q;
}

// A 40-byte Toeplitz key drawn from the scenario's seed (splitmix64), as
// Linux draws one per boot.
std::vector<uint8_t> random_rss_key(uint64_t seed) {
  std::vector<uint8_t> key;
  uint64_t x = seed ^ 0x5253534b45595f31ULL;  // "RSSKEY_1": a stream of its own
  while (key.size() < 40) {
    x += 0x9e3779b97f4a7c15ULL;
    uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    for (int b = 0; b < 8 && key.size() < 40; ++b) key.push_back(static_cast<uint8_t>(z >> (8 * b)));
  }
  return key;
}

// Ethernet + IPv4 + UDP headers and the FCS around a payload.
uint32_t frame_for_payload(uint32_t payload) { return std::max<uint32_t>(64, payload + 14 + 20 + 8 + 4); }

// The host's VMs for the VM named `name`, if one is: its copies are the
// VMs first .. first + copies - 1 of PathConfig::vms.
struct VmSlots {
  uint32_t first = 0;
  uint32_t copies = 1;
};
std::optional<VmSlots> vm_index(const viosim::Scenario& s, const std::string& name) {
  uint32_t first = 0;
  for (int v = 0; v < s.vm_size(); ++v) {
    const uint32_t copies = vm_copies(s, v);
    if (s.vm(v).name() == name) return VmSlots{first, copies};
    first += copies;
  }
  return std::nullopt;
}

models::FlowConfig build_flow(const viosim::Scenario& s, const viosim::Flow& f, const std::string& path,
                              double line_rate_bps) {
  models::FlowConfig m;
  m.name = f.name();
  const std::optional<VmSlots> src = vm_index(s, f.src());
  const std::optional<VmSlots> dst = vm_index(s, f.dst());
  const bool src_vm = src.has_value();
  const bool dst_vm = dst.has_value();
  if (src_vm && dst_vm && src->first == dst->first)
    throw NotModelled(path + ".dst", "flow \"" + f.name() + "\" stays inside one VM");
  for (const std::string& name : f.via()) {
    const std::optional<VmSlots> v = vm_index(s, name);
    if (!v)
      throw NotModelled(path + ".via",
                        "flow \"" + f.name() + "\" is routed through vm \"" + name + "\", which is not on the host");
    m.via.push_back({v->first, v->copies});
  }
  if (f.has_chain()) {
    // Chain k's i-th VM is copy i x chains + k: step i of the route is the
    // group of copies i x chains .. (i + 1) x chains - 1, connection c
    // crossing the one of its chain.
    const std::optional<VmSlots> v = vm_index(s, f.chain().vm());
    if (!v)
      throw NotModelled(path + ".chain.vm",
                        "flow \"" + f.name() + "\" chains vm \"" + f.chain().vm() + "\", which is not on the host");
    for (uint32_t i = 0; i < f.chain().length(); ++i)
      m.via.push_back({v->first + i * f.chain().chains(), f.chain().chains()});
  }
  if (!src_vm && !dst_vm && m.via.empty()) {
    if (f.src() != "external" || f.dst() != "external") {
      throw NotModelled(path, "flow \"" + f.name() + "\" touches no VM");
    }
    m.p2p_in = 0;  // P2P: in by port 0, out by port 1
  }
  m.host_end = f.src() == "host" || f.dst() == "host";
  // A routed flow's VM end, as far as its addresses go, is the first VM it
  // crosses; its connections and rate are as written (each connection
  // crosses one copy of every VM on the route).
  const VmSlots slots = src_vm ? *src : dst_vm ? *dst : m.via.empty() ? VmSlots{0, 1} : VmSlots{m.via[0].vm, 1};
  m.vm = slots.first;
  m.copies = slots.copies;
  if (src_vm && dst_vm) {  // through the host's switch
    m.dst_vm = dst->first;
    m.dst_copies = dst->copies;
  }
  if (f.protocol() == viosim::Flow::TCP) {
    // TCP so far: bulk streams and request/response between a VM and the
    // external peer, the host's process or another VM.
    const char* missing = f.has_open_loop()           ? "open-loop TCP flows"
                          : !m.via.empty() || m.p2p() ? "TCP flows through forwarding VMs or the host's switch alone"
                          : f.bidirectional()         ? "bidirectional TCP streams"
                                                      : nullptr;
    if (missing != nullptr) {
      throw NotModelled(path + ".protocol", "flow \"" + f.name() + "\": " + missing +
                                                " are not modelled yet; TCP runs between a VM and \"external\", "
                                                "\"host\" or another VM for now");
    }
  }
  m.from_guest = src_vm;
  m.tuple.src_ip = models::parse_ipv4(f.src_ip());
  m.tuple.dst_ip = models::parse_ipv4(f.dst_ip());
  m.tuple.src_port = static_cast<uint16_t>(f.src_port());
  m.tuple.dst_port = static_cast<uint16_t>(f.dst_port());
  m.tuple.has_ports = true;
  // In every copy as written: N copies take N times the connections (copy
  // j those that are j mod N), the rate and the requests in flight.
  const uint32_t n = slots.copies;
  m.connections = f.connections() * n;
  if (m.vm_to_vm() && m.connections < m.dst_copies) {
    // Connection c goes to copy c mod dst_copies: some copies would get
    // nothing, silently.
    throw NotModelled(path + ".connections",
                      "flow \"" + f.name() + "\": its " + std::to_string(m.connections) + " connection(s) reach only " +
                          std::to_string(m.connections) + " of the " + std::to_string(m.dst_copies) + " copies of vm \"" +
                          f.dst() + "\" (connection c goes to copy c mod " + std::to_string(m.dst_copies) +
                          "); give it at least " + std::to_string((m.dst_copies + n - 1) / n) + " connections");
  }
  if (f.has_request_response()) {
    const auto& rr = f.request_response();
    m.pattern = models::FlowConfig::Pattern::kRequestResponse;
    m.outstanding = rr.outstanding() * f.connections() * n;
    m.conn_outstanding = rr.outstanding();
    m.think_time = Units::us(rr.think_time_us());
    if (f.protocol() == viosim::Flow::TCP) {
      // netperf TCP_RR: messages of any size up to the schema's 1 MB, in
      // segments of the MTU's MSS (1448 B), reassembled by the stream.
      m.is_tcp = true;
      m.tcp.nodelay = rr.tcp_nodelay();
      m.tcp.slow_start_after_idle = rr.tcp_slow_start_after_idle();
      m.request_bytes = rr.request_bytes();
      m.response_bytes = rr.response_bytes();
      return m;
    }
    m.request_bytes = frame_for_payload(rr.request_bytes());
    m.response_bytes = frame_for_payload(rr.response_bytes());
    for (const auto& [bytes, field] :
         {std::pair{m.request_bytes, "request_bytes"}, std::pair{m.response_bytes, "response_bytes"}}) {
      if (bytes > 1518) {
        throw NotModelled(path + ".request_response." + field,
                          "flow \"" + f.name() + "\": a " + field +
                              " payload above 1472 B needs more than one "
                              "1518-byte frame, and UDP messages of several frames are not modelled yet "
                              "(TCP's are: protocol: TCP)");
      }
    }
    return m;
  }
  if (f.has_open_loop()) {
    const auto& ol = f.open_loop();
    m.pattern = models::FlowConfig::Pattern::kOpenLoop;
    if (ol.has_frame_mix()) {
      throw NotModelled(path + ".open_loop.frame_mix",
                        "flow \"" + f.name() + "\": frame mixes are not modelled yet; give one frame_bytes");
    }
    m.frame_bytes = ol.frame_bytes();
    m.rate_pps = n * (ol.has_rate_mbps() ? ol.rate_mbps() * 1e6 / (8.0 * m.frame_bytes) : ol.rate_pps());
    m.arrival = ol.arrival() == viosim::OpenLoop::CONSTANT ? models::FlowConfig::Arrival::kConstant
                : ol.arrival() == viosim::OpenLoop::BURSTS ? models::FlowConfig::Arrival::kBursts
                                                           : models::FlowConfig::Arrival::kPoisson;
    m.burst_packets = ol.burst_packets();
    return m;
  }
  const auto& bulk = f.bulk();
  if (f.protocol() == viosim::Flow::TCP) {
    // A TCP stream per connection: its MSS is what the frame carries after
    // Ethernet, IPv4, TCP and the timestamp option.
    m.pattern = models::FlowConfig::Pattern::kBulk;
    m.is_tcp = true;
    m.frame_bytes = bulk.frame_bytes();
    if (m.frame_bytes < models::kTcpFrameOverhead + 536) {
      throw NotModelled(path + ".bulk.frame_bytes",
                        "flow \"" + f.name() + "\": a TCP frame of " + std::to_string(m.frame_bytes) +
                            " B leaves less than the 536-byte minimum MSS after its " +
                            std::to_string(models::kTcpFrameOverhead) + " B of headers; give at least " +
                            std::to_string(models::kTcpFrameOverhead + 536));
    }
    m.tcp.mss = m.frame_bytes - models::kTcpFrameOverhead;
    m.tcp_bytes = n * bulk.total_bytes();
    return m;
  }
  // Bulk: frames back to back at the line rate, as a UDP blaster sends
  // them: the sender's CPU, the rings and the wire decide the throughput.
  m.pattern = models::FlowConfig::Pattern::kOpenLoop;
  m.arrival = models::FlowConfig::Arrival::kConstant;
  m.frame_bytes = bulk.frame_bytes();
  m.rate_pps = n * line_rate_bps / (8.0 * double(models::wire_bytes(m.frame_bytes)));
  const uint64_t payload = std::max<uint32_t>(1, m.frame_bytes - 46);
  m.max_packets = bulk.total_bytes() == 0 ? 0 : n * ((bulk.total_bytes() + payload - 1) / payload);
  return m;
}

}  // namespace

std::vector<PathBackend> compared_backends(const viosim::Scenario& s) {
  std::vector<PathBackend> out;
  for (viosim::Backend b : sweep::run_backends(s)) out.push_back(model_backend(b));
  return out;
}

models::PathConfig build_path_config(const viosim::Scenario& s, PathBackend backend) {
  if (s.vm_size() == 0) throw NotModelled("vm", "a scenario with no VM");
  models::PathConfig c;
  c.backend = backend;
  c.seed = s.seed();
  c.duration = core::Duration::from_seconds(s.run().duration_ms() * 1e-3);
  c.warmup = core::Duration::from_seconds(s.run().warmup_ms() * 1e-3);
  models::VmConfig costs;  // every VM's costs come from the host profile
  fill_costs(s.host().costs(), c, costs);
  fill_scheduler(s.host(), c.cpu.scheduler);
  // The run's backend (one of `compare`, else the first VM's) replaces
  // every VM's but those that keep theirs (nic.fixed_backend).

  // Cores: each VM's vCPUs where they are pinned; then VM by VM its
  // backend's threads on the lowest cores nobody else uses; then the NIC's
  // interrupts.
  c.cores = s.host().cores();
  c.cpu.cache.sockets = s.host().sockets();
  c.cpu.cache.threads_per_core = s.host().threads_per_core();
  std::set<uint32_t> used;
  for (const viosim::Vm& vm : s.vm()) {
    for (uint32_t p : vm.pin_cores()) used.insert(p);
  }
  // The host's RPS backlogs (host.nic.rps_cpus) have their cores to their
  // softirq: no backend thread or interrupt is placed there. A vCPU pinned
  // there is refused: the softirq would preempt it at its interrupt exits
  // (a VM exit each), which is not modelled.
  std::set<uint32_t> rps_cores;
  for (int n = 0; n < s.host().nic_size(); ++n) {
    const viosim::Nic& rps_nic = s.host().nic(n);
    if (s.vm_size() > 0 && rps_nic.name() != s.vm(0).nic().uplink()) continue;
    auto reserve = [&](const google::protobuf::RepeatedField<uint32_t>& cpus, const std::string& field) {
      for (int i = 0; i < cpus.size(); ++i) {
        const uint32_t core = cpus.Get(i);
        if (rps_cores.count(core) != 0) continue;  // another queue's map has it
        rps_cores.insert(core);
        if (!used.insert(core).second) {
          throw NotModelled(field + "[" + std::to_string(i) + "]",
                            "core " + std::to_string(core) +
                                " runs a pinned vCPU, and a host RPS backlog there is not modelled (its softirq would "
                                "preempt the vCPU at each interrupt); steer to cores no vCPU is pinned to");
        }
      }
    };
    const std::string nic_path = "host.nic[" + std::to_string(n) + "]";
    reserve(rps_nic.rps_cpus(), nic_path + ".rps_cpus");
    for (int q = 0; q < rps_nic.rx_queue_size(); ++q) {
      reserve(rps_nic.rx_queue(q).rps_cpus(), nic_path + ".rx_queue[" + std::to_string(q) + "].rps_cpus");
    }
  }
  // OVS-DPDK's PMD cores when a VM of this run is on vhost-user: the
  // host's list, else (placed with the first such VM) its backend_cores or
  // one free core.
  const viosim::OvsDpdk& ovs = s.host().ovs_dpdk();
  c.ovs.rxq_assign = ovs.rxq_assign() == viosim::OvsDpdk::ROUNDROBIN ? models::PathConfig::OvsDpdk::RxqAssign::kRoundRobin
                     : ovs.rxq_assign() == viosim::OvsDpdk::GROUP    ? models::PathConfig::OvsDpdk::RxqAssign::kGroup
                                                                     : models::PathConfig::OvsDpdk::RxqAssign::kCycles;
  bool runs_vhost_user = false;
  for (const viosim::Vm& vm : s.vm()) {
    runs_vhost_user |= (vm.nic().fixed_backend() ? model_backend(vm.nic().backend()) : backend) == PathBackend::kVhostUser;
  }
  if (runs_vhost_user) {
    for (uint32_t p : ovs.pmd_cores()) {
      c.ovs.pmd_cores.push_back(p);
      used.insert(p);
    }
  }
  std::string placing;  // the copy being placed, if a VM has several
  std::string placing_path = "host.cores";
  auto next_free = [&]() -> uint32_t {
    for (uint32_t i = 0; i < c.cores; ++i) {
      if (used.insert(i).second) return i;
    }
    throw NotModelled(placing_path, "the host's " + std::to_string(c.cores) + " cores leave none for " +
                                        (placing.empty() ? "the backends' threads and the NIC's interrupt"
                                                         : "the vCPUs and backend threads of " + placing) +
                                        "; add cores, pin fewer or run fewer copies");
  };
  const viosim::Nic* nic = &s.host().nic(0);
  for (const auto& n : s.host().nic()) {
    if (n.name() == s.vm(0).nic().uplink()) nic = &n;
  }
  c.vms.clear();
  std::optional<std::string> vhost_user_vm, tap_vm;  // the first VM of each kind
  // Each scenario VM, `count` times (copy i named NAME<i> when count > 1).
  uint32_t instances = 0;
  for (int k = 0; k < s.vm_size(); ++k) instances += vm_copies(s, k);
  for (int k = 0; k < s.vm_size(); ++k) {
    const viosim::Vm& vm = s.vm(k);
    const std::string at = "vm[" + std::to_string(k) + "]";
    const uint32_t copies = vm_copies(s, k);
    for (uint32_t copy = 0; copy < copies; ++copy) {
      const uint32_t pin0 = copy * std::max<uint32_t>(1, vm.vcpus());  // copy's first pin_cores entry
      auto pin = [&](uint32_t i) -> std::optional<uint32_t> {
        const uint64_t e = uint64_t{pin0} + i;
        if (e < static_cast<uint64_t>(vm.pin_cores_size())) return vm.pin_cores(static_cast<int>(e));
        return std::nullopt;
      };
      const bool first_copy = copy == 0;
      if (copies > 1) {
        placing = "copy " + std::to_string(copy) + " of " + std::to_string(copies) + " of vm \"" + vm.name() + "\"";
        placing_path = at + ".count";
      }
      models::VmConfig& v = c.vms.emplace_back(costs);
      v.name = copies > 1 ? vm.name() + std::to_string(copy) : vm.name();
      if (vm.nic().fixed_backend()) v.fixed_backend = model_backend(vm.nic().backend());
      const PathBackend mine = c.backend_of(c.vms.size() - 1);
      const models::BackendTraits& traits = models::backend(mine).traits();
      if (instances > 1 && traits.native()) {
        throw NotModelled(at + ".nic.backend", std::string(models::backend_name(mine)) +
                                                   " runs the applications on the host itself, in place of one VM; "
                                                   "it cannot stand for one of several VMs");
      }
      // The host NIC is either the kernel's (taps on its bridge) or DPDK's
      // (OVS-DPDK's vhost-user ports); VFs sit beside either.
      if ((traits.attachment == models::Attachment::kVhostUserPort && tap_vm) ||
          (traits.attachment == models::Attachment::kTap && vhost_user_vm)) {
        throw NotModelled(at + ".nic.backend", "vm \"" + vm.name() + "\" runs " +
                                                   std::string(models::backend_name(mine)) + " beside vm \"" +
                                                   *(vhost_user_vm ? vhost_user_vm : tap_vm) +
                                                   "\": OVS-DPDK (vhost-user) takes the host NIC from the kernel, "
                                                   "whose bridge the tap-based backends need");
      }
      if (traits.attachment == models::Attachment::kVhostUserPort && !vhost_user_vm) vhost_user_vm = vm.name();
      if (traits.attachment == models::Attachment::kTap && !tap_vm) tap_vm = vm.name();
      if (vm.nic().uplink() != s.vm(0).nic().uplink()) {
        throw NotModelled(at + ".nic.uplink",
                          "VMs on different uplink NICs are not modelled yet; give every VM "
                          "the same uplink");
      }
      // A poll-mode VNF: vCPU 0 runs testpmd's main lcore (idle), vCPU
      // i + 1 the forwarding lcore of queue pair i.
      const bool poll_mode = vm.has_forward() && vm.forward().mode() == viosim::Forwarder::POLL_MODE;
      const uint32_t lcore0 = poll_mode ? 1 : 0;
      if (vm.has_forward()) {
        v.forwarding = poll_mode ? models::VmConfig::Forwarding::kPollMode : models::VmConfig::Forwarding::kKernel;
        v.poll_mode.burst = vm.forward().burst();
      }
      v.vcpu_core = pin(lcore0) ? *pin(lcore0) : next_free();
      used.insert(v.vcpu_core);
      const bool switch_port = traits.attachment == models::Attachment::kVhostUserPort;
      if (switch_port && !c.ovs.pmd_cores.empty()) {
        v.backend_core = c.ovs.pmd_cores[0];  // its threads are the switch's
      } else {
        v.backend_core = first_copy && vm.nic().backend_cores_size() > 0 ? vm.nic().backend_cores(0) : next_free();
        used.insert(v.backend_core);
      }
      // Multi-queue: vCPU i where pin_cores says (else on the lowest free
      // cores), one queue pair per vCPU up to the device's queues (the guest
      // driver's min(online CPUs, max queue pairs); E1000 has one), and the
      // backend's threads: the listed cores, or for vhost-net a free core for
      // each queue pair's worker, as the scheduler would spread them.
      const uint32_t vcpus = std::max<uint32_t>(1, vm.vcpus());
      v.queue_pairs =
          traits.one_queue ? 1 : std::min(std::max(vcpus - lcore0, 1u), std::max<uint32_t>(1, vm.nic().queues()));
      v.vcpu_cores.push_back(v.vcpu_core);
      for (uint32_t i = 1; i < v.queue_pairs; ++i) {
        v.vcpu_cores.push_back(pin(i + lcore0) ? *pin(i + lcore0) : next_free());
      }
      if (vm.has_cpu_load()) {
        // A CPU-bound VM loads every vCPU, those without a queue pair too.
        v.cpu_load = models::VmConfig::Load{Units::us(vm.cpu_load().busy_us()), Units::us(vm.cpu_load().idle_us())};
      }
      for (uint32_t a : vm.guest().app_vcpus()) v.app_vcpus.push_back(a);
      // RPS may steer what the kernel receives to a vCPU that polls no
      // queue: its backlog needs it (not in a poll-mode guest, nor in a VM
      // no frame enters, where the validator warns the maps are idle).
      bool rps_beyond_queues = false;
      if (!poll_mode && frames_cross_vm(s, vm, /*into=*/true)) {
        for (uint32_t cpu : vm.guest().rps_cpus()) rps_beyond_queues = rps_beyond_queues || cpu >= v.queue_pairs;
        for (const viosim::RxQueue& q : vm.guest().rx_queue()) {
          for (uint32_t cpu : q.rps_cpus()) rps_beyond_queues = rps_beyond_queues || cpu >= v.queue_pairs;
        }
      }
      if (rps_beyond_queues && v.app_vcpus.empty() && !vm.has_forward()) {
        // The applications become a thread on each queue pair's vCPU, as
        // app_vcpus listing those makes them: what a vCPU without a queue
        // takes from its backlog reaches them through their sockets. Each
        // thread owns its connections (SO_REUSEPORT), so a packet that
        // came in on one queue may wake the thread of another.
        for (uint32_t i = 0; i < v.queue_pairs; ++i) v.app_vcpus.push_back(i);
      }
      if (vm.has_cpu_load() || !v.app_vcpus.empty() || rps_beyond_queues) {
        for (uint32_t i = v.queue_pairs; i < vcpus; ++i) v.extra_vcpu_cores.push_back(pin(i) ? *pin(i) : next_free());
      }
      if (first_copy) {
        for (uint32_t b : vm.nic().backend_cores()) v.backend_cores.push_back(b);
      }
      if (v.backend_cores.empty()) {
        v.backend_cores.push_back(v.backend_core);
        for (uint32_t i = 1; traits.worker_per_queue && i < v.queue_pairs; ++i) v.backend_cores.push_back(next_free());
      }
      for (uint32_t b : v.backend_cores) {
        if (rps_cores.count(b) != 0) {
          throw NotModelled(at + ".nic.backend_cores",
                            "core " + std::to_string(b) +
                                " takes a host RPS backlog (host.nic.rps_cpus), and its softirq sharing the core with "
                                "a backend thread is not modelled; use other cores for one or the other");
        }
        used.insert(b);
      }
      if (switch_port && c.ovs.pmd_cores.empty()) c.ovs.pmd_cores = v.backend_cores;  // the first vhost-user VM's
      const uint32_t vectors = vm.nic().has_vectors() ? vm.nic().vectors() : 2 * vm.nic().queues() + 2;
      // virtnet_find_vqs asks for a vector per virtqueue of every queue pair
      // the device has (active or not) plus the config vector.
      v.shared_vector = traits.virtio && vectors < 2 * vm.nic().queues() + 1;

      // The VM.
      v.queue_size = static_cast<uint16_t>(vm.nic().queue_size());
      v.event_idx = vm.nic().features().event_idx();
      v.packed_ring = vm.nic().features().ring_packed();
      v.in_order = vm.nic().features().in_order();
      v.mrg_rxbuf = vm.nic().features().mrg_rxbuf();
      v.guest_tso4 = vm.nic().features().guest_tso4();
      v.host_tso4 = vm.nic().features().host_tso4();
      v.vhost.busy_poll = Units::us(vm.nic().busy_poll_us());
      v.vcpu.apicv = vm.interrupts().apicv();
      v.vcpu.ipiv = vm.interrupts().ipi_virtualization();
      v.vcpu.hz = vm.guest().hz();
      v.vcpu.guest_cpus = vcpus;
      v.vtd_posted = vm.interrupts().vtd_posted();
      v.page_per_vq = vm.nic().page_per_vq();
      v.vcpu.halt_poll_max = Units::nsd(vm.halt_polling().halt_poll_ns());
      v.vcpu.halt_poll_grow = vm.halt_polling().grow();
      v.vcpu.halt_poll_grow_start = Units::nsd(vm.halt_polling().grow_start_ns());
      v.vcpu.halt_poll_shrink = vm.halt_polling().shrink();
      if (vm.guest().idle_driver() == viosim::Guest::HALTPOLL) {
        // The guest polls, and turns KVM's halt polling off.
        v.vcpu.guest_halt_poll_max = Units::nsd(vm.guest().guest_halt_poll_ns());
        v.vcpu.halt_poll_max = core::Duration::zero();
      }
      // A small datagram's truesize: the driver's receive buffer (virtio-net's
      // mergeable buffer for a 1500-byte MTU is 1536 B; e1000's rx_buffer_len
      // and ixgbe's half-page buffers are 2048 B) plus the sk_buff (256 B).
      v.socket.rcvbuf_bytes = vm.guest().rmem_default_bytes();
      v.socket.busy_poll = core::Microseconds(vm.guest().socket_busy_poll_us());
      // The kernel builds rps_map from the cpumask: ascending CPUs.
      for (uint32_t cpu : vm.guest().rps_cpus()) v.rps.cpus.push_back(cpu);
      std::sort(v.rps.cpus.begin(), v.rps.cpus.end());
      v.rps.sock_flow_entries = vm.guest().rps_sock_flow_entries();
      v.rps.flow_cnt = vm.guest().rps_flow_cnt();
      v.rps.max_backlog = vm.guest().netdev_max_backlog();
      for (const viosim::RxQueue& q : vm.guest().rx_queue()) {
        models::RpsConfig::Queue& rq = v.rps.queues.emplace_back();
        rq.cpus.assign(q.rps_cpus().begin(), q.rps_cpus().end());
        std::sort(rq.cpus.begin(), rq.cpus.end());
        rq.flow_cnt = q.rps_flow_cnt();
      }
      v.rps.flow_limit_cpus.assign(vm.guest().flow_limit_cpus().begin(), vm.guest().flow_limit_cpus().end());
      v.rps.flow_limit_table_len = vm.guest().flow_limit_table_len();
      for (const viosim::XpsQueue& q : vm.guest().xps()) v.xps.emplace_back(q.cpus().begin(), q.cpus().end());
      const viosim::Guest& g = vm.guest();
      v.qdisc = qdisc_config(g.qdisc(), g.txqueuelen(), g.fq_codel());
      v.bql = g.bql();
      v.driver.napi_tx = vm.guest().virtio_net_napi_tx();
      v.gro = g.gro();
      const uint32_t throttle = vm.guest().e1000_interrupt_throttle_rate();
      v.e1000_itr_setting = models::E1000Driver::kept_setting(throttle);
      v.e1000.itr = models::E1000Driver::first_itr(throttle);
      v.socket.truesize = (traits.virtio ? 1536 : 2048) + 256;
      // Ring sizes: the VM's queue_size for its emulated or VF rings; the host
      // NIC's own rings on bare metal.
      v.e1000.rx_ring = v.e1000.tx_ring = vm.nic().queue_size();
      v.hw_queue.rx_ring = traits.host_nic_rings ? nic->rx_ring_size() : vm.nic().queue_size();
      v.hw_queue.tx_ring = traits.host_nic_rings ? nic->tx_ring_size() : vm.nic().queue_size();
    }
  }
  placing.clear();
  placing_path = "host.cores";
  c.irq_core = next_free();
  // The host NIC's queues: one vector each, spread over the cores nobody
  // else uses, starting with the IRQ core (wrapping when there are fewer).
  c.irq_cores.push_back(c.irq_core);

  // The host NIC the VMs' traffic crosses, its link and the peer.
  c.nic_queues = nic->queues();
  for (uint32_t i = 1; i < c.nic_queues; ++i) {
    bool found = false;
    for (uint32_t core = 0; core < c.cores && !found; ++core) {
      if (used.insert(core).second) {
        c.irq_cores.push_back(core);
        found = true;
      }
    }
    if (!found) break;  // the rest share the IRQ cores already chosen
  }
  // The kernel's switch of the tap-based VMs; OVS's handler thread on the
  // NIC's first interrupt core unless placed.
  const viosim::KernelSwitch& ks = s.host().kernel_switch();
  c.kernel_switch.kind = ks.kind() == viosim::KernelSwitch::OVS ? models::KernelSwitchConfig::Kind::kOvs
                                                                 : models::KernelSwitchConfig::Kind::kBridge;
  c.kernel_switch.megaflow = ks.megaflow() == viosim::KernelSwitch::CONNECTION
                                 ? models::KernelSwitchConfig::Megaflow::kConnection
                                 : models::KernelSwitchConfig::Megaflow::kPorts;
  c.kernel_switch.max_idle = core::Milliseconds(ks.max_idle_ms());
  c.handler_core = ks.has_handler_core() ? ks.handler_core() : c.irq_core;
  if (c.kernel_switch.kind == models::KernelSwitchConfig::Kind::kOvs) used.insert(c.handler_core);
  c.rss_key =
      nic->rss().key_hex() == "random" ? random_rss_key(s.seed()) : models::parse_hex_bytes(nic->rss().key_hex());
  c.rss_entries = nic->rss().indirection_entries();
  for (uint32_t q : nic->rss().indirection_table()) c.rss_indirection.push_back(static_cast<uint16_t>(q));
  c.wire.line_rate_bps = static_cast<uint64_t>(nic->line_rate_gbps() * 1e9);
  c.wire.ring_size = nic->tx_ring_size();
  c.nic_tx.tx_ring = nic->tx_ring_size();
  c.nic_tx.dma_latency = Units::nsd(s.host().costs().pcie_dma_read_ns());
  c.nic_tx.qdisc = qdisc_config(nic->qdisc(), nic->txqueuelen(), nic->fq_codel());
  c.nic_tx.qdisc.drop_place = models::DropPlace::kHostQdisc;
  c.nic_tx.bql = host_bql(*nic);
  // The kernel builds each queue's rps_map from its cpumask: ascending
  // cores (kept free of other threads above).
  std::set<uint32_t> backlog_cores;
  for (uint32_t q = 0; q < c.nic_queues; ++q) {
    std::vector<uint32_t> map;
    if (nic->rps_cpus_size() > 0) {
      map.assign(nic->rps_cpus().begin(), nic->rps_cpus().end());
    } else if (q < static_cast<uint32_t>(nic->rx_queue_size())) {
      map.assign(nic->rx_queue(q).rps_cpus().begin(), nic->rx_queue(q).rps_cpus().end());
    }
    std::sort(map.begin(), map.end());
    backlog_cores.insert(map.begin(), map.end());
    c.host_rps_maps.push_back(std::move(map));
  }
  c.host_rps_cpus.assign(backlog_cores.begin(), backlog_cores.end());
  c.host_max_backlog = s.host().netdev_max_backlog();
  c.wire.propagation = Units::nsd(s.external().propagation_ns());
  c.nic.ring_size = nic->rx_ring_size();
  c.nic.gro = nic->gro();
  // Moderation: the driver class's, from its ethtool -C settings; its
  // adaptive algorithms count jiffies of the host's HZ.
  models::NicCoalescing coalescing = coalescing_of(*nic);
  coalescing.jiffy = core::Duration::from_ps(1'000'000'000'000 / s.host().scheduler().tick_hz());
  c.nic.moderation = models::driver_moderation(driver_kind(nic->driver()), coalescing);
  c.nic.jiffy = coalescing.jiffy;  // GRO's flush at a poll that used its weight
  // A VF is a slice of the same NIC and bare metal drives the NIC itself:
  // their queues moderate as the NIC's do, and fetch descriptors over PCIe.
  for (size_t k = 0; k < c.vms.size(); ++k) {
    models::VmConfig& v = c.vms[k];
    // A VF's driver (the class's VF driver) runs in the guest, on the guest
    // kernel's jiffies.
    models::NicCoalescing vf = coalescing;
    if (c.backend_of(k) != models::PathBackend::kBareMetal) {
      vf.vf = true;
      if (v.vcpu.hz > 0) vf.jiffy = core::Duration::from_ps(1'000'000'000'000 / v.vcpu.hz);
    }
    v.hw_queue.moderation = models::driver_moderation(driver_kind(nic->driver()), vf);
    v.hw_queue.dma_latency = Units::nsd(s.host().costs().pcie_dma_read_ns());
    v.hw_queue.iotlb_miss = Units::nsd(s.host().costs().iotlb_miss_ns());
  }
  c.peer.rx_latency = Units::us(s.external().rx_latency_us());
  c.peer.tx_latency = Units::us(s.external().tx_latency_us());

  for (int i = 0; i < s.traffic().flow_size(); ++i) {
    const viosim::Flow& f = s.traffic().flow(i);
    const std::string path = "traffic.flow[" + std::to_string(i) + "]";
    c.flows.push_back(build_flow(s, f, path, double(c.wire.line_rate_bps)));
    if (c.flows.back().p2p()) {
      // P2P goes through the host's switch: the kernel's (a VM on a tap)
      // or OVS-DPDK (a vhost-user VM), whichever owns the NIC.
      bool has_switch = false;
      std::set<std::string> backends;
      for (size_t k = 0; k < c.vms.size(); ++k) {
        const models::Attachment a = models::backend(c.backend_of(k)).traits().attachment;
        has_switch |= a == models::Attachment::kTap || a == models::Attachment::kVhostUserPort;
        backends.insert(std::string(models::backend_name(c.backend_of(k))));
      }
      if (!has_switch) {
        std::string names;
        for (const std::string& b : backends) names += (names.empty() ? "" : ", ") + b;
        throw NotModelled(path, "flow \"" + f.name() + "\" is P2P, through the host's switch, but this run's VMs (" +
                                    names +
                                    ") put none on the NIC: the kernel's bridge comes with a tap-based VM, "
                                    "OVS-DPDK with a vhost-user one");
      }
    }
    if (c.flows.back().host_end) {
      // The host's stack meets a VM at its tap, on the kernel's switch.
      const models::FlowConfig& m = c.flows.back();
      for (uint32_t k = 0; k < m.copies; ++k) {
        const models::PathBackend b = c.backend_of(m.vm + k);
        if (models::backend(b).traits().attachment != models::Attachment::kTap) {
          throw NotModelled(path + (f.src() == "host" ? ".src" : ".dst"),
                            "flow \"" + f.name() + "\": a process on the host reaches a VM through the kernel's "
                            "switch and the VM's tap; " + std::string(models::backend_name(b)) +
                            " has none (tap-based backends: E1000, VIRTIO_USERSPACE, VHOST_NET)");
        }
      }
      if (!c.host_app && s.host().has_process_core()) {
        c.host_app = s.host().process_core();
        if (rps_cores.count(*c.host_app) != 0) {
          throw NotModelled("host.process_core", "core " + std::to_string(*c.host_app) +
                                                     " takes a host RPS backlog (host.nic.rps_cpus), and its softirq "
                                                     "sharing the core with the host's process is not modelled; use "
                                                     "another core");
        }
      }
      if (!c.host_app) {
        // The process runs on a core nobody uses, else beside the NIC's
        // interrupts (sharing it as the scheduler has them).
        c.host_app = c.irq_core;
        for (uint32_t core = 0; core < c.cores; ++core) {
          if (used.insert(core).second) {
            c.host_app = core;
            break;
          }
        }
      }
    }
    if (f.bidirectional()) {
      // The same load the other way: its own flow, the 4-tuple mirrored.
      models::FlowConfig back = c.flows.back();
      back.name = f.name() + " (reverse)";
      if (back.p2p()) {
        back.p2p_in = 1;  // in by port 1, out by port 0
      } else if (back.through_vms()) {
        std::reverse(back.via.begin(), back.via.end());  // the route backwards
        back.vm = back.via[0].vm;
      } else if (back.vm_to_vm()) {
        std::swap(back.vm, back.dst_vm);  // from the other VM
        std::swap(back.copies, back.dst_copies);
      } else {
        back.from_guest = !back.from_guest;
      }
      std::swap(back.tuple.src_ip, back.tuple.dst_ip);
      std::swap(back.tuple.src_port, back.tuple.dst_port);
      c.flows.push_back(back);
    }
  }
  models::check_path(c);
  return c;
}

}  // namespace viosim::scenarios
