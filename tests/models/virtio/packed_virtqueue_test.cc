// The packed virtqueue, checked by hand: the wrap counters and the
// descriptor flags they give at the ring's end (chains across it included),
// kick and interrupt suppression through the two event structures in DESC,
// ENABLE and DISABLE mode, an event offset one lap back, the delayed TX
// callback, and where QEMU and DPDK differ when the used position wraps.
// Random interleavings of both layouts are in virtqueue_random_test.cc.
#include "models/virtio/packed_virtqueue.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace viosim::models {
namespace {

using Backend = Virtqueue::Backend;

PackedVirtqueue make_packed(uint16_t size, bool event_idx, Backend backend = Backend::kVhost) {
  Virtqueue::Config config;
  config.size = size;
  config.event_idx = event_idx;
  config.backend = backend;
  config.layout = Virtqueue::Layout::kPacked;
  return PackedVirtqueue(config);
}

void pop_and_use(PackedVirtqueue& q, int n) {
  uint32_t token = 0;
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(q.pop(token));
    q.push_used(token, token + 100);
  }
}

uint32_t reap_packed(PackedVirtqueue& q) {
  uint32_t token = 0, len = 0, n = 0;
  while (q.get_used(token, len)) {
    EXPECT_EQ(len, token + 100);
    ++n;
  }
  return n;
}

TEST(PackedVirtqueue, AnySizeUpTo32768) {
  EXPECT_THROW(make_packed(0, true), std::invalid_argument);
  EXPECT_THROW(make_packed(32769, true), std::invalid_argument);
  for (uint16_t good : {1, 3, 100, 256, 32768}) {
    const auto q = make_packed(good, true);
    EXPECT_EQ(q.size(), good);
    EXPECT_EQ(q.num_free(), good);
  }
  EXPECT_EQ(Virtqueue::make({.size = 100, .layout = Virtqueue::Layout::kPacked})->size(), 100);
}

// A fresh ring is zeroed: with both wrap counters at 1, a descriptor with
// both flags clear is neither available nor used.
TEST(PackedVirtqueue, WrapCountersFlipAtTheRingEnd) {
  auto q = make_packed(4, true);
  uint32_t token = 0;
  EXPECT_FALSE(q.more_used());
  EXPECT_FALSE(q.pop(token));
  for (uint32_t t = 0; t < 4; ++t) ASSERT_TRUE(q.add(t));
  EXPECT_FALSE(q.add(4));  // four descriptors, all in flight
  for (uint16_t p = 0; p < 4; ++p) {
    EXPECT_TRUE(q.desc_avail_bit(p)) << p;  // AVAIL = the driver's counter (1)
    EXPECT_FALSE(q.desc_used_bit(p)) << p;  // USED = its inverse
  }
  EXPECT_EQ(q.next_avail(), 0);
  EXPECT_FALSE(q.avail_wrap());
  pop_and_use(q, 4);
  EXPECT_EQ(q.last_avail(), 0);
  EXPECT_FALSE(q.device_avail_wrap());
  EXPECT_EQ(q.used_position(), 0);
  EXPECT_FALSE(q.device_used_wrap());
  for (uint16_t p = 0; p < 4; ++p) {
    EXPECT_TRUE(q.desc_avail_bit(p) && q.desc_used_bit(p)) << p;  // used: both = the device's counter (1)
  }
  EXPECT_EQ(reap_packed(q), 4u);
  EXPECT_FALSE(q.used_wrap());
  EXPECT_EQ(q.num_free(), 4u);

  // The second lap: available is AVAIL 0, USED 1; used is both 0.
  ASSERT_TRUE(q.add(9));
  EXPECT_FALSE(q.desc_avail_bit(0));
  EXPECT_TRUE(q.desc_used_bit(0));
  EXPECT_FALSE(q.more_used());  // the old used flags (1, 1) no longer count
  pop_and_use(q, 1);
  EXPECT_FALSE(q.desc_avail_bit(0));
  EXPECT_FALSE(q.desc_used_bit(0));
  uint32_t len = 0;
  ASSERT_TRUE(q.get_used(token, len));
  EXPECT_EQ(token, 9u);
}

