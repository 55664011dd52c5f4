// dql_completed, step by step: see byte_queue_limits.h.
#include "models/net/byte_queue_limits.h"

#include <algorithm>

namespace viosim::models {

namespace {
uint32_t posdiff(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) > 0 ? a - b : 0; }
bool after_eq(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) >= 0; }
}  // namespace

bool ByteQueueLimits::completed(uint32_t bytes, core::Time now) {
  const uint32_t num_queued = num_queued_;
  const uint32_t completed = num_completed_ + bytes;
  uint32_t limit = limit_;
  uint32_t ovlimit = posdiff(num_queued - num_completed_, limit);
  const uint32_t inprogress = num_queued - completed;
  const uint32_t prev_inprogress = prev_num_queued_ - num_completed_;
  const bool all_prev_completed = after_eq(completed, prev_num_queued_);

  if ((ovlimit != 0 && inprogress == 0) || (prev_ovlimit_ != 0 && all_prev_completed)) {
    // Starved: over the limit and the ring ran dry. Grow by what was sent
    // and completed in the last interval, plus the previous over-limit.
    limit += posdiff(completed, prev_num_queued_) + prev_ovlimit_;
    slack_start_ = now;
    lowest_slack_ = std::numeric_limits<uint32_t>::max();
  } else if (inprogress != 0 && prev_inprogress != 0 && !all_prev_completed) {
    // Busy the whole interval: the excess over twice what completed (or
    // the last queueing's part beyond the previous over-limit) is slack;
    // the smallest slack over the hold time comes off the limit.
    uint32_t slack = posdiff(limit + prev_ovlimit_, 2 * (completed - num_completed_));
    const uint32_t slack_last_objs = prev_ovlimit_ != 0 ? posdiff(prev_last_obj_cnt_, prev_ovlimit_) : 0;
    slack = std::max(slack, slack_last_objs);
    lowest_slack_ = std::min(lowest_slack_, slack);
    if (now > slack_start_ + hold_time_) {
      limit = posdiff(limit, lowest_slack_);
      slack_start_ = now;
      lowest_slack_ = std::numeric_limits<uint32_t>::max();
    }
  }
  limit = std::min(limit, kMaxLimit);
  if (limit != limit_) {
    limit_ = limit;
    ovlimit = 0;
  }
  adj_limit_ = limit + completed;
  prev_ovlimit_ = ovlimit;
  prev_last_obj_cnt_ = last_obj_cnt_;
  num_completed_ = completed;
  prev_num_queued_ = num_queued;
  return avail() >= 0;
}

}  // namespace viosim::models
