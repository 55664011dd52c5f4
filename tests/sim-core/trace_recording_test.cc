// The in-memory trace: the shared window rules (slices clipped, instants
// and flow steps outside dropped), stable track ids, and the order the
// events were written in across kinds.
#include <gtest/gtest.h>

#include "sim-core/trace_recording.h"

namespace viosim::core {
namespace {

Time us(int64_t n) { return Time::zero() + Microseconds(n); }

TEST(TraceRecording, KeepsOnlyTheWindowAndClipsSlices) {
  TraceRecording r(us(10), us(20));
  const int core = r.track("core 0");
  EXPECT_EQ(r.track("core 0"), core);
  const int thread = r.track("thread a");
  EXPECT_NE(thread, core);
  EXPECT_EQ(r.track_name(thread), "thread a");

  r.slice(core, "idle", "cpu", us(5), us(12), "");       // clipped to [10, 12]
  r.slice(core, "kvm", "cpu", us(12), us(25), "vcpu");   // clipped to [12, 20]
  r.slice(core, "kvm", "cpu", us(1), us(9));             // before: dropped
  r.slice(core, "kvm", "cpu", us(15), us(15));           // empty: dropped
  r.instant(thread, "exit hlt", "exit", us(9));          // before: dropped
  r.instant(thread, "kick tx", "kick", us(20));          // at the end: kept
  r.flow(thread, 7, TraceWriter::FlowPhase::kStart, us(10), "application", "sent");
  r.flow(thread, 7, TraceWriter::FlowPhase::kEnd, us(21), "peer", "late");  // after: dropped

  ASSERT_EQ(r.slices().size(), 2u);
  EXPECT_EQ(r.slices()[0].start, us(10));
  EXPECT_EQ(r.slices()[0].end, us(12));
  EXPECT_EQ(r.slices()[1].start, us(12));
  EXPECT_EQ(r.slices()[1].end, us(20));
  EXPECT_EQ(r.slices()[1].owner, "vcpu");
  ASSERT_EQ(r.instants().size(), 1u);
  EXPECT_EQ(r.instants()[0].category, "kick");
  ASSERT_EQ(r.flows().size(), 1u);
  EXPECT_EQ(r.flows()[0].place, "application");
  EXPECT_EQ(r.flows()[0].what, "sent");
  EXPECT_EQ(r.events(), 4u);
  // Written: slice, slice, instant, flow.
  EXPECT_LT(r.slices()[1].order, r.instants()[0].order);
  EXPECT_LT(r.instants()[0].order, r.flows()[0].order);
}

}  // namespace
}  // namespace viosim::core