// A chain is consecutive descriptors: one that starts at the last position
// continues at 0 with the flipped counter, and both sides skip its length.
TEST(PackedVirtqueue, AChainAcrossTheRingEnd) {
  auto q = make_packed(4, true);
  for (uint32_t t = 0; t < 3; ++t) ASSERT_TRUE(q.add(t));
  pop_and_use(q, 3);
  ASSERT_EQ(reap_packed(q), 3u);
  ASSERT_TRUE(q.add(7, 3));  // positions 3, 0, 1
  EXPECT_EQ(q.next_avail(), 2);
  EXPECT_FALSE(q.avail_wrap());
  EXPECT_EQ(q.num_free(), 1u);
  EXPECT_TRUE(q.desc_avail_bit(3));
  EXPECT_FALSE(q.desc_used_bit(3));
  EXPECT_FALSE(q.desc_avail_bit(0));
  EXPECT_TRUE(q.desc_used_bit(0));
  EXPECT_FALSE(q.desc_avail_bit(1));
  EXPECT_TRUE(q.desc_used_bit(1));
  pop_and_use(q, 1);
  EXPECT_EQ(q.last_avail(), 2);
  EXPECT_FALSE(q.device_avail_wrap());
  EXPECT_EQ(q.used_position(), 2);  // one used descriptor at 3, then past the chain
  EXPECT_FALSE(q.device_used_wrap());
  uint32_t token = 0, len = 0;
  ASSERT_TRUE(q.get_used(token, len));
  EXPECT_EQ(token, 7u);
  EXPECT_EQ(q.last_used(), 2);
  EXPECT_FALSE(q.used_wrap());
  EXPECT_EQ(q.num_free(), 4u);
}

// EVENT_IDX, a QEMU device: the zeroed device structure says ENABLE, so
// every decision kicks until the device first disables; re-enabled, it
// asks (DESC) for a kick when its next position is made available.
TEST(PackedVirtqueue, DeviceEventStructureDecidesKicks) {
  auto q = make_packed(8, true, Backend::kQemu);
  ASSERT_TRUE(q.add(0));
  EXPECT_TRUE(q.kick_prepare());
  ASSERT_TRUE(q.add(1));
  EXPECT_TRUE(q.kick_prepare());
  q.disable_notify();
  EXPECT_EQ(q.device_event_flags(), PackedVirtqueue::kDisable);
  ASSERT_TRUE(q.add(2));
  EXPECT_FALSE(q.kick_prepare());
  pop_and_use(q, 3);
  EXPECT_FALSE(q.enable_notify());  // nothing new: the device may sleep
  EXPECT_EQ(q.device_event_flags(), PackedVirtqueue::kDesc);
  EXPECT_EQ(q.device_event_off_wrap(), 3 | 1 << 15);
  ASSERT_TRUE(q.add(3));
  ASSERT_TRUE(q.add(4));
  EXPECT_TRUE(q.kick_prepare());  // position 3 in [3, 5)
  ASSERT_TRUE(q.add(5));
  EXPECT_FALSE(q.kick_prepare());  // [5, 6) misses it
  EXPECT_EQ(q.kicks_decided(), 3u);
  EXPECT_EQ(q.kicks_suppressed(), 2u);
  // The re-check after enabling finds what slipped in.
  q.disable_notify();
  EXPECT_TRUE(q.enable_notify());
}

// The device asks for a kick at its last position (3, wrap 1); the driver
// has meanwhile wrapped (counter 0), so the offset counts one lap back:
// 3 - 4 = -1, inside the window [-1, 1) of the two descriptors it added.
TEST(PackedVirtqueue, AnEventOffsetFromTheLastLap) {
  auto q = make_packed(4, true, Backend::kDpdk);
  for (uint32_t t = 0; t < 3; ++t) ASSERT_TRUE(q.add(t));
  q.kick_prepare();
  q.disable_notify();
  pop_and_use(q, 3);
  ASSERT_EQ(reap_packed(q), 3u);
  EXPECT_FALSE(q.enable_notify());
  EXPECT_EQ(q.device_event_off_wrap(), 3 | 1 << 15);
  ASSERT_TRUE(q.add(3));
  ASSERT_TRUE(q.add(4));
  EXPECT_EQ(q.next_avail(), 1);
  EXPECT_FALSE(q.avail_wrap());
  EXPECT_TRUE(q.kick_prepare());
  ASSERT_TRUE(q.add(5));
  EXPECT_FALSE(q.kick_prepare());
}

