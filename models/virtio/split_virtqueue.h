// The split virtqueue (virtio spec "Split Virtqueues"): descriptor
// accounting, the available and used rings with free-running 16-bit indices,
// and both notification-suppression schemes (EVENT_IDX and the NO_NOTIFY /
// NO_INTERRUPT flags), behind the Virtqueue interface (virtqueue.h).
//
// Driver side follows Linux drivers/virtio/virtio_ring.c, device side follows
// Linux drivers/vhost/vhost.c by default or QEMU hw/virtio/virtio.c when
// Config::backend says so; differences are noted where they are modelled.
#pragma once

#include <cstdint>
#include <vector>

#include "models/virtio/virtqueue.h"

namespace viosim::models {

class SplitVirtqueue final : public Virtqueue {
 public:
  // With EVENT_IDX vhost and QEMU differ: vhost publishes avail_event when
  // it re-enables notifications (its cached avail idx) and leaves it stale
  // while disabled; QEMU writes the avail idx it reads on enabling, and
  // while enabled also after every pop (virtqueue_split_pop), but nothing
  // while disabled (vring_set_avail_event checks vq->notification), though
  // disabling still reads the avail idx. DPDK's vhost library notifies as
  // vhost does but reads the avail idx once per burst (begin_burst),
  // whether or not it has used up what it saw, and reads used_event before
  // deciding.
  static constexpr uint16_t kNoNotify = 1;     // VRING_USED_F_NO_NOTIFY
  static constexpr uint16_t kNoInterrupt = 1;  // VRING_AVAIL_F_NO_INTERRUPT

  // Throws std::invalid_argument unless size is a power of two in 1..32768.
  explicit SplitVirtqueue(const Config& config);

  // ---- driver (guest) side ----
  // virtqueue_add_split: takes `descriptors` (>= 1, else invalid_argument)
  // from the free list and makes the buffer available at once. Returns false
  // and changes nothing if too few are free (-ENOSPC; Linux then also calls
  // vq->notify when the buffer has device-readable parts, left to the caller).
  // After 65535 adds without a decision Linux runs virtqueue_kick itself; here
  // that decision is taken inside add and, if it says kick, take_forced_kick()
  // reports it once.
  bool add(uint32_t token, uint16_t descriptors = 1) override;
  bool take_forced_kick() override;
  // virtqueue_kick_prepare_split over the entries added since the last
  // decision. Without EVENT_IDX it says kick whenever NO_NOTIFY is clear, even
  // if nothing was added (as the real code does).
  bool kick_prepare() override;
  // virtqueue_get_buf_ctx_split: reaps one used element, frees its chain, and
  // publishes used_event = last_used while callbacks are enabled. In order
  // (Linux 7.0's *_split_in_order), it reads a used element only when no
  // batch is pending, and reaps the oldest buffer in flight: the batch's
  // element names its last. Linux takes last_used_idx as that buffer's head
  // too, right only for buffers of one descriptor (every buffer the models
  // add); for longer chains this follows the spec and moves on by the
  // chain.
  bool get_used(uint32_t& token, uint32_t& len) override;
  bool more_used() const override { return used_idx_ != last_used_idx_; }  // more_used_split
  // vring_interrupt: false (IRQ_NONE) if nothing is used; otherwise records
  // event_triggered (EVENT_IDX only), which makes the next disable_cb skip its
  // write. Call it when the device's interrupt reaches the driver.
  bool on_interrupt() override;
  // virtqueue_disable_cb_split: NO_INTERRUPT in the shadow; then, unless an
  // event already triggered, used_event = 0 (the code's "hack") with EVENT_IDX
  // or the NO_INTERRUPT flag in the ring without.
  void disable_cb() override;
  // virtqueue_enable_cb_prepare + virtqueue_poll: used_event = last_used (or
  // clear the flag). Returns true if used entries are already pending, so the
  // caller must poll again (the opposite polarity of virtqueue_enable_cb).
  bool enable_cb_prepare() override;
  // virtqueue_enable_cb_delayed_split: used_event = last_used + 3/4 of the
  // outstanding buffers, so the interrupt comes with completion number
  // 3/4 * outstanding + 1. Returns true if more than that many are already
  // used (caller must poll again; the opposite polarity of the real return).
  bool enable_cb_delayed() override;
  uint16_t outstanding() const { return static_cast<uint16_t>(avail_idx_ - last_used_idx_); }

