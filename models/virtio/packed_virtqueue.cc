// The packed virtqueue's two sides. Each method names the real function it
// imitates; memory barriers are absent because a discrete-event model runs
// each side's step atomically, so only the order of the steps matters.
#include "models/virtio/packed_virtqueue.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace viosim::models {

PackedVirtqueue::PackedVirtqueue(const Config& config)
    : Virtqueue(config, (size_t{config.size} * 16 + 63) / 64 + 2 + config.size),
      desc_lines_((size_t{config.size} * 16 + 63) / 64) {
  if (size_ == 0 || size_ > kMaxSize) {
    throw std::invalid_argument("packed virtqueue size " + std::to_string(size_) + " is not in 1..32768");
  }
  ring_.assign(size_, Desc{});
  next_.resize(size_);
  for (uint16_t i = 0; i < size_; ++i) next_[i] = static_cast<uint16_t>(i + 1);
  num_.assign(size_, 0);
  last_.assign(size_, 0);
}

// ---- driver side -----------------------------------------------------------

bool PackedVirtqueue::add(uint32_t token, uint16_t descriptors) {
  if (descriptors == 0) throw std::invalid_argument("a buffer needs at least one descriptor");
  if (num_free_ < descriptors) return false;

  const uint16_t head = next_avail_;
  const uint16_t id = config_.in_order ? head : free_head_;
  uint16_t curr = id;
  uint16_t prev = id;
  uint16_t pos = head;
  bool wrap = avail_wrap_;
  buffer_given();
  for (uint16_t i = 0; i < descriptors; ++i) {
    Desc& d = ring_[pos];
    d.id = id;
    d.len = 0;
    d.chain = i == 0 ? descriptors : 0;
    d.avail = wrap;
    d.used = !wrap;
    driver_store(desc_line(pos));
    if (!config_.in_order) {  // the free list's next ids
      prev = curr;
      curr = next_[curr];
    }
    if (++pos >= size_) {
      pos = 0;
      wrap = !wrap;
    }
  }
  if (!config_.device_writes_buffers) driver_store(buffer_line(id));  // the packet the driver sends
  avail_wrap_ = wrap;
  next_avail_ = pos;
  if (!config_.in_order) free_head_ = curr;
  num_free_ -= descriptors;
  num_[id] = descriptors;
  last_[id] = prev;
  token_[id] = token;
  num_added_ = static_cast<uint16_t>(num_added_ + descriptors);
  ++added_;
  ++avail_buffers_;
  return true;
}

bool PackedVirtqueue::kick_prepare() {
  const uint16_t new_idx = next_avail_;
  const auto old_idx = static_cast<uint16_t>(new_idx - num_added_);
  num_added_ = 0;
  driver_load(device_event_line());  // off_wrap and flags in one 32-bit read
  bool kick;
  if (dev_flags_ != kDesc) {
    kick = dev_flags_ != kDisable;
  } else {
    auto event = static_cast<uint16_t>(dev_off_wrap_ & ~(1u << kWrapBit));
    if (((dev_off_wrap_ >> kWrapBit) != 0) != avail_wrap_) event = static_cast<uint16_t>(event - size_);
    kick = vring_need_event(event, new_idx, old_idx);
  }
  ++(kick ? kicks_decided_ : kicks_suppressed_);
  return kick;
}

