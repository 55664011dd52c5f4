// The split virtqueue, checked by hand: the event-index predicate, index wrap
// at 65536, kick and interrupt suppression in both schemes and both device
// flavours, back-pressure on descriptors, and random interleavings that must
// conserve buffers and never strand one behind a suppressed notification.
#include "models/virtio/split_virtqueue.h"

#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <stdexcept>
#include <vector>

namespace viosim::models {
namespace {

using Backend = SplitVirtqueue::Backend;

SplitVirtqueue make_split(uint16_t size, bool event_idx, Backend backend = Backend::kVhost) {
  SplitVirtqueue::Config config;
  config.size = size;
  config.event_idx = event_idx;
  config.backend = backend;
  return SplitVirtqueue(config);
}

// Device takes every available buffer and completes it with len = token.
void device_drain(SplitVirtqueue& q) {
  uint32_t token;
  while (q.pop(token)) q.push_used(token, token);
}

uint32_t reap_split(SplitVirtqueue& q) {
  uint32_t token, len, n = 0;
  while (q.get_used(token, len)) ++n;
  return n;
}

// ---- vring_need_event -------------------------------------------------------

static_assert(vring_need_event(0, 1, 0));
static_assert(!vring_need_event(1, 1, 0));

TEST(VringNeedEvent, HandMadeCases) {
  EXPECT_TRUE(vring_need_event(0, 1, 0));     // event at old: the first new entry crosses it
  EXPECT_TRUE(vring_need_event(5, 10, 0));    // inside [0, 10)
  EXPECT_TRUE(vring_need_event(9, 10, 0));    // last slot of the window
  EXPECT_FALSE(vring_need_event(10, 10, 0));  // new itself is not yet crossed
  EXPECT_FALSE(vring_need_event(0, 2, 1));    // already crossed before old
  EXPECT_FALSE(vring_need_event(7, 7, 7));    // empty window never notifies
  EXPECT_FALSE(vring_need_event(0, 0, 0));
  EXPECT_FALSE(vring_need_event(100, 20, 10));  // event ahead of new
}

TEST(VringNeedEvent, WrapAt65536) {
  EXPECT_TRUE(vring_need_event(65535, 1, 65534));   // window {65534, 65535, 0}
  EXPECT_TRUE(vring_need_event(65534, 1, 65534));
  EXPECT_TRUE(vring_need_event(0, 1, 65534));
  EXPECT_FALSE(vring_need_event(1, 1, 65534));
  EXPECT_FALSE(vring_need_event(65533, 1, 65534));
  // A window of 65535 entries holds every index but new.
  EXPECT_TRUE(vring_need_event(12345, 65535, 0));
  EXPECT_FALSE(vring_need_event(65535, 65535, 0));
}

// ---- construction -----------------------------------------------------------

TEST(SplitVirtqueue, SizeMustBeAPowerOfTwoUpTo32768) {
  for (uint16_t bad : {0, 3, 100, 255, 32769, 65535}) {
    EXPECT_THROW(make_split(bad, true), std::invalid_argument) << bad;
  }
  for (uint16_t good : {1, 2, 256, 1024, 32768}) {
    const auto q = make_split(good, true);
    EXPECT_EQ(q.size(), good);
    EXPECT_EQ(q.num_free(), good);
  }
}

// ---- index wrap ---------------------------------------------------------------

TEST(SplitVirtqueue, IndicesWrapAt65536WithASizeFourQueue) {
  auto q = make_split(4, true);
  constexpr uint32_t kCycles = 70000;
  uint64_t kicks = 0, notifies = 0;
  for (uint32_t i = 0; i < kCycles; ++i) {
    ASSERT_TRUE(q.add(i));
    ASSERT_EQ(q.avail_idx(), static_cast<uint16_t>(i + 1));
    ASSERT_EQ(q.num_free(), 3u);
    ASSERT_EQ(q.avail_pending(), 1);
    kicks += q.kick_prepare();
    uint32_t token = 0, len = 0;
    ASSERT_TRUE(q.pop(token));
    ASSERT_EQ(token, i);
    q.push_used(token, 60 + i % 1000);
    notifies += q.should_notify();
    ASSERT_TRUE(q.get_used(token, len));
    ASSERT_EQ(token, i);
    ASSERT_EQ(len, 60 + i % 1000);
    ASSERT_EQ(q.num_free(), 4u);
    ASSERT_EQ(q.outstanding(), 0);
    ASSERT_EQ(q.last_used_idx(), q.avail_idx());
    ASSERT_EQ(q.used_idx(), q.avail_idx());
    ASSERT_EQ(q.last_avail_idx(), q.avail_idx());
  }
  EXPECT_EQ(q.avail_idx(), kCycles % 65536);  // 4464
  EXPECT_EQ(q.added(), kCycles);
  EXPECT_EQ(q.reaped(), kCycles);
  // The device never re-enabled notifications, so avail_event stayed 0: the
  // driver kicked when avail idx crossed 0, at add 1 and again at add 65537.
  EXPECT_EQ(kicks, 2u);
  // Callbacks stayed enabled, so every reap moved used_event to the next entry.
  EXPECT_EQ(notifies, kCycles);
}

// ---- kick suppression ---------------------------------------------------------

TEST(SplitVirtqueue, EventIdxKicksOncePerDeviceWakeUp) {
  auto q = make_split(256, true);
  uint32_t kicks = 0;
  uint32_t next = 0;
  // Device idle with notifications enabled: only the first add of the batch
  // kicks, because avail_event (0) lies in the window of that add alone.
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(q.add(next++));
    kicks += q.kick_prepare();
  }
  EXPECT_EQ(kicks, 1u);
  // The kick wakes the device, which disables notifications while it works.
  q.disable_notify();
  EXPECT_EQ(q.avail_event(), 0);  // vhost leaves it stale
  EXPECT_FALSE(q.no_notify_flag());  // with EVENT_IDX the flag is never written
  uint32_t token;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(q.pop(token));
  kicks = 0;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(q.add(next++));
    kicks += q.kick_prepare();
  }
  EXPECT_EQ(kicks, 0u);
  device_drain(q);
  EXPECT_FALSE(q.enable_notify());  // nothing new: the device may sleep
  EXPECT_EQ(q.avail_event(), 20);
  ASSERT_TRUE(q.add(next++));
  EXPECT_TRUE(q.kick_prepare());
  EXPECT_EQ(q.kicks_decided(), 2u);
  EXPECT_EQ(q.kicks_suppressed(), 19u);
}

