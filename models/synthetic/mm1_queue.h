// An M/M/1 FIFO queue: Poisson arrivals, one server with exponential service
// times. Its mean sojourn time has a closed form, 1 / (mu - lambda), which
// makes it the engine's end-to-end sanity check as well as a benchmark load.
#pragma once

#include <cstdint>
#include <optional>

#include "sim-core/component.h"
#include "sim-core/member_event.h"
#include "sim-core/ring_buffer.h"
#include "sim-core/stats.h"

namespace viosim::models {

class Mm1Queue final : public core::Component {
 public:
  struct Config {
    double arrival_rate_per_s = 0.9;  // lambda
    double service_rate_per_s = 1.0;  // mu
    uint64_t customers = 1'000'000;   // arrivals generated in all
    // When set, replace the name-derived streams of arrivals and services.
    std::optional<uint64_t> arrival_stream_seed;
    std::optional<uint64_t> service_stream_seed;
  };

  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  Mm1Queue(core::Simulator& sim, std::string_view name, const Config& config, core::Component* parent = nullptr);

  void init() override;
  uint64_t departed() const { return departed_.value(); }
  // Mean time from arrival to departure over departed customers, seconds.
  double mean_sojourn_s() const;
  const core::HistogramStat& sojourn() const { return sojourn_; }

 private:
  void arrive();
  void depart();
  void start_service(core::Time arrived_at);

  Config config_;
  core::Rng arrival_rng_;
  core::Rng service_rng_;
  core::RingBuffer<core::Time> waiting_;
  bool busy_ = false;
  core::Time in_service_since_arrival_;
  __extension__ unsigned __int128 sojourn_sum_ps_ = 0;  // exact
  core::MemberEvent arrival_{this, "arrival", [this] { arrive(); }};
  core::MemberEvent departure_{this, "departure", [this] { depart(); }};
  core::Counter arrived_{this, "arrivals"};
  core::Counter departed_{this, "departures"};
  core::HistogramStat sojourn_{this, "sojourn"};
  core::TimeWeightedGauge in_system_{this, "in_system"};
};

}  // namespace viosim::models
