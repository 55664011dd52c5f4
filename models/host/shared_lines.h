// Cache lines that host threads on different cores share (a virtqueue's
// descriptor table, its avail and used rings, the first line of each packet
// buffer), with the coherence cost of each access. A line remembers which
// cores hold a copy and whether one of them modified it last:
//   - a load by a core that holds the line is a hit and costs nothing (a
//     poller that finds nothing new stays in its own cache);
//   - a load by another core pulls the line from the nearest holder;
//   - a store by a core that is not the only holder first takes ownership,
//     invalidating every other copy: the farthest holder sets the cost.
// The cost is the host topology's transfer time (CacheTopology: SMT
// sibling, same socket, other socket) and lands on the thread that runs the
// access (running_thread), charged to the category of the code making it
// (the guest's driver, vhost, a PMD): its next step takes that much longer.
// Accesses from no thread (tests driving a ring by hand) are not tracked.
// A device that reads and writes the ring itself by DMA (vDPA) writes with
// dma_write: every core's copy is invalidated, and the first core to load
// the line then pays what a NIC-written line costs (an LLC hit while DDIO's
// ways hold it, else memory: dma_lines.h); its DMA reads change nothing.
// Up to kHolders cores are remembered per line; a further reader replaces
// the oldest, which then misses once more than it should.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "models/host/cpu_category.h"

namespace viosim::models {

class HostThread;
class DdioWays;
class DmaLines;

// The host thread whose continuation runs on this OS thread, and its core
// (HostThread sets them around each continuation; nullptr and -1 outside),
// with the buffers its ring code has taken and given since its last step.
struct RunningThread {
  HostThread* thread = nullptr;
  int32_t core = -1;
  uint32_t taken = 0;
  uint32_t given = 0;
};
inline thread_local RunningThread running_thread{};

// A ring operation hands one buffer over: taken by its consumer (a device's
// pop, a driver's reap) or given by its producer (a driver's add, a
// device's used entry). One buffer's lines form a chain of dependent
// loads (entry, descriptor, buffer); different buffers' chains are
// independent, so their misses overlap: HostThread charges a batch's
// misses over min(fill buffers, buffers handled, misses) in parallel, its
// index loads in full.
inline void buffer_taken() { ++running_thread.taken; }
inline void buffer_given() { ++running_thread.given; }

// A device's own accesses to shared rings (a vDPA device's DMA), whoever's
// code called it (a doorbell written inside a vCPU's step, a frame turned
// around by the NIC's switch inside a host thread's): while one of these
// lives, no thread runs, so none pays.
class DeviceAccess {
 public:
  DeviceAccess() : saved_(running_thread) { running_thread = RunningThread{}; }
  ~DeviceAccess() { running_thread = saved_; }
  DeviceAccess(const DeviceAccess&) = delete;
  DeviceAccess& operator=(const DeviceAccess&) = delete;

 private:
  RunningThread saved_;
};

class SharedLines {
 public:
  static constexpr int kHolders = 4;

  explicit SharedLines(size_t lines = 0);
  ~SharedLines();
  SharedLines(SharedLines&&) noexcept;
  SharedLines& operator=(SharedLines&&) noexcept;
  size_t size() const { return lines_.size(); }

  // The running thread's code of `category` loads / stores `line` (below
  // size()). A hit costs a few compares; a miss goes to the out-of-line path.
  // An `index` load is one the rest of the batch waits on (a ring's index:
  // how many buffers there are to take): its miss is never overlapped.
  void read(size_t line, CpuCategory category, bool index = false) {
    const int32_t c = running_thread.core;
    if (c < 0) return;
    const Line& l = lines_[line];
    if (l.cores[0] == c || l.cores[1] == c || l.cores[2] == c || l.cores[3] == c) return;
    if (l.cores[0] == kDevice) {
      device_load(line, c, category);
      return;
    }
    miss_read(line, c, category, index);
  }
  void write(size_t line, CpuCategory category) {
    const int32_t c = running_thread.core;
    if (c < 0) return;
    const Line& l = lines_[line];
    if (l.cores[0] == c && l.cores[1] < 0 && l.cores[2] < 0 && l.cores[3] < 0) return;
    miss_write(line, c, category);
  }

  // A device writes `line` by DMA (and, for a frame, the `span` - 1 lines
  // of its buffer after it) through `ddio`, the host's I/O ways (null: its
  // loads cost nothing, as with no host).
  void dma_write(size_t line, DdioWays* ddio, uint32_t span = 1);

  // For tests: how many cores hold the line.
  int holders(size_t line) const;

 private:
  // The holder of a line a device wrote and no core has loaded since.
  static constexpr int16_t kDevice = -2;
  struct Line {
    std::array<int16_t, kHolders> cores{-1, -1, -1, -1};  // holders, the last writer first
    uint8_t next = 1;  // the slot a further reader takes
  };
  void miss_read(size_t line, int32_t core, CpuCategory category, bool index);
  void miss_write(size_t line, int32_t core, CpuCategory category);
  void device_load(size_t line, int32_t core, CpuCategory category);

  std::vector<Line> lines_;
  // Per line, its DMA write (only for a ring a device writes itself).
  std::unique_ptr<DmaLines> dma_;
};

}  // namespace viosim::models
