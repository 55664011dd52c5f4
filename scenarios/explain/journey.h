// One packet's journey through one I/O path, as `viosim explain` tells it
// and the GUI draws it: its hops from the application that sent it to the
// application that got it (each at a place of the path graph, with the
// events that moved it on since the hop before), what every core did over
// the same interval, and the path graph itself. Plain data: no Qt, no
// Boost, no protobuf.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/host/trace_cause.h"
#include "sim-core/time.h"

namespace viosim::explain {

using models::CauseKind;

// Something that happened on the way: a kick, a VM exit, an interrupt, a
// thread woken, an eventfd signal, a copy, a poll that found work, a
// system call ("other"). A hop keeps the notifications (kicks, signals,
// interrupts, wake-ups) from anywhere and the other events of the tracks
// that moved the packet to it (the thread, vCPU or device of this hop and
// of the one before), at most the last kMaxCauses; what else happened on
// the machine meanwhile is only counted. In a busy run, the same threads'
// work for other packets shows too.
struct Cause {
  core::Time at;
  std::string where;  // the trace track: "thread vhost_worker", "thread vm0_vcpu0", ...
  CauseKind kind = CauseKind::kOther;
  std::string text;   // "exit ept_misconfig_fast_mmio", "signal vm0_q0.rx_call", ...
};

inline constexpr size_t kMaxCauses = 40;

// The packet reached `place` at `at`.
struct Hop {
  core::Time at;
  std::string place;  // a vertex of the path graph (Journey::places)
  std::string where;  // the trace track of whoever moved it there
  std::string what;   // what happened to it there
  std::vector<Cause> causes;  // after the previous hop, up to and at this one
  uint64_t earlier = 0;       // such events before those listed (the list keeps the last kMaxCauses)
  uint64_t elsewhere = 0;     // other events meanwhile on other tracks (other threads, cores, packets)
  // Places of the path graph between the previous hop's and this one that
  // the packet went through without a hop of its own (the shortest way in
  // the graph): "softirq (NAPI)", "bridge" between host NIC and tap queue.
  std::vector<std::string> via;
};

// A core's time from `from` to `to` in one CPU category, for one thread
// (empty: no thread, the core was idle). Adjacent slices differ in
// category or thread.
struct CoreSlice {
  uint32_t core = 0;
  std::string thread;    // "vm0_vcpu0", "vhost_worker", ...
  std::string category;  // a CPU category's name (models/host/cpu_category.h)
  core::Time from;
  core::Time to;
};

// The path graph (models/paths/path_graph.h) as plain lists.
struct PathPlace {
  std::string name;   // "vhost worker", as Hop::place names it
  std::string where;  // "guest", "host kernel", "QEMU", "device", "wire", "peer"
};
struct PathLink {
  size_t from = 0;  // indices into Journey::places
  size_t to = 0;
  std::string how;  // the mechanism: "irqfd (inline in the worker)", ...
};

struct Journey {
  std::string scenario;   // the scenario's name
  std::string backend;    // "VHOST_NET"
  std::string flow;       // the flow's name
  std::string kind;       // "request", "response" or "data"
  std::string direction;  // "peer to guest", "guest to peer", or VM to VM "VM a to VM b"
  uint32_t bytes = 0;     // frame bytes
  uint64_t index = 0;     // the N of "packet N" (see ExplainOptions::packet)
  uint64_t trace_id = 0;  // its flow id in a trace of the same run
  core::Time from;        // born: its application sent it
  core::Time to;          // delivered: its application got it
  std::vector<Hop> hops;  // in time order; the first at `from`, the last at `to`
  uint32_t cores = 0;     // the host's cores (timeline indices are below it)
  std::vector<CoreSlice> timeline;  // by core, then time; each core covers [from, to]
  std::vector<PathPlace> places;
  std::vector<PathLink> links;
  std::string dot;        // the path graph as Graphviz DOT

  core::Duration one_way() const { return to - from; }
};

}  // namespace viosim::explain