TEST(SplitVirtqueue, VhostEnableNotifyReportsEntriesThatSlippedIn) {
  auto q = make_split(16, true);
  ASSERT_TRUE(q.add(1));
  EXPECT_TRUE(q.kick_prepare());
  q.disable_notify();
  device_drain(q);
  ASSERT_TRUE(q.add(2));
  EXPECT_FALSE(q.kick_prepare());  // avail_event still 0
  EXPECT_TRUE(q.enable_notify());  // the device must look again
  // vhost_put_avail_event wrote the cached avail idx (1, what the last empty
  // pop read), not the 2 that the re-check then found.
  EXPECT_EQ(q.avail_event(), 1);
  // Already enabled: vhost_enable_notify returns false and writes nothing.
  EXPECT_FALSE(q.enable_notify());
  EXPECT_EQ(q.avail_event(), 1);
  EXPECT_EQ(q.avail_pending(), 1);
}

TEST(SplitVirtqueue, FlagModeKicksWhileNoNotifyIsClear) {
  auto q = make_split(256, false);
  uint32_t kicks = 0, next = 0;
  // Without EVENT_IDX every decision kicks while the device listens ...
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(q.add(next++));
    kicks += q.kick_prepare();
  }
  EXPECT_EQ(kicks, 10u);
  // ... so a batch must share one decision (xmit_more) to kick once.
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(q.add(next++));
  EXPECT_TRUE(q.kick_prepare());
  q.disable_notify();
  EXPECT_TRUE(q.no_notify_flag());
  kicks = 0;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(q.add(next++));
    kicks += q.kick_prepare();
  }
  EXPECT_EQ(kicks, 0u);
  device_drain(q);
  EXPECT_FALSE(q.enable_notify());
  EXPECT_FALSE(q.no_notify_flag());
  ASSERT_TRUE(q.add(next++));
  EXPECT_TRUE(q.kick_prepare());
  // A quirk of the real predicate: with nothing added it still says kick.
  EXPECT_TRUE(q.kick_prepare());
}

