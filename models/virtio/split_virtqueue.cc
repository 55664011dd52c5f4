// The split virtqueue's two sides. Each method names the real function it
// imitates; memory barriers are absent because a discrete-event model runs
// each side's step atomically, so only the order of the steps matters.
#include "models/virtio/split_virtqueue.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace viosim::models {

SplitVirtqueue::SplitVirtqueue(const Config& config)
    : Virtqueue(config, (size_t{config.size} * 16 + 63) / 64 + (4 + 2 * size_t{config.size} + 2 + 63) / 64 +
                            (4 + 8 * size_t{config.size} + 2 + 63) / 64 + config.size),
      mask_(static_cast<uint16_t>(config.size - 1)),
      desc_lines_((size_t{config.size} * 16 + 63) / 64),
      avail_lines_((4 + 2 * size_t{config.size} + 2 + 63) / 64),
      used_lines_((4 + 8 * size_t{config.size} + 2 + 63) / 64) {
  if (size_ == 0 || size_ > kMaxSize || (size_ & mask_) != 0) {
    throw std::invalid_argument("virtqueue size " + std::to_string(size_) +
                                " is not a power of two in 1..32768");
  }
  next_.resize(size_);
  for (uint16_t i = 0; i < size_; ++i) next_[i] = static_cast<uint16_t>((i + 1) & mask_);
  chain_len_.assign(size_, kNotHead);
  avail_ring_.assign(size_, 0);
  used_ring_.assign(size_, UsedElem{0, 0});
}

// ---- driver side -----------------------------------------------------------

bool SplitVirtqueue::add(uint32_t token, uint16_t descriptors) {
  if (descriptors == 0) throw std::invalid_argument("a buffer needs at least one descriptor");
  if (num_free_ < descriptors) return false;

  const uint16_t head = free_head_;
  uint16_t tail = head;
  buffer_given();
  driver_store(desc_line(head));
  for (uint16_t i = 1; i < descriptors; ++i) {
    tail = next_[tail];
    driver_store(desc_line(tail));
  }
  if (!config_.device_writes_buffers) driver_store(buffer_line(head));  // the packet the driver sends
  free_head_ = next_[tail];
  num_free_ -= descriptors;
  chain_len_[head] = descriptors;
  token_[head] = token;

  // Linux writes avail->idx at once (avail_idx_shadow), so the device may see
  // the buffer before any kick decision.
  avail_ring_[slot(avail_idx_)] = head;
  write_avail(avail_entry(slot(avail_idx_)));
  ++avail_idx_;
  write_avail(kIdxOffset);
  ++num_added_;
  ++added_;

  // virtqueue_add_split: "very unlikely, but theoretically possible" - with
  // 65535 entries pending a decision the [old, new) window would soon wrap,
  // so it calls virtqueue_kick, which still asks the predicate.
  if (num_added_ == 0xffff && kick_prepare()) forced_kick_ = true;
  return true;
}

bool SplitVirtqueue::take_forced_kick() {
  const bool kick = forced_kick_;
  forced_kick_ = false;
  return kick;
}

bool SplitVirtqueue::kick_prepare() {
  const uint16_t new_idx = avail_idx_;
  const uint16_t old_idx = static_cast<uint16_t>(new_idx - num_added_);
  num_added_ = 0;
  if (config_.event_idx) {
    read_used(avail_event_offset());
  } else {
    read_used(0);  // used->flags
  }
  const bool kick = config_.event_idx ? vring_need_event(avail_event_, new_idx, old_idx)
                                      : (used_flags_ & kNoNotify) == 0;
  ++(kick ? kicks_decided_ : kicks_suppressed_);
  return kick;
}

bool SplitVirtqueue::next_used(UsedElem& elem) {
  if (!read_more_used()) return false;
  if (!reaping_.pending) {
    elem = used_ring_[slot(last_used_idx_)];
    read_used_elem(slot(last_used_idx_));
    if (!config_.in_order) return true;
    start_reaping(elem.head, elem.len);
  }
  // virtqueue_get_buf_ctx_split_in_order: the batch's element names its
  // last buffer; those before it are the oldest in flight, in order. In
  // ring order the descriptors in flight run from the oldest up to
  // free_head, so the oldest lies num_free past it.
  const auto head = static_cast<uint16_t>((free_head_ + num_free_) & mask_);
  elem = UsedElem{head, reap_in_order(head)};
  return true;
}

