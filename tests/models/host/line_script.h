// A hand-written schedule of cache-line accesses over a host's cores, for
// the coherence tests: one thread per core runs the accesses in order,
// each followed by a 100 ns step, and what each access added to its step
// is recorded.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/host/host_thread.h"
#include "sim-core/simulator.h"

namespace viosim::models::line_test {

using core::Duration;
using core::Nanoseconds;

constexpr Duration kStep = Nanoseconds(100);

inline CacheTopology topology(uint32_t cores, uint32_t sockets, uint32_t threads_per_core) {
  CacheTopology t;
  t.cores = cores;
  t.sockets = sockets;
  t.threads_per_core = threads_per_core;
  t.smt_transfer = Nanoseconds(8);
  t.socket_transfer = Nanoseconds(50);
  t.remote_transfer = Nanoseconds(130);
  t.llc_latency = Nanoseconds(20);
  t.dram_latency = Nanoseconds(90);
  return t;
}

class Script {
 public:
  struct Access {
    uint32_t core;
    std::function<void()> touch;
  };

  explicit Script(const CacheTopology& t) {
    CpuCosts costs;
    costs.cache = t;
    for (uint32_t i = 0; i < t.cores; ++i) {
      cores_.push_back(std::make_unique<Core>(sim_, "core" + std::to_string(i), nullptr, costs, i));
      threads_.push_back(std::make_unique<HostThread>(sim_, "t" + std::to_string(i), nullptr, *cores_.back()));
    }
  }

  // Runs the accesses; returns what each one cost beyond its step.
  std::vector<Duration> run(std::vector<Access> accesses) {
    accesses_ = std::move(accesses);
    paid_.clear();
    next_ = 0;
    for (uint32_t i = 0; i < threads_.size(); ++i) {
      HostThread& t = *threads_[i];
      t.start([this, i, &t] {
        if (!accesses_.empty() && accesses_[0].core == i) {
          go();
        } else {
          t.sleep([this] { go(); });
        }
      });
    }
    sim_.run_until(core::Time::zero() + core::Milliseconds(1));
    return paid_;
  }

  core::Simulator& sim() { return sim_; }
  uint64_t transfers(uint32_t core) const { return threads_[core]->line_transfers(); }
  HostThread& thread(uint32_t core) { return *threads_[core]; }

 private:
  void go() {
    const Access& a = accesses_[next_];
    HostThread& t = *threads_[a.core];
    a.touch();
    const core::Time start = sim_.now();
    t.run_for(kStep, CpuCategory::kVhost, [this, &t, start] {
      paid_.push_back(sim_.now() - start - kStep);
      ++next_;
      if (next_ == accesses_.size()) {
        t.sleep([] {});
      } else if (accesses_[next_].core == t.core().index()) {
        go();
      } else {
        threads_[accesses_[next_].core]->wake(&t);
        t.sleep([this] { go(); });
      }
    });
  }

  core::Simulator sim_;
  std::vector<std::unique_ptr<Core>> cores_;
  std::vector<std::unique_ptr<HostThread>> threads_;
  std::vector<Access> accesses_;
  std::vector<Duration> paid_;
  size_t next_ = 0;
};

}  // namespace viosim::models::line_test
