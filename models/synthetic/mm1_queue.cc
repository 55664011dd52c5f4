// M/M/1: arrival and departure events over a FIFO of arrival times.
#include "models/synthetic/mm1_queue.h"

namespace viosim::models {

const core::ComponentSpec& Mm1Queue::model_spec() {
  static const core::ComponentSpec spec{
      .type = "synthetic.mm1_queue",
      .help = "M/M/1 FIFO queue with Poisson arrivals and exponential service",
      .params = {{"arrival_rate_per_s", core::Unit::kHertz, "0.9", "lambda"},
                 {"service_rate_per_s", core::Unit::kHertz, "1.0", "mu"},
                 {"customers", core::Unit::kCount, "1000000", "arrivals generated in all"}},
      .ports = {},
      .stats = {{"arrivals", core::StatKind::kCounter, core::Unit::kCount, "customers arrived"},
                {"departures", core::StatKind::kCounter, core::Unit::kCount, "customers served"},
                {"sojourn", core::StatKind::kHistogram, core::Unit::kPicoseconds, "arrival to departure"},
                {"in_system", core::StatKind::kGauge, core::Unit::kCount, "customers waiting or in service"}}};
  return spec;
}

Mm1Queue::Mm1Queue(core::Simulator& sim, std::string_view name, const Config& config, core::Component* parent)
    : core::Component(sim, name, parent),
      config_(config),
      arrival_rng_(config.arrival_stream_seed.value_or(core::derive_stream_seed(sim.seed(), this->name() + "/arrivals"))),
      service_rng_(config.service_stream_seed.value_or(core::derive_stream_seed(sim.seed(), this->name() + "/services"))) {}

void Mm1Queue::init() {
  if (config_.customers == 0) return;
  arrival_.schedule_at(now() + core::Duration::from_seconds(arrival_rng_.exponential(1.0 / config_.arrival_rate_per_s)));
}

void Mm1Queue::arrive() {
  ++arrived_;
  in_system_.set(now(), in_system_.value() + 1);
  if (arrived_.value() < config_.customers) {
    arrival_.schedule_after(core::Duration::from_seconds(arrival_rng_.exponential(1.0 / config_.arrival_rate_per_s)));
  }
  if (!busy_) {
    start_service(now());
  } else {
    waiting_.push_back(now());
  }
}

void Mm1Queue::start_service(core::Time arrived_at) {
  busy_ = true;
  in_service_since_arrival_ = arrived_at;
  departure_.schedule_after(core::Duration::from_seconds(service_rng_.exponential(1.0 / config_.service_rate_per_s)));
}

void Mm1Queue::depart() {
  ++departed_;
  in_system_.set(now(), in_system_.value() - 1);
  const core::Duration sojourn = now() - in_service_since_arrival_;
  sojourn_sum_ps_ += static_cast<uint64_t>(sojourn.ps());
  sojourn_.record(sojourn);
  if (!waiting_.empty()) {
    const core::Time next = waiting_.front();
    waiting_.pop_front();
    start_service(next);
  } else {
    busy_ = false;
  }
}

double Mm1Queue::mean_sojourn_s() const {
  if (departed_.value() == 0) return 0.0;
  return static_cast<double>(sojourn_sum_ps_) / static_cast<double>(departed_.value()) * 1e-12;
}

}  // namespace viosim::models
