// A virtqueue as shared state between a guest driver model and a backend
// (device) model, in either layout the virtio spec defines: the split ring
// (split_virtqueue.h: descriptor table, avail ring, used ring) or the
// packed ring (packed_virtqueue.h: one descriptor ring both sides rewrite,
// VIRTIO_F_RING_PACKED). Both offer the same driver and device operations,
// named after Linux's virtqueue API and the devices' ring code, so drivers
// and backends are written once; what differs between the layouts (which
// cache lines each operation touches, how notifications are suppressed)
// comes out of each layout's own mechanism. It schedules nothing: each side
// calls its own methods, and kicks and interrupts come out of the ring
// predicates (kick_prepare, should_notify), never out of constants.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "models/host/shared_lines.h"

namespace viosim::models {

// The EVENT_IDX predicate (spec virtq_need_event, Linux vring_need_event):
// notify iff the other side's event index lies in [old_idx, new_idx), all
// indices free-running u16. The packed ring uses it on ring offsets.
constexpr bool vring_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old_idx) {
  return static_cast<uint16_t>(new_idx - event_idx - 1) < static_cast<uint16_t>(new_idx - old_idx);
}

class Virtqueue {
 public:
  // Whose device-side code the queue imitates. The layouts say how each
  // differs (vhost, QEMU's virtio.c, DPDK's vhost library); hardware (vDPA)
  // notifies as vhost does.
  enum class Backend : uint8_t { kVhost, kQemu, kDpdk };
  enum class Layout : uint8_t { kSplit, kPacked };

  struct Config {
    uint16_t size = 256;    // descriptors: split, a power of two in 1..32768; packed, 1..32768
    bool event_idx = true;  // VIRTIO_RING_F_EVENT_IDX negotiated
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
    // invalidate the driver's copies; its reads cost the driver nothing. Call
    // its methods from no thread (DeviceAccess).
    bool device_dma = false;
    DdioWays* ddio = nullptr;
    Layout layout = Layout::kSplit;  // VIRTIO_F_RING_PACKED negotiated: kPacked
    // VIRTIO_F_IN_ORDER negotiated: the driver hands out descriptors in ring
    // order (no free list) and may be told of a batch by one used element;
    // the device must use buffers in the order they were made available.
    bool in_order = false;
  };

  static constexpr uint16_t kMaxSize = 32768;

  // The layout Config::layout names. Throws std::invalid_argument for a size
  // the layout cannot take.
  static std::unique_ptr<Virtqueue> make(const Config& config);

  virtual ~Virtqueue() = default;
  Virtqueue(const Virtqueue&) = delete;
  Virtqueue& operator=(const Virtqueue&) = delete;

  uint16_t size() const { return size_; }
  const Config& config() const { return config_; }

  // ---- driver (guest) side ----
  uint32_t num_free() const { return num_free_; }
  // virtqueue_add: takes `descriptors` (>= 1, else invalid_argument) and
  // makes the buffer available at once. Returns false and changes nothing
  // if too few are free (-ENOSPC).
  virtual bool add(uint32_t token, uint16_t descriptors = 1) = 0;
  // A kick the layout decided inside add (the split ring's after 65535 adds
  // without a decision), reported once.
  virtual bool take_forced_kick() { return false; }
  // virtqueue_kick_prepare over the buffers added since the last decision.
  virtual bool kick_prepare() = 0;
  // virtqueue_get_buf_ctx: reaps one used buffer and frees its descriptors.
  virtual bool get_used(uint32_t& token, uint32_t& len) = 0;
  // Whether a used buffer waits, from the driver's state (no access charged).
  virtual bool more_used() const = 0;
  // vring_interrupt: false (IRQ_NONE) if nothing is used; otherwise records
  // event_triggered (EVENT_IDX only), which makes the next disable_cb skip
  // its write. Call it when the device's interrupt reaches the driver.
  virtual bool on_interrupt() = 0;
  // virtqueue_disable_cb.
  virtual void disable_cb() = 0;
  // virtqueue_enable_cb_prepare + virtqueue_poll. Returns true if used
  // entries are already pending, so the caller must poll again (the opposite
  // polarity of virtqueue_enable_cb).
  virtual bool enable_cb_prepare() = 0;
  // virtqueue_enable_cb_delayed: the interrupt comes after 3/4 of what is in
  // flight completes. Returns true if the caller must poll again (the
  // opposite polarity of the real return).
  virtual bool enable_cb_delayed() = 0;

