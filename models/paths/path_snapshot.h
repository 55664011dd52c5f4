// How far a run has got, published once per slice of the run (see
// PathConfig::snapshot): enough for live figures (events per second,
// simulated time per second, delivered throughput) without anyone being
// called per event. Its own header so that code which only watches runs
// (the GUI) need not include the models.
#pragma once

#include <cstdint>

#include "sim-core/time.h"

namespace viosim::models {

struct PathSnapshot {
  core::Time now;            // simulated time reached
  core::Duration duration;   // the run's length, warm-up included
  uint64_t events = 0;       // events executed so far
  uint64_t app_packets = 0;  // packets delivered to applications since the start (warm-up included)
  uint64_t app_bytes = 0;    // their bytes
};

}  // namespace viosim::models
