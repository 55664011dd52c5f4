// A CPU-bound guest application: bursts of guest user code, idle between.
#include "models/guest/cpu_load.h"

#include <algorithm>

namespace viosim::models {

const core::ComponentSpec& CpuLoad::model_spec() {
  static const core::ComponentSpec spec{
      .type = "guest.cpu_load",
      .help = "a CPU-bound guest application: bursts of guest user code on its vCPU, halting between them",
      .params = {},
      .ports = {},
      .stats = {{"bursts", core::StatKind::kCounter, core::Unit::kCount, "bursts of work started"}}};
  return spec;
}

CpuLoad::CpuLoad(core::Simulator& sim, std::string_view name, core::Component* parent, VCpu& vcpu, core::Duration busy,
                 core::Duration idle)
    : core::Component(sim, name, parent), vcpu_(vcpu), thread_(vcpu.add_thread("load")), busy_(busy), idle_(idle) {}

void CpuLoad::init() {
  vcpu_.post(thread_, [this](Continuation done) { burst(std::move(done)); });
}

void CpuLoad::burst(Continuation done) {
  ++bursts_;
  work(busy_, std::move(done));
}

void CpuLoad::work(core::Duration left, Continuation done) {
  if (left <= core::Duration::zero()) {
    if (idle_ == core::Duration::zero()) {
      burst(std::move(done));  // never idle: the next burst at once
      return;
    }
    // Sleep until the timer: the task ends, the guest halts.
    vcpu_.arm_timer(now() + idle_, [this](Continuation timer_done) {
      vcpu_.post(thread_, [this](Continuation d) { burst(std::move(d)); });
      timer_done();
    });
    done();
    return;
  }
  vcpu_.guest_spin(
      CpuCategory::kGuestUser,
      [this, left, done = std::move(done)]() mutable { work(left - vcpu_.last_spin_cpu(), std::move(done)); }, left);
}

}  // namespace viosim::models
