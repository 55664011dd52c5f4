// One direction of an Ethernet link: frames wait in the sender's transmit
// ring (bounded: a full ring drops), are serialised at the line rate, and
// arrive after the propagation delay. One pending event per link, however
// many frames are on it, and none for frames a receiver takes early.
#pragma once

#include <algorithm>
#include <functional>
#include <vector>

#include "models/packet/packet.h"
#include "sim-core/component.h"
#include "sim-core/later_counts.h"
#include "sim-core/member_event.h"
#include "sim-core/ring_buffer.h"
#include "sim-core/stats.h"

namespace viosim::models {

// A receiver that takes some frames before they arrive, told when they
// will (the peer's TCP receive, which polls by time; a NIC queue that does
// what it would do at that time).
class EarlyTaker {
 public:
  virtual void receive_early(uint32_t packet, core::Time arrives) = 0;

 protected:
  ~EarlyTaker() = default;
};

// A frame a taker holds until it arrives.
struct HeldFrame {
  core::Time at;
  uint32_t packet;
};
// Holds `f` behind every frame due no later, and says whether it went at
// the back (one wire's frames come in order; two wires may interleave).
inline bool hold_in_order(core::RingBuffer<HeldFrame>& q, const HeldFrame& f) {
  size_t i = q.size();
  q.push_back(f);
  for (; i > 0 && q[i - 1].at > f.at; --i) q[i] = q[i - 1];
  q[i] = f;
  return i + 1 == q.size();
}

class Wire final : public core::Component {
 public:
  struct Config {
    uint64_t line_rate_bps = 25'000'000'000;
    core::Duration propagation = core::Nanoseconds(500);  // cable, PHYs, switch port
    uint32_t ring_size = 512;                             // frames waiting to be sent
  };
  using Deliver = std::function<void(uint32_t packet)>;
  // Who takes a frame before it arrives; nullptr: nobody, it comes on time.
  using TakerOf = std::function<EarlyTaker*(uint32_t packet)>;

  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  Wire(core::Simulator& sim, std::string_view name, core::Component* parent, const Config& config,
       PacketPool& pool, Deliver deliver);

  // Queues a frame; when the ring is full the frame is dropped there (counted,
  // freed to the pool) and send returns false. A TCP skb of several
  // segments (TSO) takes one ring slot and becomes their frames.
  bool send(uint32_t packet);
  core::Duration serialization(uint32_t frame_bytes) const;
  // How long until a frame of `frame_bytes` fits in a transmit buffer of
  // `buffer_bytes` ahead of the wire (what the transmitter still has to
  // serialise, plus the frame, within the buffer's worth of line time);
  // zero when it fits now.
  // The ring's frame count bounds it too: a full ring has room when its
  // oldest waiting frame starts.
  core::Duration wait_for_room(uint32_t frame_bytes, uint32_t buffer_bytes) {
    while (!starts_.empty() && starts_.front() <= now()) starts_.pop_front();
    if (starts_.size() >= config_.ring_size) return starts_.front() - now();
    const core::Duration ahead = free_at_ > now() ? free_at_ - now() : core::Duration::zero();
    const core::Duration room = serialization(buffer_bytes > frame_bytes ? buffer_bytes - frame_bytes : 0);
    return ahead > room ? ahead - room : core::Duration::zero();
  }
  // How long until `slots` frames could join the queue (at most its size).
  core::Duration wait_for_slots(uint32_t slots) {
    while (!starts_.empty() && starts_.front() <= now()) starts_.pop_front();
    const size_t want = std::min<size_t>(slots, config_.ring_size);
    if (starts_.size() + want <= config_.ring_size) return core::Duration::zero();
    return starts_[starts_.size() + want - config_.ring_size - 1] - now();
  }
  // A frame with nothing ahead of it on the wire goes to its taker as it
  // is sent; frames behind one that no taker took go to theirs as that one
  // arrives. Either way a taken frame costs the wire no event (a TSO skb's
  // frames none, rather than one each).
  void set_early(TakerOf taker) { taker_of_ = std::move(taker); }
  // Frames and bytes that arrived (a frame handed over early counts from
  // its arrival, so a window's figures hold what arrived in it).
  uint64_t frames() const { return frames_.value() + early_.due_amount(now(), 0); }
  uint64_t drops() const { return drops_.value(); }
  // No frame not yet handed to its taker can arrive before this: the
  // first still on its way to arrive on time, or else one sent from now
  // on (it starts behind what is queued, and propagates).
  core::Time unknown_from() const {
    return in_flight_.empty() ? std::max(now(), free_at_) + config_.propagation : in_flight_.front().arrives;
  }
  // Counts the frames handed over early that arrived by now.
  void settle() override { count_arrived_early(); }
  void finish() override { count_arrived_early(); }

 private:
  struct InFlight {
    core::Time arrives;
    uint32_t packet;
  };
  void arrive();
  // The frame leaves the wire's books (counted, stamped, traced) as it
  // arrives at `at`.
  void account(const InFlight& f);
  // Serialises a frame after those queued; `holds_slot`: its start frees
  // a ring slot (a TSO skb's last frame, or a frame of its own).
  void queue_frame(uint32_t packet, bool holds_slot);

  Config config_;
  PacketPool* pool_;
  Deliver deliver_;
  TakerOf taker_of_;
  // Frames handed over early, not yet counted (frames, bytes): counted as
  // they arrive (at the next arrival, or when read), dropped uncounted at
  // a statistics reset if they arrived before it.
  core::LaterCounts<2> early_;
  void count_arrived_early() { early_.count_due(now(), {&frames_, &bytes_}); }
  void on_reset_stats() override;
  EarlyTaker* next_taker() const {
    return taker_of_ && !in_flight_.empty() ? taker_of_(in_flight_.front().packet) : nullptr;
  }
  core::Time free_at_;    // when the transmitter finishes the last queued frame
  int trace_track_ = 0;   // the packets' steps (a device track: hop slices)
  int serial_track_ = 0;  // the frames' serialisation slices
  core::RingBuffer<InFlight> in_flight_;
  core::RingBuffer<core::Time> starts_;  // start times of frames still waiting
  std::vector<uint32_t> tso_frames_;
  core::MemberEvent arrival_{this, "arrival", [this] { arrive(); }};
  core::Counter frames_{this, "frames"};
  core::Counter bytes_{this, "bytes"};
  core::Counter drops_{this, "drops"};
};

}  // namespace viosim::models