// QEMU's avail_event moves with its pops while notifications are on, and
// not at all while they are off (vring_set_avail_event checks
// vq->notification): a device that caught up while disabled is not kicked.
TEST(SplitVirtqueue, QemuAvailEventFollowsItsPopsOnlyWhileEnabled) {
  auto q = make_split(256, true, Backend::kQemu);
  uint32_t token;
  ASSERT_TRUE(q.add(0));
  EXPECT_TRUE(q.kick_prepare());  // avail_event 0 (never written) in [0, 1)
  ASSERT_TRUE(q.pop(token));
  EXPECT_EQ(q.avail_event(), 1);  // enabled: virtqueue_split_pop wrote last_avail_idx
  ASSERT_TRUE(q.add(1));
  EXPECT_TRUE(q.kick_prepare());  // 1 in [1, 2)
  q.disable_notify();             // reads the avail idx, writes nothing
  EXPECT_EQ(q.avail_event(), 1);
  ASSERT_TRUE(q.add(2));
  EXPECT_FALSE(q.kick_prepare());  // [2, 3) misses the stale 1
  ASSERT_TRUE(q.pop(token));
  ASSERT_TRUE(q.pop(token));
  EXPECT_EQ(q.avail_event(), 1);  // pops while disabled leave it
  // Caught up while disabled: no kick until it enables again.
  ASSERT_TRUE(q.add(3));
  EXPECT_FALSE(q.kick_prepare());
  EXPECT_TRUE(q.enable_notify());  // set_notification(1) writes avail idx 4; 3 is pending
  EXPECT_EQ(q.avail_event(), 4);
  ASSERT_TRUE(q.add(4));
  EXPECT_TRUE(q.kick_prepare());  // 4 in [4, 5)
}

TEST(SplitVirtqueue, DpdkTakesOnlyWhatItsBurstSaw) {
  auto q = make_split(256, true, Backend::kDpdk);
  uint32_t token;
  ASSERT_TRUE(q.add(0));
  EXPECT_FALSE(q.pop(token));  // no burst has read avail idx yet
  EXPECT_EQ(q.begin_burst(), 1);
  ASSERT_TRUE(q.add(1));
  ASSERT_TRUE(q.pop(token));
  EXPECT_EQ(token, 0u);
  EXPECT_FALSE(q.pop(token));  // 1 came after this burst's read
  EXPECT_EQ(q.begin_burst(), 1);
  ASSERT_TRUE(q.pop(token));
  EXPECT_EQ(token, 1u);
}

TEST(SplitVirtqueue, ForcedDecisionAfter65535AddsWithoutOne) {
  auto q = make_split(4, true);
  uint32_t token, len;
  for (uint32_t i = 0; i < 65534; ++i) {
    ASSERT_TRUE(q.add(i));
    ASSERT_TRUE(q.pop(token));
    q.push_used(token, 0);
    ASSERT_TRUE(q.get_used(token, len));
  }
  EXPECT_FALSE(q.take_forced_kick());
  EXPECT_EQ(q.kicks_decided() + q.kicks_suppressed(), 0u);
  ASSERT_TRUE(q.add(65534));
  // num_added reached 65535: add ran the decision over [0, 65535), which
  // holds avail_event 0, so it kicks once.
  EXPECT_EQ(q.kicks_decided(), 1u);
  EXPECT_TRUE(q.take_forced_kick());
  EXPECT_FALSE(q.take_forced_kick());
  // The window restarted at 65535.
  EXPECT_FALSE(q.kick_prepare());

  // If the predicate says no (device not listening), nothing is forced.
  auto f = make_split(4, false);
  f.disable_notify();
  for (uint32_t i = 0; i < 65535; ++i) {
    ASSERT_TRUE(f.add(i));
    ASSERT_TRUE(f.pop(token));
    f.push_used(token, 0);
    ASSERT_TRUE(f.get_used(token, len));
  }
  EXPECT_EQ(f.kicks_suppressed(), 1u);
  EXPECT_FALSE(f.take_forced_kick());
}