  // ---- device (backend) side ----
  // Buffers made available and not yet taken (no access charged).
  virtual uint16_t avail_pending() const = 0;
  // Takes the next available buffer (vhost_get_vq_desc, virtqueue_pop,
  // DPDK's dequeue). Its descriptors stay in use until the driver reaps it.
  virtual bool pop(uint32_t& token) = 0;
  // The start of a DPDK burst (rte_vhost_dequeue_burst /
  // rte_vhost_enqueue_burst). Returns how many buffers it saw available.
  virtual uint16_t begin_burst() = 0;
  // Returns a popped buffer to the driver as used (vhost_add_used,
  // virtqueue_fill + flush). Completion may be out of order; the token must
  // be one popped and not yet pushed (std::logic_error otherwise).
  virtual void push_used(uint32_t token, uint32_t len) = 0;
  // VIRTIO_F_IN_ORDER lets a device tell the driver of a batch of buffers
  // with one used element, the last buffer's: the split ring's at the used
  // slot of the batch's first buffer, used idx then moving on by the whole
  // batch; the packed ring's one used descriptor at the batch's first
  // position, the used position then skipping the batch. A device model
  // brackets the pushes its real counterpart returns this way (vhost-net's
  // vhost_tx_batch, DPDK's packed dequeue); in between, push_used records and
  // end_used_batch writes. Without the feature each push writes its own
  // element, as it does outside a bracket.
  void begin_used_batch() { batching_ = config_.in_order; }
  void end_used_batch() {
    batching_ = false;
    if (batch_.count == 0) return;
    publish_used(batch_);
    batch_ = UsedBatch{};
  }
  // Whether to interrupt the guest now (vhost_notify, virtio_should_notify,
  // vhost_vring_call).
  virtual bool should_notify() = 0;
  // Suppress kicks (vhost_disable_notify, virtio_queue_set_notification(0)).
  virtual void disable_notify() = 0;
  // Ask for kicks again, then re-check. Returns true if buffers are
  // available already (the device must look again).
  virtual bool enable_notify() = 0;

  // ---- a DMA device's view ----
  // Where in the ring's memory (byte offsets from its start, the layout
  // Linux allocates) a device's reads go to find the buffer the driver made
  // available at `position` (the count of buffers made available before
  // it), each waiting for the one before.
  struct DeviceReads {
    std::array<uint32_t, 3> offset{};
    uint8_t count = 0;
  };
  virtual DeviceReads fetch_reads(uint32_t position) const = 0;
  // Where the device writes the used element of the buffer used at `position`.
  virtual uint32_t used_write(uint32_t position) const = 0;

  // ---- counts ----
  uint64_t kicks_decided() const { return kicks_decided_; }
  uint64_t kicks_suppressed() const { return kicks_suppressed_; }
  uint64_t notifies_decided() const { return notifies_decided_; }
  uint64_t notifies_suppressed() const { return notifies_suppressed_; }
  uint64_t added() const { return added_; }
  uint64_t reaped() const { return reaped_; }

  // The ring's cache lines as the two sides touch them: every operation
  // loads and stores the lines the real function does, and the coherence
  // cost lands on the host thread calling it.
  const SharedLines& lines() const { return lines_; }

 protected:
  Virtqueue(const Config& config, size_t lines);
  Virtqueue(Virtqueue&&) = default;

