// Lines a device writes by DMA and a core then loads: a NIC's receive
// descriptors and the first line of each frame it receives (RxRingLines;
// mechanisms reference section 21.1).
//
// On an Intel host with DDIO the write lands in the LLC of the socket the
// NIC sits on (socket 0 in the model), in the few ways inbound I/O may
// allocate into (MSR 0xC8B): a line the LLC still holds is updated in
// place, one it does not takes a way and pushes out the I/O line written
// longest ago, to memory ("leaky DMA": a backlog of frames bigger than the
// ways is evicted before its cores read it). DdioWays keeps that order for
// the whole host: every device's writes share the ways.
//
// The write invalidates every core's copy. The first load after it costs
// an LLC hit while the line is still in the ways, a DRAM access once it was
// pushed out, and a DRAM access always without DDIO (no ways: AMD hosts,
// or DDIO turned off) or from a core of another socket (the driver
// allocates its buffers on its own node, whose memory the NIC's DDIO does
// not serve). Later loads hit the core's own cache and cost nothing. The
// cost lands on the running thread like a SharedLines miss (overlapped over
// a batch's buffers), but is not a core-to-core transfer.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "models/host/cpu_category.h"
#include "models/host/shared_lines.h"
#include "sim-core/component.h"
#include "sim-core/later_counts.h"
#include "sim-core/stats.h"

namespace viosim::models {

// A device that holds some of its DMA writes back to make them at their
// times (a NIC queue handed a train of frames before they arrive). The
// ways take every device's writes in time order, so each access first
// has the held writes due by now made, the earliest first.
class HeldDmaWrites {
 public:
  virtual ~HeldDmaWrites() = default;
  // When its earliest held write is due; Time::max() when it holds none.
  virtual core::Time next_held() const = 0;
  // Makes that write (and whatever else the device does then).
  virtual void make_next() = 0;
};

class DdioWays final : public core::Component {
 public:
  static constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  // `lines`: how many lines the I/O ways hold (0: no DDIO).
  DdioWays(core::Simulator& sim, std::string_view name, core::Component* parent, uint64_t lines);

  // A device writes a run of `span` lines over one of `old_span` whose
  // first was written at `stamp` (kNever: never); returns the run's new
  // stamp. Held lines are updated in place; what goes beyond them is
  // allocated.
  uint64_t write(uint64_t stamp, uint32_t old_span, uint32_t span) {
    settle();
    return write_now(stamp, old_span, span);
  }
  // Whether the first line of a run written at `stamp` is still in the ways.
  bool holds(uint64_t stamp) const { return stamp != kNever && allocated_ - stamp <= capacity_; }
  void count_load(bool from_llc) {
    if (count_at_ > now()) {
      later_loads_.add(count_at_, {from_llc ? 1u : 0u, from_llc ? 0u : 1u});  // when it would have happened
      return;
    }
    (from_llc ? llc_loads_ : dram_loads_).add(1);
  }
  // Loads made from now on count as of `at` (a pass a queue runs ahead of
  // its time, HostNicRx::read_on), until it is set back to now or before.
  void count_loads_at(core::Time at) { count_at_ = at; }
  uint64_t llc_loads() const { return llc_loads_.value(); }
  // A device holds a write back, due at `at`.
  void hold(HeldDmaWrites* device, core::Time at) {
    if (std::find(held_.begin(), held_.end(), device) == held_.end()) held_.push_back(device);
    next_due_ = std::min(next_due_, at);
  }
  // Makes every held write due by now, in time order: before any access
  // (and, before statistics are read, counts the loads due).
  void settle() override {
    if (next_due_ <= now()) settle_held();
    if (later_loads_.due(now())) count_later();
  }
  void finish() override { count_later(); }
  uint64_t dram_loads() const { return dram_loads_.value(); }

 private:
  uint64_t write_now(uint64_t stamp, uint32_t old_span, uint32_t span);
  void settle_held();

  uint64_t capacity_;
  uint64_t allocated_ = 0;
  core::LaterCounts<2> later_loads_;  // (LLC, DRAM) loads made ahead of their time
  core::Time count_at_;
  void count_later() { later_loads_.count_due(now(), {&llc_loads_, &dram_loads_}); }
  std::vector<HeldDmaWrites*> held_;         // every device that ever held a write (a few NIC queues)
  core::Time next_due_ = core::Time::max();  // the earliest write any holds
  bool settling_ = false;                    // lines allocated into the ways so far: a FIFO position
  core::Counter llc_loads_{this, "llc_loads"};
  core::Counter dram_loads_{this, "dram_loads"};
};

// One device-written region (a ring's descriptors, or its buffers' first
// lines), line by line.
class DmaLines {
 public:
  // `ddio` null: nothing is tracked (tests driving a queue without a host).
  DmaLines(size_t lines, DdioWays* ddio) : lines_(ddio != nullptr ? lines : 0), ddio_(ddio) {}

  // The device writes `line` and, for a frame, the `span` - 1 lines after it.
  void write(size_t line, uint32_t span = 1) {
    if (ddio_ == nullptr) return;
    Line& l = lines_[line];
    l.stamp = ddio_->write(l.stamp, l.span, span);
    l.span = span;
    l.fresh = true;
  }
  // The running thread's code of `category` loads `line`.
  void read(size_t line, CpuCategory category) {
    if (ddio_ == nullptr || !lines_[line].fresh) return;
    load(lines_[line], category);
  }

 private:
  struct Line {
    uint64_t stamp = DdioWays::kNever;
    uint32_t span = 0;   // lines of the run it starts
    bool fresh = false;  // written since a core last loaded it
  };
  void load(Line& l, CpuCategory category);

  std::vector<Line> lines_;
  DdioWays* ddio_;
};

// A NIC's receive ring as its lines go: slot by slot in ring order, the
// NIC writes each frame into its buffer and writes back its 16-byte
// descriptor (four to a line: ixgbe's advanced, i40e's 16-byte); the
// driver takes them in the same order, loading each descriptor and its
// buffer's first line.
class RxRingLines {
 public:
  RxRingLines(uint32_t ring_size, DdioWays* ddio)
      : ring_size_(ring_size),
        descriptors_((ring_size + kDescriptorsPerLine - 1) / kDescriptorsPerLine, ddio),
        buffers_(ring_size, ddio) {}

  // The NIC wrote the next slot's frame, `bytes` long, and its descriptor.
  void written(uint32_t bytes) {
    const uint32_t slot = static_cast<uint32_t>(written_++ % ring_size_);
    buffers_.write(slot, std::max<uint32_t>(1, (bytes + 63) / 64));
    descriptors_.write(slot / kDescriptorsPerLine);
  }
  // The running thread, the driver's code of `category`, loads the
  // descriptor and first line of the frame `ahead` slots past the next it
  // takes: one buffer of its batch.
  void load(uint32_t ahead, CpuCategory category) {
    const uint32_t slot = static_cast<uint32_t>((taken_ + ahead) % ring_size_);
    descriptors_.read(slot / kDescriptorsPerLine, category);
    buffers_.read(slot, category);
    buffer_taken();
  }
  // The driver took the next frame.
  void taken() { ++taken_; }

 private:
  static constexpr uint32_t kDescriptorsPerLine = 4;
  uint32_t ring_size_;
  uint64_t written_ = 0;  // frames written so far: the next one's slot modulo the ring
  uint64_t taken_ = 0;    // frames the driver took so far
  DmaLines descriptors_;
  DmaLines buffers_;
};

}  // namespace viosim::models
