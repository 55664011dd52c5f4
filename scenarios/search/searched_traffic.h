// The traffic a rate search varies: which open-loop flows, how a total rate
// splits among them (in the proportions the scenario gives), the highest
// total their host NICs carry, and what a run's results say about them.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "scenarios/schema/viosim/results.pb.h"
#include "scenarios/schema/viosim/scenario.pb.h"
#include "scenarios/search/rate_search.h"

namespace viosim::search {

// A request the scenario cannot serve (a flow that is not there or not
// open-loop); the message is for the user.
class SearchError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class SearchedTraffic {
 public:
  // `flows` empty: every open-loop flow. Throws SearchError.
  SearchedTraffic(const viosim::Scenario& scenario, const std::vector<std::string>& flows);

  const std::vector<std::string>& flow_names() const { return names_; }
  // The searched flows' total offered rate as the scenario writes it: every
  // copy of a VM, both directions of a bidirectional flow.
  double nominal_pps() const { return nominal_pps_; }
  // The highest total at which every host NIC carries its share of the
  // searched flows, each direction within its line rate (frames plus 20 B
  // of preamble and gap each); 0 when no searched flow crosses a NIC.
  double line_rate_pps() const { return line_rate_pps_; }
  // Mean frame size over the searched packets, for Gb/s.
  double mean_frame_bytes() const { return mean_frame_bytes_; }

  // The scenario with the searched flows at `total_pps` together.
  viosim::Scenario at_rate(double total_pps) const;
  // The same change made to `base`, a variant of the scenario (another
  // backend, say) with the same flows.
  viosim::Scenario at_rate(const viosim::Scenario& base, double total_pps) const;
  // The searched flows' figures in one backend's result of a run at
  // `total_pps` (a bidirectional flow's reverse direction included). A
  // direction sent from inside the host (a VM's or the host's application)
  // that sent fewer packets than the rate asks over the run, beyond the
  // spread of Poisson arrivals (4 standard deviations), counts the rest as
  // unsent.
  TrialOutcome outcome(const viosim::BackendResult& result, double total_pps) const;

 private:
  // One direction of a searched flow, as the results name it.
  struct Direction {
    std::string name;       // "NAME" or "NAME (reverse)"
    double share = 0;       // of the total rate
    bool external = false;  // sent by the external peer, which never falls behind
  };
  viosim::Scenario scenario_;
  std::vector<int> indices_;  // into scenario_.traffic().flow()
  std::vector<std::string> names_;
  std::vector<Direction> directions_;
  double nominal_pps_ = 0;
  double line_rate_pps_ = 0;
  double mean_frame_bytes_ = 0;
};

}  // namespace viosim::search
