// viosim-path-bench: simulated packets per wall-clock second for one I/O
// path on one core, and peak memory, for an open-loop 64-byte flow.
//   viosim-path-bench --backend=vhost-net|vhost-user|userspace --direction=rx|tx
//                     --rate-pps=N --duration-ms=N
// Prints one JSON line. Used for the speed and memory figures in the README.
#include <sys/resource.h>

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
  models::FlowConfig f;
  f.name = "load";
  f.pattern = models::FlowConfig::Pattern::kOpenLoop;
  f.from_guest = arg(argc, argv, "--direction", "rx") == "tx";
  f.rate_pps = std::atof(arg(argc, argv, "--rate-pps", "1000000").c_str());
  f.frame_bytes = 64;
  c.flows.push_back(f);
  const models::PathResults r = models::run_path(c);
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double sim_packets = double(r.nic_packets) / r.window_s * c.duration.seconds();
  std::printf(
      "{\"backend\":\"%s\",\"direction\":\"%s\",\"rate_pps\":%.0f,\"duration_ms\":%.0f,\"delivered_pps\":%.0f,"
      "\"drops\":%llu,\"events\":%llu,\"wall_s\":%.4f,\"sim_packets_per_wall_s\":%.0f,\"events_per_wall_s\":%.0f,"
      "\"maxrss_kb\":%ld}\n",
      backend.c_str(), f.from_guest ? "tx" : "rx", f.rate_pps, duration_ms, r.throughput_pps(),
      static_cast<unsigned long long>(r.drops), static_cast<unsigned long long>(r.events), r.wall_s,
      sim_packets / r.wall_s, double(r.events) / r.wall_s, ru.ru_maxrss);
  return 0;
}
