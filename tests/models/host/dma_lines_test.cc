// Lines a NIC writes by DMA, checked by hand: with DDIO a core's first load
// after the write costs an LLC hit, then nothing until the next write; once
// more lines were allocated into DDIO's ways than they hold, the line is
// in memory and the load costs DRAM; without DDIO, or from a core of
// another socket, always DRAM.
#include "models/host/dma_lines.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/models/host/line_script.h"

namespace viosim::models {
namespace {

using core::Duration;
using core::Nanoseconds;
using line_test::Script;
using line_test::topology;

TEST(DdioWays, KeepsTheLinesWrittenLastAndUpdatesHeldOnesInPlace) {
  core::Simulator sim;
  DdioWays ways(sim, "ddio", nullptr, 10);
  const uint64_t a = ways.write(DdioWays::kNever, 0, 4);  // lines 0-3
  const uint64_t b = ways.write(DdioWays::kNever, 0, 4);  // 4-7
  EXPECT_TRUE(ways.holds(a));
  EXPECT_TRUE(ways.holds(b));
  // a is rewritten while held: in place, nothing more allocated.
  const uint64_t a2 = ways.write(a, 4, 4);
  EXPECT_TRUE(ways.holds(a2));
  EXPECT_TRUE(ways.holds(b));
  // Three more lines: 11 allocated, the first line of b's run (line 4) is
  // among the last 10; four more push it out.
  const uint64_t c = ways.write(DdioWays::kNever, 0, 3);
  EXPECT_TRUE(ways.holds(b));
  ways.write(DdioWays::kNever, 0, 4);
  EXPECT_FALSE(ways.holds(b));
  EXPECT_TRUE(ways.holds(c));
  EXPECT_FALSE(ways.holds(DdioWays::kNever));
  // c (3 lines, held) rewritten with 5: the 2 beyond it are allocated.
  const uint64_t c2 = ways.write(c, 3, 5);
  EXPECT_EQ(c2, 17u - 5u);
  EXPECT_TRUE(ways.holds(c2));
}

TEST(DdioWays, NoWaysHoldNothing) {
  core::Simulator sim;
  DdioWays ways(sim, "ddio", nullptr, 0);
  EXPECT_EQ(ways.write(DdioWays::kNever, 0, 1), DdioWays::kNever);
  EXPECT_FALSE(ways.holds(ways.write(DdioWays::kNever, 0, 1)));
}

TEST(DmaLines, TheFirstLoadAfterEachWriteCostsTheLlcThenNothing) {
  // Cores 0 and 1 on socket 0, 2 and 3 on socket 1.
  Script s(topology(4, 2, 1));
  DdioWays ways(s.sim(), "ddio", nullptr, 100);
  DmaLines lines(2, &ways);
  auto rd = [&](uint32_t c, size_t line) {
    return Script::Access{c, [&lines, line] { lines.read(line, CpuCategory::kVhost); }};
  };
  auto dma = [&](size_t line, uint32_t span) {
    return Script::Access{0, [&lines, line, span] { lines.write(line, span); }};
  };
  const std::vector<Duration> paid = s.run({
      rd(0, 0),    // never written by the device: nothing to load
      dma(0, 24),  // a 1500-byte frame
      rd(0, 0),    // from the LLC
      rd(0, 0),    // its own copy now
      rd(1, 0),    // (another core's copy is SharedLines' business, not DMA's)
      dma(0, 24),  // the next frame in the same buffer: updated in place
      rd(2, 0),    // a core of the other socket: the buffer is in its node's memory
      dma(1, 80),  // a frame bigger than what is left of the ways...
      dma(0, 24),  // ...pushed buffer 0 out: its next frame is allocated again
      rd(1, 0),    // held again
      dma(1, 4),   // buffer 1's first line went out with buffer 0's frame: allocated again
      rd(1, 1),
  });
  const std::vector<Duration> expected = {Duration::zero(), Duration::zero(), Nanoseconds(20),  Duration::zero(),
                                          Duration::zero(), Duration::zero(), Nanoseconds(90),  Duration::zero(),
                                          Duration::zero(), Nanoseconds(20),  Duration::zero(), Nanoseconds(20)};
  EXPECT_EQ(paid, expected);
  EXPECT_EQ(ways.llc_loads(), 3u);
  EXPECT_EQ(ways.dram_loads(), 1u);
  // Loads from the LLC or memory are not core-to-core transfers.
  EXPECT_EQ(s.transfers(0) + s.transfers(1) + s.transfers(2), 0u);
}

TEST(DmaLines, ABacklogBeyondTheWaysIsReadFromMemory) {
  Script s(topology(2, 1, 1));
  DdioWays ways(s.sim(), "ddio", nullptr, 48);
  DmaLines lines(3, &ways);
  std::vector<Script::Access> accesses;
  // Three 24-line frames land before the core reads any: the first was
  // pushed out by the third.
  for (size_t b = 0; b < 3; ++b) accesses.push_back({0, [&lines, b] { lines.write(b, 24); }});
  for (size_t b = 0; b < 3; ++b) accesses.push_back({1, [&lines, b] { lines.read(b, CpuCategory::kVhost); }});
  const std::vector<Duration> paid = s.run(accesses);
  EXPECT_EQ(paid[3], Nanoseconds(90));
  EXPECT_EQ(paid[4], Nanoseconds(20));
  EXPECT_EQ(paid[5], Nanoseconds(20));
}

TEST(DmaLines, WithoutDdioEveryLoadAfterAWriteCostsMemory) {
  Script s(topology(2, 1, 1));
  DdioWays ways(s.sim(), "ddio", nullptr, 0);
  DmaLines lines(1, &ways);
  auto rd = Script::Access{1, [&lines] { lines.read(0, CpuCategory::kVhost); }};
  auto dma = Script::Access{0, [&lines] { lines.write(0, 24); }};
  const std::vector<Duration> paid = s.run({dma, rd, rd, dma, rd});
  const std::vector<Duration> expected = {Duration::zero(), Nanoseconds(90), Duration::zero(), Duration::zero(),
                                          Nanoseconds(90)};
  EXPECT_EQ(paid, expected);
  EXPECT_EQ(ways.dram_loads(), 2u);
  EXPECT_EQ(ways.llc_loads(), 0u);
}

}  // namespace
}  // namespace viosim::models
