// Statistics owned by components. Each binds by name to an entry of its
// component's spec, which gives its unit and help text. Counters count,
// gauges integrate a level over simulated time, histograms keep a
// distribution in fixed memory.
#pragma once

#include <cstdint>
#include <string_view>

#include "sim-core/component.h"
#include "sim-core/histogram.h"

namespace viosim::core {

class Statistic {
 public:
  Statistic(Component* owner, std::string_view name, StatKind kind);
  Statistic(const Statistic&) = delete;
  Statistic& operator=(const Statistic&) = delete;
  virtual ~Statistic() = default;

  const StatSpec& spec() const { return *spec_; }
  const std::string& name() const { return spec_->name; }
  Unit unit() const { return spec_->unit; }
  Component& owner() const { return *owner_; }
  virtual void reset(Time now) = 0;

 private:
  Component* owner_;
  const StatSpec* spec_;
};

class Counter final : public Statistic {
 public:
  Counter(Component* owner, std::string_view name) : Statistic(owner, name, StatKind::kCounter) {}
  void add(uint64_t n = 1) { value_ += n; }
  Counter& operator++() {
    ++value_;
    return *this;
  }
  uint64_t value() const { return value_; }
  void reset(Time) override { value_ = 0; }

 private:
  uint64_t value_ = 0;
};

// A level that holds between changes (queue depth, busy cores); its mean is
// weighted by how long each value was held.
class TimeWeightedGauge final : public Statistic {
 public:
  TimeWeightedGauge(Component* owner, std::string_view name) : Statistic(owner, name, StatKind::kGauge) {}
  void set(Time now, double value);
  double value() const { return value_; }
  double max() const { return max_; }
  double mean(Time now) const;
  void reset(Time now) override;

 private:
  double value_ = 0;
  double max_ = 0;
  double area_ = 0;  // value x picoseconds since start_
  Time start_;
  Time last_;
};

class HistogramStat final : public Statistic {
 public:
  HistogramStat(Component* owner, std::string_view name) : Statistic(owner, name, StatKind::kHistogram) {}
  void record(uint64_t value) { h_.record(value); }
  void record(Duration d) { h_.record(d.ps() < 0 ? 0 : static_cast<uint64_t>(d.ps())); }
  const Histogram& histogram() const { return h_; }
  void reset(Time) override { h_.reset(); }

 private:
  Histogram h_;
};

}  // namespace viosim::core