// ---- interrupt suppression ----------------------------------------------------

// One warm-up round so signalled_used is valid and used_event sits at 10.
void warm_up(SplitVirtqueue& q, uint32_t& next) {
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(q.add(next++));
  device_drain(q);
  ASSERT_TRUE(q.should_notify());
  ASSERT_EQ(reap_split(q), 10u);
  ASSERT_EQ(q.used_event(), 10);
}

TEST(SplitVirtqueue, NapiPollingSuppressesInterrupts) {
  auto q = make_split(256, true);
  uint32_t next = 0;
  warm_up(q, next);
  const uint64_t base = q.notifies_decided();
  for (int i = 0; i < 66; ++i) ASSERT_TRUE(q.add(next++));
  uint32_t token;
  std::vector<uint32_t> held;
  while (q.pop(token)) held.push_back(token);
  ASSERT_EQ(held.size(), 66u);

  q.push_used(held[0], 0);
  ASSERT_TRUE(q.should_notify());  // used_event 10 in [10, 11)
  // The interrupt reaches the guest: vring_interrupt, then the callback
  // disables callbacks and schedules NAPI. The device already fired, so
  // disable_cb leaves used_event alone (event_triggered).
  ASSERT_TRUE(q.on_interrupt());
  EXPECT_TRUE(q.event_triggered());
  q.disable_cb();
  EXPECT_EQ(q.used_event(), 10);
  EXPECT_FALSE(q.no_interrupt_flag());  // never written with EVENT_IDX
  uint32_t notifies = 0;
  for (int i = 1; i <= 64; ++i) {
    q.push_used(held[i], 0);
    notifies += q.should_notify();
  }
  EXPECT_EQ(notifies, 0u);
  // NAPI reaps with callbacks off: used_event is not published.
  EXPECT_EQ(reap_split(q), 65u);
  EXPECT_EQ(q.used_event(), 10);
  // Budget not exhausted: re-enable, nothing pending, so NAPI completes.
  EXPECT_FALSE(q.enable_cb_prepare());
  EXPECT_FALSE(q.event_triggered());
  EXPECT_EQ(q.used_event(), 75);
  q.push_used(held[65], 0);
  EXPECT_TRUE(q.should_notify());
  EXPECT_EQ(q.notifies_decided() - base, 2u);  // the one before NAPI, the one after
}

TEST(SplitVirtqueue, DisableCbWithoutATriggeredEventWritesZero) {
  auto q = make_split(256, true);
  uint32_t next = 0;
  warm_up(q, next);
  q.disable_cb();
  EXPECT_EQ(q.used_event(), 0);  // the "hack": suppresses until used idx passes 0
  EXPECT_FALSE(q.callbacks_enabled());
  // Flag mode writes the flag instead, and on_interrupt never sets
  // event_triggered there.
  auto f = make_split(256, false);
  ASSERT_TRUE(f.add(1));
  device_drain(f);
  EXPECT_TRUE(f.should_notify());
  EXPECT_TRUE(f.on_interrupt());
  EXPECT_FALSE(f.event_triggered());
  f.disable_cb();
  EXPECT_TRUE(f.no_interrupt_flag());
  ASSERT_TRUE(f.add(2));
  device_drain(f);
  EXPECT_FALSE(f.should_notify());
  EXPECT_EQ(reap_split(f), 2u);
  EXPECT_FALSE(f.enable_cb_prepare());
  EXPECT_FALSE(f.no_interrupt_flag());
  EXPECT_FALSE(f.on_interrupt());  // nothing used: IRQ_NONE
}