bool PackedVirtqueue::get_used(uint32_t& token, uint32_t& len) {
  if (!read_more_used()) return false;
  uint16_t id = ring_[last_used_].id;
  uint32_t used_len = ring_[last_used_].len;
  if (config_.in_order) {
    // The batch's one used descriptor names its last buffer; the buffers
    // before it are the ones at last_used, in order.
    if (!reaping_.pending) start_reaping(id, used_len);
    id = last_used_;
    used_len = reap_in_order(id);
  }
  if (id >= size_ || num_[id] == 0) {
    // BAD_RING "id %u is not a head!": a device model bug, never a guest event.
    throw std::logic_error("used descriptor id " + std::to_string(id) + " is not a buffer in flight");
  }
  if (config_.device_writes_buffers) driver_load(buffer_line(id));  // the packet received
  token = token_[id];
  len = used_len;

  // detach_buf_packed: the buffer's ids go back on the free list (LIFO).
  const uint16_t count = num_[id];
  if (!config_.in_order) {
    next_[last_[id]] = free_head_;
    free_head_ = id;
  }
  num_free_ += count;
  num_[id] = 0;

  last_used_ = static_cast<uint16_t>(last_used_ + count);
  if (last_used_ >= size_) {
    last_used_ = static_cast<uint16_t>(last_used_ - size_);
    used_wrap_ = !used_wrap_;
  }
  ++reaped_;
  buffer_taken();
  // "If we expect an interrupt for the next entry, tell host".
  if (event_flags_shadow_ == kDesc) {
    drv_off_wrap_ = off_wrap(last_used_, used_wrap_);
    write_driver_event();
  }
  return true;
}

bool PackedVirtqueue::on_interrupt() {
  if (!read_more_used()) return false;
  if (config_.event_idx) event_triggered_ = true;
  return true;
}

void PackedVirtqueue::disable_cb() {
  if (event_flags_shadow_ == kDisable) return;
  event_flags_shadow_ = kDisable;
  // "If device triggered an event already it won't trigger one again".
  if (event_triggered_) return;
  drv_flags_ = kDisable;
  write_driver_event();
}

// Flags back to DESC (EVENT_IDX) or ENABLE if they were DISABLE.
void PackedVirtqueue::enable_callbacks() {
  if (event_flags_shadow_ != kDisable) return;
  event_flags_shadow_ = config_.event_idx ? kDesc : kEnable;
  drv_flags_ = event_flags_shadow_;
  write_driver_event();
}

bool PackedVirtqueue::enable_cb_prepare() {
  event_triggered_ = false;  // virtqueue_enable_cb_prepare
  if (config_.event_idx) {
    drv_off_wrap_ = off_wrap(last_used_, used_wrap_);
    write_driver_event();
  }
  enable_callbacks();
  return read_more_used();  // virtqueue_poll_packed(last_used_idx)
}

bool PackedVirtqueue::enable_cb_delayed() {
  event_triggered_ = false;  // virtqueue_enable_cb_delayed
  if (config_.event_idx) {
    // "TODO: tune this threshold": 3/4 of the descriptors in flight.
    const auto bufs = static_cast<uint16_t>((size_ - num_free_) * 3 / 4);
    auto position = static_cast<uint32_t>(last_used_) + bufs;
    bool wrap = used_wrap_;
    if (position >= size_) {
      position -= size_;
      wrap = !wrap;
    }
    drv_off_wrap_ = off_wrap(static_cast<uint16_t>(position), wrap);
    write_driver_event();
  }
  enable_callbacks();
  return read_more_used();
}

// ---- device side -----------------------------------------------------------

bool PackedVirtqueue::pop(uint32_t& token) {
  // virtio_queue_packed_empty_rcu / desc_is_avail: the next descriptor's flags.
  if (!read_avail()) return false;
  const Desc& head = ring_[last_avail_];
  const uint16_t id = head.id;
  const uint16_t chain = head.chain;
  // The rest of a chain, on the lines after.
  for (uint16_t i = 1; i < chain; ++i) {
    const auto pos = static_cast<uint16_t>((last_avail_ + i) % size_);
    if (desc_line(pos) != desc_line(static_cast<uint16_t>((pos + size_ - 1) % size_))) device_load(desc_line(pos));
  }
  if (!config_.device_writes_buffers) device_load(buffer_line(id));  // the packet to send
  last_avail_ = static_cast<uint16_t>(last_avail_ + chain);
  if (last_avail_ >= size_) {
    last_avail_ = static_cast<uint16_t>(last_avail_ - size_);
    dev_avail_wrap_ = !dev_avail_wrap_;
  }
  --avail_buffers_;
  buffer_taken();
  token = token_[id];
  hold({id, chain});
  return true;
}

