// The packed virtqueue (VIRTIO_F_RING_PACKED, virtio 1.1 "Packed
// Virtqueues"), behind the Virtqueue interface (virtqueue.h): one ring of
// 16-byte descriptors that the driver writes as available and the device
// rewrites in place as used, each side polling only the next position it
// expects and telling the two apart by wrap counters; and two 4-byte event
// suppression structures (off_wrap, flags: ENABLE, DISABLE or DESC) in place
// of the split ring's flags and event indices.
//
// Driver side follows Linux drivers/virtio/virtio_ring.c (the *_packed
// functions); device side QEMU hw/virtio/virtio.c (virtqueue_packed_pop,
// virtqueue_packed_flush, virtio_packed_should_notify,
// virtio_queue_packed_set_notification) or DPDK lib/vhost
// (vhost_vring_call_packed, vhost_enable_notify_packed), which hardware
// (vDPA) follows too. Kernel vhost has no packed ring: the validator and
// the builder refuse it there.
#pragma once

#include <cstdint>
#include <vector>

#include "models/virtio/virtqueue.h"

namespace viosim::models {

class PackedVirtqueue final : public Virtqueue {
 public:
  // Event suppression flags (VRING_PACKED_EVENT_FLAG_*); DESC needs EVENT_IDX.
  static constexpr uint16_t kEnable = 0;
  static constexpr uint16_t kDisable = 1;
  static constexpr uint16_t kDesc = 2;
  static constexpr uint16_t kWrapBit = 15;  // VRING_PACKED_EVENT_F_WRAP_CTR

  // Throws std::invalid_argument unless size is in 1..32768.
  explicit PackedVirtqueue(const Config& config);

  // ---- driver (guest) side ----
  // virtqueue_add_packed: the buffer's descriptors at the next positions,
  // AVAIL = the driver's wrap counter and USED its inverse (the first
  // descriptor's flags written last). No forced kick: unlike the split
  // ring's, the packed add never decides one.
  bool add(uint32_t token, uint16_t descriptors = 1) override;
  // virtqueue_kick_prepare_packed: one read of the device's event structure.
  // DESC: kick iff its offset (one lap back when its wrap bit is not the
  // driver's) lies in [old, new) of the descriptors added since the last
  // decision; otherwise kick unless DISABLE.
  bool kick_prepare() override;
  // virtqueue_get_buf_ctx_packed: the used descriptor at last_used (AVAIL =
  // USED = the used wrap counter) gives id and len in one line; in DESC mode
  // the driver then publishes its new last_used in off_wrap. In order it
  // reads a used descriptor only when no batch is pending and reaps the
  // buffer at last_used: the batch's descriptor names its last.
  bool get_used(uint32_t& token, uint32_t& len) override;
  // In order, a batch being reaped counts as used. Linux 7.0's
  // virtqueue_poll_packed looks only at the descriptor at last_used, which
  // mid-batch is the driver's own: no driver model re-enables callbacks
  // mid-batch (each reaps until empty first).
  bool more_used() const override { return reaping_.pending || is_used(last_used_, used_wrap_); }  // more_used_packed
  bool on_interrupt() override;
  // virtqueue_disable_cb_packed: flags = DISABLE (skipped after an event
  // triggered, as the split ring's).
  void disable_cb() override;
  // virtqueue_enable_cb_prepare_packed + virtqueue_poll_packed: off_wrap =
  // last_used (EVENT_IDX), flags = DESC or ENABLE, then a look at the next
  // descriptor.
  bool enable_cb_prepare() override;
  // virtqueue_enable_cb_delayed_packed: off_wrap = last_used + 3/4 of the
  // descriptors in flight; the re-check looks at the next descriptor only
  // (the split ring compares used idx with the threshold).
  bool enable_cb_delayed() override;

  // ---- device (backend) side ----
  uint16_t avail_pending() const override { return avail_buffers_; }
  // Reads the descriptor at its next position: available iff AVAIL equals
  // its wrap counter and USED does not. Every device reads the ring this way
  // (there is no index to read first), so a look that finds nothing costs
  // the read of that one line.
  bool pop(uint32_t& token) override;
  // DPDK's packed bursts read descriptors as they go: nothing to read first.
  uint16_t begin_burst() override { return avail_buffers_; }
  // Writes the used descriptor (id, len, AVAIL = USED = its wrap counter) at
  // its used position, which then moves on by the buffer's descriptors (or
  // records it inside an in-order batch, whose one descriptor moves it on by
  // the whole batch's). QEMU forgets signalled_used when that position wraps.
  void push_used(uint32_t token, uint32_t len) override;
  // QEMU virtio_packed_should_notify / DPDK vhost_vring_call_packed.
  bool should_notify() override;
  // Device event flags = DISABLE.
  void disable_notify() override;
  // Device event off_wrap = its next position (EVENT_IDX) and flags = DESC,
  // or ENABLE; then a look at the next descriptor.
  bool enable_notify() override;

