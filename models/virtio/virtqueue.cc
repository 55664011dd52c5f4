// What both virtqueue layouts share, and the choice between them.
#include "models/virtio/virtqueue.h"

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <string>

#include "models/virtio/packed_virtqueue.h"
#include "models/virtio/split_virtqueue.h"

namespace viosim::models {

Virtqueue::Virtqueue(const Config& config, size_t lines)
    : config_(config),
      device_category_(config.backend == Backend::kQemu   ? CpuCategory::kQemu
                       : config.backend == Backend::kDpdk ? CpuCategory::kPmd
                                                          : CpuCategory::kVhost),
      size_(config.size),
      num_free_(config.size),
      token_(config.size, 0),
      used_len_(config.size, 0),
      lines_(lines),
      held_(std::bit_ceil(uint32_t{std::max<uint16_t>(config.size, 1)}), Held{0, 0}),
      held_mask_(static_cast<uint32_t>(held_.size()) - 1) {}

Virtqueue::Held Virtqueue::release_out_of_order(uint32_t token) {
  uint32_t pos = 0;
  while (pos < held_count_ && token_[held_[(held_first_ + pos) & held_mask_].id] != token) ++pos;
  if (pos == held_count_) {
    throw std::logic_error("push_used: token " + std::to_string(token) + " is not a buffer the device holds");
  }
  if (config_.in_order) {
    throw std::logic_error("push_used: token " + std::to_string(token) +
                           " completes out of order on a queue that negotiated VIRTIO_F_IN_ORDER");
  }
  const Held done = held_[(held_first_ + pos) & held_mask_];
  for (uint32_t i = pos; i > 0; --i) held_[(held_first_ + i) & held_mask_] = held_[(held_first_ + i - 1) & held_mask_];
  held_first_ = (held_first_ + 1) & held_mask_;
  --held_count_;
  return done;
}

std::unique_ptr<Virtqueue> Virtqueue::make(const Config& config) {
  if (config.layout == Layout::kPacked) return std::make_unique<PackedVirtqueue>(config);
  return std::make_unique<SplitVirtqueue>(config);
}

}  // namespace viosim::models
