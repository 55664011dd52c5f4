// `viosim explain`: follow one packet through one I/O path of a scenario.
// The CLI and the GUI both call explain_packet and print (or export)
// journey_text.
//
//   const auto loaded = scenarios::load_scenario("scenarios/examples/explain_rr.textproto");
//   const explain::Journey j = explain::explain_packet(*loaded.scenario, {.backend = "VHOST_NET"});
//   std::cout << explain::journey_text(j);
//
// The run is played twice with the same seed (runs are deterministic): once
// to find the packet, once with an in-memory trace whose window is exactly
// the packet's life. Each play stops soon after what it needs.
#pragma once

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "scenarios/explain/journey.h"
#include "scenarios/schema/viosim/scenario.pb.h"

namespace viosim::explain {

struct ExplainOptions {
  // A backend the scenario compares, by name ("VHOST_NET"); empty: the
  // first one it compares.
  std::string backend;
  // Which packet: the N-th (from 0) to reach its destination application
  // (the guest's, or the peer's after its stack) after the warm-up and by
  // the end of the run, in order of that time (ties in the order the
  // simulation reached them). Requests, responses and data all count.
  uint64_t packet = 0;
  // Count only this flow's packets; empty: every flow's.
  std::string flow;
  // Set from another thread to stop: explain_packet then throws
  // models::Cancelled (models/paths/cancelled.h) within a slice of the run.
  const std::atomic<bool>* cancel = nullptr;
};

// Options that do not fit the scenario: a backend it does not compare, a
// flow it does not have, a packet beyond those delivered. The message says
// which and what there is.
class ExplainError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `resolved` is a loaded (validated, resolved) scenario. Throws
// ExplainError as above, scenarios::NotModelled for a backend the models
// do not cover, std::invalid_argument for a configuration they cannot build,
// models::Cancelled when options.cancel is set.
Journey explain_packet(const viosim::Scenario& resolved, const ExplainOptions& options = {});

// The journey as stable, readable text: a header, the hops with their
// causes indented (times in microseconds after the packet's birth, three
// decimals), then per core the time by CPU category and the slices.
std::string journey_text(const Journey& journey);

}  // namespace viosim::explain
