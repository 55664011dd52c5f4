// The continuation of a piece of work of which one runs at a time (a
// guest's interrupt handler, its application or timer task, a NAPI poll),
// held by the work's owner while the work goes on in steps, so that no step
// has to capture it (a capture would allocate at every step).
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

#include "models/host/host_thread.h"

namespace viosim::models {

class HeldContinuation {
 public:
  // Throws if one is held already: the model started the work twice.
  void hold(Continuation k, const std::string& owner, const char* work) {
    if (k_) throw std::logic_error(owner + " ran " + work + " twice at once");
    k_ = std::move(k);
  }
  // Hands it back, holding none, for the caller to run.
  Continuation release() { return std::exchange(k_, nullptr); }

 private:
  Continuation k_;
};

}  // namespace viosim::models
