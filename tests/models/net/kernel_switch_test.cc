// The host kernel's switch: the bridge outputs every frame in the
// receiving thread; OVS's kernel datapath sends a flow's frames up to the
// handler thread until it has installed the megaflow (each frame before
// that misses too), loses upcalls on a full handler socket (counted at
// "upcall"), and misses again once a megaflow idled out.
#include "models/net/kernel_switch.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <vector>

#include "models/host/core.h"
#include "sim-core/member_event.h"

namespace viosim::models {
namespace {

using core::Duration;
using core::Time;

struct SwitchTimer : core::Component {
  using core::Component::Component;
  const core::ComponentSpec& spec() const override {
    static const core::ComponentSpec s{.type = "test.timer", .help = "", .params = {}, .ports = {}, .stats = {}};
    return s;
  }
};

// A receiving thread (the softirq, say) on core 0 that switches each frame
// handed to it; the handler on `handler_core`. The switch's output delivers
// the frame and notes when.
struct SwitchBench {
  explicit SwitchBench(KernelSwitchConfig config, uint32_t handler_core = 1) {
    for (uint32_t i = 0; i < 2; ++i)
      cores.push_back(std::make_unique<Core>(sim, "core" + std::to_string(i), nullptr, CpuCosts{}, i));
    receiver = std::make_unique<HostThread>(sim, "receiver", nullptr, *cores[0]);
    handler = std::make_unique<HostThread>(sim, "handler", nullptr, *cores[handler_core]);
    sw = std::make_unique<KernelSwitch>(sim, "switch", nullptr, config, pool, handler.get(),
                                        [this](uint32_t p) { return pool[p].flow; });
    port = sw->add_port([](uint32_t) { return core::Cycles(300); },
                        [this](uint32_t p, HostThread& by) {
                          delivered_at.push_back(sim.now());
                          delivered_by.push_back(&by);
                          pool.deliver(p);
                        });
    receiver->start([this] { loop(); });
  }
  void loop() {
    if (pending.empty()) {
      receiver->sleep([this] { loop(); });
      return;
    }
    const uint32_t p = pending.front();
    pending.erase(pending.begin());
    receiver->run(sw->receive(p, port), CpuCategory::kHostKernel, [this, p] {
      sw->forward(p, port, *receiver);
      loop();
    });
  }
  // Frames of connection `conn` of flow `flow`, `n` of them, handed to the
  // receiver at `at`.
  void send_at(Time at, uint32_t flow, uint32_t conn, uint32_t n = 1) {
    events.push_back(std::make_unique<core::MemberEvent>(&timer, "send", [this, flow, conn, n] {
      for (uint32_t i = 0; i < n; ++i) {
        Packet& p = pool.alloc();
        p.flow = flow;
        p.conn = conn + i;
        p.bytes = 64;
        pending.push_back(p.id);
      }
      receiver->wake(nullptr);
    }));
    events.back()->schedule_at(at);
  }

