// Components: the building blocks of a model. A component has a
// hierarchical name ("host.core3"), its own random stream, a spec that
// declares its parameters, ports and statistics, and a lifecycle: construct,
// connect ports, init (once, before the first event), run, finish.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim-core/component_spec.h"
#include "sim-core/rng.h"
#include "sim-core/simulator.h"

namespace viosim::core {

class Statistic;
class PortBase;

// A component name made from text a user wrote (a flow's name): '.' (the
// hierarchy separator), '%' and bytes outside printable ASCII become %XX,
// everything else stays, so "rr" stays "rr" and "rr.v1" becomes "rr%2Ev1".
// Never empty: "" becomes "%".
std::string escape_component_name(std::string_view text);

class Component {
 public:
  // Throws std::invalid_argument for an empty name or one with a '.'.
  Component(Simulator& sim, std::string_view name, Component* parent = nullptr);
  Component(const Component&) = delete;
  Component& operator=(const Component&) = delete;
  virtual ~Component();

  virtual const ComponentSpec& spec() const = 0;
  virtual void init() {}
  virtual void finish() {}
  virtual void on_reset_stats() {}
  // Brings up to now what a component keeps lazily (frames handed over
  // before they arrive): called on every component before statistics are
  // read or reset mid-run.
  virtual void settle() {}

  const std::string& name() const { return name_; }
  Component* parent() const { return parent_; }
  Simulator& sim() const { return *sim_; }
  Time now() const { return sim_->now(); }
  Rng& rng() { return rng_; }
  // Replaces the stream derived from (seed, name), e.g. to replay a stream
  // defined elsewhere; a run that never calls it stays name-derived.
  void reseed(uint64_t stream_seed) { rng_ = Rng(stream_seed); }

  const std::vector<Statistic*>& stats() const { return stats_; }
  const Statistic* find_stat(std::string_view name) const;
  // The value of the counter `name`; 0 when the component has none by that
  // name (so a sum over components that count different things reads well).
  uint64_t counter_value(std::string_view name) const;
  // Starts every statistic afresh at the current time (end of warm-up),
  // then lets the component reset what it keeps outside statistics.
  void reset_stats();
  // Throws std::logic_error naming the first output port left unconnected.
  void check_connections() const;

  // Called by members as they are constructed.
  const StatSpec& bind_stat(Statistic* s, std::string_view name, StatKind kind);
  const PortSpec& bind_port(PortBase* p, std::string_view name, PortDirection direction);

 private:
  Simulator* sim_;
  Component* parent_;
  std::string name_;
  Rng rng_;
  std::vector<Statistic*> stats_;
  std::vector<PortBase*> ports_;
};

}  // namespace viosim::core
