// Rules about the host, its NICs, the VMs and what to compare: unique names,
// pinning to cores that exist, NIC backends that can take the configured
// queues, RSS tables that point at real queues.
#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include "scenarios/loader/backend_limits.h"
#include "scenarios/loader/flow_rates.h"
#include "scenarios/loader/nic_drivers.h"
#include "scenarios/loader/suggest.h"
#include "scenarios/loader/sweep_expand.h"
#include "scenarios/loader/validate.h"

namespace viosim::scenarios {
namespace {

// A thread placed on a core the host does not have.
std::string beyond_the_host(const std::string& thread, uint32_t core, uint32_t cores) {
  return thread + " on core " + std::to_string(core) + ", but the host has " + std::to_string(cores) + " cores (0 to " +
         std::to_string(cores - 1) + ")";
}

void check_nics(const viosim::Host& host, Issues* issues) {
  std::map<std::string, int> seen;
  for (int n = 0; n < host.nic_size(); ++n) {
    const viosim::Nic& nic = host.nic(n);
    const std::string path = at("host.nic", n);
    if (nic.name().empty()) {
      issues->push_back({path, path + " has no name"});
    } else if (auto [it, fresh] = seen.emplace(nic.name(), n); !fresh) {
      issues->push_back({path + ".name", "nic name \"" + nic.name() + "\" is already used by " + at("host.nic", it->second)});
    }
    check_nic_driver(nic, path, issues);
    if (nic.has_bql() && nic.bql() && nic.driver() == viosim::I40E) {
      issues->push_back({path + ".bql", "nic \"" + nic.name() +
                                            "\" is I40E-class: its driver asks for a report of every fourth frame "
                                            "only (WB_STRIDE), so a queue BQL stops with fewer unreported frames "
                                            "waits for the driver's forced write-back, which is not modelled (it "
                                            "would never run again); leave bql unset (off on this class)"});
    }
    auto check_rps = [&](const google::protobuf::RepeatedField<uint32_t>& cpus, const std::string& field) {
      std::set<uint32_t> rps;
      for (int i = 0; i < cpus.size(); ++i) {
        const uint32_t core = cpus.Get(i);
        if (core >= host.cores()) {
          issues->push_back({at(field, i), "nic \"" + nic.name() + "\" steers received frames (RPS) to " +
                                               beyond_the_host("a backlog", core, host.cores())});
        } else if (!rps.insert(core).second) {
          issues->push_back(
              {at(field, i), "nic \"" + nic.name() + "\" lists core " + std::to_string(core) + " twice in rps_cpus"});
        }
      }
    };
    check_rps(nic.rps_cpus(), path + ".rps_cpus");
    for (int q = 0; q < nic.rx_queue_size(); ++q) {
      const std::string field = at(path + ".rx_queue", q);
      check_rps(nic.rx_queue(q).rps_cpus(), field + ".rps_cpus");
      if (nic.rps_cpus_size() > 0 && q == 0) {
        issues->push_back({field, "nic \"" + nic.name() +
                                      "\" sets rps_cpus for every receive queue already; give either one map for "
                                      "all (rps_cpus) or one per queue (rx_queue)"});
      }
      if (static_cast<uint32_t>(q) >= nic.queues()) {
        issues->push_back({field, "nic \"" + nic.name() + "\" has " + std::to_string(nic.queues()) + " receive queue" +
                                      (nic.queues() == 1 ? "" : "s") + ", so no rx-" + std::to_string(q)});
      }
    }
    const viosim::Rss& rss = nic.rss();
    const std::string& key = rss.key_hex();
    const bool hex = std::all_of(key.begin(), key.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
    if (key != "random" && (!hex || (key.size() != 80 && key.size() != 104))) {
      issues->push_back({path + ".rss.key_hex", "nic \"" + nic.name() + "\" has an RSS key of " +
                                                    (hex ? std::to_string(key.size()) + " hex digits" : "non-hex text") +
                                                    "; a Toeplitz key is 40 or 52 bytes: 80 or 104 hex digits, or \"random\""});
    }
    const int entries = static_cast<int>(rss.indirection_entries());
    if (rss.indirection_table_size() > 0 && rss.indirection_table_size() != entries) {
      issues->push_back({path + ".rss.indirection_table", "nic \"" + nic.name() + "\" has " +
                                                              std::to_string(rss.indirection_table_size()) +
                                                              " indirection-table entries, but indirection_entries is " +
                                                              std::to_string(entries)});
    }
    for (int i = 0; i < rss.indirection_table_size(); ++i) {
      if (rss.indirection_table(i) >= nic.queues()) {
        issues->push_back({at(path + ".rss.indirection_table", i),
                           "nic \"" + nic.name() + "\" maps indirection-table entry " + std::to_string(i) + " to queue " +
                               std::to_string(rss.indirection_table(i)) + ", but it has " +
                               (nic.queues() <= 1 ? std::string("only queue 0") : "queues 0-" + std::to_string(nic.queues() - 1))});
        break;  // one is enough: a table built for another queue count is wrong everywhere
      }
    }
  }
}

const viosim::Nic* find_nic(const viosim::Host& host, const std::string& name) {
  for (const auto& nic : host.nic()) {
    if (nic.name() == name) return &nic;
  }
  return nullptr;
}

struct Asked {
  bool on;
  std::string path;
};

// VT-d posting and IPIv post into a vCPU's posted-interrupt descriptor
// (IPIv's PID-pointer table names the targets'), which APICv keeps: KVM
// turns both off with APICv.
void check_needs_apicv(const std::string& who, bool apicv, const Asked& posted, const Asked& ipiv, Issues* issues) {
  if (apicv) return;
  for (const Asked* asked : {&posted, &ipiv}) {
    if (!asked->on) continue;
    const std::string field = asked->path.substr(asked->path.rfind('.') + 1);
    issues->push_back({asked->path, who + " turns on " + field +
                                        " without apicv: it posts into a vCPU's posted-interrupt descriptor, "
                                        "which needs APICv"});
  }
}

// A VM takes what the host offers: turning on what its processor or KVM
// lacks is refused (the profile failed to load when the host offers
// nothing, and that is reported already).
void check_interrupts(const viosim::Vm& vm, const viosim::Host& host, const std::string& path, const std::string& who,
                      Issues* issues) {
  const viosim::Interrupts& asked = vm.interrupts();
  const viosim::Virtualization& offered = host.virtualization();
  const std::string host_who = "the host (profile " + host.profile() + ", host.virtualization)";
  auto refuse = [&](const char* field, const char* feature) {
    issues->push_back({path + ".interrupts." + field, who + " turns on " + field + ", but " + host_who + " has no " +
                                                          feature +
                                                          ": use a profile whose processor has it, or "
                                                          "set host.virtualization to say this one does"});
  };
  if (offered.has_apicv()) {
    if (asked.apicv() && !offered.apicv()) refuse("apicv", "APICv");
    if (asked.vtd_posted() && !offered.vtd_posted_interrupts()) refuse("vtd_posted", "VT-d posted interrupts");
    if (asked.ipi_virtualization() && !offered.ipi_virtualization()) refuse("ipi_virtualization", "IPI virtualization");
  }
  check_needs_apicv(who, asked.apicv(), {asked.vtd_posted(), path + ".interrupts.vtd_posted"},
                    {asked.ipi_virtualization(), path + ".interrupts.ipi_virtualization"}, issues);
}

// A guest list of vCPUs (guest.app_vcpus, guest.rps_cpus): vCPUs the VM
// has, each once; `use` says what the list does with one.
void check_vcpu_list(const viosim::Vm& vm, const google::protobuf::RepeatedField<uint32_t>& list,
                     const std::string& field, const std::string& who, const std::string& use, Issues* issues) {
  std::set<uint32_t> seen;
  for (int i = 0; i < list.size(); ++i) {
    if (vm.vcpus() > 0 && list[i] >= vm.vcpus()) {
      issues->push_back({at(field, i), who + " " + use + " vCPU " + std::to_string(list[i]) + ", but it has " +
                                           std::to_string(vm.vcpus()) + " vCPU(s), numbered from 0"});
    } else if (!seen.insert(list[i]).second) {
      issues->push_back({at(field, i), who + " lists vCPU " + std::to_string(list[i]) + " twice in " +
                                           field.substr(field.rfind("guest."))});
    }
  }
}

// guest.app_vcpus, in a VM whose flows have applications in it (not a
// forwarder); guest.rps_cpus; guest.xps, an entry per queue pair at most.
void check_guest_vcpus(const viosim::Vm& vm, const std::string& path, const std::string& who, Issues* issues) {
  check_vcpu_list(vm, vm.guest().app_vcpus(), path + ".guest.app_vcpus", who, "runs its applications on", issues);
  check_vcpu_list(vm, vm.guest().rps_cpus(), path + ".guest.rps_cpus", who, "steers received packets (RPS) to", issues);
  check_vcpu_list(vm, vm.guest().flow_limit_cpus(), path + ".guest.flow_limit_cpus", who,
                  "checks flow limit (net.core.flow_limit_cpu_bitmap) on", issues);
  const auto& rxq = vm.guest().rx_queue();
  if (!rxq.empty() && (vm.guest().rps_cpus_size() > 0 || vm.guest().rps_flow_cnt() != 0)) {
    issues->push_back({path + ".guest.rx_queue",
                       who + " sets RPS both per queue (guest.rx_queue) and for every queue (guest.rps_cpus, "
                             "guest.rps_flow_cnt); keep one of them"});
  }
  // A per-queue entry names a queue pair the VM has.
  const uint32_t pairs = std::max<uint32_t>(1, vm.nic().queues());
  auto has_queue = [&](const std::string& list, const std::string& verb, int q) {
    if (static_cast<uint32_t>(q) < pairs) return true;
    issues->push_back({at(path + ".guest." + list, q), who + " has " + std::to_string(pairs) +
                                                           " queue pair(s) (nic.queues), but guest." + list + " " +
                                                           verb + " queue " + std::to_string(q)});
    return false;
  };
  for (int q = 0; q < rxq.size(); ++q) {
    if (!has_queue("rx_queue", "sets", q)) continue;
    check_vcpu_list(vm, rxq[q].rps_cpus(), at(path + ".guest.rx_queue", q) + ".rps_cpus", who,
                    "steers received packets (RPS) to", issues);
  }
  const auto& xps = vm.guest().xps();
  for (int q = 0; q < xps.size(); ++q) {
    if (!has_queue("xps", "maps", q)) continue;
    check_vcpu_list(vm, xps[q].cpus(), at(path + ".guest.xps", q) + ".cpus", who, "sends (XPS) from", issues);
  }
  if (vm.guest().app_vcpus().empty()) return;
  if (vm.has_forward()) {
    issues->push_back({path + ".guest.app_vcpus", who + " forwards: its flows' applications run outside it (their "
                                                        "ends are elsewhere); drop guest.app_vcpus or forward"});
  }
}

void check_vm(const viosim::Scenario& s, int v, std::map<std::string, int>& names, Issues* issues) {
  const viosim::Vm& vm = s.vm(v);
  const std::string path = at("vm", v);
  const std::string who = vm.name().empty() ? path : "vm \"" + vm.name() + "\"";
  if (vm.name().empty()) {
    issues->push_back({path, path + " has no name; every vm needs a unique name"});
  } else if (vm.name() == "external") {
    issues->push_back({path + ".name", "vm name \"external\" is reserved for the traffic generator outside the host"});
  } else if (vm.name() == "host") {
    issues->push_back({path + ".name", "vm name \"host\" is reserved for a process on the host (a flow endpoint)"});
  } else if (vm.name() == "host process") {
    issues->push_back({path + ".name",
                       "vm name \"host process\" is reserved: the places of the process on the host carry it"});
  } else if (auto [it, fresh] = names.emplace(vm.name(), v); !fresh) {
    issues->push_back({path + ".name", "vm name \"" + vm.name() + "\" is already used by " + at("vm", it->second)});
  }

  const uint32_t cores = s.host().cores();
  // vcpus 0 is a range error already; a count mismatch on top would be noise.
  const uint32_t copies = vm_copies(s, v);
  const uint64_t pins = uint64_t{vm.vcpus()} * copies;
  if (vm.pin_cores_size() > 0 && vm.vcpus() > 0 && static_cast<uint64_t>(vm.pin_cores_size()) != pins) {
    issues->push_back({path + ".pin_cores", who + " has " + std::to_string(pins) + " vCPUs" +
                                                (copies > 1 ? " (" + std::to_string(copies) + " copies)" : "") +
                                                " but pin_cores lists " + std::to_string(vm.pin_cores_size()) +
                                                " cores; give one core per vCPU, or none"});
  }
  // The copies' names are taken too.
  for (uint32_t i = 0; copies > 1 && i < copies && !vm.name().empty(); ++i) {
    const std::string copy = vm.name() + std::to_string(i);
    if (auto [it, fresh] = names.emplace(copy, v); !fresh && it->second != v) {
      issues->push_back({path + ".count", "copy \"" + copy + "\" of " + who + " has the name of " + at("vm", it->second)});
    }
  }
  for (int i = 0; i < vm.pin_cores_size() && cores > 0; ++i) {
    if (vm.pin_cores(i) >= cores) {
      issues->push_back({at(path + ".pin_cores", i), who + " pins vCPU " + std::to_string(i) + " to core " +
                                                         std::to_string(vm.pin_cores(i)) + ", but the host has " +
                                                         cores_text(cores)});
    }
  }
  const viosim::VmNic& nic = vm.nic();
  for (int i = 0; i < nic.backend_cores_size() && cores > 0; ++i) {
    if (nic.backend_cores(i) >= cores) {
      issues->push_back({at(path + ".nic.backend_cores", i), who + " runs backend threads on core " +
                                                                 std::to_string(nic.backend_cores(i)) +
                                                                 ", but the host has " + cores_text(cores)});
    }
  }

  const viosim::Nic* uplink = find_nic(s.host(), nic.uplink());
  if (uplink == nullptr) {
    std::vector<std::string> choices;
    for (const auto& n : s.host().nic()) choices.push_back(n.name());
    issues->push_back({path + ".nic.uplink", who + " uses uplink \"" + nic.uplink() + "\", but the host has no such nic" +
                                                 did_you_mean(nic.uplink(), choices) + " (nics: " + join(choices) + ")"});
  }
  // The backend this VM runs when compare does not replace it: its own
  // when it keeps it, else the first VM's (the run's) without a compare.
  std::optional<viosim::Backend> runs;
  if (nic.fixed_backend()) {
    runs = nic.backend();
  } else if (s.compare().backend_size() == 0) {
    runs = s.vm(0).nic().backend();
  }
  if (runs) {
    const std::string who_runs =
        *runs == nic.backend() ? who : who + " (running the first VM's " + viosim::Backend_Name(*runs) + ")";
    if (auto problem = queue_problem(*runs, nic, uplink)) {
      issues->push_back({path + ".nic.queues", who_runs + " has " + *problem});
    }
    if (auto problem = queue_size_problem(*runs, nic)) {
      issues->push_back({path + ".nic.queue_size", who_runs + " has " + *problem});
    }
    if (auto problem = features_problem(*runs, nic)) {
      issues->push_back({path + ".nic.features." + problem->field, who_runs + " negotiates " + problem->text});
    }
    if (auto problem = bql_problem(*runs, vm, uplink)) {
      issues->push_back({path + ".guest.bql", who_runs + " sets " + *problem});
    }
    if (nic.busy_poll_us() != 0 && *runs != viosim::VHOST_NET) {
      issues->push_back({path + ".nic.busy_poll_us", "busy_poll_us applies only to VHOST_NET, but " + who_runs + " uses " +
                                                         viosim::Backend_Name(*runs)});
    }
  }
  // kernel/Kconfig.hz offers these four.
  const uint32_t hz = vm.guest().hz();
  if (hz != 100 && hz != 250 && hz != 300 && hz != 1000) {
    issues->push_back({path + ".guest.hz", who + " sets hz " + std::to_string(hz) +
                                               ", which is not a CONFIG_HZ Linux builds: 100, 250, 300 or 1000"});
  }
  check_interrupts(vm, s.host(), path, who, issues);
  check_guest_vcpus(vm, path, who, issues);
  if (vm.guest().has_virtio_coalescing()) {
    issues->push_back({path + ".guest.virtio_coalescing",
                       who + " asks its virtio-net device for notification coalescing (VIRTIO_NET_F_NOTF_COAL), "
                             "which no modelled backend offers: QEMU's virtio-net implements none of its commands "
                             "and hides the bit from vhost-net, vhost-user and vhost-vdpa backends, so the guest's "
                             "ethtool -C fails (EOPNOTSUPP); drop guest.virtio_coalescing (the device notifies by "
                             "the event index, vm.nic.features.event_idx)"});
  }
  // e1000_param.c: 0, 1 and 3 are modes, 100-100000 a fixed rate; anything
  // else is refused here (the driver would warn and end up unthrottled).
  const uint32_t itr = vm.guest().e1000_interrupt_throttle_rate();
  if (itr == 2 || (itr >= 5 && itr < 100)) {
    issues->push_back({path + ".guest.e1000_interrupt_throttle_rate",
                       who + " sets InterruptThrottleRate " + std::to_string(itr) +
                           ", which the e1000 driver does not take: 0 (off), 1 (dynamic), 3 (dynamic conservative) "
                           "or a fixed 100-100000 interrupts/s"});
  } else if (itr == 4) {
    issues->push_back({path + ".guest.e1000_interrupt_throttle_rate",
                       who + " sets InterruptThrottleRate 4 (simplified mode), which is not modelled: use 0, 1, 3 "
                             "or a fixed 100-100000 interrupts/s"});
  }
}

// A poll-mode VNF: testpmd's main lcore on vCPU 0 and a forwarding lcore
// per queue pair, each on a vCPU of its own, over DPDK's virtio PMD.
void check_forwarder(const viosim::Scenario& s, int v, Issues* issues) {
  const viosim::Vm& vm = s.vm(v);
  if (!vm.has_forward() || vm.forward().mode() != viosim::Forwarder::POLL_MODE) return;
  const std::string path = at("vm", v);
  const std::string who = vm.name().empty() ? path : "vm \"" + vm.name() + "\"";
  const uint32_t queues = std::max<uint32_t>(1, vm.nic().queues());
  if (vm.vcpus() > 0 && vm.vcpus() < queues + 1) {
    issues->push_back({path + ".vcpus", who + " forwards in poll mode with " + std::to_string(vm.vcpus()) +
                                            " vCPU(s): testpmd's main lcore takes vCPU 0 and each of its " +
                                            std::to_string(queues) +
                                            " queue pair(s) needs a forwarding lcore of its own; give it vcpus: " +
                                            std::to_string(queues + 1) + " (or fewer nic.queues)"});
  }
  const std::vector<viosim::Backend> runs =
      vm.nic().fixed_backend() ? std::vector<viosim::Backend>{vm.nic().backend()} : sweep::run_backends(s);
  for (viosim::Backend b : runs) {
    const models::Backend* model = models::find_backend(viosim::Backend_Name(b));
    if (model != nullptr && model->traits().virtio) continue;
    issues->push_back({path + ".forward.mode",
                       who + " forwards in poll mode with DPDK's virtio PMD, but runs " + viosim::Backend_Name(b) +
                           (vm.nic().fixed_backend() ? "" : " in a run of this scenario") +
                           "; poll mode needs a virtio backend (VIRTIO_USERSPACE, VHOST_NET, VHOST_USER or VDPA): "
                           "DPDK's e1000 and VF drivers in a guest are not modelled"});
  }
}

void check_compare(const viosim::Scenario& s, Issues* issues) {
  std::set<int> seen;
  for (int b = 0; b < s.compare().backend_size(); ++b) {
    const auto backend = s.compare().backend(b);
    const std::string path = at("compare.backend", b);
    const std::string name = viosim::Backend_Name(backend);
    if (!seen.insert(backend).second) {
      issues->push_back({path, "compare lists " + name + " twice"});
      continue;
    }
    for (const viosim::Vm& vm : s.vm()) {
      if (vm.nic().fixed_backend()) continue;  // compare leaves it alone
      const viosim::Nic* uplink = find_nic(s.host(), vm.nic().uplink());
      const std::string who = "vm \"" + vm.name() + "\"";
      if (auto problem = queue_problem(backend, vm.nic(), uplink)) {
        issues->push_back({path, "compare runs " + name + ", where " + who + " has " + *problem});
      }
      if (auto problem = queue_size_problem(backend, vm.nic())) {
        issues->push_back({path, "compare runs " + name + ", where " + who + " has " + *problem});
      }
      if (auto problem = features_problem(backend, vm.nic())) {
        issues->push_back({path, "compare runs " + name + ", where " + who + " negotiates " + problem->text});
      }
      if (auto problem = bql_problem(backend, vm, uplink)) {
        issues->push_back({path, "compare runs " + name + ", where " + who + " sets " + *problem});
      }
    }
  }
}

// Two vCPUs pinned to one core take turns on it: an overcommitted host is
// a choice (host.allow_overcommit), not a slip of the pin list.
void check_overcommit(const viosim::Scenario& s, Issues* issues) {
  if (s.host().allow_overcommit()) return;
  std::map<uint32_t, std::string> taken;  // core -> the first vCPU pinned there
  for (int v = 0; v < s.vm_size(); ++v) {
    const viosim::Vm& vm = s.vm(v);
    const std::string who = vm.name().empty() ? at("vm", v) : "vm \"" + vm.name() + "\"";
    const uint32_t vcpus = std::max<uint32_t>(1, vm.vcpus());
    for (int i = 0; i < vm.pin_cores_size(); ++i) {
      std::string vcpu = "vCPU " + std::to_string(i % vcpus) + " of " + who;
      if (vm.count() > 1) vcpu += " (copy " + std::to_string(i / vcpus) + ")";
      auto [it, fresh] = taken.emplace(vm.pin_cores(i), vcpu);
      if (!fresh) {
        issues->push_back({at(at("vm", v) + ".pin_cores", i),
                           vcpu + " is pinned to core " + std::to_string(vm.pin_cores(i)) + ", which " + it->second +
                               " already has; vCPUs sharing a core take turns (set host.allow_overcommit: true "
                               "if that is meant)"});
      }
    }
  }
}

// OVS-DPDK's PMD cores: cores of the host, each once, none a vCPU's pin
// (a PMD spins on its core without end); set in one place, the host's,
// when several VMs share them.
void check_ovs_dpdk(const viosim::Scenario& s, Issues* issues) {
  const viosim::OvsDpdk& ovs = s.host().ovs_dpdk();
  const uint32_t cores = s.host().cores();
  std::map<uint32_t, std::string> pinned;  // core -> the first vCPU pinned there
  for (const viosim::Vm& vm : s.vm()) {
    const uint32_t vcpus = std::max<uint32_t>(1, vm.vcpus());
    for (int i = 0; i < vm.pin_cores_size(); ++i) {
      std::string vcpu = "vCPU " + std::to_string(i % vcpus) + " of vm \"" + vm.name() + "\"";
      if (vm.count() > 1) vcpu += " (copy " + std::to_string(i / vcpus) + ")";
      pinned.emplace(vm.pin_cores(i), vcpu);
    }
  }
  std::set<uint32_t> seen;
  for (int i = 0; i < ovs.pmd_cores_size(); ++i) {
    const uint32_t core = ovs.pmd_cores(i);
    const std::string path = at("host.ovs_dpdk.pmd_cores", i);
    if (core >= cores) {
      issues->push_back({path, beyond_the_host("a PMD thread", core, cores)});
    } else if (!seen.insert(core).second) {
      issues->push_back({path, "core " + std::to_string(core) + " is listed twice; OVS runs one PMD thread per core"});
    } else if (auto it = pinned.find(core); it != pinned.end()) {
      issues->push_back({path, "core " + std::to_string(core) + " is a PMD core and " + it->second +
                                   " is pinned there; a PMD polls its core 100 % of the time, so pin the vCPU "
                                   "elsewhere or take another PMD core"});
    }
  }
  // Which VMs may run VHOST_USER, and how many instances they make.
  const std::vector<viosim::Backend> run = sweep::run_backends(s);
  bool varies = false;
  for (const auto& axis : s.sweep().axis()) varies |= axis.field().find("backend") != std::string::npos;
  const bool run_vhost_user =
      varies || std::find(run.begin(), run.end(), viosim::VHOST_USER) != run.end();
  uint32_t instances = 0;
  std::vector<int> with_cores;
  for (int v = 0; v < s.vm_size(); ++v) {
    const viosim::Vm& vm = s.vm(v);
    const bool may = vm.nic().fixed_backend() ? vm.nic().backend() == viosim::VHOST_USER : run_vhost_user;
    if (!may) continue;
    instances += vm_copies(s, v);
    if (vm.nic().backend_cores_size() > 0) with_cores.push_back(v);
  }
  for (int v : with_cores) {
    const std::string path = at("vm", v) + ".nic.backend_cores";
    const std::string who = "vm \"" + s.vm(v).name() + "\"";
    if (ovs.pmd_cores_size() > 0) {
      issues->push_back({path, who + " runs VHOST_USER, whose PMD threads are OVS-DPDK's, and host.ovs_dpdk.pmd_cores "
                                     "already places them; remove one of the two"});
    } else if (instances > 1) {
      issues->push_back({path, who + " runs VHOST_USER beside other vhost-user VMs (" + std::to_string(instances) +
                                     " in all), which share OVS-DPDK's PMD threads; place them with "
                                     "host.ovs_dpdk.pmd_cores"});
    }
  }
}

// The cores of the host's own threads placed by hand (OVS's handler, the
// host process): the host's.
void check_thread_cores(const viosim::Host& h, Issues* issues) {
  const viosim::KernelSwitch& k = h.kernel_switch();
  if (k.has_handler_core() && k.handler_core() >= h.cores()) {
    issues->push_back(
        {"host.kernel_switch.handler_core", beyond_the_host("the OVS handler thread", k.handler_core(), h.cores())});
  }
  if (h.has_process_core() && h.process_core() >= h.cores()) {
    issues->push_back({"host.process_core", beyond_the_host("the host process", h.process_core(), h.cores())});
  }
}

// Sockets and SMT siblings split the cores evenly.
void check_topology(const viosim::Host& h, Issues* issues) {
  const uint32_t split = h.sockets() * h.threads_per_core();
  if (h.cores() % split == 0) return;
  const std::string field = h.has_sockets() ? "host.sockets" : "host.threads_per_core";
  issues->push_back({field, "the host's " + std::to_string(h.cores()) + " cores do not split evenly over " +
                                std::to_string(h.sockets()) + " socket(s) x " + std::to_string(h.threads_per_core()) +
                                " thread(s) per core; give host.cores a multiple of " + std::to_string(split)});
}

}  // namespace

void check_virtualization(const viosim::Virtualization& v, const std::string& path, Issues* issues) {
  check_needs_apicv("the host", v.apicv(), {v.vtd_posted_interrupts(), path + ".vtd_posted_interrupts"},
                    {v.ipi_virtualization(), path + ".ipi_virtualization"}, issues);
}

void validate_host_and_vms(const viosim::Scenario& s, Issues* issues) {
  check_nics(s.host(), issues);
  check_virtualization(s.host().virtualization(), "host.virtualization", issues);
  check_topology(s.host(), issues);
  if (s.vm_size() == 0) {
    issues->push_back({"vm", "the scenario has no vm; add one, e.g. vm { name: \"vm0\" }"});
  }
  std::map<std::string, int> names;
  for (int v = 0; v < s.vm_size(); ++v) {
    check_vm(s, v, names, issues);
    check_forwarder(s, v, issues);
  }
  check_overcommit(s, issues);
  check_ovs_dpdk(s, issues);
  check_thread_cores(s.host(), issues);
  check_compare(s, issues);
}

}  // namespace viosim::scenarios