TEST(SplitVirtqueue, FlagModeNapiSuppressesInterrupts) {
  auto q = make_split(256, false);
  for (uint32_t i = 0; i < 65; ++i) ASSERT_TRUE(q.add(i));
  uint32_t token;
  std::vector<uint32_t> held;
  while (q.pop(token)) held.push_back(token);
  q.push_used(held[0], 0);
  ASSERT_TRUE(q.should_notify());
  ASSERT_TRUE(q.on_interrupt());
  q.disable_cb();
  uint32_t notifies = 0;
  for (int i = 1; i < 65; ++i) {
    q.push_used(held[i], 0);
    notifies += q.should_notify();
  }
  EXPECT_EQ(notifies, 0u);
  EXPECT_EQ(reap_split(q), 65u);
  EXPECT_FALSE(q.enable_cb_prepare());
  ASSERT_TRUE(q.add(99));
  device_drain(q);
  EXPECT_TRUE(q.should_notify());
}

TEST(SplitVirtqueue, EnableCbDelayedWaitsForThreeQuarters) {
  auto q = make_split(256, true);
  uint32_t next = 0;
  warm_up(q, next);  // last_used = 10
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(q.add(next++));
  uint32_t token;
  std::vector<uint32_t> held;
  while (q.pop(token)) held.push_back(token);
  q.disable_cb();
  EXPECT_EQ(q.outstanding(), 100);
  EXPECT_FALSE(q.enable_cb_delayed());
  EXPECT_EQ(q.used_event(), 10 + 75);
  std::vector<int> fired;
  for (int k = 1; k <= 100; ++k) {
    q.push_used(held[k - 1], 0);
    if (q.should_notify()) fired.push_back(k);
  }
  // used_event = last_used + 75 is crossed when used idx goes from 85 to 86:
  // completions 1..75 are silent, the 76th interrupts, the rest are silent.
  EXPECT_EQ(fired, std::vector<int>{76});
}

TEST(SplitVirtqueue, EnableCbDelayedAsksForAPollWhenAlreadyPast) {
  auto q = make_split(256, true);
  for (uint32_t i = 0; i < 100; ++i) ASSERT_TRUE(q.add(i));
  uint32_t token;
  std::vector<uint32_t> held;
  while (q.pop(token)) held.push_back(token);
  for (int i = 0; i < 75; ++i) q.push_used(held[i], 0);
  EXPECT_FALSE(q.enable_cb_delayed());  // 75 used, not more than 75
  q.push_used(held[75], 0);
  EXPECT_TRUE(q.enable_cb_delayed());   // 76 used > 75: poll again
}

TEST(SplitVirtqueue, StaleEventIndexSuppressesUntilTheIndexWraps) {
  // Driver disables callbacks once (used_event = 0) and the device never
  // re-enables notifications (avail_event stays 0): both sides go quiet
  // until their index passes 0 again, 65536 entries later.
  auto q = make_split(4, true);
  q.disable_cb();
  std::vector<uint32_t> kicked, notified;
  uint32_t token, len;
  for (uint32_t i = 1; i <= 70000; ++i) {
    ASSERT_TRUE(q.add(i));
    if (q.kick_prepare()) kicked.push_back(i);
    ASSERT_TRUE(q.pop(token));
    q.push_used(token, 0);
    if (q.should_notify()) notified.push_back(i);
    ASSERT_TRUE(q.get_used(token, len));
  }
  EXPECT_EQ(kicked, (std::vector<uint32_t>{1, 65537}));
  EXPECT_EQ(notified, (std::vector<uint32_t>{1, 65537}));
  EXPECT_EQ(q.used_event(), 0);
}