// NAPI on the driver's structure: after an interrupt the driver's disable
// skips its write (event_triggered), and the stale DESC offset keeps the
// device quiet while the driver polls; re-enabled at its last used
// position, the next completion interrupts.
TEST(PackedVirtqueue, DriverEventStructureDecidesInterrupts) {
  auto q = make_packed(8, true);
  for (uint32_t t = 0; t < 6; ++t) ASSERT_TRUE(q.add(t));
  // Zeroed: ENABLE, every completion interrupts.
  pop_and_use(q, 1);
  EXPECT_TRUE(q.should_notify());
  q.disable_cb();  // no interrupt taken yet: DISABLE is written
  EXPECT_EQ(q.driver_event_flags(), PackedVirtqueue::kDisable);
  pop_and_use(q, 1);
  EXPECT_FALSE(q.should_notify());
  EXPECT_EQ(reap_packed(q), 2u);
  EXPECT_FALSE(q.enable_cb_prepare());  // nothing pending
  EXPECT_EQ(q.driver_event_flags(), PackedVirtqueue::kDesc);
  EXPECT_EQ(q.driver_event_off_wrap(), 2 | 1 << 15);
  pop_and_use(q, 1);
  EXPECT_TRUE(q.should_notify());  // position 2 in [2, 3)
  ASSERT_TRUE(q.on_interrupt());
  EXPECT_TRUE(q.event_triggered());
  q.disable_cb();
  EXPECT_EQ(q.driver_event_flags(), PackedVirtqueue::kDesc);  // left alone
  pop_and_use(q, 2);
  EXPECT_FALSE(q.should_notify());  // [3, 5) misses 2
  EXPECT_EQ(q.notifies_decided(), 2u);
  EXPECT_EQ(q.notifies_suppressed(), 2u);
  // In DESC mode each reap publishes the new last used position.
  EXPECT_TRUE(q.enable_cb_prepare());  // three used, unreaped: poll again
  uint32_t token = 0, len = 0;
  ASSERT_TRUE(q.get_used(token, len));
  EXPECT_EQ(q.driver_event_off_wrap(), 3 | 1 << 15);
}

// virtqueue_enable_cb_delayed_packed: with eight descriptors in flight the
// offset lies 3/4 * 8 = 6 ahead, so the seventh completion interrupts.
TEST(PackedVirtqueue, EnableCbDelayedWaitsForThreeQuarters) {
  auto q = make_packed(16, true);
  for (uint32_t t = 0; t < 9; ++t) ASSERT_TRUE(q.add(t));
  pop_and_use(q, 1);
  EXPECT_TRUE(q.should_notify());
  ASSERT_EQ(reap_packed(q), 1u);
  q.disable_cb();
  EXPECT_FALSE(q.enable_cb_delayed());
  EXPECT_EQ(q.driver_event_off_wrap(), 7 | 1 << 15);
  int first = 0;
  for (int i = 1; i <= 8 && first == 0; ++i) {
    pop_and_use(q, 1);
    if (q.should_notify()) first = i;
  }
  EXPECT_EQ(first, 7);
}

// Its re-check looks at the next descriptor only: one completion already
// there asks for a poll, although the split ring would wait for 3/4.
TEST(PackedVirtqueue, EnableCbDelayedRechecksTheNextDescriptorOnly) {
  auto q = make_packed(16, true);
  for (uint32_t t = 0; t < 8; ++t) ASSERT_TRUE(q.add(t));
  pop_and_use(q, 1);
  q.disable_cb();
  EXPECT_TRUE(q.enable_cb_delayed());
}

// The used position wraps between two decisions while the driver's offset
// is stale: QEMU (virtqueue_packed_flush) forgets signalled_used and
// interrupts; DPDK moves old back a lap and finds the offset outside.
TEST(PackedVirtqueue, QemuForcesAnInterruptWhenTheUsedPositionWraps) {
  for (const Backend backend : {Backend::kQemu, Backend::kDpdk}) {
    auto q = make_packed(4, true, backend);
    q.disable_cb();
    EXPECT_FALSE(q.enable_cb_prepare());  // DESC at 0
    for (uint32_t t = 0; t < 4; ++t) ASSERT_TRUE(q.add(t));
    pop_and_use(q, 1);
    EXPECT_TRUE(q.should_notify());  // the first decision
    pop_and_use(q, 1);
    EXPECT_FALSE(q.should_notify());
    pop_and_use(q, 1);
    EXPECT_FALSE(q.should_notify());
    pop_and_use(q, 1);  // used position 3 -> 0, wrap counter flips
    EXPECT_EQ(q.should_notify(), backend == Backend::kQemu);
  }
}

// Without EVENT_IDX only the flags count: ENABLE or DISABLE on each side.
TEST(PackedVirtqueue, FlagsWithoutEventIdx) {
  auto q = make_packed(8, false, Backend::kDpdk);
  ASSERT_TRUE(q.add(0));
  EXPECT_TRUE(q.kick_prepare());
  q.disable_notify();
  ASSERT_TRUE(q.add(1));
  EXPECT_FALSE(q.kick_prepare());
  pop_and_use(q, 2);
  EXPECT_FALSE(q.enable_notify());
  EXPECT_EQ(q.device_event_flags(), PackedVirtqueue::kEnable);
  ASSERT_TRUE(q.add(2));
  EXPECT_TRUE(q.kick_prepare());
  ASSERT_TRUE(q.add(3));
  EXPECT_TRUE(q.kick_prepare());  // no offset: every decision kicks
  EXPECT_TRUE(q.should_notify());
  q.disable_cb();
  pop_and_use(q, 1);
  EXPECT_FALSE(q.should_notify());
  ASSERT_EQ(reap_packed(q), 3u);
  EXPECT_FALSE(q.enable_cb_prepare());
  EXPECT_EQ(q.driver_event_flags(), PackedVirtqueue::kEnable);
  pop_and_use(q, 1);
  EXPECT_TRUE(q.should_notify());
}

