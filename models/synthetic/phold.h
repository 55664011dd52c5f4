// PHOLD (Fujimoto 1990), the standard synthetic load for event engines: N
// logical processes start with M messages each; handling a message at LP i
// at time t sends one message to a uniformly random LP, arriving at
// t + lookahead + Exp(mean), unless that is after the end time, so the run
// drains by itself. Each LP draws from its own stream, in event order.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "sim-core/component.h"
#include "sim-core/stats.h"

namespace viosim::models {

class Phold final : public core::Component {
 public:
  struct Config {
    uint32_t lps = 1000;
    uint32_t population = 10;  // initial messages per LP
    core::Duration lookahead = core::Milliseconds(100);
    core::Duration mean_delay = core::Seconds(1);
    core::Time end = core::Time::zero() + core::Seconds(100);
    // When set, LP i draws from Rng(lp_stream_seed(i)) instead of the stream
    // derived from its name (to replay another engine's streams).
    std::function<uint64_t(uint32_t)> lp_stream_seed;
  };

  static const core::ComponentSpec& model_spec();
  static const core::ComponentSpec& lp_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  Phold(core::Simulator& sim, std::string_view name, Config config, core::Component* parent = nullptr);
  ~Phold() override;

  void init() override;
  uint64_t messages_handled() const { return handled_.value(); }

 private:
  class Lp;
  void send_from(Lp& lp);

  Config config_;
  std::vector<std::unique_ptr<Lp>> lps_;
  core::Counter handled_{this, "messages_handled"};
  core::Counter dropped_{this, "messages_past_end"};
};

}  // namespace viosim::models
