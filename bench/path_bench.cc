// viosim-path-bench: simulated packets per wall-clock second for one I/O
// path on one core, and peak memory, for an open-loop 64-byte flow into
// each of --vms VMs (each with its own vCPU and backend core; with several,
// the host NIC has a queue per VM up to 8, each flow its own address).
//   viosim-path-bench --backend=vhost-net|vhost-user|userspace --direction=rx|tx
//                     --rate-pps=N (per VM) --duration-ms=N --vms=N
// Or a service chain: --chain=L runs L poll-mode forwarding VMs (testpmd)
// on vhost-user, the flow from the wire through all of them and back out,
// each vhost-user port and the physical port on a PMD core of its own (so
// the chain carries what is offered), at --rate-pps in all.
// Prints one JSON line. Used for the speed and memory figures in the README.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "models/paths/path_model.h"

namespace {

std::string arg(int argc, char** argv, const char* key, const char* fallback) {
  const size_t n = std::strlen(key);
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], key, n) == 0 && argv[i][n] == '=') return argv[i] + n + 1;
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace viosim;
  const std::string backend = arg(argc, argv, "--backend", "vhost-net");
  models::PathConfig c;
  if (backend == "vhost-net") {
    c.backend = models::PathBackend::kVhostNet;
  } else if (backend == "vhost-user") {
    c.backend = models::PathBackend::kVhostUser;
  } else if (backend == "userspace") {
    c.backend = models::PathBackend::kVirtioUserspace;
  } else {
    std::fprintf(stderr, "viosim-path-bench: unknown --backend %s\n", backend.c_str());
    return 2;
  }
  const double duration_ms = std::atof(arg(argc, argv, "--duration-ms", "200").c_str());
  c.duration = core::Duration::from_seconds(duration_ms * 1e-3);
  c.warmup = c.duration / 10;
  const int vms = std::atoi(arg(argc, argv, "--vms", "1").c_str());
  const int chain = std::atoi(arg(argc, argv, "--chain", "0").c_str());
  if (chain < 0 || chain > 64 || (chain > 0 && (vms != 1 || backend != "vhost-user"))) {
    std::fprintf(stderr, "viosim-path-bench: --chain is 1 to 64 VNFs, with --backend=vhost-user and one --vms\n");
    return 2;
  }
  if (vms < 1 || vms > 256) {
    std::fprintf(stderr, "viosim-path-bench: --vms must be 1 to 256\n");
    return 2;
  }
  models::FlowConfig f;
  f.name = "load";
  f.pattern = models::FlowConfig::Pattern::kOpenLoop;
  f.from_guest = arg(argc, argv, "--direction", "rx") == "tx";
  f.rate_pps = std::atof(arg(argc, argv, "--rate-pps", "1000000").c_str());
  f.frame_bytes = 64;
  if (chain > 0) {
    // Cores: 0 the NIC's (DPDK's: unused), 1..L+1 the PMDs, then a
    // forwarding vCPU per VNF.
    const auto n = static_cast<uint32_t>(chain);
    c.cores = 2 * n + 3;
    c.irq_core = 0;
    c.vms.resize(n);
    for (uint32_t k = 0; k <= n; ++k) c.ovs.pmd_cores.push_back(1 + k);
    for (uint32_t k = 0; k < n; ++k) {
      models::VmConfig& vm = c.vms[k];
      vm.name = "vnf" + std::to_string(k);
      vm.forwarding = models::VmConfig::Forwarding::kPollMode;
      vm.vcpu_core = n + 2 + k;
      vm.backend_core = 1;
      f.via.push_back({k, 1});
    }
    f.arrival = models::FlowConfig::Arrival::kConstant;
    c.flows.push_back(f);
  } else if (vms == 1) {
    c.flows.push_back(f);  // the one-VM benchmark as it always was
  } else {
    // Cores: 0-1 the NIC's interrupts, then a vCPU and a backend core per VM.
    c.cores = 2 + 2 * static_cast<uint32_t>(vms);
    c.nic_queues = static_cast<uint32_t>(std::min(vms, 8));
    c.irq_core = 0;
    c.irq_cores = {0, 1};
    c.vms.resize(static_cast<size_t>(vms));
    for (int k = 0; k < vms; ++k) {
      models::VmConfig& vm = c.vms[static_cast<size_t>(k)];
      vm.name = "vm" + std::to_string(k);
      vm.vcpu_core = 2 + 2 * static_cast<uint32_t>(k);
      vm.backend_core = vm.vcpu_core + 1;
      models::FlowConfig g = f;
      g.name = "load" + std::to_string(k);
      g.vm = static_cast<uint32_t>(k);
      g.tuple.src_ip = models::parse_ipv4("192.168.0.1");
      g.tuple.dst_ip = models::parse_ipv4("10.0.0.2") + static_cast<uint32_t>(k);
      g.tuple.src_port = 5000;
      g.tuple.dst_port = 6000;
      g.tuple.has_ports = true;
      c.flows.push_back(g);
    }
  }
  const models::PathResults r = models::run_path(c);
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  // A chain's packets are those it delivers (each crossed every VNF).
  const double sim_packets = double(chain > 0 ? r.app_packets : r.nic_packets) / r.window_s * c.duration.seconds();
  std::printf(
      "{\"backend\":\"%s\",\"direction\":\"%s\",\"rate_pps\":%.0f,\"duration_ms\":%.0f,\"delivered_pps\":%.0f,"
      "\"drops\":%llu,\"events\":%llu,\"wall_s\":%.4f,\"sim_packets_per_wall_s\":%.0f,\"events_per_wall_s\":%.0f,"
      "\"vms\":%d,\"chain\":%d,\"maxrss_kb\":%ld}\n",
      backend.c_str(), f.from_guest ? "tx" : "rx", f.rate_pps, duration_ms, r.throughput_pps(),
      static_cast<unsigned long long>(r.drops), static_cast<unsigned long long>(r.events), r.wall_s,
      sim_packets / r.wall_s, double(r.events) / r.wall_s, vms, chain, ru.ru_maxrss);
  return 0;
}