  // A device-side load (a thread's; a device's DMA reads cost no core
  // anything) and store (a thread's, or a device's DMA through DDIO).
  void device_load(size_t line, bool index = false) {
    if (!config_.device_dma) lines_.read(line, device_category_, index);
  }
  void device_store(size_t line, uint32_t span = 1) {
    if (config_.device_dma) {
      lines_.dma_write(line, config_.ddio, span);
    } else {
      lines_.write(line, device_category_);
    }
  }
  // Buffers the device popped and has not yet returned, oldest first (a
  // ring of the power of two at or above size_), by the id the driver gave them (the split ring's head):
  // usually the oldest completes first; one completed out of order closes
  // its gap by shifting the older ones up.
  struct Held {
    uint16_t id;
    uint16_t chain;  // its descriptors
  };
  void hold(Held buffer) {
    held_[(held_first_ + held_count_) & held_mask_] = buffer;
    ++held_count_;
  }
  // The held buffer whose token is `token`; std::logic_error if none is, or
  // if it is not the oldest on an in-order queue.
  Held release(uint32_t token) {
    const Held oldest = held_[held_first_];
    if (held_count_ == 0 || token_[oldest.id] != token) return release_out_of_order(token);
    held_first_ = (held_first_ + 1) & held_mask_;
    --held_count_;
    return oldest;
  }

  // What push_used does with a buffer it returns (after its packet's lines):
  // inside a batch bracket on an in-order queue, record it and return true
  // (the layout writes nothing now); otherwise false.
  struct UsedBatch {
    uint16_t count = 0;  // buffers
    uint16_t descs = 0;  // their descriptors
    uint16_t last = 0;   // the last buffer's id
    uint32_t len = 0;    // and its used length
  };
  bool batched(Held done, uint32_t len) {
    if (!batching_) return false;
    used_len_[done.id] = len;
    ++batch_.count;
    batch_.descs = static_cast<uint16_t>(batch_.descs + done.chain);
    batch_.last = done.id;
    batch_.len = len;
    return true;
  }
  // Writes one used element for `batch` (a single buffer outside a bracket).
  virtual void publish_used(const UsedBatch& batch) = 0;

  // The in-order driver's side of a batch: the element it read (when none
  // was pending) names the batch's last buffer; it then reaps the buffers in
  // order up to that one without looking at the ring again.
  struct Reaping {
    bool pending = false;
    uint16_t last = 0;  // the last buffer's id
    uint32_t len = 0;   // and its used length
  };
  void start_reaping(uint16_t last, uint32_t len) { reaping_ = Reaping{true, last, len}; }
  // The used length of `id`, the next buffer in order; the batch ends with
  // its last.
  uint32_t reap_in_order(uint16_t id) {
    const bool last = id == reaping_.last;
    reaping_.pending = !last;
    return last ? reaping_.len : used_len_[id];
  }
  Reaping reaping_;

  void driver_load(size_t line, bool index = false) { lines_.read(line, config_.driver_category, index); }
  void driver_store(size_t line) { lines_.write(line, config_.driver_category); }

  Config config_;
  CpuCategory device_category_;
  uint16_t size_;
  uint32_t num_free_;
  std::vector<uint32_t> token_;  // per id (the split ring's head): the driver's token
  // Per id, the length pushed inside a batch. An in-order driver told of a
  // batch by its last buffer takes the others' lengths from its own records
  // (desc_state[].total_len in Linux); for the buffers modelled, what the
  // device wrote.
  std::vector<uint32_t> used_len_;

  uint64_t kicks_decided_ = 0;
  uint64_t kicks_suppressed_ = 0;
  uint64_t notifies_decided_ = 0;
  uint64_t notifies_suppressed_ = 0;
  uint64_t added_ = 0;
  uint64_t reaped_ = 0;

  SharedLines lines_;

 private:
  Held release_out_of_order(uint32_t token);

  std::vector<Held> held_;
  uint32_t held_mask_;
  uint32_t held_first_ = 0;
  uint32_t held_count_ = 0;
  bool batching_ = false;
  UsedBatch batch_;
};

}  // namespace viosim::models
