// A calendar queue (R. Brown, CACM 1988): a ring of buckets, each covering
// `width` picoseconds of a "year"; an event goes to bucket (t / width) mod n,
// kept sorted earliest-first with a moving head, so that both the usual
// push (later than all) and every pop touch only the ends. The ring
// doubles or halves as the population changes, re-estimating the width from
// the spacing of the earliest events. O(1) expected per operation when event
// times are spread evenly; the quad heap is the safer default.
#pragma once

#include <vector>

#include "sim-core/event_queue.h"

namespace viosim::core {

class CalendarQueue final : public EventQueue {
 public:
  CalendarQueue();
  void push(const EventEntry& entry) override;
  bool pop_not_after(Time limit, EventEntry& out) override;
  size_t size() const override { return size_; }
  std::string_view name() const override { return "calendar"; }
  void remove_cancelled(CancelSet& cancelled) override;
  bool contains(Time time, uint64_t order) const override;

 private:
  // The width is a power of two, so the bucket is a shift, not a division.
  size_t bucket_of(int64_t t) const { return static_cast<size_t>(t >> width_shift_) & mask_; }
  void move_window_to(int64_t t);
  size_t find_earliest_bucket();
  void resize(size_t buckets);

  struct Bucket {
    std::vector<EventEntry> items;  // sorted; [head, size) are queued
    size_t head = 0;
    bool empty() const { return head == items.size(); }
    const EventEntry& front() const { return items[head]; }
  };

  std::vector<Bucket> buckets_;
  size_t mask_ = 0;
  int width_shift_ = 20;
  int64_t width_ = int64_t{1} << 20;  // ~1 us until the first resize measures the spacing
  size_t current_ = 0;         // bucket that holds the current window
  int64_t window_end_ = 0;     // exclusive end of the current window
  size_t size_ = 0;
  size_t pops_since_resize_ = 0;
};

}  // namespace viosim::core
