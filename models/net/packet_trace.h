// A packet's journey in a trace: each hop is a flow step of the packet's
// trace id, on the track of whoever moved it (a host thread, the wire, a
// device), naming the place it reached (path_places.h) and what happened
// to it there. Without a trace each call is one null test.
#pragma once

#include <string>
#include <string_view>

#include "models/host/host_thread.h"
#include "models/packet/packet.h"
#include "models/net/path_places.h"
#include "sim-core/trace.h"

namespace viosim::models {

inline void trace_hop(core::TraceWriter& tw, int track, const Packet& p, core::Time at, std::string_view place,
                      std::string_view what, core::TraceWriter::FlowPhase phase = core::TraceWriter::FlowPhase::kStep) {
  tw.flow(track, trace_id(p), phase, at, place, what);
}

// A hop made now by thread `by`.
inline void trace_hop(HostThread& by, const Packet& p, std::string_view place, std::string_view what) {
  if (core::TraceWriter* tw = by.sim().tracer()) trace_hop(*tw, by.trace_track(), p, by.now(), place, what);
}

// A copy of the packet's bytes by thread `by`, starting now: "copy 64 B " + what.
inline void trace_copy(HostThread& by, const Packet& p, std::string_view what) {
  if (by.sim().tracer() == nullptr) return;
  by.trace_instant(CauseKind::kCopy, "copy " + std::to_string(p.bytes) + " B " + std::string(what));
}

}  // namespace viosim::models
