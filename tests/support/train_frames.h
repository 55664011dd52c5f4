// Trains of back-to-back frames into two NIC queues, for the tests that
// hand a train's frames over before they arrive (receive_early) and
// compare with the same frames arriving one event each.
#pragma once

#include <algorithm>
#include <cstdint>
#include <tuple>
#include <vector>

#include "sim-core/rng.h"
#include "sim-core/time.h"

namespace viosim::models::testing {

struct TrainFrame {
  core::Time at;
  uint32_t queue;
  uint32_t tag;    // numbers the frames in arrival order
  uint32_t train;  // frames of one train share it; the first of each comes on time
};

// What a run produced, to compare whole.
struct TrainOutcome {
  std::vector<std::tuple<uint32_t, uint32_t, int64_t>> taken;  // queue, tag, ps
  std::vector<uint64_t> counts;                                // statistics since the mid-run reset
  uint64_t offered = 0;                                        // frames, whole run
  uint64_t events = 0;
};

// `trains` trains of 1 to `max_frames` 1514-byte frames, one every 0.485
// us (a 25G wire), into queue 0 or 1, with up to `max_gap_ns` between
// trains; no two arrivals coincide to the picosecond.
inline std::vector<TrainFrame> make_train_frames(uint64_t seed, uint32_t trains, uint32_t max_frames,
                                                 uint32_t max_gap_ns) {
  core::Rng rng(seed);
  std::vector<TrainFrame> out;
  core::Time t = core::Time::zero() + core::Microseconds(5);
  uint32_t tag = 0;
  for (uint32_t k = 0; k < trains; ++k) {
    t += core::Nanoseconds(rng.below(max_gap_ns)) + core::Duration::from_ps(k * 7 + 1);
    const uint32_t queue = rng.below(2);
    const uint32_t frames = 1 + rng.below(max_frames);
    for (uint32_t f = 0; f < frames; ++f) out.push_back({t + core::Nanoseconds(485) * f, queue, tag++, k});
  }
  std::sort(out.begin(), out.end(), [](const TrainFrame& a, const TrainFrame& b) { return a.at < b.at; });
  return out;
}

// A moment in the middle of a long train a third of the way through:
// frames of it have arrived, more are coming.
inline core::Time mid_train(const std::vector<TrainFrame>& frames) {
  for (size_t k = frames.size() / 3; k + 8 < frames.size(); ++k) {
    if (frames[k + 8].train == frames[k].train) return frames[k + 4].at + core::Duration::from_ps(1);
  }
  return frames[frames.size() / 2].at;
}

}  // namespace viosim::models::testing
