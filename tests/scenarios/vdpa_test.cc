// vDPA end to end: the guest's virtio-net driver on rings the NIC serves by
// DMA. With the doorbell page mapped (page_per_vq) a kick costs no exit;
// without it each kick is a fast-MMIO exit that vhost-vdpa turns into the
// doorbell write on the vCPU's own thread. No host thread touches a packet
// unless the interrupts are remapped, when the host's IRQ handler passes
// each one to the call eventfd. A flood the guest cannot take is lost in
// its receive ring, counted there.
#include <gtest/gtest.h>

#include <string>

#include "scenarios/loader/loader.h"
#include "scenarios/runner/run_scenario.h"

namespace viosim {
namespace {

BackendResult vdpa_rr(const std::string& backend, bool page_per_vq, bool posted) {
  const std::string text =
      "name: \"rr\"\nseed: 3\nrun { duration_ms: 30 warmup_ms: 5 }\n"
      "host { cores: 8 nic { queues: 1 line_rate_gbps: 25 } }\n"
      "vm { name: \"vm0\" vcpus: 1 nic { backend: " +
      backend + " queues: 1 page_per_vq: " + (page_per_vq ? "true" : "false") +
      " } interrupts { vtd_posted: " + (posted ? "true" : "false") +
      " } }\n"
      "traffic { flow { name: \"rr\" dst: \"vm0\" request_response { think_time_us: 50 } } }\n";
  const scenarios::LoadResult r = scenarios::load_scenario_text("vdpa.textproto", text, {});
  EXPECT_TRUE(r.ok()) << scenarios::format_diagnostics(r.diagnostics);
  return r.ok() ? run(*r.scenario).backend(0) : BackendResult();
}

double value(const google::protobuf::RepeatedPtrField<NamedValue>& values, const std::string& name) {
  for (const NamedValue& v : values) {
    if (v.name() == name) return v.value();
  }
  return 0;
}

// The driver's kicks per packet through its queue pair (whole run).
double kicks_per_packet(const BackendResult& b) {
  const VmQueueResult& q = b.per_vm_queue(0);
  return double(q.kicks()) / double(q.rx_packets() + q.tx_packets());
}

// Host time outside the VM's vCPU threads, in cores.
double host_outside_vcpus(const BackendResult& b) {
  double all = 0, vcpu = 0;
  for (const NamedValue& v : b.cpu_by_category()) all += v.name() == "idle" ? 0 : v.value();
  for (const NamedValue& v : b.vms(0).vcpu_cpu_by_category()) vcpu += v.value();
  return all - vcpu;
}

TEST(Vdpa, AMappedDoorbellTakesNoExitAndAnUnmappedOneExitsOncePerKick) {
  const BackendResult mapped = vdpa_rr("VDPA", true, true);
  const BackendResult exits = vdpa_rr("VDPA", false, true);
  ASSERT_GT(mapped.nic_packets(), 100u);
  EXPECT_EQ(value(mapped.exits_by_reason(), "ept_misconfig_fast_mmio"), 0);
  // One request and one response a round trip; the response's kick is the
  // TX queue's (the RX refill kicks only when the device ran out).
  const double kicks = kicks_per_packet(exits);
  EXPECT_GT(kicks, 0.4);
  EXPECT_NEAR(value(exits.exits_by_reason(), "ept_misconfig_fast_mmio"), kicks, 0.03);
  // The exit is the only difference: the same kicks, a longer round trip.
  EXPECT_NEAR(kicks_per_packet(mapped), kicks, 0.05);
  EXPECT_GT(exits.latency_us().mean(), mapped.latency_us().mean());
}

TEST(Vdpa, NoHostThreadTouchesAPacketUnlessInterruptsAreRemapped) {
  const BackendResult posted = vdpa_rr("VDPA", true, true);
  const BackendResult remapped = vdpa_rr("VDPA", true, false);
  const BackendResult vhost = vdpa_rr("VHOST_NET", false, true);
  // Posted: the vCPU thread is the only one that runs.
  EXPECT_LT(host_outside_vcpus(posted), 1e-6);
  EXPECT_GT(host_outside_vcpus(vhost), 0.01);
  // Remapped: the host's IRQ handler runs once per interrupt, and each
  // interrupt still reaches the guest.
  EXPECT_GT(host_outside_vcpus(remapped), 1e-4);
  EXPECT_NEAR(remapped.interrupts_per_packet(), posted.interrupts_per_packet(), 0.05);
  EXPECT_GT(posted.interrupts_per_packet(), 0.9);  // an RX and a TX interrupt a round trip, as virtio takes them
  EXPECT_GT(remapped.latency_us().mean(), posted.latency_us().mean());
}

TEST(Vdpa, AFloodIsLostInTheGuestReceiveRingAndCountedThere) {
  const std::string text =
      "name: \"flood\"\nseed: 5\nrun { duration_ms: 20 warmup_ms: 5 }\n"
      "host { cores: 8 nic { queues: 1 line_rate_gbps: 25 } }\n"
      "vm { name: \"vm0\" vcpus: 1 nic { backend: VDPA queues: 1 page_per_vq: true } }\n"
      "traffic { flow { name: \"in\" dst: \"vm0\" open_loop { rate_pps: 4000000 frame_bytes: 64 } } }\n";
  const scenarios::LoadResult r = scenarios::load_scenario_text("flood.textproto", text, {});
  ASSERT_TRUE(r.ok()) << scenarios::format_diagnostics(r.diagnostics);
  const BackendResult b = run(*r.scenario).backend(0);
  // The device writes what the guest has buffers for; the rest is lost at
  // the ring, and nothing on the way in is lost anywhere else before the
  // guest's socket (whose buffer the application cannot keep empty).
  uint64_t vring = 0, socket = 0, other = 0;
  for (const PlaceCount& c : b.drops_by_place()) {
    (c.place() == "vring" ? vring : c.place() == "socket" ? socket : other) += c.count();
  }
  EXPECT_GT(vring, 0u);
  EXPECT_EQ(other, 0u);
  EXPECT_EQ(b.offered_packets(), b.delivered_packets() + vring + socket + b.in_flight_packets());
  // The guest's driver polls under load: fewer interrupts than packets.
  EXPECT_LT(b.interrupts_per_packet(), 0.5);
}

}  // namespace
}  // namespace viosim
