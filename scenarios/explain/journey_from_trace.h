// Reading a journey back from an in-memory trace: the packet's flow steps
// become hops, the instants between them their causes, the cores' slices
// the timeline. Separate from the runs so it can be checked on its own.
#pragma once

#include <cstdint>
#include <vector>

#include "scenarios/explain/journey.h"
#include "sim-core/trace_recording.h"

namespace viosim::explain {

// Fills `journey.hops` and `journey.timeline` from `recording`, whose
// window is the packet's life [journey.from, journey.to]; `trace_id` names
// the packet. Throws std::logic_error if the recording has no step of it.
void read_journey(const core::TraceRecording& recording, uint64_t trace_id, Journey& journey);

// Every core's slices in `recording`, by core then time, adjacent slices of
// one thread and category merged.
std::vector<CoreSlice> read_timeline(const core::TraceRecording& recording);

// Fills each hop's `via` from the journey's places and links (after they
// are set): the graph places crossed without a hop of their own.
void add_via(Journey& journey);

}  // namespace viosim::explain
