// The rules of no_effect.h. A rule warns only when the field holds a value
// other than its default, so a resolved scenario (every default written
// out) loads without warnings.
#include "scenarios/loader/no_effect.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <string>

#include "models/paths/backend.h"
#include "scenarios/loader/flow_rates.h"
#include "scenarios/loader/nic_drivers.h"
#include "scenarios/loader/resolve.h"
#include "scenarios/loader/sweep_expand.h"

namespace viosim::scenarios {
namespace {

bool is_virtio(viosim::Backend b) {
  const models::Backend* model = models::find_backend(viosim::Backend_Name(b));
  return model != nullptr && model->traits().virtio;
}

// Whether the field is set and differs from its value in `defaults`.
template <typename Message>
bool non_default(const Message& m, const Message& defaults, const char* name) {
  const auto* field = Message::descriptor()->FindFieldByName(name);
  const auto* reflection = m.GetReflection();
  if (!reflection->HasField(m, field)) return false;
  switch (field->cpp_type()) {
    case google::protobuf::FieldDescriptor::CPPTYPE_UINT32:
      return reflection->GetUInt32(m, field) != reflection->GetUInt32(defaults, field);
    case google::protobuf::FieldDescriptor::CPPTYPE_UINT64:
      return reflection->GetUInt64(m, field) != reflection->GetUInt64(defaults, field);
    case google::protobuf::FieldDescriptor::CPPTYPE_BOOL:
      return reflection->GetBool(m, field) != reflection->GetBool(defaults, field);
    case google::protobuf::FieldDescriptor::CPPTYPE_DOUBLE:
      return reflection->GetDouble(m, field) != reflection->GetDouble(defaults, field);
    case google::protobuf::FieldDescriptor::CPPTYPE_ENUM:
      return reflection->GetEnumValue(m, field) != reflection->GetEnumValue(defaults, field);
    default:
      return true;
  }
}

// Whether the field is set and differs from its schema default.
template <typename Message>
bool non_default(const Message& m, const char* name) {
  return non_default(m, Message(), name);
}

// Whether a field (a scalar or a list) holds something other than its
// default.
template <typename Message>
bool is_set(const Message& m, const char* name) {
  const auto* field = Message::descriptor()->FindFieldByName(name);
  if (field->is_repeated()) return m.GetReflection()->FieldSize(m, field) > 0;
  return non_default(m, name);
}

// Whether a sweep axis varies a field whose path holds `name` (then what
// it decides may differ from point to point).
bool sweep_varies(const viosim::Scenario& s, const char* name) {
  for (const viosim::Axis& axis : s.sweep().axis()) {
    if (axis.field().find(name) != std::string::npos) return true;
  }
  return false;
}

// Whether a flow starts or ends in the VM (in each of its copies).
bool has_flows(const viosim::Scenario& s, const viosim::Vm& vm) {
  for (const viosim::Flow& f : s.traffic().flow()) {
    if (f.src() == vm.name() || f.dst() == vm.name()) return true;
  }
  return false;
}

// Whether a sweep may change which way a flow's frames go (its ends, or
// `bidirectional`): then no setting is idle for want of a direction.
bool sweep_varies_directions(const viosim::Scenario& s) {
  return sweep_varies(s, "bidirectional") || sweep_varies(s, "].src") || sweep_varies(s, "].dst");
}

// Whether frames of some flow come in from the wire through `nic`
// (`in`) or go out to it.
bool frames_cross_nic(const viosim::Scenario& s, const viosim::Nic& nic, bool in) {
  for (const viosim::Flow& f : s.traffic().flow()) {
    const viosim::Nic* up = flow_uplink(s, f);
    if (up == nullptr || up->name() != nic.name()) continue;
    const bool from_wire = f.src() == kExternal;
    const bool to_wire = f.dst() == kExternal;
    if (in ? (from_wire || (two_way(f) && to_wire)) : (to_wire || (two_way(f) && from_wire))) return true;
  }
  return false;
}

void check_coalescing(const viosim::Scenario& s, Issues* issues) {
  // A sweep of adaptive may turn it off at some point.
  if (sweep_varies(s, "coalescing.adaptive")) return;
  for (int n = 0; n < s.host().nic_size(); ++n) {
    const viosim::Nic& nic = s.host().nic(n);
    const viosim::Coalescing& c = nic.coalescing();
    if (!c.adaptive()) continue;
    // A resolved scenario leaves both unset (the driver's defaults apply),
    // so a value here is the scenario's own.
    const models::NicDriverFacts& facts = models::nic_driver_facts(driver_kind(nic.driver()));
    const std::string path = at("host.nic", n) + ".coalescing";
    const std::string why = " has no effect with adaptive: true (" + std::string(facts.driver) +
                            "'s adaptive moderation sets its own); set adaptive: false to use it";
    if (c.has_rx_usecs()) issues->push_back({path + ".rx_usecs", "rx_usecs" + why});
    if (c.has_rx_frames()) issues->push_back({path + ".rx_frames", "rx_frames" + why});
  }
}

void check_unused_nics(const viosim::Scenario& s, Issues* issues) {
  std::set<std::string> uplinks;
  for (const viosim::Vm& vm : s.vm()) uplinks.insert(vm.nic().uplink());
  for (int n = 0; n < s.host().nic_size(); ++n) {
    if (uplinks.count(s.host().nic(n).name()) == 0) {
      issues->push_back({at("host.nic", n), "nic \"" + s.host().nic(n).name() +
                                                "\" is no VM's uplink, so nothing crosses it and its settings have "
                                                "no effect"});
    }
  }
  // A second port carries only P2P flows (external to external through
  // no VM).
  bool p2p = false;
  for (const viosim::Flow& f : s.traffic().flow()) {
    p2p |= is_p2p(f);
  }
  for (int n = 0; n < s.host().nic_size() && !p2p; ++n) {
    if (non_default(s.host().nic(n), "ports")) {
      issues->push_back({at("host.nic", n) + ".ports",
                         "ports has no effect: no flow is P2P (from \"external\" to "
                         "\"external\" through no VM), and the VMs use port 0"});
    }
  }
}

// A VM's interrupt setting that is not what its host offers (the default
// the resolver fills in).
bool interrupts_non_default(const viosim::Scenario& s, const viosim::Vm& vm, const char* name) {
  return non_default(vm.interrupts(), default_interrupts(s.host().virtualization(), vm.interrupts().apicv()), name);
}

// Whether a sweep axis varies the backends (then any backend's field may
// matter at some point).
bool sweep_varies_backends(const viosim::Scenario& s) { return sweep_varies(s, "backend"); }

// Whether a sweep axis varies a host NIC's field named `name` (a sweep of
// the guest's field of that name does not count).
bool sweep_varies_host_nic(const viosim::Scenario& s, const char* name) {
  for (const viosim::Axis& axis : s.sweep().axis()) {
    if (axis.field().rfind("host.nic", 0) == 0 && axis.field().find(name) != std::string::npos) return true;
  }
  return false;
}

// The backends that attach to a tap on the host kernel's switch.
bool tap_based(viosim::Backend b) {
  return b == viosim::E1000 || b == viosim::VIRTIO_USERSPACE || b == viosim::VHOST_NET;
}

constexpr const char* kFqCodelFields[] = {"limit", "flows", "target_us", "interval_us", "quantum"};

// The guest's qdisc and BQL: the kernel's transmit path, which a poll-mode
// VNF never takes; each qdisc's own parameters; BQL where no driver that
// runs reports completions to it.
void check_qdisc_fields(const viosim::Scenario& s, int v, const std::vector<viosim::Backend>& backends, bool poll_mode,
                        Issues* issues) {
  const viosim::Guest& g = s.vm(v).guest();
  const std::string guest = at("vm", v) + ".guest";
  if (poll_mode) {
    for (const char* name : {"qdisc", "txqueuelen", "bql"}) {
      if (non_default(g, name)) {
        issues->push_back({guest + "." + name, std::string(name) + " has no effect: its guest runs DPDK's virtio PMD, "
                                                                   "whose lcores send without the kernel's qdisc"});
      }
    }
    for (const char* name : kFqCodelFields) {
      if (non_default(g.fq_codel(), name)) {
        issues->push_back({guest + ".fq_codel." + name,
                           std::string("fq_codel.") + name + " has no effect: its guest runs DPDK's virtio PMD"});
      }
    }
    return;
  }
  // A VM no flow's frames leave (neither a source, the server of a
  // request/response or bidirectional flow, nor a forwarder on a route)
  // transmits nothing.
  if (!sweep_varies_directions(s) && !frames_cross_vm(s, s.vm(v), /*into=*/false)) {
    for (const char* name : {"qdisc", "txqueuelen", "bql"}) {
      if (non_default(g, name)) {
        issues->push_back(
            {guest + "." + name, std::string(name) + " has no effect: no flow leaves vm \"" + s.vm(v).name() + "\""});
      }
    }
    for (const char* name : kFqCodelFields) {
      if (non_default(g.fq_codel(), name)) {
        issues->push_back(
            {guest + ".fq_codel." + name,
             std::string("fq_codel.") + name + " has no effect: no flow leaves vm \"" + s.vm(v).name() + "\""});
      }
    }
    return;
  }
  const bool swept = sweep_varies(s, "guest.qdisc");
  if (!swept && g.qdisc() != viosim::PFIFO_FAST && non_default(g, "txqueuelen")) {
    issues->push_back({guest + ".txqueuelen", "txqueuelen has no effect: it bounds PFIFO_FAST, and the qdisc is " +
                                                  viosim::QdiscKind_Name(g.qdisc())});
  }
  if (!swept && g.qdisc() != viosim::FQ_CODEL) {
    for (const char* name : kFqCodelFields) {
      if (non_default(g.fq_codel(), name)) {
        issues->push_back(
            {guest + ".fq_codel." + name,
             std::string("fq_codel.") + name + " has no effect: the qdisc is " + viosim::QdiscKind_Name(g.qdisc())});
      }
    }
  }
  bool bql_runs = sweep_varies(s, "napi_tx") || sweep_varies_backends(s);
  for (viosim::Backend b : backends) bql_runs = bql_runs || !is_virtio(b) || g.virtio_net_napi_tx();
  if (g.bql() && !bql_runs) {
    issues->push_back(
        {guest + ".bql", "bql has no effect: virtio-net reports completions to BQL only with virtio_net_napi_tx"});
  }
}

// The host NIC's qdisc, BQL and RPS: the host kernel's own paths, which
// only the tap-based VMs' frames and P2P frames the kernel switches take;
// each qdisc's own parameters; the host's backlog limit without RPS.
void check_host_qdisc_fields(const viosim::Scenario& s, Issues* issues) {
  bool rps = sweep_varies_host_nic(s, "rps_cpus");
  for (const viosim::Nic& nic : s.host().nic()) {
    rps |= nic.rps_cpus_size() > 0;
    for (const viosim::NicRxQueue& q : nic.rx_queue()) rps |= q.rps_cpus_size() > 0;
  }
  if (!rps && non_default(s.host(), "netdev_max_backlog")) {
    issues->push_back({"host.netdev_max_backlog",
                       "netdev_max_backlog has no effect: without RPS on a host NIC (host.nic.rps_cpus) no frame "
                       "waits in a host backlog"});
  }
  const std::vector<viosim::Backend> run = sweep::run_backends(s);
  bool p2p = false;
  for (const viosim::Flow& f : s.traffic().flow()) p2p |= is_p2p(f);
  for (int n = 0; n < s.host().nic_size(); ++n) {
    const viosim::Nic& nic = s.host().nic(n);
    const std::string path = at("host.nic", n);
    std::vector<std::string> set;
    for (const char* name : {"qdisc", "txqueuelen"}) {
      if (non_default(nic, name)) set.push_back(name);
    }
    if (nic.rps_cpus_size() > 0) set.push_back("rps_cpus");
    if (nic.rx_queue_size() > 0) set.push_back("rx_queue");
    if (nic.has_bql()) set.push_back("bql");  // unset, it follows the driver (nic_drivers.h)
    for (const char* name : kFqCodelFields) {
      if (non_default(nic.fq_codel(), name)) set.push_back(std::string("fq_codel.") + name);
    }
    if (set.empty()) continue;
    bool kernel_sends = sweep_varies_backends(s);
    for (const viosim::Vm& vm : s.vm()) {
      if (vm.nic().uplink() != nic.name()) continue;
      kernel_sends |=
          vm.nic().fixed_backend() ? tap_based(vm.nic().backend()) : std::any_of(run.begin(), run.end(), tap_based);
    }
    // A P2P flow is the kernel's unless OVS-DPDK took the NIC; it crosses
    // the NIC the host's path is built on (the first VM's uplink).
    const bool p2p_nic = s.vm_size() > 0 ? s.vm(0).nic().uplink() == nic.name() : n == 0;
    kernel_sends |= p2p && p2p_nic &&
                    std::any_of(run.begin(), run.end(), [](viosim::Backend b) { return b != viosim::VHOST_USER; });
    if (!kernel_sends) {
      for (const std::string& name : set) {
        issues->push_back({path + "." + name,
                           name + " has no effect: the host kernel's stack neither sends nor receives through nic \"" +
                               nic.name() +
                               "\" (no VM on it runs a tap-based backend, E1000, VIRTIO_USERSPACE or VHOST_NET, "
                               "and no P2P flow crosses the kernel's switch; BARE_METAL's stack is its guest's)"});
      }
      continue;
    }
    // The qdisc and BQL hold what the host sends out of the NIC; RPS
    // spreads what comes in.
    const bool any_way = sweep_varies_directions(s);
    const bool in = any_way || frames_cross_nic(s, nic, /*in=*/true);
    const bool out = any_way || frames_cross_nic(s, nic, /*in=*/false);
    bool one_way = false;
    for (const std::string& name : set) {
      const bool inbound = name == "rps_cpus" || name == "rx_queue";
      if (inbound ? in : out) continue;
      one_way = true;
      issues->push_back({path + "." + name, name + " has no effect: no flow's frames " +
                                                (inbound ? "come in through" : "go out through") + " nic \"" +
                                                nic.name() + "\""});
    }
    if (one_way || sweep_varies_host_nic(s, "qdisc")) continue;
    if (nic.qdisc() != viosim::PFIFO_FAST && non_default(nic, "txqueuelen")) {
      issues->push_back({path + ".txqueuelen", "txqueuelen has no effect: it bounds PFIFO_FAST, and the qdisc is " +
                                                   viosim::QdiscKind_Name(nic.qdisc())});
    }
    if (nic.qdisc() != viosim::FQ_CODEL) {
      for (const char* name : kFqCodelFields) {
        if (non_default(nic.fq_codel(), name)) {
          issues->push_back({path + ".fq_codel." + name, std::string("fq_codel.") + name +
                                                             " has no effect: the qdisc is " +
                                                             viosim::QdiscKind_Name(nic.qdisc())});
        }
      }
    }
  }
}

// Backend-specific VM fields when no backend that uses them runs.
void check_backend_fields(const viosim::Scenario& s, Issues* issues) {
  if (sweep_varies_backends(s)) return;
  const std::vector<viosim::Backend> run = sweep::run_backends(s);
  for (int v = 0; v < s.vm_size(); ++v) {
    const viosim::VmNic& nic = s.vm(v).nic();
    const std::string path = at("vm", v) + ".nic";
    const std::vector<viosim::Backend> backends = nic.fixed_backend() ? std::vector{nic.backend()} : run;
    bool virtio = false, vhost_net = false, vdpa = false, host_tso = false;
    for (viosim::Backend b : backends) {
      virtio = virtio || is_virtio(b);
      vhost_net = vhost_net || b == viosim::VHOST_NET;
      vdpa = vdpa || b == viosim::VDPA;
      host_tso = host_tso || (is_virtio(b) && b != viosim::VHOST_USER);  // OVS-DPDK offers no TSO
    }
    if (virtio && !host_tso && non_default(nic.features(), "host_tso4")) {
      issues->push_back({path + ".features.host_tso4",
                         "host_tso4 has no effect: VHOST_USER never offers it (OVS-DPDK without userspace TSO)"});
    }
    if (!virtio) {
      for (const char* field : {"event_idx", "ring_packed", "in_order", "mrg_rxbuf", "guest_tso4", "host_tso4"}) {
        if (non_default(nic.features(), field)) {
          issues->push_back({path + ".features." + field, "virtio features have no effect: no virtio backend runs"});
        }
      }
      if (nic.has_vectors()) {
        issues->push_back({path + ".vectors", "vectors has no effect: no virtio backend runs"});
      }
    }
    if (!vhost_net && non_default(nic, "busy_poll_us")) {
      issues->push_back({path + ".busy_poll_us", "busy_poll_us has no effect: VHOST_NET does not run"});
    }
    if (!vdpa && non_default(nic, "page_per_vq")) {
      issues->push_back({path + ".page_per_vq",
                         "page_per_vq has no effect: VDPA does not run (only vhost-vdpa maps a device's doorbells "
                         "into the guest; the other backends' kicks exit either way)"});
    }
    const bool e1000 = std::find(backends.begin(), backends.end(), viosim::E1000) != backends.end();
    if (s.vm(v).guest().xps_size() > 0 && s.vm(v).nic().queues() <= 1) {
      issues->push_back({at("vm", v) + ".guest.xps",
                         "xps has no effect: the VM has one queue pair, which every "
                         "vCPU sends on"});
    } else if (e1000 && s.vm(v).guest().xps_size() > 1) {
      issues->push_back(
          {at("vm", v) + ".guest.xps",
           std::string("xps beyond its first entry has no effect on E1000, ") + "which has one queue pair"});
    } else if (s.vm(v).guest().xps_size() > 0 && !sweep_varies_directions(s) &&
               !frames_cross_vm(s, s.vm(v), /*into=*/false)) {
      issues->push_back(
          {at("vm", v) + ".guest.xps", "xps has no effect: no flow's frames leave vm \"" + s.vm(v).name() + "\""});
    }
    const std::string guest = at("vm", v) + ".guest";
    if (!e1000 && non_default(s.vm(v).guest(), "e1000_interrupt_throttle_rate")) {
      issues->push_back({guest + ".e1000_interrupt_throttle_rate",
                         "e1000_interrupt_throttle_rate has no effect: E1000 does not run"});
    }
    const bool poll_mode = s.vm(v).has_forward() && s.vm(v).forward().mode() == viosim::Forwarder::POLL_MODE;
    if ((!virtio || poll_mode) && non_default(s.vm(v).guest(), "virtio_net_napi_tx")) {
      issues->push_back({guest + ".virtio_net_napi_tx",
                         std::string("virtio_net_napi_tx has no effect: ") +
                             (poll_mode ? "its guest runs DPDK's virtio PMD" : "no virtio backend runs")});
    }
    if (s.vm(v).has_forward() && non_default(s.vm(v).guest(), "socket_busy_poll_us")) {
      issues->push_back(
          {guest + ".socket_busy_poll_us",
           "socket_busy_poll_us has no effect: the VM forwards, and no application reads a socket there"});
    }
    // RPS / RFS: the kernel's receive path, which a poll-mode VNF never
    // enters; RFS needs both of its tables; the backlog exists with RPS.
    const viosim::Guest& g = s.vm(v).guest();
    bool flow_tables = g.rps_flow_cnt() > 0;
    bool maps = g.rps_cpus_size() > 0;
    for (const viosim::RxQueue& q : g.rx_queue()) {
      flow_tables |= q.rps_flow_cnt() > 0;
      maps |= q.rps_cpus_size() > 0;
    }
    const bool rfs_tables = g.rps_sock_flow_entries() > 0 && flow_tables;
    if (!poll_mode && !sweep_varies_directions(s) && !frames_cross_vm(s, s.vm(v), /*into=*/true)) {
      // Nothing is received: every receive-side setting is idle.
      for (const char* name : {"rps_cpus", "rx_queue", "rps_sock_flow_entries", "rps_flow_cnt", "flow_limit_cpus",
                               "flow_limit_table_len", "netdev_max_backlog"}) {
        if (is_set(g, name)) {
          issues->push_back({guest + "." + name, std::string(name) + " has no effect: no flow's frames enter vm \"" +
                                                     s.vm(v).name() + "\""});
        }
      }
    } else {
      if (poll_mode || (!maps && !rfs_tables)) {
        const std::string why = poll_mode ? "its guest runs DPDK's virtio PMD, and no packet enters its kernel's stack"
                                          : "without RPS or RFS no packet is queued to a backlog";
        if (g.flow_limit_cpus_size() > 0) {
          issues->push_back({guest + ".flow_limit_cpus", "flow_limit_cpus has no effect: " + why});
        }
      } else if (g.flow_limit_cpus_size() > 0 && !sweep_varies(s, "vcpus") && !sweep_varies(s, "queues") &&
                 !sweep_varies_backends(s)) {
        // The table is the queuing vCPU's: one that polls a receive queue
        // (queue pair i is vCPU i's; E1000 has one).
        const bool all_e1000 =
            std::all_of(backends.begin(), backends.end(), [](viosim::Backend b) { return b == viosim::E1000; });
        const uint32_t polling = all_e1000 ? 1u : std::max(1u, std::min(s.vm(v).vcpus(), s.vm(v).nic().queues()));
        if (std::all_of(g.flow_limit_cpus().begin(), g.flow_limit_cpus().end(),
                        [polling](uint32_t cpu) { return cpu >= polling; })) {
          issues->push_back(
              {guest + ".flow_limit_cpus",
               "flow_limit_cpus has no effect: flow limit is the queuing vCPU's, and none of these polls "
               "a receive queue (" +
                   (polling == 1 ? std::string("only vCPU 0 does")
                                 : "vCPUs 0 to " + std::to_string(polling - 1) + " do, a queue pair each") +
                   ")"});
        }
      }
      if (g.flow_limit_cpus_size() == 0 && non_default(g, "flow_limit_table_len")) {
        issues->push_back({guest + ".flow_limit_table_len",
                           "flow_limit_table_len has no effect: no vCPU checks flow limit (flow_limit_cpus)"});
      }
      if (poll_mode) {
        if (g.rx_queue_size() > 0) {
          issues->push_back({guest + ".rx_queue",
                             "rx_queue has no effect: its guest runs DPDK's virtio PMD, and no "
                             "packet enters its kernel's stack"});
        }
        for (const char* name : {"rps_sock_flow_entries", "rps_flow_cnt", "netdev_max_backlog"}) {
          if (non_default(g, name)) {
            issues->push_back({guest + "." + name, std::string(name) + " has no effect: its guest runs DPDK's virtio "
                                                                       "PMD, and no packet enters its kernel's stack"});
          }
        }
        if (g.rps_cpus_size() > 0) {
          issues->push_back({guest + ".rps_cpus",
                             "rps_cpus has no effect: its guest runs DPDK's virtio PMD, and no "
                             "packet enters its kernel's stack"});
        }
        if (g.xps_size() > 0) {
          issues->push_back({guest + ".xps",
                             "xps has no effect: its guest runs DPDK's virtio PMD, whose lcores send "
                             "on their own queue pairs"});
        }
      } else {
        if (!rfs_tables && non_default(g, "rps_sock_flow_entries")) {
          issues->push_back({guest + ".rps_sock_flow_entries",
                             "rps_sock_flow_entries has no effect without rps_flow_cnt: RFS needs both tables"});
        }
        if (!rfs_tables && non_default(g, "rps_flow_cnt")) {
          issues->push_back({guest + ".rps_flow_cnt",
                             "rps_flow_cnt has no effect without rps_sock_flow_entries: RFS needs both tables"});
        }
        for (int q = 0; q < g.rx_queue_size(); ++q) {
          if (!rfs_tables && g.rx_queue(q).rps_flow_cnt() > 0) {
            issues->push_back({at(guest + ".rx_queue", q) + ".rps_flow_cnt",
                               "rps_flow_cnt has no effect without rps_sock_flow_entries: RFS needs both tables"});
          }
        }
        // RFS records a flow in recvmsg only for a connected socket (UDP
        // saves sk_rxhash only then): a request/response client's here.
        bool client = false;
        for (const viosim::Flow& f : s.traffic().flow())
          client |= f.src() == s.vm(v).name() && f.has_request_response();
        if (rfs_tables && !client) {
          issues->push_back({guest + ".rps_sock_flow_entries",
                             "RFS has no effect: no request/response client runs in vm \"" + s.vm(v).name() +
                                 "\", and its other sockets (servers, sinks) are unconnected, for which Linux's UDP "
                                 "records no flow"});
        }
        if (!rfs_tables && !maps && non_default(g, "netdev_max_backlog")) {
          issues->push_back({guest + ".netdev_max_backlog",
                             "netdev_max_backlog has no effect: without RPS or RFS no packet waits in a backlog"});
        }
      }
    }
    check_qdisc_fields(s, v, backends, poll_mode, issues);
  }
}

// A VM's vCPUs send each other IPIs only when its stack runs on more than
// one of them (min(vcpus, nic.queues), one queue pair each) and a response
// reaches a vCPU whose client does not own its connection: then it wakes
// the owner there.
void check_ipi_virtualization(const viosim::Scenario& s, Issues* issues) {
  for (int v = 0; v < s.vm_size(); ++v) {
    const viosim::Vm& vm = s.vm(v);
    if (!interrupts_non_default(s, vm, "ipi_virtualization")) continue;
    std::string why;
    if (vm.has_cpu_load() && !has_flows(s, vm)) {
      why = "its vCPUs run a CPU load, no flow, and send no IPIs";
    } else if (vm.has_forward() && vm.forward().mode() == viosim::Forwarder::POLL_MODE) {
      why = "its guest runs DPDK's virtio PMD, which wakes no task";
    } else if (sweep_varies(s, "vcpus") || sweep_varies(s, "queues") || sweep_varies(s, "app_vcpus")) {
      // Some point may spread the stack over vCPUs.
    } else if (vm.guest().app_vcpus_size() == 0 && std::min(vm.vcpus(), vm.nic().queues()) <= 1) {
      why = "its stack runs on one vCPU (one queue pair each: min(vcpus, nic.queues) = 1), which sends no IPI";
    } else if (vm.guest().app_vcpus_size() == 1 && vm.guest().app_vcpus(0) == 0 &&
               std::min(vm.vcpus(), vm.nic().queues()) <= 1) {
      why = "its queue's interrupts and its applications are all on vCPU 0 (guest.app_vcpus), which sends no IPI";
    } else if (!sweep_varies_backends(s) && vm.guest().app_vcpus_size() == 0) {
      const std::vector<viosim::Backend> run = sweep::run_backends(s);
      const std::vector<viosim::Backend> backends = vm.nic().fixed_backend() ? std::vector{vm.nic().backend()} : run;
      // On a tap, tun's automq steering returns a connection's packets on
      // the queue its client last sent from: its own vCPU's.
      if (std::all_of(backends.begin(), backends.end(), [](viosim::Backend b) {
            return b == viosim::E1000 || b == viosim::BARE_METAL || b == viosim::VHOST_NET ||
                   b == viosim::VIRTIO_USERSPACE;
          })) {
        why =
            "E1000 runs one queue pair, BARE_METAL no VM, and on VHOST_NET and VIRTIO_USERSPACE the tap steers a "
            "response to the queue of the vCPU whose client sent the request (tun's automq flow table)";
      }
    }
    if (!why.empty()) {
      issues->push_back({at("vm", v) + ".interrupts.ipi_virtualization", "ipi_virtualization has no effect: " + why});
    }
  }
}

// The guest's idle driver: its window without it, KVM's halt polling with
// it (the driver turns it off), and on bare metal (no VM).
void check_idle_driver(const viosim::Scenario& s, Issues* issues) {
  for (int v = 0; v < s.vm_size(); ++v) {
    const viosim::Vm& vm = s.vm(v);
    const std::string guest = at("vm", v) + ".guest.";
    const bool haltpoll = vm.guest().idle_driver() == viosim::Guest::HALTPOLL;
    // A sweep of the idle driver may load haltpoll at some point.
    if (!haltpoll && non_default(vm.guest(), "guest_halt_poll_ns") && !sweep_varies(s, "idle_driver")) {
      issues->push_back(
          {guest + "guest_halt_poll_ns", "guest_halt_poll_ns has no effect unless idle_driver is HALTPOLL"});
    }
    if (!haltpoll) continue;
    // The window grows only after a halt no longer than its cap: a CPU
    // load that never halts, or halts longer, never polls; a poll-mode
    // VNF's lcores never halt and its idle main lcore is never woken.
    const uint64_t idle_ns = vm.has_cpu_load() ? uint64_t{vm.cpu_load().idle_us()} * 1000 : 0;
    const bool halts_swept = sweep_varies(s, "cpu_load.idle_us") || sweep_varies(s, "guest_halt_poll_ns");
    if (vm.has_cpu_load() && !halts_swept &&
        (idle_ns == 0 || (!has_flows(s, vm) && idle_ns > vm.guest().guest_halt_poll_ns()))) {
      issues->push_back(
          {guest + "idle_driver", "idle_driver HALTPOLL has no effect: vm \"" + vm.name() +
                                      (idle_ns == 0 ? "\" never halts (its CPU load has idle_us: 0)"
                                                    : "\" halts only between its CPU load's bursts, longer than "
                                                      "guest_halt_poll_ns, so its polling window never grows from 0")});
      continue;
    }
    if (vm.has_forward() && vm.forward().mode() == viosim::Forwarder::POLL_MODE) {
      issues->push_back({guest + "idle_driver", "idle_driver HALTPOLL has no effect: vm \"" + vm.name() +
                                                    "\" forwards in poll mode (its lcores never halt, its idle main "
                                                    "lcore is never woken)"});
      continue;
    }
    for (const char* name : {"halt_poll_ns", "grow", "grow_start_ns", "shrink"}) {
      if (non_default(vm.halt_polling(), name) && !sweep_varies(s, "idle_driver")) {
        issues->push_back(
            {at("vm", v) + ".halt_polling." + name,
             std::string(name) + " has no effect: the guest's haltpoll driver turns KVM's halt polling off"});
      }
    }
    if (sweep_varies_backends(s)) continue;
    const std::vector<viosim::Backend> run = sweep::run_backends(s);
    const std::vector<viosim::Backend> backends = vm.nic().fixed_backend() ? std::vector{vm.nic().backend()} : run;
    if (std::all_of(backends.begin(), backends.end(), [](viosim::Backend b) { return b == viosim::BARE_METAL; })) {
      issues->push_back({guest + "idle_driver",
                         "idle_driver HALTPOLL has no effect on BARE_METAL (no VM: the host's "
                         "idle is mwait)"});
    }
  }
}

// A VM's own backend that the run's replaces: without a `compare`, the
// first VM's runs in every VM that does not keep its own.
void check_replaced_backends(const viosim::Scenario& s, Issues* issues) {
  if (sweep_varies_backends(s)) return;
  // A VM that keeps its backend where every run's backend is that one.
  const std::vector<viosim::Backend> run = sweep::run_backends(s);
  for (int v = 0; v < s.vm_size(); ++v) {
    const viosim::VmNic& nic = s.vm(v).nic();
    if (nic.fixed_backend() && std::all_of(run.begin(), run.end(), [&](viosim::Backend b) { return b == nic.backend(); })) {
      issues->push_back({at("vm", v) + ".nic.fixed_backend", "fixed_backend has no effect: every run's backend is " +
                                                                 viosim::Backend_Name(nic.backend()) + " already"});
    }
  }
  if (s.compare().backend_size() > 0 || s.vm_size() < 2) return;
  for (int v = 1; v < s.vm_size(); ++v) {
    const viosim::VmNic& nic = s.vm(v).nic();
    if (!nic.fixed_backend() && nic.backend() != s.vm(0).nic().backend()) {
      issues->push_back({at("vm", v) + ".nic.backend",
                         "backend " + viosim::Backend_Name(nic.backend()) + " is replaced by the first VM's " +
                             viosim::Backend_Name(s.vm(0).nic().backend()) +
                             " (the run's backend); set fixed_backend: true to keep it"});
    }
  }
}

void check_flows(const viosim::Scenario& s, Issues* issues) {
  for (int f = 0; f < s.traffic().flow_size(); ++f) {
    const viosim::Flow& flow = s.traffic().flow(f);
    if (flow.has_open_loop() && flow.open_loop().arrival() != viosim::OpenLoop::BURSTS &&
        non_default(flow.open_loop(), "burst_packets")) {
      issues->push_back({at("traffic.flow", f) + ".open_loop.burst_packets",
                         "burst_packets has no effect unless arrival is BURSTS"});
    }
    if (flow.has_request_response() && flow.protocol() != viosim::Flow::TCP && !sweep_varies(s, "protocol") &&
        non_default(flow.request_response(), "tcp_nodelay")) {
      issues->push_back({at("traffic.flow", f) + ".request_response.tcp_nodelay",
                         "tcp_nodelay has no effect: flow \"" + flow.name() + "\" is not TCP"});
    }
    if (flow.has_request_response() && non_default(flow.request_response(), "tcp_slow_start_after_idle")) {
      const std::string field = at("traffic.flow", f) + ".request_response.tcp_slow_start_after_idle";
      if (flow.protocol() != viosim::Flow::TCP && !sweep_varies(s, "protocol")) {
        issues->push_back({field, "tcp_slow_start_after_idle has no effect: flow \"" + flow.name() + "\" is not TCP"});
      } else if (flow.request_response().think_time_us() < 200'000 && !sweep_varies(s, "think_time_us")) {
        // A connection idles for its RTO (TCP_RTO_MIN, 200 ms, at least)
        // between transactions only when the think time is that long.
        std::ostringstream think;
        think << flow.request_response().think_time_us();
        issues->push_back({field,
                           "tcp_slow_start_after_idle has no effect unless a connection sends nothing for "
                           "longer than its RTO (at least 200 ms): flow \"" +
                               flow.name() + "\" thinks " + think.str() +
                               " us between transactions, so only a round trip over 200 ms could leave it "
                               "idle that long"});
      }
    }
  }
}

// allow_overcommit only lifts the refusal of two vCPUs pinned to one core.
void check_overcommit_effect(const viosim::Scenario& s, Issues* issues) {
  if (!s.host().allow_overcommit()) return;
  std::set<uint32_t> pinned;
  for (const viosim::Vm& vm : s.vm()) {
    for (uint32_t core : vm.pin_cores()) {
      if (!pinned.insert(core).second) return;
    }
  }
  issues->push_back({"host.allow_overcommit", "allow_overcommit has no effect: no two vCPUs are pinned to one core"});
}

void check_cpu_load(const viosim::Scenario& s, Issues* issues) {
  for (int v = 0; v < s.vm_size(); ++v) {
    const viosim::Vm& vm = s.vm(v);
    if (!vm.has_cpu_load()) continue;
    const bool flows = has_flows(s, vm);
    if (!flows) {
      // Its NIC carries nothing: the settings of the network path are moot.
      const std::string why = " has no effect: vm \"" + vm.name() + "\" runs a CPU load and no flows";
      const std::string nic = at("vm", v) + ".nic.";
      for (const char* name : {"queues", "queue_size", "busy_poll_us", "vectors"}) {
        if (non_default(vm.nic(), name)) issues->push_back({nic + name, name + why});
      }
      if (non_default(vm.nic().features(), "event_idx")) {
        issues->push_back({nic + "features.event_idx", "event_idx" + why});
      }
      for (const char* name :
           {"rmem_default_bytes", "virtio_net_napi_tx", "e1000_interrupt_throttle_rate", "socket_busy_poll_us"}) {
        if (non_default(vm.guest(), name)) issues->push_back({at("vm", v) + ".guest." + name, name + why});
      }
      if (interrupts_non_default(s, vm, "vtd_posted")) {
        issues->push_back(
            {at("vm", v) + ".interrupts.vtd_posted", "vtd_posted" + why + " (its VF raises no interrupt)"});
      }
    }
    // Its vCPUs halt only between bursts, for idle_us: a halt-poll window
    // no longer than that never catches the wake-up, and KVM grows the
    // window only after a poll that did. (With the guest's haltpoll
    // driver KVM's polling is off, which check_idle_driver says.)
    const uint64_t idle_ns = uint64_t{vm.cpu_load().idle_us()} * 1000;
    const bool kvm_polls = vm.guest().idle_driver() != viosim::Guest::HALTPOLL || sweep_varies(s, "idle_driver");
    if (kvm_polls && !sweep_varies(s, "cpu_load.idle_us") &&
        (idle_ns == 0 || (!flows && idle_ns >= vm.halt_polling().halt_poll_ns()))) {
      for (const char* name : {"halt_poll_ns", "grow", "grow_start_ns", "shrink"}) {
        if ((idle_ns > 0 && std::string(name) == "halt_poll_ns") || !non_default(vm.halt_polling(), name)) continue;
        {
          issues->push_back({at("vm", v) + ".halt_polling." + name,
                             std::string(name) + " has no effect: vm \"" + vm.name() +
                                 (idle_ns == 0 ? "\" never halts (its CPU load has idle_us: 0)"
                                               : "\" halts only between its CPU load's bursts, for " +
                                                     std::to_string(vm.cpu_load().idle_us()) +
                                                     " us, longer than the halt-poll window, so no poll succeeds "
                                                     "and the window never grows")});
        }
      }
    }
    if (vm.cpu_load().idle_us() == 0 && non_default(vm.cpu_load(), "busy_us")) {
      issues->push_back({at("vm", v) + ".cpu_load.busy_us",
                         "busy_us has no effect with idle_us: 0 (the load never halts, one burst follows another)"});
    }
  }
}

// A forwarder that no flow is routed through forwards nothing (a poll-mode
// one still spins its vCPUs, which is its own effect); a kernel
// forwarder has no burst; DPDK's virtio PMD negotiates no EVENT_IDX.
void check_forwarders(const viosim::Scenario& s, Issues* issues) {
  for (int v = 0; v < s.vm_size(); ++v) {
    const viosim::Vm& vm = s.vm(v);
    if (!vm.has_forward()) continue;
    const std::string path = at("vm", v);
    const bool poll_mode = vm.forward().mode() == viosim::Forwarder::POLL_MODE;
    bool routed = false;
    for (const viosim::Flow& f : s.traffic().flow()) {
      routed |= std::find(f.via().begin(), f.via().end(), vm.name()) != f.via().end() ||
                (f.has_chain() && f.chain().vm() == vm.name());
    }
    if (!routed && !poll_mode) {
      issues->push_back({path + ".forward", "forward has no effect: no flow is routed through vm \"" + vm.name() +
                                                "\" (name it in a flow's via)"});
    }
    if (!poll_mode && non_default(vm.forward(), "burst")) {
      issues->push_back({path + ".forward.burst",
                         "burst has no effect unless mode is POLL_MODE (the kernel "
                         "forwards what each NAPI poll brings)"});
    }
    if (poll_mode) {
      // Its forwarding lcores spin and take no interrupt; no socket is open.
      const std::string why = " has no effect: vm \"" + vm.name() + "\" forwards in poll mode";
      if (non_default(vm.guest(), "rmem_default_bytes")) {
        issues->push_back(
            {path + ".guest.rmem_default_bytes", "rmem_default_bytes" + why + " (no socket in its guest)"});
      }
      for (const char* name : {"halt_poll_ns", "grow", "grow_start_ns", "shrink"}) {
        if (non_default(vm.halt_polling(), name)) {
          issues->push_back({path + ".halt_polling." + name, name + why + " (its forwarding lcores never halt)"});
        }
      }
      // apicv still decides how its timer interrupts are taken.
      if (interrupts_non_default(s, vm, "vtd_posted")) {
        issues->push_back(
            {path + ".interrupts.vtd_posted", "vtd_posted" + why + " (its virtio PMD asks for no interrupts)"});
      }
      if (non_default(vm.nic(), "vectors")) {
        issues->push_back({path + ".nic.vectors", "vectors" + why + " (its virtio PMD asks for no interrupts)"});
      }
    }
    if (poll_mode && non_default(vm.nic().features(), "event_idx")) {
      issues->push_back({path + ".nic.features.event_idx",
                         "event_idx has no effect: vm \"" + vm.name() +
                             "\" forwards with DPDK's virtio PMD, which does not negotiate EVENT_IDX"});
    }
  }
}

// OVS-DPDK's settings when no VM runs VHOST_USER, and the rxq assignment
// when one PMD polls every queue.
void check_ovs_dpdk_effect(const viosim::Scenario& s, Issues* issues) {
  const viosim::OvsDpdk& ovs = s.host().ovs_dpdk();
  if ((ovs.pmd_cores_size() == 0 && !non_default(ovs, "rxq_assign")) || sweep_varies_backends(s)) return;
  const std::vector<viosim::Backend> run = sweep::run_backends(s);
  bool vhost_user = false;
  int pmds = ovs.pmd_cores_size();
  for (const viosim::Vm& vm : s.vm()) {
    const bool may = vm.nic().fixed_backend() ? vm.nic().backend() == viosim::VHOST_USER
                                              : std::find(run.begin(), run.end(), viosim::VHOST_USER) != run.end();
    if (may && pmds == 0) pmds = vm.nic().backend_cores_size();
    vhost_user |= may;
  }
  if (!vhost_user) {
    const char* field = ovs.pmd_cores_size() > 0 ? "pmd_cores" : "rxq_assign";
    issues->push_back({std::string("host.ovs_dpdk.") + field,
                       std::string(field) + " has no effect: no VM runs VHOST_USER, whose switch OVS-DPDK is"});
    return;
  }
  if (pmds <= 1 && non_default(ovs, "rxq_assign")) {
    issues->push_back({"host.ovs_dpdk.rxq_assign", "rxq_assign has no effect: one PMD thread polls every queue"});
  }
}

std::string shortest(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

// The kernel switch's settings when no VM runs a tap-based backend, and
// OVS's when the switch is the bridge.
void check_kernel_switch(const viosim::Scenario& s, Issues* issues) {
  const viosim::KernelSwitch& k = s.host().kernel_switch();
  // handler_core has no default of its own: any value given is a setting.
  auto given = [&k](const char* f) {
    return std::string_view(f) == "handler_core" ? k.has_handler_core() : non_default(k, f);
  };
  const char* fields[] = {"kind", "handler_core", "megaflow", "max_idle_ms"};
  const char* set = nullptr;
  for (const char* f : fields) {
    if (given(f)) {
      set = f;
      break;
    }
  }
  if (set == nullptr) return;
  if (!sweep_varies_backends(s)) {
    const std::vector<viosim::Backend> run = sweep::run_backends(s);
    bool tap_vm = false;
    for (const viosim::Vm& vm : s.vm()) {
      tap_vm |=
          vm.nic().fixed_backend() ? tap_based(vm.nic().backend()) : std::any_of(run.begin(), run.end(), tap_based);
    }
    if (!tap_vm) {
      issues->push_back({std::string("host.kernel_switch.") + set,
                         std::string(set) + " has no effect: no VM runs a tap-based backend (E1000, "
                                            "VIRTIO_USERSPACE, VHOST_NET), whose switch this is"});
      return;
    }
  }
  if (k.kind() == viosim::KernelSwitch::OVS && non_default(k, "max_idle_ms") &&
      k.max_idle_ms() >= s.run().duration_ms()) {
    issues->push_back({"host.kernel_switch.max_idle_ms",
                       "max_idle_ms has no effect: the run (" + shortest(s.run().duration_ms()) +
                           " ms) is no longer than it, so no megaflow idles out"});
  }
  if (k.kind() == viosim::KernelSwitch::LINUX_BRIDGE) {
    for (const char* f : {"handler_core", "megaflow", "max_idle_ms"}) {
      if (given(f)) {
        issues->push_back({std::string("host.kernel_switch.") + f,
                           std::string(f) + " has no effect: the switch is the Linux bridge (kind: OVS uses it)"});
      }
    }
  }
}

}  // namespace

// The host process's core when no flow has a `host` end.
void check_process_core(const viosim::Scenario& s, Issues* issues) {
  if (!s.host().has_process_core()) return;
  for (const viosim::Flow& f : s.traffic().flow()) {
    if (f.src() == "host" || f.dst() == "host") return;
  }
  issues->push_back({"host.process_core", "process_core has no effect: no flow has a `host` end, so no process "
                                          "runs on the host"});
}

// Whether flow `f` carries TCP data into (`in`) or out of VM `vm`: a
// stream one way, request/response both ways.
bool tcp_data(const viosim::Flow& f, const std::string& vm, bool in) {
  if (f.protocol() != viosim::Flow::TCP) return false;
  const std::string& near = in ? f.dst() : f.src();
  const std::string& far = in ? f.src() : f.dst();
  return near == vm || (f.has_request_response() && far == vm);
}

// GRO merges TCP segments only, in the VM that receives them.
void check_gro(const viosim::Scenario& s, Issues* issues) {
  if (sweep_varies(s, "protocol") || sweep_varies_directions(s)) return;
  for (int v = 0; v < s.vm_size(); ++v) {
    const viosim::Vm& vm = s.vm(v);
    if (!non_default(vm.guest(), "gro")) continue;
    bool tcp_in = false;
    for (const viosim::Flow& f : s.traffic().flow()) {
      tcp_in = tcp_in || tcp_data(f, vm.name(), true);
    }
    if (!tcp_in) {
      issues->push_back({at("vm", v) + ".guest.gro", "gro has no effect: no TCP flow sends data into vm \"" +
                                                         vm.name() + "\" (GRO merges TCP segments only)"});
    }
  }
}

// The receive features of a VM's virtio NIC act on what its guest driver
// receives: guest_tso4 on the TCP skbs the host merged, mrg_rxbuf on the
// buffers it posts (a poll-mode forwarder's PMD posts one-frame buffers).
void check_virtio_rx_features(const viosim::Scenario& s, Issues* issues) {
  if (sweep_varies(s, "protocol") || sweep_varies_directions(s) || sweep_varies(s, "forward") ||
      sweep_varies(s, "mrg_rxbuf")) {
    return;
  }
  for (int v = 0; v < s.vm_size(); ++v) {
    const viosim::Vm& vm = s.vm(v);
    bool tcp_in = false, any_in = false;
    for (const viosim::Flow& f : s.traffic().flow()) {
      const bool via = std::find(f.via().begin(), f.via().end(), vm.name()) != f.via().end();
      // Any flow it is an end of brings it packets: data, responses or ACKs.
      any_in = any_in || via || f.dst() == vm.name() || f.src() == vm.name();
      tcp_in = tcp_in || (f.protocol() == viosim::Flow::TCP && via) || tcp_data(f, vm.name(), true);
    }
    const bool poll_mode = vm.has_forward() && vm.forward().mode() == viosim::Forwarder::POLL_MODE;
    const std::string where = at("vm", v) + ".nic.features.";
    // Without mergeable buffers guest_tso4 also picks big or small buffers.
    const bool mergeable = vm.nic().features().mrg_rxbuf();
    if (non_default(vm.nic().features(), "guest_tso4") && (poll_mode || (!tcp_in && mergeable))) {
      issues->push_back(
          {where + "guest_tso4",
           "guest_tso4 has no effect: " +
               std::string(poll_mode ? "vm \"" + vm.name() + "\" is a poll-mode forwarder, whose PMD takes no TSO"
                                     : "no TCP flow sends data into vm \"" + vm.name() + "\"") +
               " (it decides whether the host's GRO skbs reach the guest whole)"});
    }
    if (non_default(vm.nic().features(), "mrg_rxbuf") && (poll_mode || !any_in)) {
      issues->push_back(
          {where + "mrg_rxbuf",
           "mrg_rxbuf has no effect: " +
               std::string(poll_mode
                               ? "vm \"" + vm.name() + "\" is a poll-mode forwarder, whose PMD posts one-frame buffers"
                               : "no flow comes into vm \"" + vm.name() + "\"")});
    }
  }
}

// host_tso4 acts on the TCP skbs a VM's guest sends.
void check_host_tso4(const viosim::Scenario& s, Issues* issues) {
  if (sweep_varies(s, "protocol") || sweep_varies_directions(s)) return;
  for (int v = 0; v < s.vm_size(); ++v) {
    const viosim::Vm& vm = s.vm(v);
    if (!non_default(vm.nic().features(), "host_tso4")) continue;
    bool tcp_out = false;
    for (const viosim::Flow& f : s.traffic().flow()) {
      tcp_out = tcp_out || tcp_data(f, vm.name(), false);
    }
    if (!tcp_out) {
      issues->push_back({at("vm", v) + ".nic.features.host_tso4",
                         "host_tso4 has no effect: no TCP flow sends data from vm \"" + vm.name() +
                             "\" (it decides whether the guest's TCP skbs reach the device whole)"});
    }
  }
}

Issues no_effect_warnings(const viosim::Scenario& s) {
  Issues issues;
  check_gro(s, &issues);
  check_host_tso4(s, &issues);
  check_virtio_rx_features(s, &issues);
  check_flows(s, &issues);
  check_coalescing(s, &issues);
  check_unused_nics(s, &issues);
  check_backend_fields(s, &issues);
  check_ipi_virtualization(s, &issues);
  check_idle_driver(s, &issues);
  check_replaced_backends(s, &issues);
  check_overcommit_effect(s, &issues);
  check_cpu_load(s, &issues);
  check_forwarders(s, &issues);
  check_ovs_dpdk_effect(s, &issues);
  check_kernel_switch(s, &issues);
  check_host_qdisc_fields(s, &issues);
  check_process_core(s, &issues);
  return issues;
}

}  // namespace viosim::scenarios
