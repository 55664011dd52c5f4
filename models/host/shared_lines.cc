// Cache-line coherence between host cores: see shared_lines.h.
#include "models/host/shared_lines.h"

#include <algorithm>

#include "models/host/dma_lines.h"
#include "models/host/host_thread.h"

namespace viosim::models {

SharedLines::SharedLines(size_t lines) : lines_(lines) {}
SharedLines::~SharedLines() = default;
SharedLines::SharedLines(SharedLines&&) noexcept = default;
SharedLines& SharedLines::operator=(SharedLines&&) noexcept = default;

void SharedLines::dma_write(size_t line, DdioWays* ddio, uint32_t span) {
  Line& l = lines_[line];
  l.cores.fill(-1);
  l.cores[0] = kDevice;
  l.next = 1;
  if (ddio == nullptr) return;
  if (!dma_) dma_ = std::make_unique<DmaLines>(lines_.size(), ddio);
  dma_->write(line, span);
}

void SharedLines::device_load(size_t line, int32_t c, CpuCategory category) {
  if (dma_) dma_->read(line, category);  // charges the running thread
  lines_[line].cores[0] = static_cast<int16_t>(c);
}

void SharedLines::miss_read(size_t line, int32_t c, CpuCategory category, bool index) {
  HostThread& t = *running_thread.thread;
  const CacheTopology& topology = t.core().costs().cache;
  Line& l = lines_[line];
  bool held = false;
  core::Duration nearest = core::Duration::max();
  for (int16_t h : l.cores) {
    if (h < 0) continue;
    held = true;
    nearest = std::min(nearest, topology.transfer(static_cast<uint32_t>(h), static_cast<uint32_t>(c)));
  }
  if (held) t.add_line_transfer(nearest, category, index);  // books no time at 0 ns
  for (int16_t& h : l.cores) {
    if (h < 0) {
      h = static_cast<int16_t>(c);
      return;
    }
  }
  l.cores[l.next] = static_cast<int16_t>(c);  // the writer's slot 0 stays
  l.next = static_cast<uint8_t>(l.next + 1 == kHolders ? 1 : l.next + 1);
}

void SharedLines::miss_write(size_t line, int32_t c, CpuCategory category) {
  HostThread& t = *running_thread.thread;
  const CacheTopology& topology = t.core().costs().cache;
  Line& l = lines_[line];
  core::Duration farthest = core::Duration::zero();
  for (int16_t h : l.cores) {
    if (h >= 0 && h != c) farthest = std::max(farthest, topology.transfer(static_cast<uint32_t>(h), uint32_t(c)));
  }
  if (farthest > core::Duration::zero()) t.add_line_transfer(farthest, category);
  l.cores.fill(-1);
  l.cores[0] = static_cast<int16_t>(c);
  l.next = 1;
}

int SharedLines::holders(size_t line) const {
  const Line& l = lines_[line];
  return static_cast<int>(std::count_if(l.cores.begin(), l.cores.end(), [](int16_t h) { return h >= 0; }));
}

}  // namespace viosim::models