  core::Simulator sim;
  PacketPool pool;
  SwitchTimer timer{sim, "timer", nullptr};
  std::vector<std::unique_ptr<Core>> cores;
  std::unique_ptr<HostThread> receiver, handler;
  std::unique_ptr<KernelSwitch> sw;
  uint32_t port = 0;
  std::vector<uint32_t> pending;
  std::vector<std::unique_ptr<core::MemberEvent>> events;
  std::vector<Time> delivered_at;
  std::vector<const HostThread*> delivered_by;
};

Time us(int64_t v) { return Time::zero() + core::Microseconds(v); }

KernelSwitchConfig ovs() {
  KernelSwitchConfig c;
  c.kind = KernelSwitchConfig::Kind::kOvs;
  return c;
}

TEST(KernelSwitch, TheBridgeOutputsEveryFrameInTheReceivingThread) {
  SwitchBench b(KernelSwitchConfig{}, 0);
  b.send_at(us(10), 0, 0, 3);
  b.sim.run_until(us(100));
  ASSERT_EQ(b.delivered_at.size(), 3u);
  for (const HostThread* by : b.delivered_by) EXPECT_EQ(by, b.receiver.get());
}

TEST(KernelSwitch, OvsMissesUntilTheHandlerInstalledTheMegaflowThenHits) {
  SwitchBench b(ovs());
  b.send_at(us(10), 0, 0);   // misses
  b.send_at(us(12), 0, 0);   // the handler is still translating the first: misses too
  b.send_at(us(200), 0, 0);  // hits
  b.send_at(us(210), 1, 0);  // another pair of ports: misses
  b.sim.run_until(us(1000));
  ASSERT_EQ(b.delivered_at.size(), 4u);
  EXPECT_EQ(b.sw->upcalls(), 3u);
  EXPECT_EQ(b.sw->hits(), 1u);
  EXPECT_EQ(b.sw->megaflows_installed(), 2u);
  EXPECT_EQ(b.sw->megaflows(), 2u);
  // The missed frames went out from the handler, after its translation
  // (25 us at 3 GHz); the hit went out from the receiver at once.
  const KernelSwitchConfig c = ovs();
  const Duration xlate = core::Clock(3'000'000'000).to_duration(c.handler_upcall);
  EXPECT_EQ(b.delivered_by[0], b.handler.get());
  EXPECT_GT(b.delivered_at[0] - us(10), xlate);
  EXPECT_EQ(b.delivered_by[2], b.receiver.get());
  EXPECT_LT(b.delivered_at[2] - us(200), core::Microseconds(5));
  // Three upcalls translated in userspace, the rest of the handler's work
  // (recvmsg, sendmsg, executes, outputs) in the kernel.
  const auto used = b.handler->usage();
  EXPECT_EQ(used[static_cast<size_t>(CpuCategory::kHostUser)], xlate * 3);
  EXPECT_GT(used[static_cast<size_t>(CpuCategory::kHostKernel)], Duration::zero());
  EXPECT_EQ(used[static_cast<size_t>(CpuCategory::kGuestUser)], Duration::zero());
}

TEST(KernelSwitch, PerConnectionMegaflowsMissOncePerConnection) {
  KernelSwitchConfig c = ovs();
  c.megaflow = KernelSwitchConfig::Megaflow::kConnection;
  SwitchBench b(c);
  b.send_at(us(10), 0, 0, 4);   // four connections of one flow
  b.send_at(us(500), 0, 0, 4);  // the same four
  b.sim.run_until(us(2000));
  EXPECT_EQ(b.sw->upcalls(), 4u);
  EXPECT_EQ(b.sw->hits(), 4u);
  EXPECT_EQ(b.sw->megaflows(), 4u);
}

TEST(KernelSwitch, AFullHandlerSocketLosesTheUpcallAtUpcall) {
  KernelSwitchConfig c = ovs();
  c.megaflow = KernelSwitchConfig::Megaflow::kConnection;
  c.upcall_buffer_bytes = 2 * (64 + c.upcall_overhead_bytes) - 1;  // room for two
  // The handler shares the receiver's core: it runs only once the receiver
  // has switched all five.
  SwitchBench b(c, 0);
  b.send_at(us(10), 0, 0, 5);
  b.sim.run_until(us(1000));
  EXPECT_EQ(b.sw->upcalls(), 5u);
  EXPECT_EQ(b.sw->upcall_drops(), 3u);
  EXPECT_EQ(b.pool.drops(0, DropPlace::kUpcall), 3u);
  EXPECT_EQ(b.delivered_at.size(), 2u);
  // Read empty, the socket takes upcalls again: connections 0 and 1 hit,
  // 2 and 3 fill it, 4 is lost.
  b.send_at(us(2000), 0, 0, 5);
  b.sim.run_until(us(3000));
  EXPECT_EQ(b.sw->upcalls(), 8u);
  EXPECT_EQ(b.sw->hits(), 2u);
  EXPECT_EQ(b.sw->upcall_drops(), 4u);
  EXPECT_EQ(b.delivered_at.size(), 6u);
}

TEST(KernelSwitch, AnOverrunSocketRefusesUpcallsUntilReadEmpty) {
  KernelSwitchConfig c = ovs();
  c.megaflow = KernelSwitchConfig::Megaflow::kConnection;
  c.upcall_buffer_bytes = 2 * (64 + c.upcall_overhead_bytes) - 1;  // room for two
  c.handler_batch = 1;                                             // it reads one at a time
  c.ovs_packet = c.ovs_upcall = core::Cycles(0);  // the three reach the socket before the handler wakes
  SwitchBench b(c);
  b.send_at(us(10), 0, 0, 3);  // two queued, the third overruns
  // The handler has read one and is translating it: there is room for
  // this one, but the socket is congested until read empty.
  b.send_at(us(20), 0, 3);
  b.send_at(us(500), 0, 4);  // long after: read empty, taken
  b.sim.run_until(us(1000));
  EXPECT_EQ(b.sw->upcalls(), 5u);
  EXPECT_EQ(b.sw->upcall_drops(), 2u);
  EXPECT_EQ(b.delivered_at.size(), 3u);
  // One recvmsg per upcall read and one sendmsg per batch, counted on the
  // handler.
  EXPECT_EQ(b.handler->syscalls(Syscall::kRecvmsg), 3u);
  EXPECT_EQ(b.handler->syscalls(Syscall::kSendmsg), 3u);
}

TEST(KernelSwitch, AMegaflowIdleBeyondMaxIdleIsGoneAndTheNextFrameMisses) {
  KernelSwitchConfig c = ovs();
  c.max_idle = core::Milliseconds(1);
  SwitchBench b(c);
  b.send_at(us(10), 0, 0);    // misses
  b.send_at(us(600), 0, 0);   // hits: used 0.5 ms ago
  b.send_at(us(1500), 0, 0);  // hits: used 0.9 ms ago
  b.send_at(us(3000), 0, 0);  // misses: idle 1.5 ms
  b.sim.run_until(us(4000));
  EXPECT_EQ(b.sw->upcalls(), 2u);
  EXPECT_EQ(b.sw->hits(), 2u);
  EXPECT_EQ(b.delivered_at.size(), 4u);
  EXPECT_EQ(b.sw->megaflows_installed(), 2u);  // deleted, then installed again
  EXPECT_EQ(b.sw->megaflows(), 1u);
  b.sim.run_until(us(5000));
  EXPECT_EQ(b.sw->megaflows(), 0u);  // idle 2 ms: not in the table any more
}

}  // namespace
}  // namespace viosim::models