bool SplitVirtqueue::get_used(uint32_t& token, uint32_t& len) {
  UsedElem elem{0, 0};
  if (!next_used(elem)) return false;
  if (config_.device_writes_buffers) driver_load(buffer_line(elem.head));  // the packet received
  if (chain_len_[elem.head] == kNotHead) {
    // BAD_RING "id %u is not a head!": a device model bug, never a guest event.
    throw std::logic_error("used element " + std::to_string(elem.head) + " is not a head");
  }
  token = token_[elem.head];
  len = elem.len;

  // detach_buf_split: the chain goes back on the free list (LIFO). In order
  // the free descriptors are the ones after the last in flight, in ring
  // order, where free_head already points.
  const uint16_t count = chain_len_[elem.head];
  if (!config_.in_order) {
    uint16_t tail = elem.head;
    for (uint16_t i = 1; i < count; ++i) tail = next_[tail];
    next_[tail] = free_head_;
    free_head_ = elem.head;
  }
  num_free_ += count;
  chain_len_[elem.head] = kNotHead;

  ++last_used_idx_;
  ++reaped_;
  buffer_taken();
  // The real code writes used_event whenever callbacks are enabled, with or
  // without EVENT_IDX (a device without EVENT_IDX ignores it).
  if ((avail_flags_shadow_ & kNoInterrupt) == 0) {
    used_event_ = last_used_idx_;
    write_avail(used_event_offset());
  }
  return true;
}

bool SplitVirtqueue::on_interrupt() {
  if (!read_more_used()) return false;
  if (config_.event_idx) event_triggered_ = true;
  return true;
}

void SplitVirtqueue::disable_cb() {
  if ((avail_flags_shadow_ & kNoInterrupt) != 0) return;
  avail_flags_shadow_ |= kNoInterrupt;
  // The device fired already and will not fire again until used_event moves:
  // leaving it alone saves a write to a shared cache line.
  if (event_triggered_) return;
  if (config_.event_idx) {
    // Linux's own "TODO: this is a hack": 0 only suppresses until the used
    // index next passes 0, i.e. not at all on a fresh queue.
    used_event_ = 0;
    write_avail(used_event_offset());
  } else {
    avail_flags_ = avail_flags_shadow_;
    write_avail(0);
  }
}

bool SplitVirtqueue::enable_cb_prepare() {
  event_triggered_ = false;  // virtqueue_enable_cb_prepare
  enable_callbacks();
  used_event_ = last_used_idx_;
  write_avail(used_event_offset());
  return read_more_used();  // virtqueue_poll(vq, last_used_idx)
}

bool SplitVirtqueue::enable_cb_delayed() {
  event_triggered_ = false;  // virtqueue_enable_cb_delayed
  enable_callbacks();
  // "TODO: tune this threshold": 3/4 of what is in flight, rounded down.
  const auto bufs = static_cast<uint16_t>(outstanding() * 3 / 4);
  used_event_ = static_cast<uint16_t>(last_used_idx_ + bufs);
  write_avail(used_event_offset());
  read_used_idx();
  return static_cast<uint16_t>(used_idx_ - last_used_idx_) > bufs;
}

// Clears NO_INTERRUPT in the shadow, and in the ring without EVENT_IDX.
void SplitVirtqueue::enable_callbacks() {
  if ((avail_flags_shadow_ & kNoInterrupt) == 0) return;
  avail_flags_shadow_ &= static_cast<uint16_t>(~kNoInterrupt);
  if (!config_.event_idx) {
    avail_flags_ = avail_flags_shadow_;
    write_avail(0);
  }
}

// ---- device side -----------------------------------------------------------

uint16_t SplitVirtqueue::begin_burst() {
  read_avail_idx();
  avail_idx_seen_ = avail_idx_;
  return static_cast<uint16_t>(avail_idx_seen_ - last_avail_idx_);
}

bool SplitVirtqueue::pop(uint32_t& token) {
  // Both vhost_get_vq_desc and virtio_queue_empty_rcu re-read avail->idx only
  // once they have consumed what they saw last time; DPDK reads it at the
  // start of each burst instead.
  if (last_avail_idx_ == avail_idx_seen_) {
    if (config_.backend == Backend::kDpdk) return false;
    read_avail_idx();
    avail_idx_seen_ = avail_idx_;
    if (last_avail_idx_ == avail_idx_seen_) return false;
  }
  const uint16_t head = avail_ring_[slot(last_avail_idx_)];
  read_avail(avail_entry(slot(last_avail_idx_)));
  uint16_t d = head;
  for (uint16_t i = 0; i < chain_len_[head]; ++i, d = next_[d]) device_load(desc_line(d));
  if (!config_.device_writes_buffers) device_load(buffer_line(head));  // the packet to send
  ++last_avail_idx_;
  buffer_taken();
  if (config_.backend == Backend::kQemu && config_.event_idx && (used_flags_shadow_ & kNoNotify) == 0) {
    // virtqueue_split_pop; vring_set_avail_event writes nothing while
    // notifications are off (vq->notification).
    avail_event_ = last_avail_idx_;
    write_used(avail_event_offset());
  }
  token = token_[head];
  hold({head, chain_len_[head]});
  return true;
}

void SplitVirtqueue::push_used(uint32_t token, uint32_t len) {
  const Held done = release(token);
  if (config_.device_writes_buffers)
    device_store(buffer_line(done.id), std::max<uint32_t>(1, (len + 63) / 64));  // the packet copied in
  buffer_given();
  if (!batched(done, len)) publish_used(UsedBatch{1, done.chain, done.id, len});
}

