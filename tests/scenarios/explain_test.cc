// explain_packet on scenarios/examples/explain_rr.textproto: one packet's
// journey is complete and consistent with what FlowStats measured for the
// same packet, each path shows its own mechanisms (vhost-net: irqfd from
// the worker and no exit to userspace; userspace virtio: QEMU's system
// calls; passthrough with posted interrupts: no host thread at all), and
// the same request gives the same text.
#include "scenarios/explain/explain.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "models/kvm/exit_costs.h"
#include "models/paths/cancelled.h"
#include "models/paths/path_model.h"
#include "scenarios/builder/path_builder.h"
#include "scenarios/loader/loader.h"

namespace viosim::explain {
namespace {

viosim::Scenario load(std::vector<std::string> set = {}) {
  scenarios::LoadOptions options;
  options.set = std::move(set);
  const auto loaded =
      scenarios::load_scenario(std::string(VIOSIM_SOURCE_DIR) + "/scenarios/examples/explain_rr.textproto", options);
  if (!loaded.ok()) throw std::runtime_error(scenarios::format_diagnostics(loaded.diagnostics));
  return *loaded.scenario;
}

viosim::Scenario with_backend(const std::string& backend, std::vector<std::string> set = {}) {
  set.push_back("compare.backend=[" + backend + "]");
  return load(std::move(set));
}

// The first packet after the warm-up that goes `direction`.
Journey first(const viosim::Scenario& scenario, const std::string& direction, ExplainOptions options = {}) {
  for (options.packet = 0; options.packet < 4; ++options.packet) {
    Journey j = explain_packet(scenario, options);
    if (j.direction == direction) return j;
  }
  throw std::runtime_error("no packet goes " + direction);
}

bool has_cause(const Journey& j, CauseKind kind, const std::string& where, const std::string& text_prefix = "") {
  for (const Hop& h : j.hops) {
    for (const Cause& c : h.causes) {
      if (c.kind == kind && c.where == where && c.text.rfind(text_prefix, 0) == 0) return true;
    }
  }
  return false;
}

const Hop* hop_at(const Journey& j, const std::string& place) {
  for (const Hop& h : j.hops) {
    if (h.place == place) return &h;
  }
  return nullptr;
}

// What FlowStats saw of the packet in a plain run: its stamps and delivery.
struct Seen {
  models::Packet packet;
  core::Time at;
};
Seen flow_stats_view(const viosim::Scenario& scenario, const std::string& backend, uint64_t trace_id) {
  models::PathBackend b{};
  for (models::PathBackend candidate : scenarios::compared_backends(scenario)) {
    if (models::backend_name(candidate) == backend) b = candidate;
  }
  models::PathConfig config = scenarios::build_path_config(scenario, b);
  Seen seen;
  config.on_delivery = [&](const models::Packet& p, core::Time at) {
    if (models::trace_id(p) == trace_id && at > core::Time::zero() + config.warmup) seen = {p, at};
  };
  models::run_path(config);
  return seen;
}

// Structure every journey has, whatever the path.
void expect_well_formed(const Journey& j) {
  ASSERT_GE(j.hops.size(), 4u);
  EXPECT_EQ(j.hops.front().at, j.from);
  EXPECT_EQ(j.hops.back().at, j.to);
  core::Duration sum;
  std::set<std::string> places;
  for (const PathPlace& p : j.places) places.insert(p.name);
  for (size_t i = 0; i < j.hops.size(); ++i) {
    EXPECT_TRUE(places.count(j.hops[i].place)) << "hop " << i << " at \"" << j.hops[i].place << "\", not in the graph";
    EXPECT_FALSE(j.hops[i].what.empty());
    if (i == 0) continue;
    EXPECT_LE(j.hops[i - 1].at, j.hops[i].at) << "hop " << i;
    sum += j.hops[i].at - j.hops[i - 1].at;
    for (const Cause& c : j.hops[i].causes) {
      EXPECT_LE(j.hops[i - 1].at, c.at);
      EXPECT_LE(c.at, j.hops[i].at);
    }
  }
  EXPECT_EQ(sum, j.one_way());
  // Each core's slices tile the interval: no gap, no overlap.
  std::map<uint32_t, core::Time> reached;
  for (const CoreSlice& s : j.timeline) {
    EXPECT_LT(s.core, j.cores);
    EXPECT_LT(s.from, s.to);
    auto [it, fresh] = reached.emplace(s.core, j.from);
    EXPECT_EQ(s.from, it->second) << "core " << s.core;
    it->second = s.to;
  }
  EXPECT_EQ(reached.size(), j.cores);
  for (const auto& [core, end] : reached) EXPECT_EQ(end, j.to) << "core " << core;
  EXPECT_NE(j.dot.find("digraph"), std::string::npos);
  EXPECT_FALSE(j.links.empty());
}

TEST(Explain, VhostNetRequestMatchesFlowStatsAndIsSignalledByIrqfd) {
  const Journey j = first(load(), "peer to guest");
  EXPECT_EQ(j.backend, "VHOST_NET");
  EXPECT_EQ(j.kind, "request");
  expect_well_formed(j);
  EXPECT_EQ(j.hops.front().place, "peer");
  EXPECT_EQ(j.hops.back().place, "application");

  // The same packet in a run without a trace: the same one-way time, and
  // each of its stamps at the hop that stamped it.
  const Seen seen = flow_stats_view(load(), "VHOST_NET", j.trace_id);
  EXPECT_EQ(seen.at, j.to);
  EXPECT_EQ(seen.at - seen.packet.born, j.one_way());
  ASSERT_TRUE(hop_at(j, "host NIC") && hop_at(j, "RX vring") && hop_at(j, "virtio-net driver"));
  EXPECT_EQ(hop_at(j, "host NIC")->at, seen.packet.stamp[models::kStampWire]);
  EXPECT_EQ(hop_at(j, "RX vring")->at, seen.packet.stamp[models::kStampBackend]);
  EXPECT_EQ(hop_at(j, "virtio-net driver")->at, seen.packet.stamp[models::kStampDevice]);
  EXPECT_EQ(hop_at(j, "RX vring")->where, "thread vhost_worker");

  // irqfd: the worker signals, KVM injects; the tap woke the worker.
  EXPECT_TRUE(has_cause(j, CauseKind::kSignal, "thread vhost_worker", "signal vm0_q0.rx_call"));
  EXPECT_TRUE(has_cause(j, CauseKind::kInterrupt, "thread vm0_vcpu0"));
  EXPECT_TRUE(has_cause(j, CauseKind::kWakeup, "thread vhost_worker"));
  EXPECT_TRUE(has_cause(j, CauseKind::kCopy, "thread vhost_worker"));
  for (int r = 0; r < models::kExitReasons; ++r) {
    const auto reason = static_cast<models::ExitReason>(r);
    if (models::exit_class(reason) != models::ExitClass::kUserspace) continue;
    EXPECT_FALSE(has_cause(j, CauseKind::kExit, "thread vm0_vcpu0", "exit " + std::string(models::exit_reason_name(reason))));
  }
  bool vhost_cpu = false;
  for (const CoreSlice& s : j.timeline) vhost_cpu = vhost_cpu || (s.thread == "vhost_worker" && s.category == "vhost");
  EXPECT_TRUE(vhost_cpu);
}

TEST(Explain, VhostNetResponseIsKicked) {
  const Journey j = first(load(), "guest to peer");
  expect_well_formed(j);
  EXPECT_EQ(j.kind, "response");
  EXPECT_EQ(j.hops.front().place, "application");
  EXPECT_EQ(j.hops.back().place, "peer");
  EXPECT_TRUE(has_cause(j, CauseKind::kKick, "thread vm0_vcpu0", "kick tx"));
  EXPECT_TRUE(has_cause(j, CauseKind::kExit, "thread vm0_vcpu0", "exit ept_misconfig_fast_mmio"));
  const Seen seen = flow_stats_view(load(), "VHOST_NET", j.trace_id);
  EXPECT_EQ(seen.at - seen.packet.born, j.one_way());
  ASSERT_TRUE(hop_at(j, "vhost worker") && hop_at(j, "host NIC"));
  EXPECT_EQ(hop_at(j, "vhost worker")->at, seen.packet.stamp[models::kStampBackend]);
  EXPECT_EQ(hop_at(j, "host NIC")->at, seen.packet.stamp[models::kStampWire]);  // queued for the wire
  // Reaching the peer crosses the wire without a hop of its own.
  EXPECT_EQ(hop_at(j, "peer")->via, std::vector<std::string>{"wire"});
}

TEST(Explain, UserspaceVirtioGoesThroughQemuSystemCalls) {
  const Journey j = first(load(), "peer to guest", {.backend = "VIRTIO_USERSPACE"});
  EXPECT_EQ(j.backend, "VIRTIO_USERSPACE");
  expect_well_formed(j);
  EXPECT_EQ(hop_at(j, "RX vring")->where, "thread qemu_main");
  EXPECT_TRUE(has_cause(j, CauseKind::kOther, "thread qemu_main", "syscall ppoll"));
  EXPECT_TRUE(has_cause(j, CauseKind::kOther, "thread qemu_main", "syscall read"));
  EXPECT_TRUE(has_cause(j, CauseKind::kOther, "thread qemu_main", "syscall ioctl"));  // the MSI
  EXPECT_TRUE(has_cause(j, CauseKind::kWakeup, "thread qemu_main"));
  EXPECT_FALSE(has_cause(j, CauseKind::kSignal, "thread qemu_main"));  // no irqfd
  bool qemu_cpu = false;
  for (const CoreSlice& s : j.timeline) qemu_cpu = qemu_cpu || (s.thread == "qemu_main" && s.category == "qemu");
  EXPECT_TRUE(qemu_cpu);
}

TEST(Explain, PassthroughWithPostedInterruptsNeedsNoHostThread) {
  const Journey j = first(with_backend("PASSTHROUGH"), "peer to guest");
  expect_well_formed(j);
  EXPECT_TRUE(has_cause(j, CauseKind::kInterrupt, "thread vm0_vcpu0"));
  for (const Hop& h : j.hops) {
    EXPECT_TRUE(h.where.rfind("thread ", 0) != 0 || h.where == "thread vm0_vcpu0") << h.where;
    for (const Cause& c : h.causes) {
      EXPECT_TRUE(c.where.rfind("thread ", 0) != 0 || c.where == "thread vm0_vcpu0") << c.where << ": " << c.text;
    }
  }
  for (const CoreSlice& s : j.timeline) EXPECT_TRUE(s.thread.empty() || s.thread == "vm0_vcpu0") << s.thread;

  // Remapped instead of posted: VFIO's handler thread signals the irqfd.
  const Journey remapped =
      first(with_backend("PASSTHROUGH", {"vm[0].interrupts.vtd_posted=false"}), "peer to guest");
  expect_well_formed(remapped);
  EXPECT_TRUE(has_cause(remapped, CauseKind::kSignal, "thread vfio_irq"));
}

TEST(Explain, E1000PaysExitsToUserspaceOnTheWayIn) {
  const Journey j = first(with_backend("E1000"), "peer to guest");
  expect_well_formed(j);
  EXPECT_TRUE(has_cause(j, CauseKind::kExit, "thread vm0_vcpu0", "exit mmio_userspace"));
}

TEST(Explain, VhostUserPollsInsteadOfKicks) {
  const Journey j = first(with_backend("VHOST_USER"), "guest to peer");
  expect_well_formed(j);
  EXPECT_FALSE(has_cause(j, CauseKind::kKick, "thread vm0_vcpu0"));
  EXPECT_TRUE(has_cause(j, CauseKind::kPoll, "thread pmd0"));
  EXPECT_EQ(hop_at(j, "PMD thread")->where, "thread pmd0");
}

// A packet through a chain of two kernel forwarders, each hop named after
// the VM it is in, the request through vnf0 then vnf1, the response back;
// every place is one of the graph's.
TEST(Explain, FollowsAPacketThroughAChainVmByVm) {
  scenarios::LoadOptions options;
  options.set = {"traffic.flow[0].chain.length=2", "vm[0].forward.mode=KERNEL", "compare.backend=[VHOST_NET]"};
  const auto loaded =
      scenarios::load_scenario(std::string(VIOSIM_SOURCE_DIR) + "/scenarios/examples/chain_latency.textproto", options);
  ASSERT_TRUE(loaded.ok()) << scenarios::format_diagnostics(loaded.diagnostics);
  for (const auto& [direction, order] :
       std::map<std::string, std::vector<std::string>>{{"peer through vnf0, vnf1 to peer", {"vnf0", "vnf1"}},
                                                       {"peer through vnf1, vnf0 to peer", {"vnf1", "vnf0"}}}) {
    SCOPED_TRACE(direction);
    const Journey j = first(*loaded.scenario, direction);
    std::vector<std::string> forwarded_by;
    for (const Hop& h : j.hops) {
      if (h.place.size() > 15 && h.place.compare(h.place.size() - 15, 15, ": IP forwarding") == 0) {
        forwarded_by.push_back(h.place.substr(0, h.place.size() - 15));
      }
      EXPECT_TRUE(std::any_of(j.places.begin(), j.places.end(), [&](const PathPlace& p) { return p.name == h.place; }))
          << h.place;
    }
    EXPECT_EQ(forwarded_by, order);
    EXPECT_NE(hop_at(j, order[1] + ": tap queue"), nullptr) << "the bridge hands it to the next VM's tap";
  }
}

// P2P request/response: a request comes in by port 0 and leaves by port
// 1, its response comes back in by port 1 and leaves by port 0.
TEST(Explain, AP2pResponseGoesBackByThePortItsRequestCameIn) {
  const scenarios::LoadResult loaded = scenarios::load_scenario_text(
      "p2p.textproto",
      "name: \"p2p rr\"\n"
      "run { duration_ms: 5 warmup_ms: 1 }\n"
      "host { cores: 8 nic { name: \"nic0\" queues: 1 ports: 2 } }\n"
      "vm { name: \"idle\" pin_cores: [2] }\n"
      "traffic { flow { name: \"rr\" src: \"external\" dst: \"external\" request_response {} } }\n"
      "compare { backend: [VHOST_NET] }\n",
      {});
  ASSERT_TRUE(loaded.ok()) << scenarios::format_diagnostics(loaded.diagnostics);
  std::map<std::string, std::string> left_by;  // kind -> the wire it left the host on
  for (uint64_t n = 0; n < 4; ++n) {
    const Journey j = explain_packet(*loaded.scenario, {.packet = n});
    EXPECT_EQ(j.direction, "peer to peer through the host's switch");
    for (const Hop& h : j.hops) {
      if (h.place == "host NIC" && h.where.rfind("wire_out", 0) == 0) left_by[j.kind] = h.where;
    }
  }
  EXPECT_EQ(left_by["request"], "wire_out_port1");
  EXPECT_EQ(left_by["response"], "wire_out");
}

TEST(Explain, SameRequestSameTextAndPacketsCountInDeliveryOrder) {
  const viosim::Scenario s = load();
  const std::string text = journey_text(explain_packet(s, {.packet = 2}));
  EXPECT_EQ(text, journey_text(explain_packet(s, {.packet = 2})));
  EXPECT_NE(text.find("packet 2 of \"Explain: one 64B request/response at a time\" through VHOST_NET"),
            std::string::npos) << text;
  core::Time last;
  for (uint64_t n = 0; n < 4; ++n) {
    const Journey j = explain_packet(s, {.packet = n});
    EXPECT_LE(last, j.to);
    EXPECT_GE(j.to, core::Time::zero() + core::Milliseconds(1));  // after the warm-up
    last = j.to;
  }
  EXPECT_EQ(explain_packet(s, {.packet = 1, .flow = "rr"}).trace_id, explain_packet(s, {.packet = 1}).trace_id);
}

// A set cancel flag stops the search at once: Cancelled, not a journey.
TEST(Explain, ACancelledExplanationStops) {
  const viosim::Scenario s = load({"run.duration_ms=20000"});
  std::atomic<bool> cancel{true};
  EXPECT_THROW(explain_packet(s, {.packet = 100000000, .cancel = &cancel}), models::Cancelled);
}

TEST(Explain, OptionsThatDoNotFitTheScenarioSaySo) {
  const viosim::Scenario s = load();
  try {
    explain_packet(s, {.packet = 100000});
    ADD_FAILURE() << "no error";
  } catch (const ExplainError& e) {
    EXPECT_NE(std::string(e.what()).find("there is no packet 100000: only "), std::string::npos) << e.what();
  }
  try {
    explain_packet(s, {.backend = "E1000"});
    ADD_FAILURE() << "no error";
  } catch (const ExplainError& e) {
    EXPECT_EQ(std::string(e.what()), "backend \"E1000\" is not one the scenario compares (VHOST_NET, VIRTIO_USERSPACE)");
  }
  try {
    explain_packet(s, {.flow = "stream"});
    ADD_FAILURE() << "no error";
  } catch (const ExplainError& e) {
    EXPECT_EQ(std::string(e.what()), "the scenario has no flow \"stream\" (flows: rr)");
  }
}

TEST(Explain, FollowsAPacketIntoOneOfSeveralVms) {
  // Two VMs, the probe into the second: every hop names a place of the
  // graph, the VM's own under its name, the host's as they are.
  const std::string text =
      "name: \"two\"\n"
      "run { duration_ms: 20 warmup_ms: 5 }\n"
      "host { cores: 8 nic { queues: 2 line_rate_gbps: 25 } }\n"
      "vm { name: \"vm0\" vcpus: 1 pin_cores: [2] }\n"
      "vm { name: \"other\" vcpus: 1 pin_cores: [3] }\n"
      "traffic {\n"
      "  flow { name: \"rr\" dst: \"vm0\" request_response {} }\n"
      "  flow { name: \"rr2\" dst: \"other\" dst_ip: \"10.0.0.99\" request_response {} }\n"
      "}\n";
  const auto loaded = scenarios::load_scenario_text("two.textproto", text, {});
  ASSERT_TRUE(loaded.ok()) << scenarios::format_diagnostics(loaded.diagnostics);
  const Journey j = first(*loaded.scenario, "peer to guest", {.flow = "rr2"});
  expect_well_formed(j);
  EXPECT_NE(hop_at(j, "other: application"), nullptr);
  EXPECT_NE(hop_at(j, "other: tap queue"), nullptr);
  EXPECT_NE(hop_at(j, "host NIC"), nullptr);
  EXPECT_EQ(hop_at(j, "application"), nullptr);
  EXPECT_EQ(hop_at(j, "vm0: application"), nullptr);
}

}  // namespace
}  // namespace viosim::explain

