// The three virtio paths end to end: packets are conserved, reruns are
// bit-identical, and the counts that define each backend come out of the
// mechanisms (no syscalls in vhost-net's data path, no TX kicks against a
// polling vhost-user backend, a writev per packet in QEMU).
#include "models/paths/path_model.h"

#include <gtest/gtest.h>

#include "models/guest/e1000_driver.h"
#include "sim-core/trace_recording.h"

namespace viosim::models {
namespace {

PathConfig open_loop(PathBackend backend, bool from_guest, double pps) {
  PathConfig c;
  c.backend = backend;
  c.duration = core::Milliseconds(30);
  c.warmup = core::Milliseconds(5);
  FlowConfig f;
  f.name = "load";
  f.pattern = FlowConfig::Pattern::kOpenLoop;
  f.from_guest = from_guest;
  f.rate_pps = pps;
  c.flows.push_back(f);
  return c;
}

PathConfig request_response(PathBackend backend) {
  PathConfig c;
  c.backend = backend;
  c.duration = core::Milliseconds(30);
  c.warmup = core::Milliseconds(5);
  FlowConfig f;
  f.name = "rr";
  c.flows.push_back(f);
  return c;
}

class PathTest : public ::testing::TestWithParam<PathBackend> {};

TEST_P(PathTest, RequestResponseRunsAndIsDeterministic) {
  const PathResults a = run_path(request_response(GetParam()));
  const PathResults b = run_path(request_response(GetParam()));
  EXPECT_GT(a.app_packets, 100u);
  EXPECT_TRUE(a.round_trip);
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(a.app_packets, b.app_packets);
  EXPECT_EQ(a.latency.percentile(0.99), b.latency.percentile(0.99));
  EXPECT_EQ(a.drops, 0u);
  // Each transaction crosses the virtual NIC twice.
  EXPECT_NEAR(double(a.nic_packets), 2.0 * double(a.app_packets), 4.0);
}

TEST_P(PathTest, OpenLoopPacketsAreConserved) {
  for (bool from_guest : {false, true}) {
    const PathResults r = run_path(open_loop(GetParam(), from_guest, 200'000));
    // Every packet offered is delivered, dropped at a place, or in flight
    // at the end, exactly (a CPU-bound sender may send fewer than the
    // 5,000 offered in the window: e1000 cannot keep up).
    EXPECT_GT(r.sent, 500u);
    ASSERT_EQ(r.flows.size(), 1u);
    const FlowResults& f = r.flows[0];
    EXPECT_EQ(f.offered_packets, f.delivered_packets + f.drops() + f.in_flight_packets) << from_guest;
    EXPECT_LT(f.in_flight_packets, 5000u) << from_guest;
  }
}

INSTANTIATE_TEST_SUITE_P(AllPaths, PathTest,
                         ::testing::Values(PathBackend::kE1000, PathBackend::kVirtioUserspace, PathBackend::kVhostNet,
                                           PathBackend::kVhostUser, PathBackend::kPassthrough,
                                           PathBackend::kBareMetal),
                         [](const auto& info) { return std::string(backend_name(info.param)); });

TEST(PathMechanisms, VhostNetMakesNoHostSyscallsQemuOneWritevPerPacket) {
  const PathResults qemu = run_path(open_loop(PathBackend::kVirtioUserspace, true, 100'000));
  const PathResults vhost = run_path(open_loop(PathBackend::kVhostNet, true, 100'000));
  EXPECT_EQ(vhost.host_syscalls, 0u);
  EXPECT_GE(qemu.per_packet(double(qemu.host_syscalls)), 1.0);
}

TEST(PathMechanisms, VhostUserGuestNeverKicks) {
  const PathResults r = run_path(open_loop(PathBackend::kVhostUser, true, 300'000));
  EXPECT_GT(r.nic_packets, 5000u);
  EXPECT_EQ(r.exits_by_reason[static_cast<size_t>(ExitReason::kMmioFast)], 0u);
  // The PMD core never idles.
  const PathConfig c = open_loop(PathBackend::kVhostUser, true, 300'000);
  EXPECT_EQ(r.per_core_s[c.vm().backend_core][static_cast<size_t>(CpuCategory::kIdle)], 0.0);
  EXPECT_GT(r.per_core_s[c.vm().backend_core][static_cast<size_t>(CpuCategory::kPmd)], 0.5 * r.window_s);
}

uint64_t exits(const PathResults& r, ExitReason reason) { return r.exits_by_reason[static_cast<size_t>(reason)]; }

// e1000: every interrupt costs the driver's five register accesses that
// exit to QEMU (ICR, IMC, STATUS in the handler; IMS, STATUS when NAPI
// completes) plus the EOI; every transmit batch one TDT exit.
TEST(PathMechanisms, E1000ExitsComeFromTheDriversRegisterAccesses) {
  const PathResults r = run_path(request_response(PathBackend::kE1000));
  ASSERT_GT(r.guest_interrupts, 100u);
  const double per_interrupt = double(exits(r, ExitReason::kMmioUserspace)) / double(r.guest_interrupts);
  (void)per_interrupt;
  // The guest sends one request per transaction (one TDT each).
  ASSERT_EQ(r.per_vm_queue.size(), 1u);
  EXPECT_NEAR(double(exits(r, ExitReason::kMmioUserspace)),
              5.0 * double(r.guest_interrupts) + double(r.per_vm_queue[0].tx_packets), 6.0);
  EXPECT_NEAR(double(exits(r, ExitReason::kEoiInduced)), double(r.guest_interrupts), 1.0);
  EXPECT_EQ(exits(r, ExitReason::kMmioFast), 0u);
}

// The e1000 line is level-triggered: QEMU raises it with a KVM_IRQ_LINE
// ioctl from its main loop, and the guest's ICR read lowers it with
// another, from the vCPU thread that made the read (pci_set_irq(0) ->
// kvm_set_irq). Counted in the trace: one ioctl on a vCPU track per
// interrupt taken (the window's first may have been raised before it).
TEST(PathMechanisms, E1000IcrReadLowersTheLineWithAnIoctl) {
  PathConfig c = request_response(PathBackend::kE1000);
  core::TraceRecording recording(core::Time::zero() + core::Milliseconds(5),
                                 core::Time::zero() + core::Milliseconds(30));
  c.trace = &recording;
  run_path(c);
  uint64_t vcpu_ioctls = 0, interrupts = 0;
  for (const core::TraceRecording::Instant& i : recording.instants()) {
    if (recording.track_name(i.track).find("vcpu") == std::string::npos) continue;
    vcpu_ioctls += i.name == "syscall ioctl";
    interrupts += i.category == "interrupt";
  }
  ASSERT_GT(interrupts, 50u);
  EXPECT_NEAR(double(vcpu_ioctls), double(interrupts), 1.0);
}

// QEMU raises the e1000 line at most once per 128 us (its mitigation
// floor), whatever the ITR register says; the driver's dynamic
// conservative mode (InterruptThrottleRate 3) writes ITR for 4,000
// interrupts/s once an interrupt's traffic is bulk: 1,400-byte frames at
// 100 kpps bring about 13 frames (18 KB) per 128 us window, over the
// 10,000 bytes of 1,200-byte-plus frames that e1000_update_itr calls bulk.
TEST(PathMechanisms, E1000InterruptRateFollowsTheDriversThrottleAboveQemusFloor) {
  auto interrupts_per_s = [](uint32_t setting, uint32_t frame_bytes, bool from_guest = false) {
    PathConfig c = open_loop(PathBackend::kE1000, from_guest, 100'000);
    c.flows[0].frame_bytes = frame_bytes;
    c.vm().e1000_itr_setting = E1000Driver::kept_setting(setting);
    c.vm().e1000.itr = E1000Driver::first_itr(setting);
    const PathResults r = run_path(c);
    EXPECT_EQ(r.app_packets + 10 > r.sent, true) << "the guest keeps up";
    return double(r.guest_interrupts) / r.window_s;
  };
  struct Case {
    uint32_t setting, frame_bytes;
    bool from_guest;
    double low, high;
  };
  const Case cases[] = {
      {3, 1400, false, 3500, 4100},       // bulk: 4,000/s
      {3, 64, false, 7000, 7813},         // small frames stay low latency (20,000/s): the floor rules
      {100000, 1400, false, 7000, 7813},  // a fixed rate is never rewritten; the floor rules too
      {2000, 1400, false, 1800, 2001},    // ITR 1953 (500 us) is above the floor
      {2001, 1400, false, 1800, 2001},    // fixed too (2001 & ~3 has no mode bits)
      // Transmitting, TX causes are pending at each arming: TADV (32.8 us)
      // is the smallest delay, and the floor (128 us) wins over ITR.
      {2000, 1400, true, 7000, 7813},
  };
  for (const Case& k : cases) {
    const double rate = interrupts_per_s(k.setting, k.frame_bytes, k.from_guest);
    EXPECT_GT(rate, k.low) << k.setting << " " << k.frame_bytes << " " << k.from_guest;
    EXPECT_LE(rate, k.high) << k.setting << " " << k.frame_bytes << " " << k.from_guest;
  }
}

TEST(PathMechanisms, PassthroughWithPostedInterruptsTakesNoDataPathExits) {
  const PathResults r = run_path(request_response(PathBackend::kPassthrough));
  ASSERT_GT(r.app_packets, 100u);
  // Idling and the guest's clock are the only exits left: the HLTs, the
  // timer's programmings and the deadlines reached in guest mode.
  EXPECT_EQ(r.exits,
            exits(r, ExitReason::kHlt) + exits(r, ExitReason::kMsrWrite) + exits(r, ExitReason::kPreemptionTimer));
  EXPECT_EQ(exits(r, ExitReason::kMsrWrite), r.timer_writes);
  EXPECT_LE(exits(r, ExitReason::kPreemptionTimer), r.timer_interrupts);
  EXPECT_EQ(r.host_syscalls, 0u);
}

TEST(PathMechanisms, RemappedInterruptsWithoutApicvExitForDeliveryAndEoi) {
  PathConfig c = open_loop(PathBackend::kPassthrough, false, 100'000);
  c.vm().vtd_posted = false;
  c.vm().vcpu.apicv = false;
  const PathResults r = run_path(c);
  ASSERT_GT(r.guest_interrupts, 100u);
  // Each interrupt is injected on an entry (after an HLT or a kick's
  // EXTERNAL_INTERRUPT exit). Its EOI write exits only when another was
  // pending at an entry meanwhile: alone, the VF's edge MSI-X ends with a
  // paravirtual EOI. The timer's programmings are MSR writes too.
  const uint64_t eoi_exits = exits(r, ExitReason::kMsrWrite) - r.timer_writes;
  EXPECT_LE(eoi_exits, r.guest_interrupts + r.timer_interrupts);
  EXPECT_LT(eoi_exits, r.guest_interrupts / 10);
  EXPECT_EQ(exits(r, ExitReason::kExternalInterrupt) + exits(r, ExitReason::kHlt) >= r.guest_interrupts, true);
  // The host's VFIO handler ran on the IRQ core.
  EXPECT_GT(r.per_core_s[c.irq_core][static_cast<size_t>(CpuCategory::kHostKernel)], 0.0);
}

// A 512-buffer RX ring of 2 KiB buffers spans 256 pages of 4 KiB: beyond a
// 64-entry IOTLB, each page misses once per lap of the ring (two buffers a
// page: a miss every second packet); with 2 MiB pages it all fits.
TEST(PathMechanisms, IotlbMissesDependOnTheMappingSize) {
  PathConfig small = open_loop(PathBackend::kPassthrough, false, 200'000);
  PathConfig huge = small;
  huge.vm().iommu_page_bytes = 2u << 20;
  const PathResults a = run_path(small);
  const PathResults b = run_path(huge);
  ASSERT_GT(a.app_packets, 1000u);
  EXPECT_GT(double(a.iotlb_misses), 0.45 * double(a.app_packets));
  EXPECT_LT(b.iotlb_misses, 10u);                                  // a handful of huge pages
  EXPECT_GT(b.iotlb_hits, a.iotlb_hits);
}

// Busy polling: a vhost worker that spins while the guest sends keeps kicks
// off, so the guest makes fewer doorbell exits than with a sleeping worker.
TEST(PathMechanisms, VhostBusyPollingSavesKicks) {
  PathConfig sleepy = open_loop(PathBackend::kVhostNet, true, 100'000);
  PathConfig polling = sleepy;
  polling.vm().vhost.busy_poll = core::Microseconds(50);
  const PathResults a = run_path(sleepy);
  const PathResults b = run_path(polling);
  ASSERT_GT(a.app_packets, 1000u);
  EXPECT_LT(exits(b, ExitReason::kMmioFast) * 2, exits(a, ExitReason::kMmioFast));
  EXPECT_GT(b.cpu_s[static_cast<size_t>(CpuCategory::kVhost)], a.cpu_s[static_cast<size_t>(CpuCategory::kVhost)]);
}

// Orphan mode (napi_tx off): no TX interrupts; buffers are reclaimed at
// the next transmit.
TEST(PathMechanisms, OrphanModeTakesNoTxInterrupts) {
  PathConfig napi = open_loop(PathBackend::kVhostNet, true, 50'000);
  PathConfig orphan = napi;
  orphan.vm().driver.napi_tx = false;
  const PathResults a = run_path(napi);
  const PathResults b = run_path(orphan);
  ASSERT_GT(b.app_packets, 1000u);
  EXPECT_GT(a.guest_interrupts, 100u);
  EXPECT_LT(b.guest_interrupts * 10, a.guest_interrupts);
}

// A bulk transfer stops after its bytes.
TEST(PathMechanisms, BulkFlowStopsAfterItsPackets) {
  PathConfig c = open_loop(PathBackend::kVhostNet, true, 14'880'952);
  c.flows[0].arrival = FlowConfig::Arrival::kConstant;
  c.flows[0].max_packets = 3000;
  c.warmup = core::Microseconds(1);
  const PathResults r = run_path(c);
  EXPECT_EQ(r.sent, 3000u);
  EXPECT_EQ(r.app_packets + r.drops, 3000u);
}

// The per-hop breakdown adds up to the one-way latency it breaks down.
TEST_P(PathTest, HopsAddUpToTheOneWayLatency) {
  for (bool from_guest : {false, true}) {
    const PathResults r = run_path(open_loop(GetParam(), from_guest, 50'000));
    const int d = from_guest ? 0 : 1;
    ASSERT_GT(r.hop_packets[d], 500u);
    double sum = 0;
    for (double h : r.hop_mean_us[d]) {
      EXPECT_GE(h, 0.0);
      sum += h;
    }
    EXPECT_NEAR(sum, r.latency.mean() * 1e-6, 0.01 * sum) << from_guest;
  }
}

// RSS over a multi-queue host NIC: 64 connections spread over the four
// queues, each with its own vector and softirq core; one connection lands
// on one queue.
TEST(PathMechanisms, RssSpreadsConnectionsOverTheNicQueues) {
  PathConfig c = open_loop(PathBackend::kVhostNet, false, 200'000);
  c.nic_queues = 4;
  c.irq_cores = {5, 6, 7, 1};
  c.flows[0].tuple = {0x0a000001, 0x0a000101, 49152, 5201, true};
  c.flows[0].connections = 64;
  const PathResults many = run_path(c);
  ASSERT_EQ(many.per_queue.size(), 4u);
  uint64_t frames = 0;
  for (size_t q = 0; q < 4; ++q) {
    EXPECT_GT(many.per_queue[q].frames, 300u) << q;
    EXPECT_GT(many.per_queue[q].interrupts, 0u) << q;
    EXPECT_GT(many.per_core_s[c.irq_cores[q]][static_cast<size_t>(CpuCategory::kHostKernel)], 0.0) << q;
    frames += many.per_queue[q].frames;
  }
  EXPECT_NEAR(double(frames), double(many.app_packets + many.drops), 60.0);
  c.flows[0].connections = 1;
  const PathResults one = run_path(c);
  int busy_queues = 0;
  for (const auto& q : one.per_queue) busy_queues += q.frames > 0 ? 1 : 0;
  EXPECT_EQ(busy_queues, 1);
}

TEST(PathMechanisms, BareMetalHasNoVirtualizationAtAll) {
  const PathResults r = run_path(request_response(PathBackend::kBareMetal));
  ASSERT_GT(r.app_packets, 100u);
  EXPECT_EQ(r.exits, 0u);
  for (CpuCategory c : {CpuCategory::kExitEntry, CpuCategory::kKvm, CpuCategory::kQemu, CpuCategory::kVhost}) {
    EXPECT_EQ(r.cpu_s[static_cast<size_t>(c)], 0.0) << category_name(c);
  }
}

}  // namespace
}  // namespace viosim::models
