// The kvm-unit-tests vmexit loops (x86/vmexit.c: vmcall, outl_to_kernel,
// inl_from_kernel, inl_from_qemu) replayed on the kvm-2012 host profile,
// through a scenario, the builder and the vCPU's exit paths. Source:
// calibration.md section 1, kvm-unit-tests commit 00bfecaa (2012).
#include <gtest/gtest.h>

#include "models/vcpu/vcpu.h"
#include "scenarios/builder/path_builder.h"
#include "scenarios/loader/loader.h"

namespace viosim {
namespace {

using models::ExitReason;

models::PathConfig kvm_2012_config() {
  const auto loaded = scenarios::load_scenario_text("kvm_unit_tests.textproto", R"(
name: "kvm-unit-tests vmexit"
host { profile: "kvm-2012" cores: 4 }
vm { name: "vm0" pin_cores: [1] }
traffic { flow { name: "idle" src: "external" dst: "vm0" request_response {} } }
)");
  if (!loaded.ok()) throw std::runtime_error(scenarios::format_diagnostics(loaded.diagnostics));
  return scenarios::build_path_config(*loaded.scenario, models::PathBackend::kVhostNet);
}

// Cycles per iteration of a guest loop that takes `n` exits of one reason.
double cycles_per_exit(const models::PathConfig& c, ExitReason reason, int n) {
  core::Simulator sim;
  models::Core core0(sim, "core0", nullptr, c.cpu, 0);
  models::HostThread thread(sim, "vcpu0", nullptr, core0);
  models::VCpu vcpu(sim, "vcpu0_state", nullptr, thread, c.vm().vcpu);
  core::Time start, end;
  int left = n;
  models::Continuation done;
  std::function<void()> loop = [&] {
    if (left-- == 0) {
      end = sim.now();
      done();
      return;
    }
    if (reason == ExitReason::kPioUserspace) {
      vcpu.exit_to_device(reason, core::Cycles(0), loop);
    } else {
      vcpu.exit(reason, loop);
    }
  };
  vcpu.post(vcpu.add_thread("vmexit"), [&](models::Continuation d) {
    done = std::move(d);
    start = sim.now();
    loop();
  });
  sim.run_until(core::Time::zero() + core::Seconds(1));
  EXPECT_EQ(vcpu.exits(reason), static_cast<uint64_t>(n));
  return double(core0.clock().to_cycles(end - start).count()) / n;
}

TEST(KvmUnitTests, VmexitLoopsOnTheKvm2012Profile) {
  const models::PathConfig c = kvm_2012_config();
  const double vmcall = cycles_per_exit(c, ExitReason::kVmcall, 10'000);
  const double outl_to_kernel = cycles_per_exit(c, ExitReason::kPioFast, 10'000);
  const double inl_from_kernel = cycles_per_exit(c, ExitReason::kPioEmulated, 10'000);
  const double inl_from_qemu = cycles_per_exit(c, ExitReason::kPioUserspace, 10'000);
  EXPECT_NEAR(vmcall, 3898, 390);
  EXPECT_NEAR(outl_to_kernel, 4451, 445);
  EXPECT_NEAR(inl_from_kernel, 7237, 724);
  EXPECT_NEAR(inl_from_qemu, 20574, 2057);
  EXPECT_NEAR(inl_from_qemu / inl_from_kernel, 2.84, 0.284);
  EXPECT_NEAR(outl_to_kernel / vmcall, 1.14, 0.114);
}

}  // namespace
}  // namespace viosim
