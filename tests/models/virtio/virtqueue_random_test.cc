// Both virtqueue layouts under random interleavings of driver and device
// steps: buffers and tokens are conserved, and no buffer is ever stranded
// behind a suppressed kick or interrupt, whichever device code (vhost,
// QEMU, DPDK) and suppression scheme (EVENT_IDX or flags) runs.
#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "models/virtio/virtqueue.h"

namespace viosim::models {
namespace {

using Backend = Virtqueue::Backend;
using Layout = Virtqueue::Layout;

// ---- random interleavings -----------------------------------------------------

struct Flavour {
  Layout layout;
  uint16_t size;
  bool event_idx;
  Backend backend;
  bool in_order = false;
};

std::unique_ptr<Virtqueue> make_flavour(const Flavour& f) {
  Virtqueue::Config config;
  config.size = f.size;
  config.event_idx = f.event_idx;
  config.backend = f.backend;
  config.layout = f.layout;
  config.in_order = f.in_order;
  return Virtqueue::make(config);
}

class VirtqueueRandom : public ::testing::TestWithParam<Flavour> {};

// Random driver and device steps, out-of-order completion included: every
// token comes back exactly once, in used order, and the counts always agree.
TEST_P(VirtqueueRandom, ConservesBuffersAndTokens) {
  const Flavour f = GetParam();
  auto qp = make_flavour(f);
  Virtqueue& q = *qp;
  std::mt19937 rng(12345 + f.size);
  enum State : uint8_t { kAvail, kInDevice, kUsed, kReaped };
  std::vector<State> state;
  std::vector<uint16_t> descs;
  std::deque<uint32_t> avail_order, used_order;
  std::vector<uint32_t> in_device;
  uint32_t in_flight_descs = 0;
  uint64_t decisions = 0, checks = 0;
  for (int step = 0; step < 1200000; ++step) {
    uint32_t token = 0, len = 0;
    switch (rng() % 10) {
      case 0:
      case 1:
      case 2: {
        const auto n = static_cast<uint16_t>(1 + rng() % 3);
        const auto t = static_cast<uint32_t>(state.size());
        const bool fits = q.num_free() >= n;
        ASSERT_EQ(q.add(t, n), fits);
        if (fits) {
          state.push_back(kAvail);
          descs.push_back(n);
          avail_order.push_back(t);
          in_flight_descs += n;
        }
        break;
      }
      case 3:
        q.kick_prepare();
        ++decisions;
        break;
      case 4:
        if (q.pop(token)) {
          ASSERT_FALSE(avail_order.empty());
          ASSERT_EQ(token, avail_order.front());
          avail_order.pop_front();
          state[token] = kInDevice;
          in_device.push_back(token);
        }
        break;
      case 5:
        if (f.in_order && !in_device.empty()) {
          // In order: the oldest few, sometimes as one batch.
          const size_t n = 1 + rng() % in_device.size();
          const bool batch = rng() % 2 == 0;
          if (batch) q.begin_used_batch();
          for (size_t i = 0; i < n; ++i) {
            token = in_device[i];
            q.push_used(token, token * 3);
            state[token] = kUsed;
            used_order.push_back(token);
          }
          if (batch) q.end_used_batch();
          in_device.erase(in_device.begin(), in_device.begin() + static_cast<std::ptrdiff_t>(n));
        } else if (!in_device.empty()) {
          // Mostly in order, sometimes any buffer the device holds.
          const size_t i = rng() % 4 == 0 ? rng() % in_device.size() : 0;
          token = in_device[i];
          in_device.erase(in_device.begin() + static_cast<std::ptrdiff_t>(i));
          q.push_used(token, token * 3);
          state[token] = kUsed;
          used_order.push_back(token);
        }
        break;
      case 6:
        q.should_notify();
        ++checks;
        break;
      case 7:
        if (q.get_used(token, len)) {
          ASSERT_FALSE(used_order.empty());
          ASSERT_EQ(token, used_order.front());
          ASSERT_EQ(len, token * 3);
          ASSERT_EQ(state[token], kUsed);
          used_order.pop_front();
          state[token] = kReaped;
          in_flight_descs -= descs[token];
        }
        break;
      case 8:
        switch (rng() % 4) {
          case 0:
            q.disable_cb();
            break;
          case 1:
            q.enable_cb_prepare();
            break;
          case 2:
            q.enable_cb_delayed();
            break;
          case 3:
            q.on_interrupt();
            break;
        }
        break;
      case 9:
        if (rng() % 2 == 0) {
          q.disable_notify();
        } else {
          q.enable_notify();
        }
        break;
    }
    ASSERT_EQ(q.added() - q.reaped(), avail_order.size() + in_device.size() + used_order.size());
    ASSERT_EQ(q.avail_pending(), avail_order.size());
    ASSERT_EQ(q.more_used(), !used_order.empty());
    ASSERT_EQ(q.num_free() + in_flight_descs, f.size);
  }
  EXPECT_GT(q.added(), 65536u);  // the indices wrapped at least once
  EXPECT_EQ(q.added(), state.size());
  EXPECT_EQ(q.kicks_decided() + q.kicks_suppressed(), decisions);
  EXPECT_EQ(q.notifies_decided() + q.notifies_suppressed(), checks);
}

// A device that sleeps until kicked and a NAPI-style driver that sleeps until
// interrupted: whatever the interleaving, no buffer is ever left behind a
// suppressed kick or interrupt (the enable-then-recheck patterns close it).
TEST_P(VirtqueueRandom, NeverStrandsABufferBehindASuppressedNotification) {
  const Flavour f = GetParam();
  auto qp = make_flavour(f);
  Virtqueue& q = *qp;
  std::mt19937 rng(777 + f.size);
  bool device_awake = false;  // scheduled, notifications disabled
  bool napi_scheduled = false;
  std::vector<uint32_t> in_device;
  uint32_t next = 0;
  uint64_t kicks = 0, interrupts = 0;
  auto wake_device = [&] {
    if (!device_awake) {
      device_awake = true;
      q.disable_notify();
    }
  };
  auto interrupt = [&] {
    ++interrupts;
    ASSERT_TRUE(q.on_interrupt());
    if (!napi_scheduled) {
      napi_scheduled = true;
      q.disable_cb();
    }
  };
  for (int step = 0; step < 300000; ++step) {
    uint32_t token, len;
    switch (rng() % 3) {
      case 0: {  // the driver transmits a burst, one decision at its end
        const uint32_t burst = 1 + rng() % 8;
        for (uint32_t i = 0; i < burst && q.add(next, static_cast<uint16_t>(1 + rng() % 2)); ++i) {
          ++next;
        }
        if (q.kick_prepare()) {
          ++kicks;
          wake_device();
        } else if (!device_awake) {
          ASSERT_EQ(q.avail_pending(), 0) << "kick suppressed while the device sleeps";
        }
        break;
      }
      case 1: {  // the device runs a budget of work if it is awake
        if (!device_awake) break;
        const uint32_t budget = 1 + rng() % 8;
        uint32_t done = 0;
        while (done < budget && q.pop(token)) {
          in_device.push_back(token);
          ++done;
        }
        // Complete some of what it holds, then ask whether to interrupt.
        const size_t n = in_device.empty() ? 0 : 1 + rng() % in_device.size();
        // As one batch (one used element where the queue is in order).
        q.begin_used_batch();
        for (size_t i = 0; i < n; ++i) q.push_used(in_device[i], 0);
        q.end_used_batch();
        in_device.erase(in_device.begin(), in_device.begin() + static_cast<std::ptrdiff_t>(n));
        if (n > 0) {
          if (q.should_notify()) {
            interrupt();
          } else if (!napi_scheduled) {
            ASSERT_FALSE(q.more_used()) << "interrupt suppressed while the driver sleeps";
          }
        }
        if (done < budget && in_device.empty()) {
          // Ran dry: re-enable and look again (handle_tx / virtio_net_flush_tx).
          if (q.enable_notify()) {
            q.disable_notify();
          } else {
            device_awake = false;
          }
        }
        break;
      }
      case 2: {  // NAPI poll with a budget, then virtqueue_napi_complete
        if (!napi_scheduled) break;
        const uint32_t budget = 1 + rng() % 16;
        uint32_t done = 0;
        while (done < budget && q.get_used(token, len)) ++done;
        if (done < budget) {
          if (q.enable_cb_prepare()) {
            q.disable_cb();  // virtqueue_napi_schedule: poll again
          } else {
            napi_scheduled = false;
          }
        }
        break;
      }
    }
  }
  EXPECT_GT(kicks, 0u);
  EXPECT_GT(interrupts, 0u);
  EXPECT_GT(q.kicks_suppressed(), 0u);
  EXPECT_GT(q.notifies_suppressed(), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Flavours, VirtqueueRandom,
    ::testing::Values(
        Flavour{Layout::kSplit, 8, true, Backend::kVhost}, Flavour{Layout::kSplit, 8, false, Backend::kVhost},
        Flavour{Layout::kSplit, 16, true, Backend::kQemu}, Flavour{Layout::kSplit, 16, false, Backend::kQemu},
        Flavour{Layout::kSplit, 256, true, Backend::kVhost}, Flavour{Layout::kPacked, 8, true, Backend::kVhost},
        Flavour{Layout::kPacked, 8, false, Backend::kDpdk}, Flavour{Layout::kPacked, 16, true, Backend::kQemu},
        Flavour{Layout::kPacked, 16, false, Backend::kQemu}, Flavour{Layout::kPacked, 12, true, Backend::kDpdk},
        Flavour{Layout::kPacked, 256, true, Backend::kVhost}, Flavour{Layout::kSplit, 8, true, Backend::kVhost, true},
        Flavour{Layout::kSplit, 16, false, Backend::kQemu, true},
        Flavour{Layout::kPacked, 8, true, Backend::kDpdk, true},
        Flavour{Layout::kPacked, 12, false, Backend::kQemu, true}),
    [](const ::testing::TestParamInfo<Flavour>& info) {
      const Backend b = info.param.backend;
      return std::string(info.param.layout == Layout::kSplit ? "Split" : "Packed") +
             (b == Backend::kVhost  ? "Vhost"
              : b == Backend::kQemu ? "Qemu"
                                    : "Dpdk") +
             (info.param.event_idx ? "EventIdx" : "Flags") + std::to_string(info.param.size) +
             (info.param.in_order ? "InOrder" : "");
    });

}  // namespace
}  // namespace viosim::models
