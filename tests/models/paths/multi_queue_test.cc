// Multi-queue virtual NICs: queue pairs per vCPU, per-queue vectors or one
// shared vector, a vhost worker per queue pair against QEMU's single main
// loop, tap queue choice by the guest's last queue for a connection, and
// VF queues behind RSS. Loads and spreads come out of the mechanisms.
#include <gtest/gtest.h>

#include <algorithm>

#include "models/net/tap_steering.h"
#include "models/paths/path_model.h"

namespace viosim::models {
namespace {

constexpr size_t kGuestKernel = static_cast<size_t>(CpuCategory::kGuestKernel);

// 64 connections from the peer into a VM with `pairs` queue pairs on a
// 16-core host: vCPUs on cores 2-5, backend threads on 8-11, the host NIC's
// four queues' interrupts on 12-15.
PathConfig many_connections(PathBackend backend, uint32_t pairs, double pps) {
  PathConfig c;
  c.backend = backend;
  c.duration = core::Milliseconds(20);
  c.warmup = core::Milliseconds(4);
  c.cores = 16;
  c.vm().vcpu_cores = {2, 3, 4, 5};
  c.vm().vcpu_core = 2;
  c.vm().backend_cores = {8, 9, 10, 11};
  c.vm().backend_core = 8;
  c.irq_core = 12;
  c.nic_queues = 4;
  c.irq_cores = {12, 13, 14, 15};
  c.vm().queue_pairs = pairs;
  FlowConfig f;
  f.name = "udp";
  f.pattern = FlowConfig::Pattern::kOpenLoop;
  f.from_guest = false;
  f.rate_pps = pps;
  f.tuple = {0x0a000001, 0x0a000101, 49152, 5201, true};
  f.connections = 64;
  c.flows.push_back(f);
  return c;
}

double guest_kernel_s(const PathResults& r, uint32_t core) { return r.per_core_s[core][kGuestKernel]; }

TEST(MultiQueue, VhostNetScalesWithQueuePairs) {
  const PathResults one = run_path(many_connections(PathBackend::kVhostNet, 1, 2'000'000));
  const PathResults four = run_path(many_connections(PathBackend::kVhostNet, 4, 2'000'000));
  // One queue pair saturates its vCPU and worker well below 2 Mpps; four
  // share the load between four vCPUs and four workers.
  EXPECT_GT(double(four.app_packets), 2.5 * double(one.app_packets));
  for (uint32_t core : {2u, 3u, 4u, 5u}) EXPECT_GT(guest_kernel_s(four, core), 0.0) << core;
  for (uint32_t core : {3u, 4u, 5u}) EXPECT_EQ(guest_kernel_s(one, core), 0.0) << core;
  for (uint32_t core : {8u, 9u, 10u, 11u}) {
    EXPECT_GT(four.per_core_s[core][static_cast<size_t>(CpuCategory::kVhost)], 0.0) << core;
  }
}

TEST(MultiQueue, QemuServesEveryQueuePairFromOneMainLoop) {
  const PathResults one = run_path(many_connections(PathBackend::kVirtioUserspace, 1, 2'000'000));
  const PathResults four = run_path(many_connections(PathBackend::kVirtioUserspace, 4, 2'000'000));
  // The guest side spreads, but the one QEMU thread (core 8) becomes the
  // bottleneck: busy all the time, far from four times the packets, and
  // nothing on cores 9-11.
  EXPECT_LT(double(four.app_packets), 2.0 * double(one.app_packets));
  for (uint32_t core : {9u, 10u, 11u}) {
    EXPECT_EQ(four.per_core_s[core][static_cast<size_t>(CpuCategory::kQemu)], 0.0) << core;
  }
  const double idle = four.per_core_s[8][static_cast<size_t>(CpuCategory::kIdle)];
  EXPECT_LT(idle, 0.02 * four.window_s);
  EXPECT_GT(four.per_core_s[8][static_cast<size_t>(CpuCategory::kQemu)], 0.0);
}

// QEMU's ppoll walks every descriptor it polls, three per queue pair: at a
// load where each packet gets its own main-loop pass, more queue pairs make
// each packet cost the main loop more, not less.
TEST(MultiQueue, QemuPaysPerPacketForEveryDescriptorItPolls) {
  auto main_loop_per_packet = [](uint32_t pairs) {
    const PathResults r = run_path(many_connections(PathBackend::kVirtioUserspace, pairs, 50'000));
    double busy = 0;
    for (size_t k = 0; k < r.per_core_s[8].size(); ++k) {
      if (static_cast<CpuCategory>(k) != CpuCategory::kIdle) busy += r.per_core_s[8][k];
    }
    EXPECT_GT(r.app_packets, 0u);
    return busy / double(r.app_packets);
  };
  const double one = main_loop_per_packet(1);
  const double four = main_loop_per_packet(4);
  // Nine more descriptors at ppoll_fd's default 260 cycles (3 GHz) is
  // 0.78 us per pass; a pass per packet or fewer.
  EXPECT_GT(four, one + 0.3e-6);
  EXPECT_LT(four, one + 1.5e-6);
}

// The check: per-queue vectors spread the guest's interrupt and
// NAPI work over the vCPUs; one shared vector puts all of it on vCPU 0.
TEST(MultiQueue, PerQueueVectorsSpreadLoadWhereOneSharedVectorDoesNot) {
  PathConfig c = many_connections(PathBackend::kVhostNet, 4, 400'000);
  const PathResults per_queue = run_path(c);
  c.vm().shared_vector = true;
  const PathResults shared = run_path(c);
  double lo = 1e9, hi = 0;
  for (uint32_t core : {2u, 3u, 4u, 5u}) {
    lo = std::min(lo, guest_kernel_s(per_queue, core));
    hi = std::max(hi, guest_kernel_s(per_queue, core));
  }
  EXPECT_GT(lo, 0.2 * hi);  // hash imbalance, but every vCPU works
  for (uint32_t core : {3u, 4u, 5u}) EXPECT_EQ(guest_kernel_s(shared, core), 0.0) << core;
  EXPECT_GT(guest_kernel_s(shared, 2), 2.0 * hi);
  // The drivers' own view: four queues, each with interrupts on its vCPU,
  // or all on vCPU 0 behind the shared vector.
  ASSERT_EQ(per_queue.per_vm_queue.size(), 4u);
  ASSERT_EQ(shared.per_vm_queue.size(), 4u);
  uint64_t rx = 0;
  for (uint32_t q = 0; q < 4; ++q) {
    EXPECT_EQ(per_queue.per_vm_queue[q].vcpu_core, 2 + q);
    EXPECT_GT(per_queue.per_vm_queue[q].interrupts, 0u);
    EXPECT_GT(per_queue.per_vm_queue[q].rx_packets, 0u);
    EXPECT_EQ(shared.per_vm_queue[q].vcpu_core, 2u);
    EXPECT_GT(shared.per_vm_queue[q].rx_packets, 0u);  // the hash still spreads the packets
    rx += per_queue.per_vm_queue[q].rx_packets;
  }
  EXPECT_NEAR(double(rx), double(per_queue.app_packets), 100.0);
  // Both deliver what was offered (400 kpps is within one vCPU's reach).
  EXPECT_NEAR(double(shared.app_packets), double(per_queue.app_packets), 0.02 * double(per_queue.app_packets));
}

TEST(MultiQueue, VhostUserPmdsEachFillTheirOwnGuestQueue) {
  PathConfig c = many_connections(PathBackend::kVhostUser, 4, 1'000'000);
  c.vm().backend_cores = {8};  // one PMD: OVS gives it one transmit queue on the port
  const PathResults one_pmd = run_path(c);
  for (uint32_t core : {3u, 4u, 5u}) EXPECT_EQ(guest_kernel_s(one_pmd, core), 0.0) << core;
  c.vm().backend_cores = {8, 9, 10, 11};
  const PathResults four_pmds = run_path(c);
  for (uint32_t core : {2u, 3u, 4u, 5u}) EXPECT_GT(guest_kernel_s(four_pmds, core), 0.0) << core;
}

TEST(MultiQueue, VfQueuesSpreadByRss) {
  const PathResults r = run_path(many_connections(PathBackend::kPassthrough, 4, 400'000));
  ASSERT_EQ(r.per_queue.size(), 4u);
  uint64_t frames = 0;
  for (size_t q = 0; q < 4; ++q) {
    EXPECT_GT(r.per_queue[q].frames, 500u) << q;
    EXPECT_GT(r.per_queue[q].interrupts, 0u) << q;
    frames += r.per_queue[q].frames;
    EXPECT_GT(guest_kernel_s(r, 2 + static_cast<uint32_t>(q)), 0.0) << q;
  }
  EXPECT_NEAR(double(frames), double(r.app_packets + r.drops), 40.0);
}

TEST(MultiQueue, GuestSendersShareTheConnectionsAndConservePackets) {
  for (PathBackend b : {PathBackend::kVirtioUserspace, PathBackend::kVhostNet, PathBackend::kVhostUser,
                        PathBackend::kPassthrough}) {
    PathConfig c = many_connections(b, 4, 400'000);
    c.flows[0].from_guest = true;
    const PathResults r = run_path(c);
    for (uint32_t core : {2u, 3u, 4u, 5u}) EXPECT_GT(guest_kernel_s(r, core), 0.0) << backend_name(b) << core;
    EXPECT_NEAR(double(r.sent), 400'000 * r.window_s, 0.05 * 400'000 * r.window_s) << backend_name(b);
    EXPECT_NEAR(double(r.app_packets + r.drops), double(r.sent), 200.0) << backend_name(b);
    const PathResults again = run_path(c);
    EXPECT_EQ(r.fingerprint, again.fingerprint) << backend_name(b);
  }
}

// A client in a four-vCPU guest: requests leave on each vCPU's queue pair
// and, through the tap's flow table, responses come back on the same one,
// so every response finds its client (none dropped for want of an
// application) and all four vCPUs run clients.
TEST(MultiQueue, ResponsesReturnOnTheQueueTheRequestLeftBy) {
  PathConfig c = many_connections(PathBackend::kVhostNet, 4, 0);
  c.flows[0].pattern = FlowConfig::Pattern::kRequestResponse;
  c.flows[0].from_guest = true;
  c.flows[0].connections = 8;
  c.flows[0].outstanding = 8;
  const PathResults r = run_path(c);
  EXPECT_GT(r.app_packets, 1000u);
  for (uint32_t core : {2u, 3u, 4u, 5u}) EXPECT_GT(guest_kernel_s(r, core), 0.0) << core;
}

TEST(TapSteering, TheGuestsLastQueueWinsOverTheHash) {
  FlowConfig f;
  f.tuple = {0x0a000001, 0x0a000101, 49152, 5201, true};
  f.connections = 64;
  f.from_guest = false;
  TapSteering steering(4, {f}, 7);
  std::vector<int> per_queue(4, 0);
  Packet p;
  for (uint32_t conn = 0; conn < 64; ++conn) {
    p.conn = conn;
    ++per_queue[steering.queue_for(p)];
  }
  for (int n : per_queue) EXPECT_GT(n, 4);  // the hash spreads 64 connections
  p.conn = 5;
  const uint32_t hashed = steering.queue_for(p);
  steering.sent_on(p, (hashed + 1) % 4);
  EXPECT_EQ(steering.queue_for(p), (hashed + 1) % 4);
}

TEST(TapSteering, TheHashIsSymmetric) {
  const FlowTuple a{0x0a000001, 0x0a000101, 49152, 5201, true};
  const FlowTuple b{0x0a000101, 0x0a000001, 5201, 49152, true};
  EXPECT_EQ(symmetric_flow_hash(a, 11), symmetric_flow_hash(b, 11));
  EXPECT_NE(symmetric_flow_hash(a, 11), symmetric_flow_hash(a, 12));
}


// What the guest sends leaves through the host NIC, whose queue pairs clean
// the TX completions in NAPI on their IRQ cores (each connection on its
// flow's queue): interrupts and host-kernel time there even with nothing
// received, and every sent frame cleaned once.
TEST(MultiQueue, HostNicQueuesCleanTheFramesTheHostSent) {
  PathConfig c = many_connections(PathBackend::kVhostNet, 4, 200'000);
  c.flows[0].from_guest = true;
  const PathResults r = run_path(c);
  ASSERT_EQ(r.per_queue.size(), 4u);
  uint64_t cleaned = 0;
  for (size_t q = 0; q < 4; ++q) {
    EXPECT_EQ(r.per_queue[q].frames, 0u) << q;  // nothing comes in
    EXPECT_GT(r.per_queue[q].tx_frames, 0u) << q;
    EXPECT_GT(r.per_queue[q].interrupts, 0u) << q;
    EXPECT_GT(r.per_core_s[c.irq_cores[q]][static_cast<size_t>(CpuCategory::kHostKernel)], 0.0) << q;
    cleaned += r.per_queue[q].tx_frames;
  }
  EXPECT_NEAR(double(cleaned), double(r.app_packets), 50.0);  // each delivered frame cleaned once
  // vhost-user's PMD drives the port itself: no host NIC interrupts at all.
  c.backend = PathBackend::kVhostUser;
  for (const auto& q : run_path(c).per_queue) {
    EXPECT_EQ(q.interrupts, 0u);
    EXPECT_EQ(q.tx_frames, 0u);
  }
}


// A flow's sender shares add up to the flow: connections, requests in
// flight, a bulk transfer's packets and the rate.
TEST(SenderShare, SharesAddUpToTheFlow) {
  FlowConfig f;
  f.connections = 5;
  f.outstanding = 7;
  f.max_packets = 10;
  f.rate_pps = 1000;
  for (uint32_t vcpus : {1u, 2u, 3u, 4u, 8u}) {
    uint32_t conns = 0, outstanding = 0;
    uint64_t packets = 0;
    double rate = 0;
    for (uint32_t v = 0; v < vcpus; ++v) {
      const FlowConfig s = sender_share(f, v, vcpus);
      conns += owned_connections(s);
      outstanding += s.outstanding;
      packets += owned_connections(s) > 0 ? s.max_packets : 0;
      rate += s.rate_pps;
    }
    EXPECT_EQ(conns, 5u) << vcpus;
    EXPECT_EQ(outstanding, 7u) << vcpus;
    EXPECT_EQ(packets, 10u) << vcpus;
    EXPECT_DOUBLE_EQ(rate, 1000) << vcpus;
  }
}

PathConfig guest_clients(PathBackend backend, uint32_t connections, uint32_t outstanding, core::Duration think) {
  PathConfig c = many_connections(backend, 4, 0);
  c.flows[0].pattern = FlowConfig::Pattern::kRequestResponse;
  c.flows[0].from_guest = true;
  c.flows[0].connections = connections;
  c.flows[0].outstanding = outstanding;
  c.flows[0].think_time = think;
  return c;
}

// Each connection's client stays on its vCPU and sends on its queue pair,
// wherever the response comes in (a VF's RSS, one PMD's queue, a shared
// vector): every queue pair carries requests.
TEST(MultiQueue, GuestClientsStayOnTheirVcpus) {
  for (PathBackend b : {PathBackend::kPassthrough, PathBackend::kVhostUser, PathBackend::kVhostNet}) {
    PathConfig c = guest_clients(b, 8, 8, core::Duration::zero());
    if (b == PathBackend::kVhostUser) c.vm().backend_cores = {8};  // one PMD: all responses into queue 0
    if (b == PathBackend::kVhostNet) c.vm().shared_vector = true;  // all interrupts on vCPU 0
    const PathResults r = run_path(c);
    ASSERT_EQ(r.per_vm_queue.size(), 4u);
    uint64_t lo = UINT64_MAX, hi = 0;
    for (const auto& q : r.per_vm_queue) {
      lo = std::min(lo, q.tx_packets);
      hi = std::max(hi, q.tx_packets);
    }
    EXPECT_GT(hi, 200u) << backend_name(b);
    EXPECT_GT(lo, hi / 2) << backend_name(b);  // two connections each
  }
}

// Think time keeps every request in flight: four outstanding requests over
// two connections, on four queue pairs (two vCPUs own none), give about
// four times the transactions of one.
TEST(MultiQueue, ThinkTimeKeepsEveryRequestInFlight) {
  for (PathBackend b : {PathBackend::kPassthrough, PathBackend::kVhostNet}) {
    const PathResults four = run_path(guest_clients(b, 2, 4, core::Microseconds(10)));
    const PathResults one = run_path(guest_clients(b, 2, 1, core::Microseconds(10)));
    EXPECT_GT(one.app_packets, 100u) << backend_name(b);
    EXPECT_GT(double(four.app_packets), 2.5 * double(one.app_packets)) << backend_name(b);
  }
}

// QEMU's main loop dispatches kicks between handler runs: guest transmits
// still reach the wire while the receive side is saturated.
TEST(MultiQueue, QemuServesKicksWhileReceiveIsBusy) {
  PathConfig c = many_connections(PathBackend::kVirtioUserspace, 4, 2'000'000);
  FlowConfig out;
  out.name = "out";
  out.pattern = FlowConfig::Pattern::kOpenLoop;
  out.from_guest = true;
  out.rate_pps = 20'000;
  out.tuple = {0x0a000101, 0x0a000001, 40000, 6000, true};
  out.connections = 4;
  c.flows.push_back(out);
  const PathResults r = run_path(c);
  uint64_t sent_to_wire = 0;
  for (const auto& q : r.per_queue) sent_to_wire += q.tx_frames;
  EXPECT_GT(double(sent_to_wire), 0.8 * 20'000 * r.window_s);
}

// One PMD polling four NIC queues takes a burst from each: when it is the
// bottleneck the queues drop alike, none starves.
TEST(MultiQueue, APmdPollsEachNicQueueWithItsOwnBurst) {
  PathConfig c = many_connections(PathBackend::kVhostUser, 4, 3'000'000);
  c.vm().backend_cores = {8};
  c.ovs.pmd.costs.switch_packet = core::Cycles(1200);  // a slow datapath
  const PathResults r = run_path(c);
  uint64_t lo = UINT64_MAX, hi = 0;
  for (const auto& q : r.per_queue) {
    lo = std::min(lo, q.frames);
    hi = std::max(hi, q.frames);
  }
  EXPECT_GT(r.drops, 1000u);
  EXPECT_GT(lo, hi * 3 / 4);
}

}  // namespace
}  // namespace viosim::models