namespace viosim::explain {
namespace {

viosim::Scenario vm_to_vm(const std::string& backend) {
  scenarios::LoadOptions options;
  options.set = {"compare.backend=[" + backend + "]"};
  const auto loaded =
      scenarios::load_scenario(std::string(VIOSIM_SOURCE_DIR) + "/scenarios/examples/vm_to_vm.textproto", options);
  if (!loaded.ok()) throw std::runtime_error(scenarios::format_diagnostics(loaded.diagnostics));
  return *loaded.scenario;
}

// A ping request from a to b leaves a's places and reaches b's: through
// the bridge between two taps on vhost-net, through the NIC on VFs.
TEST(Explain, AVmToVmPacketGoesFromOneVmsPlacesToTheOthers) {
  for (const char* backend : {"VHOST_NET", "VHOST_USER", "PASSTHROUGH"}) {
    Journey j;
    ExplainOptions options{.flow = "ping"};
    for (options.packet = 0; options.packet < 4; ++options.packet) {
      j = explain_packet(vm_to_vm(backend), options);
      if (j.kind == "request") break;
    }
    ASSERT_EQ(j.kind, "request") << backend;
    EXPECT_EQ(j.direction, "VM a to VM b") << backend;
    ASSERT_GE(j.hops.size(), 4u) << backend;
    EXPECT_EQ(j.hops.front().place, "a: application") << backend;
    EXPECT_EQ(j.hops.back().place, "b: application") << backend;
    bool left_a = false;
    for (const Hop& h : j.hops) {
      if (h.place.rfind("b: ", 0) == 0) left_a = true;
      if (left_a) {
        EXPECT_NE(h.place.rfind("a: ", 0), 0u) << backend << ": back in a at " << h.place;
      }
    }
    if (std::string(backend) == "VHOST_NET") {
      const Hop* tap = hop_at(j, "b: tap queue");
      ASSERT_NE(tap, nullptr);
      EXPECT_EQ(tap->via, std::vector<std::string>{"bridge"});  // not through the NIC
    }
  }
}

}  // namespace
}  // namespace viosim::explain
