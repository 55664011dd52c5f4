// Byte queue limits (lib/dynamic_queue_limits.c, netdev_tx_sent_queue /
// netdev_tx_completed_queue): a transmit queue's limit on the bytes its
// driver ring holds, so that the backlog a bottleneck builds waits in the
// qdisc, where the discipline can order and drop it, rather than in the
// ring. The driver reports what it queued and what completed; the queue
// stops (STACK_XOFF) when more than the limit is in the ring, and wakes
// when a completion brings it back under. The limit starts at 0 and
// adapts at each completion: it grows by what was sent and completed in
// the last interval when the ring ran dry while over the limit (starved),
// and shrinks by the smallest slack seen over a hold time (1 s) while the
// ring stayed busy.
#pragma once

#include <cstdint>
#include <limits>

#include "sim-core/time.h"

namespace viosim::models {

class ByteQueueLimits {
 public:
  // DQL_MAX_LIMIT: (UINT_MAX / 2) - DQL_MAX_OBJECT (UINT_MAX / 16).
  static constexpr uint32_t kMaxLimit =
      std::numeric_limits<uint32_t>::max() / 2 - std::numeric_limits<uint32_t>::max() / 16;
  explicit ByteQueueLimits(core::Duration hold_time = core::Seconds(1)) : hold_time_(hold_time) {}

  // netdev_tx_sent_queue (dql_queued): true if the queue must stop.
  bool queued(uint32_t bytes) {
    last_obj_cnt_ = bytes;
    num_queued_ += bytes;
    return avail() < 0;
  }
  // netdev_tx_completed_queue (dql_completed): true if the queue may run
  // again (a stopped one wakes).
  bool completed(uint32_t bytes, core::Time now);
  int32_t avail() const { return static_cast<int32_t>(adj_limit_ - num_queued_); }  // dql_avail
  uint32_t limit() const { return limit_; }
  uint32_t in_flight() const { return num_queued_ - num_completed_; }

 private:
  core::Duration hold_time_;
  // Free-running byte counts, u32 as in struct dql.
  uint32_t num_queued_ = 0;
  uint32_t adj_limit_ = 0;
  uint32_t last_obj_cnt_ = 0;
  uint32_t limit_ = 0;
  uint32_t num_completed_ = 0;
  uint32_t prev_ovlimit_ = 0;
  uint32_t prev_num_queued_ = 0;
  uint32_t prev_last_obj_cnt_ = 0;
  uint32_t lowest_slack_ = std::numeric_limits<uint32_t>::max();
  core::Time slack_start_;
};

}  // namespace viosim::models
