// SO_BUSY_POLL (vm.guest.socket_busy_poll_us) end to end: a server whose
// next request comes within its busy-poll window never sleeps: it finds
// the request by polling the RX NAPI itself, so the vCPU takes no RX
// interrupt and never halts, and each round trip is shorter by the
// interrupt and the wake-up; one whose window is shorter than the gap
// polls, gives up and sleeps as before. The VF, bare-metal and e1000
// drivers poll their rings the same way.
#include <gtest/gtest.h>

#include <string>

#include "scenarios/loader/loader.h"
#include "scenarios/runner/run_scenario.h"

namespace viosim {
namespace {

scenarios::LoadResult load_busy_poll(const std::string& backend, uint32_t busy_us, uint32_t think_us) {
  const std::string text =
      "name: \"rr\"\nseed: 9\nrun { duration_ms: 30 warmup_ms: 5 }\n"
      "host { cores: 8 nic { queues: 1 line_rate_gbps: 25 } }\n"
      "vm { name: \"vm0\" vcpus: 1 nic { backend: " +
      backend + " queues: 1 } guest { socket_busy_poll_us: " + std::to_string(busy_us) +
      " } }\n"
      "traffic { flow { name: \"rr\" dst: \"vm0\" request_response { think_time_us: " +
      std::to_string(think_us) + " } } }\n";
  return scenarios::load_scenario_text("busy_poll.textproto", text, {});
}

BackendResult rr(const std::string& backend, uint32_t busy_us, uint32_t think_us) {
  const scenarios::LoadResult r = load_busy_poll(backend, busy_us, think_us);
  EXPECT_TRUE(r.ok()) << scenarios::format_diagnostics(r.diagnostics);
  return r.ok() ? run(*r.scenario).backend(0) : BackendResult();
}

double exits(const BackendResult& b, const std::string& reason) {
  for (const NamedValue& v : b.exits_by_reason()) {
    if (v.name() == reason) return v.value();
  }
  return 0;
}

double category(const VmResult& vm, const std::string& name) {
  for (const NamedValue& v : vm.vcpu_cpu_by_category()) {
    if (v.name() == name) return v.value();
  }
  return 0;
}

TEST(BusyPoll, AServerPollingThroughTheGapNeverSleepsNorTakesAnRxInterrupt) {
  const BackendResult sleeps = rr("VHOST_NET", 0, 10);
  const BackendResult polls = rr("VHOST_NET", 50, 10);
  // Per packet (two a round trip). Sleeping, each round trip has two
  // halts, after the response and after its TX completion, and two
  // interrupts, the request's and the TX completion's. Polling: no halt,
  // and only the TX completion's interrupt (TX NAPI is not busy-polled).
  EXPECT_NEAR(exits(sleeps, "hlt"), 1.0, 0.05);
  EXPECT_EQ(exits(polls, "hlt"), 0);
  EXPECT_NEAR(sleeps.interrupts_per_packet(), 1.0, 0.05);
  EXPECT_NEAR(polls.interrupts_per_packet(), 0.5, 0.05);
  // The round trip loses the RX interrupt's delivery and the wake-up.
  EXPECT_LT(polls.latency_us().mean(), sleeps.latency_us().mean() - 1.0);
  // The vCPU spends the gaps polling in the guest kernel.
  EXPECT_GT(category(polls.vms(0), "guest_kernel"), 0.8);
  EXPECT_LT(category(sleeps.vms(0), "guest_kernel"), 0.2);
}

TEST(BusyPoll, AWindowShorterThanTheGapEndsAndTheServerSleepsAsBefore) {
  const BackendResult sleeps = rr("VHOST_NET", 0, 200);
  const BackendResult polls = rr("VHOST_NET", 20, 200);
  // The TX completion now comes while it polls: one halt a round trip
  // instead of two; the request still comes by interrupt.
  EXPECT_NEAR(exits(sleeps, "hlt"), 1.0, 0.05);
  EXPECT_NEAR(exits(polls, "hlt"), 0.5, 0.05);
  EXPECT_NEAR(polls.interrupts_per_packet(), sleeps.interrupts_per_packet(), 0.05);
  EXPECT_NEAR(polls.latency_us().mean(), sleeps.latency_us().mean(), 0.5);
  // It still polled 20 us of every ~230 us gap.
  EXPECT_GT(category(polls.vms(0), "guest_kernel"), category(sleeps.vms(0), "guest_kernel") + 0.05);
}

// The NIC drivers of a VF and of bare metal busy-poll too, and the CPU
// never idles. Their queue pair has one vector for RX and TX (ixgbe's
// q_vector): the response's TX completion still fires it once a round
// trip, as the request's arrival did when the server slept, and the
// request then finds it masked (napi_complete_done refused). The round
// trip loses the wake-up from idle.
TEST(BusyPoll, AVfAndBareMetalPollTheirNicQueue) {
  for (const char* backend : {"PASSTHROUGH", "BARE_METAL"}) {
    const BackendResult sleeps = rr(backend, 0, 10);
    const BackendResult polls = rr(backend, 50, 10);
    EXPECT_EQ(exits(polls, "hlt"), 0) << backend;
    EXPECT_GT(category(polls.vms(0), "guest_kernel"), 0.8) << backend;
    EXPECT_LT(category(sleeps.vms(0), "guest_kernel"), 0.2) << backend;
    EXPECT_NEAR(polls.interrupts_per_packet(), 0.5, 0.05) << backend;
    EXPECT_NEAR(sleeps.interrupts_per_packet(), 0.5, 0.05) << backend;
    EXPECT_LT(polls.latency_us().mean(), sleeps.latency_us().mean() - 0.5) << backend;
  }
}

// e1000's interrupt waits out QEMU's mitigation window (128 us at
// least); a busy-polling receive finds the frame as soon as QEMU has
// written its descriptor, and the round trip no longer waits for it. The
// interrupt still comes, once a window, and e1000_intr, finding the NAPI
// held ("this really should not happen"), enables the interrupts again.
// Exits to QEMU per round trip (two packets): the response's TDT write,
// the NAPI's completion (IMS, STATUS) and per interrupt ICR, IMC, STATUS
// when it sleeps, and IMS and STATUS more when it polls.
TEST(BusyPoll, E1000SkipsItsMitigationWindowButStillTakesItsInterrupts) {
  const BackendResult sleeps = rr("E1000", 0, 10);
  const BackendResult polls = rr("E1000", 200, 10);
  EXPECT_GT(sleeps.latency_us().mean(), 100);
  EXPECT_LT(polls.latency_us().mean(), sleeps.latency_us().mean() / 2);
  EXPECT_EQ(exits(polls, "hlt"), 0);
  auto per_interrupt = [](const BackendResult& b) {
    return (exits(b, "mmio_userspace") - 0.5 - 1.0) / b.interrupts_per_packet();
  };
  EXPECT_NEAR(sleeps.interrupts_per_packet(), 0.5, 0.01);
  EXPECT_NEAR(per_interrupt(sleeps), 3.0, 0.05);
  EXPECT_GT(polls.interrupts_per_packet(), 0.1);
  EXPECT_NEAR(per_interrupt(polls), 5.0, 0.05);
}

TEST(BusyPoll, AForwarderIsToldItHasNoSocketToPoll) {
  const std::string text =
      "name: \"fwd\"\nhost { cores: 8 nic { queues: 1 } }\n"
      "vm { name: \"fw\" vcpus: 1 nic { backend: VHOST_NET queues: 1 } forward { mode: KERNEL } "
      "guest { socket_busy_poll_us: 50 } }\n"
      "traffic { flow { name: \"f\" src: \"external\" dst: \"external\" via: [\"fw\"] open_loop { rate_pps: 1000 } } "
      "}\n";
  const scenarios::LoadResult r = scenarios::load_scenario_text("fwd.textproto", text, {});
  ASSERT_TRUE(r.ok()) << scenarios::format_diagnostics(r.diagnostics);
  const std::string said = scenarios::format_diagnostics(r.warnings);
  EXPECT_NE(said.find("socket_busy_poll_us has no effect: the VM forwards"), std::string::npos) << said;
}

}  // namespace
}  // namespace viosim
