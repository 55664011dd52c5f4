// A virtio split virtqueue as shared state between a guest driver model and a
// backend (device) model: descriptor accounting, the available and used rings
// with free-running 16-bit indices, and both notification-suppression schemes
// (EVENT_IDX and the NO_NOTIFY / NO_INTERRUPT flags). It schedules nothing:
// each side calls its own methods, and kicks and interrupts come out of the
// ring predicates (kick_prepare, should_notify), never out of constants.
//
// Driver side follows Linux drivers/virtio/virtio_ring.c, device side follows
// Linux drivers/vhost/vhost.c by default or QEMU hw/virtio/virtio.c when
// Config::backend says so; differences are noted where they are modelled.
#pragma once

#include <cstdint>
#include <vector>

#include "models/host/shared_lines.h"

namespace viosim::models {

// The EVENT_IDX predicate (spec split-ring.tex virtq_need_event, Linux
// include/uapi/linux/virtio_ring.h vring_need_event): notify iff the other
// side's event index lies in [old_idx, new_idx), all indices free-running u16.
constexpr bool vring_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old_idx) {
  return static_cast<uint16_t>(new_idx - event_idx - 1) < static_cast<uint16_t>(new_idx - old_idx);
}

class SplitVirtqueue {
 public:
  // Whose device-side code the queue imitates. vhost and QEMU differ with
  // EVENT_IDX: vhost publishes avail_event when it re-enables notifications
  // and leaves it stale while disabled; QEMU also writes it on disable and
  // after every pop (virtqueue_split_pop), so a QEMU device that has caught up
  // gets kicked even while "disabled". DPDK's vhost library notifies as vhost
  // does but reads the avail idx once per burst (begin_burst), whether or not
  // it has used up what it saw, and reads used_event before deciding.
  enum class Backend : uint8_t { kVhost, kQemu, kDpdk };

  struct Config {
    uint16_t size = 256;      // descriptors; power of two, 1..32768
    bool event_idx = true;    // VIRTIO_RING_F_EVENT_IDX negotiated
    Backend backend = Backend::kVhost;
    // The buffers carry data from the device to the driver (a receive
    // queue): the device writes their first line and the driver reads it.
    // Otherwise (a transmit queue) the driver writes it and the device reads.
    bool device_writes_buffers = false;
    // What the driver's ring code is charged to (cache-line transfers): the
    // guest kernel's driver, or a guest poll-mode driver in user space. The
    // device side's follows the backend (vhost, QEMU, PMD).
    CpuCategory driver_category = CpuCategory::kGuestKernel;
    // The device side is hardware reading and writing the rings by DMA
    // (vDPA): its writes go through `ddio` (SharedLines::dma_write) and
    // invalidate the driver's copies; its reads cost the driver nothing. It
    // notifies as vhost does. Call its methods from no thread (DeviceAccess).
    bool device_dma = false;
    DdioWays* ddio = nullptr;
  };

  static constexpr uint16_t kMaxSize = 32768;
  static constexpr uint16_t kNoNotify = 1;     // VRING_USED_F_NO_NOTIFY
  static constexpr uint16_t kNoInterrupt = 1;  // VRING_AVAIL_F_NO_INTERRUPT

  // Throws std::invalid_argument unless size is a power of two in 1..32768.
  explicit SplitVirtqueue(const Config& config);

  uint16_t size() const { return size_; }
  const Config& config() const { return config_; }

  // ---- driver (guest) side ----
  uint32_t num_free() const { return num_free_; }
  // virtqueue_add_split: takes `descriptors` (>= 1, else invalid_argument)
  // from the free list and makes the buffer available at once. Returns false
  // and changes nothing if too few are free (-ENOSPC; Linux then also calls
  // vq->notify when the buffer has device-readable parts, left to the caller).
  // After 65535 adds without a decision Linux runs virtqueue_kick itself; here
  // that decision is taken inside add and, if it says kick, take_forced_kick()
  // reports it once.
  bool add(uint32_t token, uint16_t descriptors = 1);
  bool take_forced_kick();
  // virtqueue_kick_prepare_split over the entries added since the last
  // decision. Without EVENT_IDX it says kick whenever NO_NOTIFY is clear, even
  // if nothing was added (as the real code does).
  bool kick_prepare();
  // virtqueue_get_buf_ctx_split: reaps one used element, frees its chain, and
  // publishes used_event = last_used while callbacks are enabled.
  bool get_used(uint32_t& token, uint32_t& len);
  bool more_used() const { return used_idx_ != last_used_idx_; }  // more_used_split
  // vring_interrupt: false (IRQ_NONE) if nothing is used; otherwise records
  // event_triggered (EVENT_IDX only), which makes the next disable_cb skip its
  // write. Call it when the device's interrupt reaches the driver.
  bool on_interrupt();
  // virtqueue_disable_cb_split: NO_INTERRUPT in the shadow; then, unless an
  // event already triggered, used_event = 0 (the code's "hack") with EVENT_IDX
  // or the NO_INTERRUPT flag in the ring without.
  void disable_cb();
  // virtqueue_enable_cb_prepare + virtqueue_poll: used_event = last_used (or
  // clear the flag). Returns true if used entries are already pending, so the
  // caller must poll again (the opposite polarity of virtqueue_enable_cb).
  bool enable_cb_prepare();
  // virtqueue_enable_cb_delayed_split: used_event = last_used + 3/4 of the
  // outstanding buffers, so the interrupt comes with completion number
  // 3/4 * outstanding + 1. Returns true if more than that many are already
  // used (caller must poll again; the opposite polarity of the real return).
  bool enable_cb_delayed();
  uint16_t outstanding() const { return static_cast<uint16_t>(avail_idx_ - last_used_idx_); }

