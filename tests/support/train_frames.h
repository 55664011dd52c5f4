// Trains of back-to-back frames into two NIC queues, for the tests that
// hand a train's frames over before they arrive (receive_early) and
// compare with the same frames arriving one event each.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <tuple>
#include <vector>

#include "models/packet/packet.h"
#include "sim-core/component.h"
#include "sim-core/member_event.h"
#include "sim-core/rng.h"
#include "sim-core/simulator.h"
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

// Runs `sim` until `end`, with the warm-up's statistics reset in the
// middle of a train of `frames` (as the run loop does it: what arrived
// lands first), then finishes it.
inline void run_with_reset_mid_train(core::Simulator& sim, const std::vector<TrainFrame>& frames, core::Time end) {
  sim.run_until(mid_train(frames));
  for (core::Component* c : sim.components()) c->settle();
  for (core::Component* c : sim.components()) c->reset_stats();
  sim.run_until(end);
  sim.finish();
}

// Hands a run's frames to two queues as the wire does, an arrival event at
// a time: each frame on time; or, `early`, a train's first frame on time
// and the rest handed over with it (receive_early), every other train
// backwards (the queue must keep them in arrival order). Frames are 1514
// bytes from `pool`, each tag kept by packet id.
class TrainFeeder {
 public:
  TrainFeeder(PacketPool& pool, bool early) : pool_(&pool), early_(early) {}

  void start(const std::vector<TrainFrame>& frames, core::MemberEvent& next) {
    frames_ = &frames;
    next.schedule_at(frames.front().at);
  }
  // The arrival event: as the wire does, the next arrival is scheduled
  // before this one is delivered (at a tie with what the delivery
  // schedules, it comes first).
  template <class Queue>
  void arrive(const std::vector<std::unique_ptr<Queue>>& queues, core::MemberEvent& next) {
    const std::vector<TrainFrame>& v = *frames_;
    const TrainFrame& a = v[i_++];
    size_t end = i_;  // past what comes in this event
    while (early_ && end < v.size() && v[end].train == a.train) ++end;
    if (end < v.size()) next.schedule_at(v[end].at);
    queues[a.queue]->receive(alloc(a.tag));
    if (a.train % 2 == 1) {
      for (size_t k = end; k-- > i_;) queues[a.queue]->receive_early(alloc(v[k].tag), v[k].at);
      i_ = end;
    }
    for (; i_ < end; ++i_) queues[a.queue]->receive_early(alloc(v[i_].tag), v[i_].at);
  }
  uint32_t alloc(uint32_t tag) {
    Packet& p = pool_->alloc();
    p.bytes = 1514;
    if (tags_.size() <= p.id) tags_.resize(p.id + 1);
    tags_[p.id] = tag;
    return p.id;
  }
  uint32_t tag(uint32_t packet) const { return tags_[packet]; }

 private:
  PacketPool* pool_;
  bool early_;
  const std::vector<TrainFrame>* frames_ = nullptr;
  size_t i_ = 0;
  std::vector<uint32_t> tags_;
};

}  // namespace viosim::models::testing