TEST(SplitVirtqueue, SignalledUsedGoesStaleAfterAFullLap) {
  // vhost: 65536 pushes without a check bring used idx back to
  // signalled_used; the window [old, new) would be empty and say no, so
  // __vhost_add_used_n marks signalled_used invalid and the check notifies.
  auto q = make_split(1, true);
  ASSERT_TRUE(q.add(0));
  device_drain(q);
  ASSERT_TRUE(q.should_notify());  // first call; signalled_used = 1
  uint32_t token, len;
  ASSERT_TRUE(q.get_used(token, len));
  q.disable_cb();  // used_event = 0
  for (uint32_t i = 0; i < 65536; ++i) {
    ASSERT_TRUE(q.add(i));
    device_drain(q);
    ASSERT_TRUE(q.get_used(token, len));
  }
  ASSERT_EQ(q.used_idx(), 1);
  EXPECT_TRUE(q.should_notify());
  ASSERT_TRUE(q.add(7));
  device_drain(q);
  EXPECT_FALSE(q.should_notify());  // valid again; used_event 0 not in [1, 2)

  // Checked once per push instead, the same lap notifies only when used idx
  // crosses used_event 0: the stale-event case, not the invalid one.
  auto c = make_split(1, true);
  c.disable_cb();
  uint32_t notifies = 0;
  for (uint32_t i = 0; i < 65536; ++i) {
    ASSERT_TRUE(c.add(i));
    device_drain(c);
    notifies += c.should_notify();
    ASSERT_TRUE(c.get_used(token, len));
  }
  EXPECT_EQ(notifies, 1u);  // the first call, which also crosses 0
}

// ---- back-pressure and completion order -------------------------------------

TEST(SplitVirtqueue, AddFailsWhenDescriptorsRunOut) {
  auto q = make_split(8, true);
  EXPECT_TRUE(q.add(1, 3));
  EXPECT_TRUE(q.add(2, 3));
  EXPECT_EQ(q.num_free(), 2u);
  EXPECT_FALSE(q.add(3, 3));  // a 3-descriptor chain does not fit in 2
  EXPECT_EQ(q.num_free(), 2u);
  EXPECT_EQ(q.avail_idx(), 2);
  EXPECT_TRUE(q.add(4, 2));
  EXPECT_EQ(q.num_free(), 0u);
  EXPECT_FALSE(q.add(5));
  EXPECT_EQ(q.avail_idx(), 3);
  EXPECT_EQ(q.outstanding(), 3);
  EXPECT_THROW(q.add(6, 0), std::invalid_argument);

  // Popping frees nothing: descriptors return only when the driver reaps.
  uint32_t token, len;
  ASSERT_TRUE(q.pop(token));
  EXPECT_EQ(token, 1u);
  q.push_used(token, 100);
  EXPECT_FALSE(q.add(5));
  ASSERT_TRUE(q.get_used(token, len));
  EXPECT_EQ(token, 1u);
  EXPECT_EQ(len, 100u);
  EXPECT_EQ(q.num_free(), 3u);
  EXPECT_FALSE(q.add(5, 4));
  EXPECT_TRUE(q.add(5, 3));
  EXPECT_EQ(q.num_free(), 0u);
  device_drain(q);
  EXPECT_EQ(reap_split(q), 3u);
  EXPECT_EQ(q.num_free(), 8u);
  EXPECT_TRUE(q.add(9, 8));  // one chain may span the whole table
}

TEST(SplitVirtqueue, OutOfOrderCompletion) {
  auto q = make_split(8, true);
  for (uint32_t t = 10; t < 14; ++t) ASSERT_TRUE(q.add(t, 2));
  uint32_t token, len;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(q.pop(token));
  q.push_used(12, 2);
  q.push_used(10, 0);
  EXPECT_THROW(q.push_used(12, 0), std::logic_error);  // already completed
  EXPECT_THROW(q.push_used(99, 0), std::logic_error);  // never popped
  q.push_used(13, 3);
  q.push_used(11, 1);
  std::vector<uint32_t> order;
  while (q.get_used(token, len)) {
    EXPECT_EQ(len, token - 10);
    order.push_back(token);
  }
  EXPECT_EQ(order, (std::vector<uint32_t>{12, 10, 13, 11}));
  EXPECT_EQ(q.num_free(), 8u);
}

// ---- VIRTIO_F_IN_ORDER ----------------------------------------------------------

SplitVirtqueue make_split_in_order(uint16_t size) {
  SplitVirtqueue::Config config;
  config.size = size;
  config.in_order = true;
  return SplitVirtqueue(config);
}

// The descriptor a buffer made available at `position` starts at.
uint16_t head_at(const SplitVirtqueue& q, uint32_t position) {
  return static_cast<uint16_t>(q.fetch_reads(position).offset[2] / 16);
}

