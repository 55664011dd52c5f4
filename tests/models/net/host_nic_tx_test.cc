// The host kernel's transmit queue on a 1 Gb/s port: a burst larger than
// the ring waits in the qdisc while the NIC fetches frames only as its
// port's buffer has room, NAPI's TX clean frees the ring and runs the
// qdisc, and what the qdisc cannot hold is dropped there. With BQL the
// ring holds only what completes between two polls, and the rest waits in
// the qdisc. Every frame is sent or counted where it was dropped.
#include "models/net/host_nic_tx.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "models/host/core.h"
#include "models/host/host_thread.h"
#include "models/net/host_nic_rx.h"
#include "models/net/wire.h"

namespace viosim::models {
namespace {

struct TxBench {
  explicit TxBench(bool bql, uint32_t txqueuelen = 1000) {
    core_ = std::make_unique<Core>(sim, "core0", nullptr, CpuCosts{}, 0);
    softirq_ = std::make_unique<HostThread>(sim, "softirq", nullptr, *core_);
    HostNicRx::Config rx_config;
    rx_config.moderation.mode = ModerationMode::kFixed;
    rx_config.moderation.fixed.rx_usecs = core::Microseconds(50);
    rx = std::make_unique<HostNicRx>(sim, "rx0", nullptr, rx_config, HostNetCosts{}, pool, softirq_.get(),
                                     HostNicRx::DeliverCost{}, [](uint32_t, HostThread&) {});
    Wire::Config w;
    w.line_rate_bps = 1'000'000'000;
    wire = std::make_unique<Wire>(sim, "wire", nullptr, w, pool, [this](uint32_t p) {
      ++sent;
      pool.deliver(p);
    });
    HostNicTx::Config config;
    config.qdisc.txqueuelen = txqueuelen;
    config.qdisc.drop_place = DropPlace::kHostQdisc;
    config.bql = bql;
    tx = std::make_unique<HostNicTx>(
        sim, "tx0", nullptr, config, pool, TxQueueSetup{config.qdisc, config.bql},
        [this](uint32_t p) { wire->send(p); },
        [this](uint32_t p, uint32_t buffer) { return wire->wait_for_room(pool[p].bytes, buffer); },
        [this](uint32_t bytes) { rx->transmitted(bytes); });
    rx->set_tx_cleaned([this](uint32_t frames) { return tx->cleaned(frames); }, [this] { tx->flush(); });
    sim.run_until(core::Time::zero() + core::Microseconds(10));  // the softirq thread is up and asleep
  }
  // `n` frames of 1514 bytes handed to the queue at once.
  void burst(uint32_t n) {
    for (uint32_t i = 0; i < n; ++i) {
      Packet& p = pool.alloc();
      p.bytes = 1514;
      tx->xmit(p.id);
    }
  }
  // Runs on for `d`, noting the most descriptors the ring held.
  void run_for(core::Duration d) {
    const core::Time end = sim.now() + d;
    while (sim.now() < end) {
      sim.run_until(std::min(end, sim.now() + core::Microseconds(20)));
      most_in_ring = std::max(most_in_ring, tx->in_ring());
    }
  }

  core::Simulator sim;
  PacketPool pool;
  std::unique_ptr<Core> core_;
  std::unique_ptr<HostThread> softirq_;
  std::unique_ptr<HostNicRx> rx;
  std::unique_ptr<Wire> wire;
  std::unique_ptr<HostNicTx> tx;
  uint64_t sent = 0;
  uint32_t most_in_ring = 0;
};

TEST(HostNicTx, ABurstWaitsInTheRingAndTheQdiscAndTheRestIsDroppedThere) {
  TxBench b(/*bql=*/false);
  b.burst(3000);
  EXPECT_EQ(b.tx->in_ring(), 512u);                  // the ring took what it has descriptors for
  EXPECT_EQ(b.tx->queue().qdisc().length(), 1000u);  // pfifo_fast took txqueuelen
  EXPECT_EQ(b.pool.drops(0, DropPlace::kHostQdisc), 1488u);
  EXPECT_EQ(b.tx->qdisc_drops(), 1488u);
  b.run_for(core::Milliseconds(30));  // 1512 frames at 1 Gb/s: 18.4 ms
  EXPECT_EQ(b.sent, 1512u);
  EXPECT_EQ(b.tx->in_ring(), 0u);
  EXPECT_EQ(b.pool.in_use(), 0u);
  EXPECT_EQ(b.pool.drops(0, DropPlace::kWire), 0u);  // the NIC never fetched more than the port takes
  EXPECT_GT(b.rx->tx_cleaned(), 0u);
}

TEST(HostNicTx, ByteQueueLimitsKeepTheBacklogInTheQdisc) {
  TxBench b(/*bql=*/true, /*txqueuelen=*/5000);
  b.burst(3000);
  b.run_for(core::Milliseconds(40));
  EXPECT_EQ(b.sent, 3000u);  // BQL never stalls the queue
  EXPECT_EQ(b.pool.in_use(), 0u);
  EXPECT_EQ(b.tx->qdisc_drops(), 0u);
  // What completes between two polls is what the port's buffer takes
  // meanwhile: the limit settles under the ring's 512 frames, and a second
  // burst then finds the ring holding at most that much, the rest in the
  // qdisc (without BQL the ring fills, as above).
  ASSERT_NE(b.tx->queue().bql(), nullptr);
  EXPECT_LT(b.tx->queue().bql()->limit(), 200 * 1514);
  b.most_in_ring = 0;
  b.burst(3000);
  EXPECT_GT(b.tx->queue().qdisc().length(), 2700u);
  b.run_for(core::Milliseconds(40));
  EXPECT_EQ(b.sent, 6000u);
  EXPECT_LT(b.most_in_ring, 256u);
}

}  // namespace
}  // namespace viosim::models