  // ---- device (backend) side ----
  uint16_t avail_pending() const override { return static_cast<uint16_t>(avail_idx_ - last_avail_idx_); }
  // Takes the next available buffer (vhost_get_vq_desc / virtqueue_split_pop).
  // Its descriptors stay in use until the driver reaps it. A DPDK device
  // takes only what its burst's begin_burst saw.
  bool pop(uint32_t& token) override;
  // The start of a DPDK burst (virtio_dev_tx_split, virtio_dev_rx_split):
  // one read of avail idx. Returns how many buffers it saw available.
  uint16_t begin_burst() override;
  // Writes a used element for a popped buffer and advances used idx
  // (vhost_add_used / virtqueue_fill + virtqueue_flush), or records it inside
  // an in-order batch (begin_used_batch). Completion may be out of order
  // unless in order; the token must be one popped and not yet pushed
  // (std::logic_error otherwise).
  void push_used(uint32_t token, uint32_t len) override;
  // vhost_notify / virtio_split_should_notify: whether to interrupt the guest
  // now. EVENT_IDX: vring_need_event(used_event, used_idx, signalled_used),
  // true on the first call and after signalled_used went stale.
  bool should_notify() override;
  // vhost_disable_notify / virtio_queue_set_notification(vq, 0).
  void disable_notify() override;
  // vhost_enable_notify / virtio_queue_set_notification(vq, 1) + re-check.
  // Returns true if entries are available already (the device must look
  // again). vhost returns false without writing anything if notifications
  // were not disabled.
  bool enable_notify() override;

  // ---- raw shared state, for tests and traces ----
  uint16_t avail_idx() const { return avail_idx_; }
  uint16_t used_idx() const { return used_idx_; }
  uint16_t last_avail_idx() const { return last_avail_idx_; }
  uint16_t last_used_idx() const { return last_used_idx_; }
  uint16_t used_event() const { return used_event_; }
  uint16_t avail_event() const { return avail_event_; }
  bool no_notify_flag() const { return (used_flags_ & kNoNotify) != 0; }
  bool no_interrupt_flag() const { return (avail_flags_ & kNoInterrupt) != 0; }
  bool callbacks_enabled() const { return (avail_flags_shadow_ & kNoInterrupt) == 0; }
  bool notifications_enabled() const { return (used_flags_shadow_ & kNoNotify) == 0; }
  bool event_triggered() const { return event_triggered_; }
  uint16_t used_id(uint16_t slot) const { return used_ring_[slot & mask_].head; }  // the element's head
  uint32_t used_len(uint16_t slot) const { return used_ring_[slot & mask_].len; }

  // The ring's cache lines (lines()) as Linux's modern virtio-pci and DPDK
  // lay them out: descriptor table, avail ring
  // and used ring each start on a line of their own (mechanisms reference
  // section 21), then one line per buffer (its header, read before the
  // copy; the rest of a packet streams at the copy bandwidth).
  size_t desc_line(uint16_t desc) const { return desc / 4; }  // 16-byte descriptors
  size_t avail_line(uint32_t offset) const { return desc_lines_ + offset / 64; }
  size_t used_line(uint32_t offset) const { return desc_lines_ + avail_lines_ + offset / 64; }
  size_t buffer_line(uint16_t head) const { return desc_lines_ + avail_lines_ + used_lines_ + head; }
  // Byte offsets in the avail ring (flags, idx, ring[size], used_event) and
  // the used ring (flags, idx, 8-byte ring[size], avail_event).
  static constexpr uint32_t kIdxOffset = 2;
  static uint32_t avail_entry(uint16_t slot) { return 4 + 2 * uint32_t{slot}; }
  uint32_t used_event_offset() const { return 4 + 2 * uint32_t{size_}; }
  static uint32_t used_entry(uint16_t slot) { return 4 + 8 * uint32_t{slot}; }
  uint32_t avail_event_offset() const { return 4 + 8 * uint32_t{size_}; }