TEST(SplitVirtqueue, InOrderHandsOutDescriptorsInRingOrder) {
  auto q = make_split_in_order(8);
  ASSERT_TRUE(q.add(1, 3));
  ASSERT_TRUE(q.add(2, 3));
  EXPECT_EQ(head_at(q, 0), 0);
  EXPECT_EQ(head_at(q, 1), 3);
  uint32_t token, len;
  ASSERT_TRUE(q.pop(token));
  q.push_used(token, 7);
  ASSERT_TRUE(q.get_used(token, len));
  EXPECT_EQ(token, 1u);
  EXPECT_EQ(len, 7u);
  // The freed chain is not reused first (no LIFO free list): the next chain
  // takes the descriptors after the last in flight, across the table's end.
  ASSERT_TRUE(q.add(3, 3));
  EXPECT_EQ(head_at(q, 2), 6);
  ASSERT_TRUE(q.add(4, 1));
  EXPECT_EQ(head_at(q, 3), 1);
  EXPECT_EQ(q.num_free(), 1u);
  device_drain(q);
  EXPECT_EQ(reap_split(q), 3u);
  EXPECT_EQ(q.num_free(), 8u);
}

TEST(SplitVirtqueue, InOrderBatchIsOneUsedElement) {
  auto q = make_split_in_order(8);
  for (uint32_t t = 10; t < 14; ++t) ASSERT_TRUE(q.add(t, 1));
  uint32_t token, len;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(q.pop(token));
  q.begin_used_batch();
  for (uint32_t t = 10; t < 14; ++t) q.push_used(t, t + 100);
  EXPECT_FALSE(q.more_used());  // nothing published until the batch ends
  EXPECT_EQ(q.used_idx(), 0);
  q.end_used_batch();
  // One element, at the slot of the batch's first buffer, naming its last;
  // used idx moves on by the whole batch.
  EXPECT_EQ(q.used_idx(), 4);
  EXPECT_EQ(q.used_id(0), 3);
  EXPECT_EQ(q.used_len(0), 113u);
  EXPECT_EQ(q.used_len(1), 0u);  // the slots it skipped stay unwritten
  for (uint32_t t = 10; t < 14; ++t) {
    ASSERT_TRUE(q.get_used(token, len));
    EXPECT_EQ(token, t);
    EXPECT_EQ(len, t + 100);
  }
  EXPECT_FALSE(q.more_used());
  EXPECT_EQ(q.last_used_idx(), 4);

  // The next batch's element goes at the next batch's first slot.
  ASSERT_TRUE(q.add(20, 2));
  ASSERT_TRUE(q.add(21, 1));
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(q.pop(token));
  q.begin_used_batch();
  q.push_used(20, 1);
  q.push_used(21, 2);
  q.end_used_batch();
  EXPECT_EQ(q.used_idx(), 6);
  EXPECT_EQ(q.used_id(4), 6);  // descriptors 4-5 for token 20, 6 for token 21
  EXPECT_EQ(reap_split(q), 2u);
  EXPECT_EQ(q.num_free(), 8u);
}

TEST(SplitVirtqueue, InOrderRefusesCompletionOutOfOrder) {
  auto q = make_split_in_order(8);
  ASSERT_TRUE(q.add(1));
  ASSERT_TRUE(q.add(2));
  uint32_t token;
  ASSERT_TRUE(q.pop(token));
  ASSERT_TRUE(q.pop(token));
  EXPECT_THROW(q.push_used(2, 0), std::logic_error);
}

TEST(SplitVirtqueue, BatchBracketWithoutInOrderWritesEveryElement) {
  auto q = make_split(8, true);
  for (uint32_t t = 1; t <= 3; ++t) ASSERT_TRUE(q.add(t));
  uint32_t token;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(q.pop(token));
  q.begin_used_batch();
  q.push_used(1, 5);
  EXPECT_EQ(q.used_idx(), 1);
  q.push_used(2, 6);
  q.push_used(3, 7);
  q.end_used_batch();
  EXPECT_EQ(q.used_idx(), 3);
  EXPECT_EQ(q.used_len(1), 6u);
  EXPECT_EQ(q.used_len(2), 7u);
}

}  // namespace
}  // namespace viosim::models