  // A DMA device reads the descriptor itself: availability, id and length
  // in one read. Its used element overwrites the descriptor. Positions
  // count buffers of one descriptor each (what a vDPA device is given).
  DeviceReads fetch_reads(uint32_t position) const override;
  uint32_t used_write(uint32_t position) const override;

  // ---- raw shared state, for tests and traces ----
  uint16_t next_avail() const { return next_avail_; }
  bool avail_wrap() const { return avail_wrap_; }
  uint16_t last_used() const { return last_used_; }
  bool used_wrap() const { return used_wrap_; }
  uint16_t last_avail() const { return last_avail_; }
  bool device_avail_wrap() const { return dev_avail_wrap_; }
  uint16_t used_position() const { return used_idx_; }
  bool device_used_wrap() const { return dev_used_wrap_; }
  uint16_t driver_event_flags() const { return drv_flags_; }
  uint16_t driver_event_off_wrap() const { return drv_off_wrap_; }
  uint16_t device_event_flags() const { return dev_flags_; }
  uint16_t device_event_off_wrap() const { return dev_off_wrap_; }
  bool event_triggered() const { return event_triggered_; }
  // The flags of the descriptor at `position` as the spec encodes them.
  bool desc_avail_bit(uint16_t position) const { return ring_[position].avail; }
  bool desc_used_bit(uint16_t position) const { return ring_[position].used; }
  uint16_t desc_id(uint16_t position) const { return ring_[position].id; }
  uint32_t desc_len(uint16_t position) const { return ring_[position].len; }

  // The ring's cache lines (lines()): the descriptor ring (4 descriptors per
  // line, written by both sides in turn), the driver's and the device's
  // event structure (each its own allocation in Linux, so its own line),
  // then one line per buffer id (its header).
  size_t desc_line(uint16_t position) const { return position / 4; }
  size_t driver_event_line() const { return desc_lines_; }
  size_t device_event_line() const { return desc_lines_ + 1; }
  size_t buffer_line(uint16_t id) const { return desc_lines_ + 2 + id; }

 private:
  struct Desc {
    uint32_t len = 0;
    uint16_t id = 0;
    uint16_t chain = 0;  // descriptors of the buffer this one heads (its NEXT flags)
    bool avail = false;  // flag bit 7
    bool used = false;   // flag bit 15
  };
  bool is_used(uint16_t position, bool wrap) const {  // is_used_desc_packed
    return ring_[position].avail == ring_[position].used && ring_[position].used == wrap;
  }
  bool is_avail(uint16_t position, bool wrap) const {  // desc_is_avail
    return ring_[position].avail == wrap && ring_[position].used != wrap;
  }
  bool read_more_used() {
    if (reaping_.pending) return true;
    driver_load(desc_line(last_used_));
    return more_used();
  }
  void publish_used(const UsedBatch& batch) override;
  bool read_avail() {
    device_load(desc_line(last_avail_));
    return is_avail(last_avail_, dev_avail_wrap_);
  }
  uint16_t off_wrap(uint16_t position, bool wrap) const {
    return static_cast<uint16_t>(position | (uint16_t{wrap} << kWrapBit));
  }
  void write_driver_event() { driver_store(driver_event_line()); }
  void write_device_event() { device_store(device_event_line()); }
  void enable_callbacks();
  bool shadowed() const;

  std::vector<Desc> ring_;

  // Driver-private, per id: the free list (next_ links a chain's ids too,
  // as desc_extra[].next does), each buffer's descriptors and last id (the
  // tokens are the base's). In order there is no free list: a buffer's id
  // is its first descriptor's position, so the batch's last id tells the
  // driver where the batch ends.
  std::vector<uint16_t> next_;
  std::vector<uint16_t> num_;
  std::vector<uint16_t> last_;
  uint16_t free_head_ = 0;
  uint16_t next_avail_ = 0;
  bool avail_wrap_ = true;
  uint16_t num_added_ = 0;  // descriptors since the last kick decision
  uint16_t last_used_ = 0;
  bool used_wrap_ = true;
  uint16_t event_flags_shadow_ = kEnable;
  bool event_triggered_ = false;

  // The event structures: the driver's (read by the device: interrupts)
  // and the device's (read by the driver: kicks).
  uint16_t drv_off_wrap_ = 0;
  uint16_t drv_flags_ = kEnable;
  uint16_t dev_off_wrap_ = 0;
  uint16_t dev_flags_ = kEnable;

  // Device-private.
  uint16_t last_avail_ = 0;
  bool dev_avail_wrap_ = true;
  uint16_t used_idx_ = 0;
  bool dev_used_wrap_ = true;
  bool notify_enabled_ = true;
  uint16_t signalled_used_ = 0;
  bool signalled_used_valid_ = false;
  uint16_t avail_buffers_ = 0;  // made available, not yet popped

  size_t desc_lines_;
};

}  // namespace viosim::models