  // ---- device (backend) side ----
  uint16_t avail_pending() const { return static_cast<uint16_t>(avail_idx_ - last_avail_idx_); }
  // Takes the next available buffer (vhost_get_vq_desc / virtqueue_split_pop).
  // Its descriptors stay in use until the driver reaps it. A DPDK device
  // takes only what its burst's begin_burst saw.
  bool pop(uint32_t& token);
  // The start of a DPDK burst (virtio_dev_tx_split, virtio_dev_rx_split):
  // one read of avail idx. Returns how many buffers it saw available.
  uint16_t begin_burst();
  // Writes a used element for a popped buffer and advances used idx
  // (vhost_add_used / virtqueue_fill + virtqueue_flush). Completion may be
  // out of order; the token must be one popped and not yet pushed
  // (std::logic_error otherwise).
  void push_used(uint32_t token, uint32_t len);
  // vhost_notify / virtio_split_should_notify: whether to interrupt the guest
  // now. EVENT_IDX: vring_need_event(used_event, used_idx, signalled_used),
  // true on the first call and after signalled_used went stale.
  bool should_notify();
  // vhost_disable_notify / virtio_queue_set_notification(vq, 0).
  void disable_notify();
  // vhost_enable_notify / virtio_queue_set_notification(vq, 1) + re-check.
  // Returns true if entries are available already (the device must look
  // again). vhost returns false without writing anything if notifications
  // were not disabled.
  bool enable_notify();

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

  uint64_t kicks_decided() const { return kicks_decided_; }
  uint64_t kicks_suppressed() const { return kicks_suppressed_; }
  uint64_t notifies_decided() const { return notifies_decided_; }
  uint64_t notifies_suppressed() const { return notifies_suppressed_; }
  uint64_t added() const { return added_; }
  uint64_t reaped() const { return reaped_; }

  // The ring's cache lines as the two sides touch them, laid out as Linux's
  // modern virtio-pci and DPDK lay them out: descriptor table, avail ring
  // and used ring each start on a line of their own (mechanisms reference
  // section 21), then one line per buffer (its header, read before the
  // copy; the rest of a packet streams at the copy bandwidth). Every method
  // above loads and stores the lines the real function does; the coherence
  // cost lands on the host thread calling it.
  const SharedLines& lines() const { return lines_; }
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
  void read_avail(uint32_t offset) { lines_.read(avail_line(offset), device_category_); }
  // The index reads a batch waits on before it can take anything.
  void read_avail_idx() { lines_.read(avail_line(kIdxOffset), device_category_, true); }
  // A device-side store: a thread's, or a device's DMA.
  void device_store(size_t line, uint32_t span = 1) {
    if (config_.device_dma) {
      lines_.dma_write(line, config_.ddio, span);
    } else {
      lines_.write(line, device_category_);
    }
  }
  void read_used_idx() { lines_.read(used_line(kIdxOffset), config_.driver_category, true); }
  void write_avail(uint32_t offset) { lines_.write(avail_line(offset), config_.driver_category); }
  void read_used(uint32_t offset) { lines_.read(used_line(offset), config_.driver_category); }
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
  // The driver's check of used idx (more_used_split).
  bool read_more_used() {
    read_used_idx();
    return more_used();
  }

  Config config_;
  CpuCategory device_category_;
  uint16_t size_;
  uint16_t mask_;

  // Descriptor table: only what accounting needs. next_ links both the free
  // list and each in-flight chain, as the real table does.
  std::vector<uint16_t> next_;
  std::vector<uint16_t> chain_len_;  // per head: descriptors in its chain
  std::vector<uint32_t> token_;      // per head: the driver's token
  std::vector<uint16_t> avail_ring_;
  std::vector<UsedElem> used_ring_;
  // Heads popped and not yet pushed, oldest first (a ring of size_).
  std::vector<uint16_t> in_device_;
  uint16_t in_device_first_ = 0;
  uint16_t in_device_count_ = 0;

  // Driver-private.
  uint16_t free_head_ = 0;
  uint32_t num_free_;
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

  uint64_t kicks_decided_ = 0;
  uint64_t kicks_suppressed_ = 0;
  uint64_t notifies_decided_ = 0;
  uint64_t notifies_suppressed_ = 0;
  uint64_t added_ = 0;
  uint64_t reaped_ = 0;

  size_t desc_lines_;
  size_t avail_lines_;
  size_t used_lines_;
  SharedLines lines_;
};

}  // namespace viosim::models
