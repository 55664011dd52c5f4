// A CPU-bound guest application (a noisy neighbour): on its vCPU it runs
// `busy` worth of guest user code, then, when `idle` is not zero, halts for
// that long (its LAPIC timer wakes it) and starts over; with no idle it
// never halts. The work is CPU time on the vCPU: a host that takes the
// core away stretches a burst, it does not shorten it. It sends and
// receives nothing.
#pragma once

#include "models/vcpu/vcpu.h"
#include "sim-core/component.h"

namespace viosim::models {

class CpuLoad final : public core::Component {
 public:
  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  CpuLoad(core::Simulator& sim, std::string_view name, core::Component* parent, VCpu& vcpu, core::Duration busy,
          core::Duration idle);

  void init() override;
  uint64_t bursts() const { return bursts_.value(); }

 private:
  void burst(Continuation done);
  // Computes `left` of CPU time in guest user mode, as one spin that an
  // interrupt, the tick or a preemption cuts short (taken at once, as in a
  // user-mode loop), resumed for what is left.
  void work(core::Duration left, Continuation done);

  VCpu& vcpu_;
  VCpu::ThreadId thread_;
  core::Duration busy_;
  core::Duration idle_;
  core::Counter bursts_{this, "bursts"};
};

}  // namespace viosim::models
