// The guest's qdisc and BQL end to end: a VM with a VF sends three bulk
// streams into a 1 Gb/s uplink beside a probe, so the wire backs up into
// the VF's ring and the guest's qdisc. With pfifo_fast the probe waits
// behind the whole backlog and is lost with the bulk packets at its tail;
// fq_codel sends it ahead of the bulk flows' queues, and with BQL the ring
// no longer holds a backlog either, so its latency stays near the NIC's
// own buffer. Every packet is delivered, dropped at a place that counts
// it, or still in flight.
#include <gtest/gtest.h>

#include <string>

#include "scenarios/loader/loader.h"
#include "scenarios/runner/run_scenario.h"
#include "tests/support/drop_counts.h"

namespace viosim {
namespace {

// `host_nic`: more of the host NIC's fields (its qdisc and BQL).
BackendResult run_with(const std::string& qdisc, bool bql, const std::string& backend = "PASSTHROUGH",
                       const std::string& host_nic = "") {
  const std::string text =
      "name: \"bloat\"\nseed: 5\nrun { duration_ms: 200 warmup_ms: 100 }\n"
      "host { cores: 8 nic { queues: 1 line_rate_gbps: 1 driver: ICE " +
      host_nic +
      " } }\n"
      "vm { name: \"vm0\" vcpus: 1 pin_cores: [2] nic { backend: " +
      backend + " queues: 1 queue_size: 256 } guest { qdisc: " + qdisc + " bql: " + (bql ? "true" : "false") +
      " } }\n"
      "traffic {\n"
      "  flow { name: \"bulk1\" src: \"vm0\" dst: \"external\" open_loop { rate_pps: 40000 frame_bytes: 1514 } }\n"
      "  flow { name: \"bulk2\" src: \"vm0\" dst: \"external\" src_port: 49200 open_loop { rate_pps: 40000 "
      "frame_bytes: 1514 } }\n"
      "  flow { name: \"bulk3\" src: \"vm0\" dst: \"external\" src_port: 49300 open_loop { rate_pps: 40000 "
      "frame_bytes: 1514 } }\n"
      "  flow { name: \"probe\" src: \"vm0\" dst: \"external\" src_port: 50000 open_loop { rate_pps: 2000 "
      "frame_bytes: 64 } }\n"
      "}\n";
  const scenarios::LoadResult r = scenarios::load_scenario_text("bloat.textproto", text, {});
  EXPECT_TRUE(r.ok()) << scenarios::format_diagnostics(r.diagnostics);
  return r.ok() ? run(*r.scenario).backend(0) : BackendResult();
}

const FlowResult& flow(const BackendResult& b, const std::string& name) {
  for (const FlowResult& f : b.flows()) {
    if (f.name() == name) return f;
  }
  ADD_FAILURE() << "no flow " << name;
  return b.flows(0);
}

uint64_t lost_at(const BackendResult& b, const std::string& place) {
  uint64_t n = 0;
  for (const PlaceCount& c : b.drops_by_place()) n += c.place() == place ? c.count() : 0;
  return n;
}

TEST(Qdisc, FqCodelAndBqlKeepAProbeOutOfTheBacklog) {
  const BackendResult fifo = run_with("PFIFO_FAST", false);
  const BackendResult fq = run_with("FQ_CODEL", false);
  const BackendResult fq_bql = run_with("FQ_CODEL", true);
  // pfifo_fast: the probe waits behind ring and qdisc (1000 x 1514 B at
  // 1 Gb/s is 12.1 ms) and shares the bulk's tail drops.
  EXPECT_GT(flow(fifo, "probe").latency_us().p50(), 10000);
  EXPECT_GT(dropped(flow(fifo, "probe")), 0u);
  EXPECT_GT(lost_at(fifo, "qdisc"), 0u);
  // fq_codel: no probe lost, and only the ring's 256 frames (3.1 ms) and
  // the NIC's 160 KB buffer (1.3 ms) ahead of it.
  EXPECT_EQ(dropped(flow(fq, "probe")), 0u);
  EXPECT_LT(flow(fq, "probe").latency_us().p50(), 6000);
  // With BQL the ring holds little more than the NIC's buffer's worth.
  EXPECT_LT(flow(fq_bql, "probe").latency_us().p50(), flow(fq, "probe").latency_us().p50() * 0.8);
  for (const BackendResult* b : {&fifo, &fq, &fq_bql}) {
    uint64_t lost = 0;
    for (const PlaceCount& c : b->drops_by_place()) lost += c.count();
    EXPECT_EQ(b->offered_packets(), b->delivered_packets() + lost + b->in_flight_packets());
    // The wire is the bottleneck and nothing is lost on it.
    EXPECT_EQ(lost_at(*b, "wire"), 0u);
  }
}

// BQL moves the backlog out of the ring: with pfifo_fast the probe then
// waits behind the qdisc's 1000 packets alone, not the ring's too.
TEST(Qdisc, BqlShortensWhatTheRingHolds) {
  const BackendResult plain = run_with("PFIFO_FAST", false, "BARE_METAL");
  const BackendResult bql = run_with("PFIFO_FAST", true, "BARE_METAL");
  EXPECT_LT(flow(bql, "probe").latency_us().p50(), flow(plain, "probe").latency_us().p50());
}

// BQL on every driver that reports to it: the queue it stops always wakes
// (virtio-net's TX interrupt is re-armed by the last packet of a batch,
// e1000 rings its doorbell after draining the qdisc), so the bulk streams
// carry as much as without it. (On the tap-based paths the backlog then
// waits in the host NIC's queue: see HostQdiscHoldsWhatTapBasedPathsSend.)
TEST(Qdisc, BqlNeverStallsATransmitQueue) {
  for (const char* backend : {"VHOST_NET", "VIRTIO_USERSPACE", "VHOST_USER", "VDPA", "E1000", "PASSTHROUGH"}) {
    const BackendResult plain = run_with("FQ_CODEL", false, backend);
    const BackendResult bql = run_with("FQ_CODEL", true, backend);
    ASSERT_GT(flow(plain, "bulk1").throughput_pps(), 1000) << backend;
    EXPECT_GT(flow(bql, "bulk1").throughput_pps(), 0.9 * flow(plain, "bulk1").throughput_pps()) << backend;
    EXPECT_GT(flow(bql, "probe").throughput_pps(), 0.5 * flow(plain, "probe").throughput_pps()) << backend;
  }
}

// A vhost-net VM's worker empties the guest's ring as fast as the guest
// fills it: the backlog builds in the host NIC's transmit queue, and the
// host kernel's qdisc (host.nic.qdisc, .bql) decides the probe's wait. The
// guest's qdisc stays empty.
TEST(Qdisc, HostQdiscHoldsWhatTapBasedPathsSend) {
  const BackendResult fifo = run_with("PFIFO_FAST", false, "VHOST_NET", "qdisc: PFIFO_FAST bql: false");
  const BackendResult fq_bql = run_with("PFIFO_FAST", false, "VHOST_NET", "qdisc: FQ_CODEL bql: true");
  // pfifo_fast: behind its 1000 packets, the ring's 512 and the NIC's
  // buffer, about 20 ms at 1 Gb/s, and lost with the bulk at its tail.
  EXPECT_GT(flow(fifo, "probe").latency_us().p50(), 15000);
  EXPECT_GT(dropped(flow(fifo, "probe")), 0u);
  EXPECT_GT(lost_at(fifo, "host_qdisc"), 0u);
  // fq_codel with BQL: the probe's own queue, and BQL leaves little more
  // than the NIC's 160 KB buffer (1.3 ms) ahead of it.
  EXPECT_EQ(dropped(flow(fq_bql, "probe")), 0u);
  EXPECT_LT(flow(fq_bql, "probe").latency_us().p50(), 2500);
  for (const BackendResult* b : {&fifo, &fq_bql}) {
    EXPECT_EQ(lost_at(*b, "qdisc"), 0u);  // the guest's
    EXPECT_EQ(lost_at(*b, "wire"), 0u);   // the NIC fetches only what its port takes
    uint64_t lost = 0;
    for (const PlaceCount& c : b->drops_by_place()) lost += c.count();
    EXPECT_EQ(b->offered_packets(), b->delivered_packets() + lost + b->in_flight_packets());
  }
}

TEST(Qdisc, NoqueueDropsWhatAStoppedQueueCannotTake) {
  const BackendResult b = run_with("NOQUEUE", false);
  EXPECT_GT(lost_at(b, "qdisc"), 0u);
  EXPECT_LT(flow(b, "probe").latency_us().p50(), 6000);  // nothing waits in a qdisc
}

}  // namespace
}  // namespace viosim
