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
  // Guest steps are at most this long, so that interrupts and timers are
  // taken between them as a preemptible guest kernel would.
  static constexpr core::Duration kStep = core::Microseconds(100);
  void burst(Continuation done);
  void work(core::Cycles left, Continuation done);

  VCpu& vcpu_;
  core::Duration busy_;
  core::Duration idle_;
  core::Counter bursts_{this, "bursts"};
};

}  // namespace viosim::models