void SplitVirtqueue::publish_used(const UsedBatch& batch) {
  used_ring_[slot(used_idx_)] = UsedElem{batch.last, batch.len};
  write_used_elem(slot(used_idx_));
  const uint16_t old_idx = used_idx_;
  used_idx_ = static_cast<uint16_t>(used_idx_ + batch.count);
  write_used(kIdxOffset);
  // Once used idx has run a full lap past signalled_used, the [old, new)
  // window of the next check would be wrong: force the next interrupt.
  // vhost (__vhost_add_used_n) tests (u16)(new - signalled) < (u16)(new - old);
  // QEMU (virtqueue_flush) uses a signed left side, so it gives up after half
  // a lap. QEMU flushes a batch at once; one element per flush here.
  const uint16_t since = static_cast<uint16_t>(used_idx_ - signalled_used_);
  const uint16_t step = static_cast<uint16_t>(used_idx_ - old_idx);
  const bool stale = config_.backend != Backend::kQemu ? since < step : static_cast<int16_t>(since) < step;
  if (stale) signalled_used_valid_ = false;
}

bool SplitVirtqueue::should_notify() {
  // VIRTIO_F_NOTIFY_ON_EMPTY is not modelled: Linux guests never accept it
  // (vring_transport_features drops it).
  bool notify;
  if (!config_.event_idx) {
    read_avail(0);
    notify = (avail_flags_ & kNoInterrupt) == 0;
  } else {
    const bool valid = signalled_used_valid_;
    const uint16_t old_idx = signalled_used_;
    signalled_used_ = used_idx_;
    signalled_used_valid_ = true;
    // vhost_notify and virtio_split_should_notify return before reading
    // used_event when signalled_used was stale; DPDK's
    // vhost_vring_call_split reads it first.
    if (valid || config_.backend == Backend::kDpdk) read_avail(used_event_offset());
    notify = !valid || vring_need_event(used_event_, used_idx_, old_idx);
  }
  ++(notify ? notifies_decided_ : notifies_suppressed_);
  return notify;
}

void SplitVirtqueue::disable_notify() {
  if (config_.backend != Backend::kQemu) {
    // vhost_disable_notify: with EVENT_IDX nothing is written; avail_event
    // simply goes stale, so the guest's window stops containing it.
    if ((used_flags_shadow_ & kNoNotify) != 0) return;
    used_flags_shadow_ |= kNoNotify;
    if (!config_.event_idx) {
      used_flags_ = used_flags_shadow_;
      write_used(0);
    }
    return;
  }
  // virtio_queue_split_set_notification(vq, 0): with EVENT_IDX QEMU reads
  // the avail idx for vring_set_avail_event, which then writes nothing
  // (vq->notification is already 0): avail_event goes stale, as vhost's.
  used_flags_shadow_ |= kNoNotify;
  if (config_.event_idx) {
    read_avail_idx();
    avail_idx_seen_ = avail_idx_;
  } else {
    used_flags_ = used_flags_shadow_;
    write_used(0);
  }
}

bool SplitVirtqueue::enable_notify() {
  if (config_.backend != Backend::kQemu) {
    // vhost_enable_notify: a no-op returning false if already enabled.
    if ((used_flags_shadow_ & kNoNotify) == 0) return false;
    used_flags_shadow_ &= static_cast<uint16_t>(~kNoNotify);
    if (config_.event_idx) {
      // vhost_put_avail_event writes the cached vq->avail_idx, not a fresh
      // read; the re-check below then reads the ring.
      avail_event_ = avail_idx_seen_;
      write_used(avail_event_offset());
    } else {
      used_flags_ = used_flags_shadow_;
      write_used(0);
    }
    read_avail_idx();
    avail_idx_seen_ = avail_idx_;
    return avail_idx_seen_ != last_avail_idx_;
  }
  // virtio_queue_split_set_notification(vq, 1), then the caller's re-check
  // (virtio_net_has_buffers, virtio_net_flush_tx: virtio_queue_empty).
  used_flags_shadow_ &= static_cast<uint16_t>(~kNoNotify);
  read_avail_idx();
  avail_idx_seen_ = avail_idx_;
  if (config_.event_idx) {
    avail_event_ = avail_idx_seen_;
    write_used(avail_event_offset());
  } else {
    used_flags_ = used_flags_shadow_;
    write_used(0);
  }
  return avail_idx_seen_ != last_avail_idx_;
}

// ---- a DMA device's view -------------------------------------------------------

Virtqueue::DeviceReads SplitVirtqueue::fetch_reads(uint32_t position) const {
  const uint32_t avail = static_cast<uint32_t>(desc_lines_ * 64);
  const auto s = slot(static_cast<uint16_t>(position));
  return DeviceReads{{avail + kIdxOffset, avail + avail_entry(s), 16 * uint32_t{avail_ring_[s]}}, 3};
}

uint32_t SplitVirtqueue::used_write(uint32_t position) const {
  return static_cast<uint32_t>((desc_lines_ + avail_lines_) * 64) + used_entry(slot(static_cast<uint16_t>(position)));
}

}  // namespace viosim::models
