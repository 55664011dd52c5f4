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

CpuLoad::CpuLoad(core::Simulator& sim, std::string_view name, core::Component* parent, VCpu& vcpu,
                 core::Duration busy, core::Duration idle)
    : core::Component(sim, name, parent), vcpu_(vcpu), busy_(busy), idle_(idle) {}

void CpuLoad::init() {
  vcpu_.post([this](Continuation done) { burst(std::move(done)); });
}

void CpuLoad::burst(Continuation done) {
  ++bursts_;
  work(vcpu_.thread().core().clock().to_cycles(busy_), std::move(done));
}

void CpuLoad::work(core::Cycles left, Continuation done) {
  if (left <= core::Cycles(0)) {
    if (idle_ == core::Duration::zero()) {
      burst(std::move(done));  // never idle: the next burst at once
      return;
    }
    // Sleep until the timer: the task ends, the guest halts.
    vcpu_.arm_timer(now() + idle_, [this](Continuation timer_done) {
      vcpu_.post([this](Continuation d) { burst(std::move(d)); });
      timer_done();
    });
    done();
    return;
  }
  const core::Cycles step = std::min(left, vcpu_.thread().core().clock().to_cycles(kStep));
  vcpu_.guest(step, CpuCategory::kGuestUser,
              [this, left, step, done = std::move(done)]() mutable { work(left - step, std::move(done)); });
}

}  // namespace viosim::models