void PackedVirtqueue::push_used(uint32_t token, uint32_t len) {
  const Held done = release(token);
  if (config_.device_writes_buffers)
    device_store(buffer_line(done.id), std::max<uint32_t>(1, (len + 63) / 64));  // the packet copied in
  buffer_given();
  if (!batched(done, len)) publish_used(UsedBatch{1, done.chain, done.id, len});
}

void PackedVirtqueue::publish_used(const UsedBatch& batch) {
  Desc& d = ring_[used_idx_];
  d.id = batch.last;
  d.len = batch.len;
  d.chain = 0;
  d.avail = dev_used_wrap_;
  d.used = dev_used_wrap_;
  device_store(desc_line(used_idx_));
  used_idx_ = static_cast<uint16_t>(used_idx_ + batch.descs);
  if (used_idx_ >= size_) {
    used_idx_ = static_cast<uint16_t>(used_idx_ - size_);
    dev_used_wrap_ = !dev_used_wrap_;
    // virtqueue_packed_flush: past the ring's end the [old, new) window of
    // the next check would be wrong; QEMU forces the next interrupt. DPDK
    // moves old back a lap instead (should_notify).
    if (config_.backend == Backend::kQemu) signalled_used_valid_ = false;
  }
}

bool PackedVirtqueue::should_notify() {
  // The driver's event structure, one read; QEMU reads it before anything
  // else, DPDK after noting signalled_used (the same accesses either way).
  device_load(driver_event_line());
  const uint16_t old_idx = signalled_used_;
  const uint16_t new_idx = used_idx_;
  const bool valid = signalled_used_valid_;
  bool notify;
  if (!config_.event_idx) {
    notify = drv_flags_ != kDisable;  // DPDK returns before touching signalled_used
  } else {
    signalled_used_ = new_idx;
    signalled_used_valid_ = true;
    if (drv_flags_ != kDesc) {
      notify = drv_flags_ != kDisable;
    } else if (!valid) {
      notify = true;
    } else {
      auto event = static_cast<uint16_t>(drv_off_wrap_ & ~(1u << kWrapBit));
      if (((drv_off_wrap_ >> kWrapBit) != 0) != dev_used_wrap_) event = static_cast<uint16_t>(event - size_);
      uint16_t old = old_idx;
      // vhost_vring_call_packed: "if (new <= old) old -= vq->size".
      if (config_.backend != Backend::kQemu && new_idx <= old) old = static_cast<uint16_t>(old - size_);
      notify = vring_need_event(event, new_idx, old);
    }
  }
  ++(notify ? notifies_decided_ : notifies_suppressed_);
  return notify;
}

// QEMU (virtio_queue_packed_set_notification, which reads the structure
// first) and DPDK (vhost_enable_notify_packed) write the flags on every
// call; a vDPA device is taken to keep a shadow, as kernel vhost does for
// its split rings (an assumption: no packed-ring vhost code to follow).
bool PackedVirtqueue::shadowed() const { return config_.backend == Backend::kVhost; }

void PackedVirtqueue::disable_notify() {
  if (shadowed() && !notify_enabled_) return;
  if (config_.backend == Backend::kQemu) device_load(device_event_line());
  notify_enabled_ = false;
  dev_flags_ = kDisable;
  write_device_event();
}

bool PackedVirtqueue::enable_notify() {
  if (shadowed() && notify_enabled_) return false;
  if (config_.backend == Backend::kQemu) device_load(device_event_line());
  notify_enabled_ = true;
  if (config_.event_idx) {
    dev_off_wrap_ = off_wrap(last_avail_, dev_avail_wrap_);
    dev_flags_ = kDesc;
  } else {
    dev_flags_ = kEnable;
  }
  write_device_event();
  return read_avail();  // the caller's re-check: the next descriptor
}

// ---- a DMA device's view -------------------------------------------------------

Virtqueue::DeviceReads PackedVirtqueue::fetch_reads(uint32_t position) const {
  return DeviceReads{{16 * (position % size_), 0, 0}, 1};
}

uint32_t PackedVirtqueue::used_write(uint32_t position) const { return 16 * (position % size_); }

}  // namespace viosim::models
