// Two host cores, a vCPU on the first and a device thread on the second:
// the bench the vCPU tests run on.
#pragma once

#include <gtest/gtest.h>

#include <numeric>

#include "models/vcpu/vcpu.h"

namespace viosim::models {

struct VCpuHost {
  explicit VCpuHost(VCpu::Config config = {}, CpuCosts costs = {})
      : core0(sim, "core0", nullptr, costs, 0),
        core1(sim, "core1", nullptr, costs, 1),
        vcpu_thread(sim, "vcpu0_thread", nullptr, core0),
        io_thread(sim, "io", nullptr, core1),
        vcpu(sim, "vcpu0", nullptr, vcpu_thread, config),
        task(vcpu.add_thread("task")) {}
  void expect_accounting_exact() {
    for (Core* c : {&core0, &core1}) {
      const auto u = c->usage();
      EXPECT_EQ(std::accumulate(u.begin(), u.end(), core::Duration::zero()), sim.now() - c->accounting_start());
    }
  }
  core::Simulator sim;
  Core core0, core1;
  HostThread vcpu_thread, io_thread;
  VCpu vcpu;
  VCpu::ThreadId task;  // the guest thread the tests' work runs on
};

}  // namespace viosim::models
