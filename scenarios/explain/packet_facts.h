// What the explain library knows of a packet from the run rather than the
// trace: its flow, connection, kind and direction and, crossing between
// VMs, when it crossed; and what follows from them: the direction said in
// words, and its hops' places named after the VM (or host process) each
// was in, as the path graph of a host with several VMs names them. Shared
// by explain_packet (one packet) and record_window (every packet of a
// window).
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/packet/packet.h"
#include "models/paths/path_config.h"
#include "scenarios/explain/journey.h"
#include "scenarios/schema/viosim/scenario.pb.h"

namespace viosim::explain {

struct PacketFacts {
  uint64_t trace_id = 0;
  core::Time born;
  core::Time at;  // when it reached its application (or was lost)
  uint32_t flow = 0;
  uint32_t conn = 0;
  models::PacketKind kind = models::PacketKind::kData;
  bool to_guest = false;
  uint32_t bytes = 0;
  // A VM-to-VM or host packet: when it crossed into the receiving side
  // (the host's switch stamped it there, as the wire stamps an arriving one).
  std::optional<core::Time> crossed;
  // It goes its flow's way back (a response, or an ACK to a data sender;
  // models::reverse).
  bool back = false;
};

PacketFacts facts_of(const models::PathConfig& config, const models::Packet& p, core::Time at);

// The compared backend named `name` ("" the first); throws ExplainError.
models::PathBackend pick_backend(const viosim::Scenario& scenario, const std::string& name);

// The path config of `backend` ("" the first compared; ExplainError if not
// compared) for a replay: no trace file, no progress, `cancel` read.
models::PathConfig replay_config(const viosim::Scenario& scenario, const std::string& backend,
                                 const std::atomic<bool>* cancel);

// "request", "response", "data".
const char* kind_name(models::PacketKind kind);

// The path graph of `config` as plain lists (and as DOT when `dot` is set).
void add_graph(const models::PathConfig& config, std::vector<PathPlace>& places, std::vector<PathLink>& links,
               std::string* dot);

// "peer to guest", "VM a to VM b", "peer through fw0, fw1 to peer", ...
std::string direction_of(const models::PathConfig& config, const PacketFacts& facts);

// Names each hop's place after the VM or host process it was in, on a host
// with several VMs or a host process (the trace names places without
// them); `hops` are the packet's from its birth, in time order.
void name_places(const models::PathConfig& config, const PacketFacts& facts, std::vector<Hop>& hops);

}  // namespace viosim::explain
