// The wires hand TCP trains to the receivers that take them before they
// arrive (the kernel's NIC queues and their passes run on, hardware queues,
// DPDK's polled queues, the peer's TCP receive): a whole run gives the
// same results as with every frame arriving in an event of its own, on
// every path and both ways, in fewer events.
#include <gtest/gtest.h>

#include "models/paths/path_model.h"
#include "tests/models/paths/tcp_checks.h"

namespace viosim::models {
namespace {

void expect_same_histogram(const core::Histogram& a, const core::Histogram& b) {
  EXPECT_EQ(a.count(), b.count());
  EXPECT_EQ(a.min(), b.min());
  EXPECT_EQ(a.max(), b.max());
  EXPECT_EQ(a.mean(), b.mean());
  for (const double q : {0.5, 0.9, 0.99, 0.999}) EXPECT_EQ(a.percentile(q), b.percentile(q)) << q;
}

// Everything a run measured but its events, fingerprint and wall-clock time.
void expect_same_results(const PathResults& a, const PathResults& b) {
  EXPECT_EQ(a.sent, b.sent);
  EXPECT_EQ(a.app_packets, b.app_packets);
  EXPECT_EQ(a.app_bytes, b.app_bytes);
  EXPECT_EQ(a.nic_packets, b.nic_packets);
  EXPECT_EQ(a.drops, b.drops);
  EXPECT_EQ(a.wire_frames, b.wire_frames);
  expect_same_histogram(a.latency, b.latency);
  EXPECT_EQ(a.exits, b.exits);
  EXPECT_EQ(a.exits_by_reason, b.exits_by_reason);
  EXPECT_EQ(a.guest_interrupts, b.guest_interrupts);
  EXPECT_EQ(a.timer_interrupts, b.timer_interrupts);
  EXPECT_EQ(a.timer_writes, b.timer_writes);
  EXPECT_EQ(a.line_transfers, b.line_transfers);
  EXPECT_EQ(a.dma_llc_loads, b.dma_llc_loads);
  EXPECT_EQ(a.dma_dram_loads, b.dma_dram_loads);
  EXPECT_EQ(a.host_syscalls, b.host_syscalls);
  EXPECT_EQ(a.context_switches, b.context_switches);
  EXPECT_EQ(a.wakeups, b.wakeups);
  EXPECT_EQ(a.cpu_s, b.cpu_s);
  EXPECT_EQ(a.per_core_s, b.per_core_s);
  EXPECT_EQ(a.per_core_polling_s, b.per_core_polling_s);
  EXPECT_EQ(a.busy_cycles, b.busy_cycles);
  EXPECT_EQ(a.hop_mean_us, b.hop_mean_us);  // the wire stamps a frame handed over early at its arrival
  EXPECT_EQ(a.hop_packets, b.hop_packets);
  EXPECT_EQ(a.iotlb_hits, b.iotlb_hits);
  EXPECT_EQ(a.iotlb_misses, b.iotlb_misses);
  ASSERT_EQ(a.vms.size(), b.vms.size());
  for (size_t v = 0; v < a.vms.size(); ++v) {
    SCOPED_TRACE("VM " + a.vms[v].name);
    EXPECT_EQ(a.vms[v].vcpu_cpu_s, b.vms[v].vcpu_cpu_s);
    EXPECT_EQ(a.vms[v].exits_by_reason, b.vms[v].exits_by_reason);
    EXPECT_EQ(a.vms[v].interrupts, b.vms[v].interrupts);
    EXPECT_EQ(a.vms[v].ipis, b.vms[v].ipis);
    EXPECT_EQ(a.vms[v].preemptions, b.vms[v].preemptions);
  }
  ASSERT_EQ(a.per_queue.size(), b.per_queue.size());
  for (size_t q = 0; q < a.per_queue.size(); ++q) {
    SCOPED_TRACE("host NIC queue " + std::to_string(q));
    EXPECT_EQ(a.per_queue[q].frames, b.per_queue[q].frames);
    EXPECT_EQ(a.per_queue[q].drops, b.per_queue[q].drops);
    EXPECT_EQ(a.per_queue[q].interrupts, b.per_queue[q].interrupts);
    EXPECT_EQ(a.per_queue[q].tx_frames, b.per_queue[q].tx_frames);
    EXPECT_EQ(a.per_queue[q].gro_merged, b.per_queue[q].gro_merged);
  }
  ASSERT_EQ(a.per_vm_queue.size(), b.per_vm_queue.size());
  for (size_t q = 0; q < a.per_vm_queue.size(); ++q) {
    SCOPED_TRACE("VM queue " + std::to_string(q));
    EXPECT_EQ(a.per_vm_queue[q].rx_packets, b.per_vm_queue[q].rx_packets);
    EXPECT_EQ(a.per_vm_queue[q].tx_packets, b.per_vm_queue[q].tx_packets);
    EXPECT_EQ(a.per_vm_queue[q].interrupts, b.per_vm_queue[q].interrupts);
    EXPECT_EQ(a.per_vm_queue[q].kicks, b.per_vm_queue[q].kicks);
    EXPECT_EQ(a.per_vm_queue[q].rx_buffers, b.per_vm_queue[q].rx_buffers);
  }
  ASSERT_EQ(a.switch_pmds.size(), b.switch_pmds.size());
  for (size_t i = 0; i < a.switch_pmds.size(); ++i) {
    EXPECT_EQ(a.switch_pmds[i].busy, b.switch_pmds[i].busy);
    EXPECT_EQ(a.switch_pmds[i].packets, b.switch_pmds[i].packets);
    EXPECT_EQ(a.switch_pmds[i].empty_poll_share, b.switch_pmds[i].empty_poll_share);
  }
  ASSERT_EQ(a.flows.size(), b.flows.size());
  for (size_t i = 0; i < a.flows.size(); ++i) {
    const FlowResults& f = a.flows[i];
    const FlowResults& g = b.flows[i];
    SCOPED_TRACE("flow " + f.name);
    expect_same_histogram(f.latency, g.latency);
    EXPECT_EQ(f.packets, g.packets);
    EXPECT_EQ(f.bytes, g.bytes);
    EXPECT_EQ(f.offered_packets, g.offered_packets);
    EXPECT_EQ(f.delivered_packets, g.delivered_packets);
    EXPECT_EQ(f.in_flight_packets, g.in_flight_packets);
    EXPECT_EQ(f.drops_by_place, g.drops_by_place);
    EXPECT_EQ(f.payload_bytes, g.payload_bytes);
    EXPECT_EQ(f.tcp_skbs, g.tcp_skbs);
    EXPECT_EQ(f.tcp_stats.segments, g.tcp_stats.segments);
    EXPECT_EQ(f.tcp_stats.retransmits, g.tcp_stats.retransmits);
    EXPECT_EQ(f.tcp_stats.acks, g.tcp_stats.acks);
    EXPECT_EQ(f.tcp_stats.recoveries, g.tcp_stats.recoveries);
    EXPECT_EQ(f.tcp_stats.timeouts, g.tcp_stats.timeouts);
    EXPECT_EQ(f.tcp_stats.probes, g.tcp_stats.probes);
    EXPECT_EQ(f.transient_ms, g.transient_ms);
    EXPECT_EQ(f.still_growing, g.still_growing);
    EXPECT_EQ(f.tcp_stats.cwnd_max, g.tcp_stats.cwnd_max);
    EXPECT_EQ(f.tcp_stats.cwnd_area, g.tcp_stats.cwnd_area);
  }
}

struct EarlyCase {
  PathBackend backend;
  bool from_guest;
  uint32_t connections;
  bool multi_queue = false;  // two host NIC queues and two queue pairs on two vCPUs
};

// Two of everything the connections spread over by RSS: host NIC queues
// (their softirqs on two cores), the VM's queue pairs, vCPUs and backend
// threads.
void make_multi_queue(PathConfig& c) {
  c.cores = 12;
  c.nic_queues = 2;
  c.irq_cores = {6, 7};
  VmConfig& vm = c.vms.at(0);
  vm.vcpu_cores = {2, 3};
  vm.queue_pairs = 2;
  vm.backend_cores = {4, 5};
  // Ports in the tuple: RSS hashes four fields, and connections differ in
  // their source port.
  c.flows.at(0).tuple.has_ports = true;
  c.flows.at(0).tuple.src_port = 40000;
  c.flows.at(0).tuple.dst_port = 5201;
}

class EarlyFramesTest : public ::testing::TestWithParam<EarlyCase> {};

TEST_P(EarlyFramesTest, ARunGivesTheSameResultsAsWithAnEventAFrame) {
  const EarlyCase& c = GetParam();
  PathConfig early = tcp_bulk(c.backend, 0, c.connections, c.from_guest);
  if (c.multi_queue) make_multi_queue(early);
  early.duration = core::Milliseconds(20);
  early.warmup = core::Milliseconds(5);  // a statistics reset in the middle of the trains
  PathConfig on_time = early;
  on_time.early_frames = false;
  const PathResults a = run_path(early);
  const PathResults b = run_path(on_time);
  ASSERT_GT(b.flows[0].payload_bytes, 1'000'000u);
  if (c.multi_queue && !c.from_guest && c.backend != PathBackend::kVdpa) {
    // RSS spread the connections over both receive queues (vDPA's device
    // queues are reported per VM queue, not here).
    ASSERT_EQ(b.per_queue.size(), 2u);
    EXPECT_GT(b.per_queue[0].frames, 0u);
    EXPECT_GT(b.per_queue[1].frames, 0u);
  }
  expect_same_results(a, b);
  if (c.backend == PathBackend::kVdpa && !c.from_guest) {
    EXPECT_EQ(a.events, b.events);  // its device takes no train: an event a frame (the README says so)
  } else {
    EXPECT_LT(a.events, b.events);
  }
}

// TCP_RR with 64 KB messages: trains both ways, each a round trip's.
TEST_P(EarlyFramesTest, RequestResponseGivesTheSameResultsAsWithAnEventAFrame) {
  const EarlyCase& c = GetParam();
  PathConfig early = tcp_rr_flow(c.backend, 65536, 65536, c.from_guest, c.connections);
  if (c.multi_queue) make_multi_queue(early);
  early.duration = core::Milliseconds(20);
  early.warmup = core::Milliseconds(5);
  PathConfig on_time = early;
  on_time.early_frames = false;
  const PathResults a = run_path(early);
  const PathResults b = run_path(on_time);
  ASSERT_GT(b.flows[0].packets, 20u);
  expect_same_results(a, b);
  EXPECT_LT(a.events, b.events);  // 64 KB each way: the peer takes trains on every path
}

std::vector<EarlyCase> early_cases() {
  std::vector<EarlyCase> out;
  for (const PathBackend backend :
       {PathBackend::kE1000, PathBackend::kVirtioUserspace, PathBackend::kVhostNet, PathBackend::kVhostUser,
        PathBackend::kPassthrough, PathBackend::kBareMetal, PathBackend::kVdpa}) {
    for (const bool from_guest : {false, true}) {
      for (const uint32_t connections : {1u, 4u}) out.push_back({backend, from_guest, connections});
      out.push_back({backend, from_guest, 8, true});
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Paths, EarlyFramesTest, ::testing::ValuesIn(early_cases()),
                         [](const ::testing::TestParamInfo<EarlyCase>& info) {
                           return std::string(backend_name(info.param.backend)) +
                                  (info.param.from_guest ? "_out_" : "_in_") + std::to_string(info.param.connections) +
                                  (info.param.multi_queue ? "_multi_queue" : "");
                         });

}  // namespace
}  // namespace viosim::models
