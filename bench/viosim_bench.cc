// viosim-bench: the engine benchmark of ../shared/bench-peers (PHOLD and
// M/M/1), built from the same models and engine API the simulator uses.
// Arguments are --key=value (unknown keys ignored); it prints one JSON line.
// The random streams are the harness's (stream k of seed s is seeded with
// s * 0x100000001b3 + 0x51ed27 * (k + 1)), so event counts and the mean
// sojourn agree with the peers'. One time unit of the harness is 1 s.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

#include "models/synthetic/mm1_queue.h"
#include "models/synthetic/phold.h"
#include "sim-core/simulator.h"

namespace {

using viosim::core::Duration;
using viosim::core::Time;

struct Args {
  std::map<std::string, std::string> kv;
  Args(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
      const char* a = argv[i];
      if (std::strncmp(a, "--", 2) != 0) continue;
      const char* eq = std::strchr(a, '=');
      if (eq == nullptr) {
        kv[a + 2] = "1";
      } else {
        kv[std::string(a + 2, eq)] = eq + 1;
      }
    }
  }
  std::string str(const std::string& k, const std::string& d) const {
    auto it = kv.find(k);
    return it == kv.end() ? d : it->second;
  }
  double num(const std::string& k, double d) const {
    auto it = kv.find(k);
    return it == kv.end() ? d : std::atof(it->second.c_str());
  }
  uint64_t u64(const std::string& k, uint64_t d) const {
    auto it = kv.find(k);
    return it == kv.end() ? d : std::strtoull(it->second.c_str(), nullptr, 10);
  }
};

uint64_t harness_stream(uint64_t seed, uint64_t k) { return seed * 0x100000001b3ull + 0x51ed27ull * (k + 1); }

long maxrss_kb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args(argc, argv);
  const std::string bench = args.str("bench", "phold");
  const uint64_t seed = args.u64("seed", 1);
  viosim::core::SimulatorOptions options;
  options.seed = seed;
  if (!viosim::core::parse_queue_kind(args.str("queue", "quad-heap"), options.queue)) {
    std::fprintf(stderr, "viosim-bench: unknown --queue (quad-heap or calendar)\n");
    return 2;
  }
  viosim::core::Simulator sim(options);
  const char* engine = "viosim-0.1";

  if (bench == "phold") {
    viosim::models::Phold::Config c;
    c.lps = static_cast<uint32_t>(args.u64("lps", 1000));
    c.population = static_cast<uint32_t>(args.u64("pop", 10));
    c.lookahead = Duration::from_seconds(args.num("lookahead", 0.1));
    c.mean_delay = Duration::from_seconds(args.num("mean", 1.0));
    c.end = Time::zero() + Duration::from_seconds(args.num("tend", 100.0));
    c.lp_stream_seed = [seed](uint32_t lp) { return harness_stream(seed, lp); };
    viosim::models::Phold phold(sim, "phold", c);
    sim.initialize();
    const auto t0 = std::chrono::steady_clock::now();
    sim.run();
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const uint64_t events = sim.events_executed();
    std::printf(
        "{\"engine\":\"%s\",\"bench\":\"phold\",\"seed\":%llu,\"lps\":%u,\"pop\":%u,\"tend\":%g,"
        "\"events\":%llu,\"wall_s\":%.6f,\"events_per_s\":%.1f,\"check_events\":%.6f,\"maxrss_kb\":%ld,"
        "\"queue\":\"%s\",\"fingerprint\":\"%s\"}\n",
        engine, static_cast<unsigned long long>(seed), c.lps, c.population, args.num("tend", 100.0),
        static_cast<unsigned long long>(events), wall, events / wall, static_cast<double>(phold.messages_handled()),
        maxrss_kb(), std::string(sim.queue_name()).c_str(), sim.fingerprint().hex().c_str());
  } else if (bench == "mm1") {
    viosim::models::Mm1Queue::Config c;
    c.customers = args.u64("customers", 1'000'000);
    c.arrival_rate_per_s = args.num("lambda", 0.9);
    c.service_rate_per_s = args.num("mu", 1.0);
    c.arrival_stream_seed = harness_stream(seed, 0);
    c.service_stream_seed = harness_stream(seed, 1);
    viosim::models::Mm1Queue queue(sim, "mm1", c);
    sim.initialize();
    const auto t0 = std::chrono::steady_clock::now();
    sim.run();
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const uint64_t events = sim.events_executed();
    std::printf(
        "{\"engine\":\"%s\",\"bench\":\"mm1\",\"seed\":%llu,\"customers\":%llu,\"lambda\":%g,\"mu\":%g,"
        "\"events\":%llu,\"wall_s\":%.6f,\"events_per_s\":%.1f,\"mean_sojourn\":%.6f,\"maxrss_kb\":%ld,"
        "\"queue\":\"%s\",\"fingerprint\":\"%s\"}\n",
        engine, static_cast<unsigned long long>(seed), static_cast<unsigned long long>(c.customers),
        c.arrival_rate_per_s, c.service_rate_per_s, static_cast<unsigned long long>(events), wall, events / wall,
        queue.mean_sojourn_s(), maxrss_kb(), std::string(sim.queue_name()).c_str(),
        sim.fingerprint().hex().c_str());
  } else {
    std::fprintf(stderr, "viosim-bench: unknown --bench=%s (phold or mm1)\n", bench.c_str());
    return 2;
  }
  return 0;
}
