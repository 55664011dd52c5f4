// Component naming, statistic and port binding against the spec, and the
// statistics members' out-of-line parts.
#include "sim-core/component.h"

#include <stdexcept>

#include "sim-core/ports.h"
#include "sim-core/stats.h"

namespace viosim::core {

namespace {
std::string full_name(Component* parent, std::string_view name) {
  if (name.empty() || name.find('.') != std::string_view::npos) {
    throw std::invalid_argument("component name \"" + std::string(name) +
                                "\" must be non-empty and contain no '.'");
  }
  return parent ? parent->name() + "." + std::string(name) : std::string(name);
}
}  // namespace

std::string escape_component_name(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  if (text.empty()) return "%";
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte == '.' || byte == '%' || byte < 0x20 || byte >= 0x7f) {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += ch;
    }
  }
  return out;
}

Component::Component(Simulator& sim, std::string_view name, Component* parent)
    : sim_(&sim),
      parent_(parent),
      name_(full_name(parent, name)),
      rng_(derive_stream_seed(sim.seed(), name_)) {
  sim.add_component(this);
}

Component::~Component() { sim_->remove_component(this); }

const Statistic* Component::find_stat(std::string_view name) const {
  for (const Statistic* s : stats_) {
    if (s->name() == name) return s;
  }
  return nullptr;
}

uint64_t Component::counter_value(std::string_view name) const {
  const auto* counter = dynamic_cast<const Counter*>(find_stat(name));
  return counter != nullptr ? counter->value() : 0;
}

void Component::reset_stats() {
  for (Statistic* s : stats_) s->reset(now());
  on_reset_stats();
}

void Component::check_connections() const {
  for (const PortBase* p : ports_) {
    if (!p->connected()) throw std::logic_error("output port " + name_ + "." + p->name() + " is not connected");
  }
}

const StatSpec& Component::bind_stat(Statistic* s, std::string_view name, StatKind kind) {
  const StatSpec* spec = this->spec().find_stat(name);
  if (spec == nullptr || spec->kind != kind) {
    throw std::logic_error("model " + this->spec().type + " does not declare a statistic \"" + std::string(name) +
                           "\" of this kind in its spec");
  }
  stats_.push_back(s);
  return *spec;
}

const PortSpec& Component::bind_port(PortBase* p, std::string_view name, PortDirection direction) {
  const PortSpec* spec = this->spec().find_port(name);
  if (spec == nullptr || spec->direction != direction) {
    throw std::logic_error("model " + this->spec().type + " does not declare a port \"" + std::string(name) +
                           "\" of this direction in its spec");
  }
  ports_.push_back(p);
  return *spec;
}

Statistic::Statistic(Component* owner, std::string_view name, StatKind kind)
    : owner_(owner), spec_(&owner->bind_stat(this, name, kind)) {}

void TimeWeightedGauge::set(Time now, double value) {
  area_ += value_ * static_cast<double>((now - last_).ps());
  last_ = now;
  value_ = value;
  if (value > max_) max_ = value;
}

double TimeWeightedGauge::mean(Time now) const {
  const int64_t span = (now - start_).ps();
  if (span <= 0) return value_;
  const double area = area_ + value_ * static_cast<double>((now - last_).ps());
  return area / static_cast<double>(span);
}

void TimeWeightedGauge::reset(Time now) {
  area_ = 0;
  start_ = now;
  last_ = now;
  max_ = value_;
}

}  // namespace viosim::core