TEST(PackedVirtqueue, OutOfOrderCompletionReturnsIdsByTheUsedDescriptor) {
  auto q = make_packed(8, true);
  for (uint32_t t = 10; t < 14; ++t) ASSERT_TRUE(q.add(t));
  uint32_t token = 0;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(q.pop(token));
  for (uint32_t t : {12u, 10u, 13u, 11u}) q.push_used(t, t + 100);
  EXPECT_THROW(q.push_used(10, 0), std::logic_error);
  std::vector<uint32_t> order;
  uint32_t len = 0;
  while (q.get_used(token, len)) order.push_back(token);
  EXPECT_EQ(order, (std::vector<uint32_t>{12, 10, 13, 11}));
  EXPECT_EQ(q.num_free(), 8u);
}

// A DMA device finds a buffer with one read (the descriptor) where a split
// ring needs three (avail idx, avail entry, descriptor).
TEST(PackedVirtqueue, ADeviceFindsABufferInOneRead) {
  auto q = make_packed(256, true);
  const Virtqueue::DeviceReads packed = q.fetch_reads(5);
  EXPECT_EQ(packed.count, 1);
  EXPECT_EQ(packed.offset[0], 16u * 5);
  EXPECT_EQ(q.used_write(5), 16u * 5);
  const auto split = Virtqueue::make({.size = 256});
  EXPECT_EQ(split->fetch_reads(5).count, 3);
}

// ---- VIRTIO_F_IN_ORDER ----------------------------------------------------------

PackedVirtqueue make_packed_in_order(uint16_t size, Backend backend = Backend::kDpdk) {
  Virtqueue::Config config;
  config.size = size;
  config.backend = backend;
  config.layout = Virtqueue::Layout::kPacked;
  config.in_order = true;
  return PackedVirtqueue(config);
}

void pop_and_use_batch(PackedVirtqueue& q, int n) {
  uint32_t token = 0;
  q.begin_used_batch();
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(q.pop(token));
    q.push_used(token, token + 100);
  }
  q.end_used_batch();
}

TEST(PackedVirtqueue, InOrderBatchIsOneUsedDescriptor) {
  auto q = make_packed_in_order(8);
  for (uint32_t t = 1; t <= 3; ++t) ASSERT_TRUE(q.add(t, 2));  // positions 0, 2, 4
  pop_and_use_batch(q, 3);
  // One used descriptor at the batch's first position, naming its last
  // buffer (id = its first position); the device skips the whole batch.
  EXPECT_TRUE(q.desc_used_bit(0));
  EXPECT_EQ(q.desc_id(0), 4);
  EXPECT_EQ(q.desc_len(0), 103u);
  EXPECT_FALSE(q.desc_used_bit(2));
  EXPECT_FALSE(q.desc_used_bit(4));
  EXPECT_EQ(q.used_position(), 6);
  EXPECT_EQ(reap_packed(q), 3u);
  EXPECT_EQ(q.last_used(), 6);
  EXPECT_FALSE(q.more_used());

  // A batch across the ring's end: its descriptor at position 6 carries the
  // first lap's wrap counter; both sides then count the second lap.
  ASSERT_TRUE(q.add(4, 2));  // positions 6-7
  ASSERT_TRUE(q.add(5, 2));  // positions 0-1, the second lap
  pop_and_use_batch(q, 2);
  EXPECT_TRUE(q.desc_avail_bit(6));
  EXPECT_TRUE(q.desc_used_bit(6));
  EXPECT_EQ(q.desc_id(6), 0);
  EXPECT_EQ(q.used_position(), 2);
  EXPECT_FALSE(q.device_used_wrap());
  EXPECT_EQ(reap_packed(q), 2u);
  EXPECT_EQ(q.last_used(), 2);
  EXPECT_FALSE(q.used_wrap());
  EXPECT_EQ(q.num_free(), 8u);
}

TEST(PackedVirtqueue, InOrderDriverReadsOnlyTheBatchDescriptor) {
  auto q = make_packed_in_order(8);
  for (uint32_t t = 1; t <= 4; ++t) ASSERT_TRUE(q.add(t));
  pop_and_use_batch(q, 4);
  uint32_t token = 0, len = 0;
  ASSERT_TRUE(q.get_used(token, len));
  EXPECT_EQ(token, 1u);
  // The next positions hold the driver's own available descriptors, yet
  // the pending batch says they are used.
  EXPECT_FALSE(q.desc_used_bit(1));
  EXPECT_TRUE(q.more_used());
  EXPECT_EQ(reap_packed(q), 3u);
}

}  // namespace
}  // namespace viosim::models
