// The search for a path's zero-loss rate (NDR) and partial-drop rate (PDR),
// as RFC 2544 section 26.1 and FD.io CSIT's MLRsearch define them: trials at
// chosen offered rates, each passing or failing on its loss, until each
// rate lies between a passing and a failing trial closer than the precision
// asked. The trial itself (a simulation run) is a function handed in, so
// the search is the same for any path and testable on its own.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace viosim::search {

struct SearchSettings {
  double min_rate = 0;        // lowest rate tried (> 0)
  double max_rate = 0;        // first trial and highest rate (>= min_rate)
  double pdr_loss_ratio = 0.005;  // loss allowed at the PDR (CSIT's 0.5 %)
  double precision = 0.005;   // relative width goal: (fail - pass) <= precision * fail
  int max_trials = 40;
};

// What one trial measured for the searched traffic.
struct TrialOutcome {
  uint64_t offered = 0;  // packets sent over the whole run
  uint64_t lost = 0;     // packets dropped anywhere, whole run
  // Packets a sender inside the host (a guest or host application that
  // could not keep up) never sent of those the rate asked for: lost to the
  // rate as surely as dropped ones.
  uint64_t unsent = 0;
  double receive_rate = 0;  // packets delivered per second of measured time
  // Latency still rising at the end: the path is overloaded, and a longer
  // trial would lose packets. Fails both criteria.
  bool still_growing = false;
  uint64_t missing() const { return lost + unsent; }
  double loss_ratio() const { return offered + unsent == 0 ? 0 : double(missing()) / double(offered + unsent); }
};

struct Trial {
  double rate = 0;
  TrialOutcome outcome;
  bool ndr_pass = false;
  bool pdr_pass = false;
};

// Where one criterion ended: its highest passing and lowest failing rate
// (0 when there is none).
struct Bounds {
  double pass = 0;
  double fail = 0;
  bool at_max() const { return fail == 0 && pass > 0; }     // even max_rate passed
  bool below_min() const { return pass == 0 && fail > 0; }  // even min_rate failed
};

struct SearchResult {
  std::vector<Trial> trials;  // in the order run
  Bounds ndr;
  Bounds pdr;
  bool converged = false;  // both met the precision (or hit a bound) within max_trials
};

using TrialFunction = std::function<TrialOutcome(double rate)>;

// A rate as the search prints it: seven significant digits, as trials run
// them, never in exponent form ("14880952 pkt/s", "576730.2 pkt/s").
std::string rate_text(double pps);

// Runs trials until both rates are found. The first trial is at max_rate;
// if it fails, the next tries the rate the path delivered in it (a
// saturated path's receive rate is close to what it carries), then steps
// grow by doubling away from the last result until the other side is
// found, then bisect. A pass above a recorded failure narrows nothing; a
// failure below a recorded pass becomes the new failing bound, and the
// highest pass below it the passing one (as MLRsearch keeps the lowest
// failure). Every trial is kept in `trials`.
SearchResult search_rates(const SearchSettings& settings, const TrialFunction& trial);

}  // namespace viosim::search
