// PHOLD logical processes: each is a child component and an event target.
#include "models/synthetic/phold.h"

#include <string>

namespace viosim::models {

class Phold::Lp final : public core::Component, public core::EventTarget {
 public:
  Lp(Phold& owner, uint32_t index)
      : core::Component(owner.sim(), "lp" + std::to_string(index), &owner),
        core::EventTarget(owner.sim()),
        owner_(owner) {}
  const core::ComponentSpec& spec() const override { return lp_spec(); }
  void on_event(uint64_t) override { owner_.send_from(*this); }

 private:
  Phold& owner_;
};

const core::ComponentSpec& Phold::model_spec() {
  static const core::ComponentSpec spec{
      .type = "synthetic.phold",
      .help = "PHOLD benchmark load: LPs that forward each message to a random LP after lookahead + Exp(mean)",
      .params = {{"lps", core::Unit::kCount, "1000", "number of logical processes"},
                 {"population", core::Unit::kCount, "10", "initial messages per LP"},
                 {"lookahead", core::Unit::kPicoseconds, "100 ms", "fixed part of every message delay"},
                 {"mean_delay", core::Unit::kPicoseconds, "1 s", "mean of the exponential part of the delay"},
                 {"end", core::Unit::kPicoseconds, "100 s", "messages arriving later are not sent"}},
      .ports = {},
      .stats = {{"messages_handled", core::StatKind::kCounter, core::Unit::kCount, "messages processed by all LPs"},
                {"messages_past_end", core::StatKind::kCounter, core::Unit::kCount,
                 "messages not sent because they would arrive after the end time"}}};
  return spec;
}

const core::ComponentSpec& Phold::lp_spec() {
  static const core::ComponentSpec spec{
      .type = "synthetic.phold_lp", .help = "one PHOLD logical process", .params = {}, .ports = {}, .stats = {}};
  return spec;
}

Phold::Phold(core::Simulator& sim, std::string_view name, Config config, core::Component* parent)
    : core::Component(sim, name, parent), config_(std::move(config)) {
  lps_.reserve(config_.lps);
  for (uint32_t i = 0; i < config_.lps; ++i) {
    lps_.push_back(std::make_unique<Lp>(*this, i));
    if (config_.lp_stream_seed) lps_.back()->reseed(config_.lp_stream_seed(i));
  }
}

Phold::~Phold() {
  // LPs unregister from the simulator latest first.
  while (!lps_.empty()) lps_.pop_back();
}

void Phold::init() {
  for (auto& lp : lps_) {
    for (uint32_t m = 0; m < config_.population; ++m) {
      const core::Time t = now() + config_.lookahead + lp->rng().exponential(config_.mean_delay);
      if (t <= config_.end) sim().schedule_at(t, *lp);
    }
  }
}

void Phold::send_from(Lp& lp) {
  ++handled_;
  core::Rng& rng = lp.rng();
  const uint32_t dst = rng.below(config_.lps);
  const core::Time t = now() + config_.lookahead + rng.exponential(config_.mean_delay);
  if (t <= config_.end) {
    sim().schedule_at(t, *lps_[dst]);
  } else {
    ++dropped_;
  }
}

}  // namespace viosim::models