  // A DMA device finds a buffer by the avail idx, then its avail entry, then
  // its descriptor; the ring is one allocation (vring_size): descriptor
  // table, avail ring, used ring, each on lines of its own.
  DeviceReads fetch_reads(uint32_t position) const override;
  uint32_t used_write(uint32_t position) const override;

 private:
  struct UsedElem {
    uint16_t head;
    uint32_t len;
  };
  static constexpr uint16_t kNotHead = 0;  // chain_len_ of a slot that heads no chain

  uint16_t slot(uint16_t idx) const { return idx & mask_; }
  // The avail ring and the descriptors are the driver's to write and the
  // device's to read; the used ring the other way round; a buffer's line
  // is written by whichever side fills it.
  void read_avail(uint32_t offset) { device_load(avail_line(offset)); }
  // The index reads a batch waits on before it can take anything.
  void read_avail_idx() { device_load(avail_line(kIdxOffset), true); }
  void read_used_idx() { driver_load(used_line(kIdxOffset), true); }
  void write_avail(uint32_t offset) { driver_store(avail_line(offset)); }
  void read_used(uint32_t offset) { driver_load(used_line(offset)); }
  void write_used(uint32_t offset) { device_store(used_line(offset)); }
  // An 8-byte used element: elements 7, 15, ... straddle two lines.
  void read_used_elem(uint16_t slot) {
    read_used(used_entry(slot));
    if (used_entry(slot) % 64 > 56) read_used(used_entry(slot) + 7);
  }
  void write_used_elem(uint16_t slot) {
    write_used(used_entry(slot));
    if (used_entry(slot) % 64 > 56) write_used(used_entry(slot) + 7);
  }
  void enable_callbacks();
  // The driver's check of used idx (more_used_split); in order, none while
  // a batch it was told of is still being reaped.
  bool read_more_used() {
    if (reaping_.pending) return true;
    read_used_idx();
    return more_used();
  }
  // The used element for the driver to reap next, read from the ring or, in
  // order, the oldest buffer in flight.
  bool next_used(UsedElem& elem);
  void publish_used(const UsedBatch& batch) override;

  uint16_t mask_;

  // Descriptor table: only what accounting needs. next_ links both the free
  // list and each in-flight chain, as the real table does; in order it is
  // ring order (the last descriptor's next is 0) and stays so.
  std::vector<uint16_t> next_;
  std::vector<uint16_t> chain_len_;  // per head: descriptors in its chain
  std::vector<uint16_t> avail_ring_;
  std::vector<UsedElem> used_ring_;

  // Driver-private.
  uint16_t free_head_ = 0;
  uint32_t num_added_ = 0;
  uint16_t last_used_idx_ = 0;
  uint16_t avail_flags_shadow_ = 0;
  bool event_triggered_ = false;
  bool forced_kick_ = false;

  // Shared ring fields.
  uint16_t avail_idx_ = 0;
  uint16_t avail_flags_ = 0;
  uint16_t used_event_ = 0;
  uint16_t used_idx_ = 0;
  uint16_t used_flags_ = 0;
  uint16_t avail_event_ = 0;

  // Device-private. avail_idx_seen_ is vhost's cached vq->avail_idx (QEMU's
  // shadow_avail_idx): the last avail idx the device read.
  uint16_t last_avail_idx_ = 0;
  uint16_t avail_idx_seen_ = 0;
  uint16_t used_flags_shadow_ = 0;
  uint16_t signalled_used_ = 0;
  bool signalled_used_valid_ = false;

  size_t desc_lines_;
  size_t avail_lines_;
  size_t used_lines_;
};

}  // namespace viosim::models
