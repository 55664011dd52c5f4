#include "scenarios/search/searched_traffic.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "scenarios/loader/flow_rates.h"
#include "scenarios/loader/suggest.h"

namespace viosim::search {
SearchedTraffic::SearchedTraffic(const viosim::Scenario& scenario, const std::vector<std::string>& flows)
    : scenario_(scenario) {
  const auto& all = scenario.traffic().flow();
  std::vector<std::string> every;
  for (const auto& f : all) every.push_back(f.name());
  std::set<std::string> seen;
  for (const std::string& name : flows) {
    auto it = std::find_if(all.begin(), all.end(), [&](const viosim::Flow& f) { return f.name() == name; });
    if (it == all.end()) {
      throw SearchError("the scenario has no flow \"" + name + "\"" + scenarios::did_you_mean(name, every) +
                        " (flows: " + scenarios::join(every) + ")");
    }
    if (!it->has_open_loop()) {
      throw SearchError("flow \"" + name + "\" is " + (it->has_bulk() ? "bulk" : "request/response") +
                        ": only an open-loop flow has an offered rate to search");
    }
    if (seen.insert(name).second) indices_.push_back(static_cast<int>(it - all.begin()));
  }
  if (flows.empty()) {
    for (int i = 0; i < all.size(); ++i) {
      if (all[i].has_open_loop()) indices_.push_back(i);
    }
    if (indices_.empty()) {
      throw SearchError(
          "the scenario has no open-loop flow, so no offered rate to search (flows: " + scenarios::join(every) + ")");
    }
  }
  // Per host NIC and direction: bits on the wire per second at the
  // scenario's rates.
  std::map<std::pair<const viosim::Nic*, bool>, double> wire_bps;
  double bytes = 0;
  for (int i : indices_) {
    const viosim::Flow& f = all[i];
    names_.push_back(f.name());
    const double directions = f.bidirectional() ? 2 : 1;
    const double pps = scenarios::open_loop_pps(f.open_loop()) * scenarios::flow_copies(scenario, f);
    const double frame = scenarios::mean_frame_bytes(f.open_loop());
    nominal_pps_ += pps * directions;
    bytes += pps * directions * frame;
    if (const viosim::Nic* nic = scenarios::flow_uplink(scenario, f)) {
      // A flow routed through VMs enters and leaves by one port: each
      // direction carries it both ways. P2P enters by one port and leaves
      // by the other, its reverse the other way round: once each.
      const bool routed = scenarios::routed_through_vms(f);
      const bool p2p = scenarios::is_p2p(f);
      const bool inbound = f.src() == "external";
      for (bool in : {inbound, !inbound}) {
        const double ways = routed ? directions : p2p || in == inbound || f.bidirectional() ? 1 : 0;
        wire_bps[{nic, in}] += ways * pps * (frame + scenarios::kWireOverheadBytes) * 8;
      }
    }
  }
  mean_frame_bytes_ = nominal_pps_ > 0 ? bytes / nominal_pps_ : 0;
  for (int i : indices_) {
    const viosim::Flow& f = all[i];
    const double share = scenarios::open_loop_pps(f.open_loop()) * scenarios::flow_copies(scenario, f) / nominal_pps_;
    directions_.push_back({f.name(), share, f.src() == "external"});
    if (f.bidirectional()) directions_.push_back({f.name() + " (reverse)", share, f.dst() == "external"});
  }
  double scale = std::numeric_limits<double>::infinity();
  for (const auto& [where, bps] : wire_bps) {
    if (bps > 0) scale = std::min(scale, where.first->line_rate_gbps() * 1e9 / bps);
  }
  line_rate_pps_ = wire_bps.empty() || !(nominal_pps_ > 0) ? 0 : scale * nominal_pps_;
}

viosim::Scenario SearchedTraffic::at_rate(double total_pps) const { return at_rate(scenario_, total_pps); }

viosim::Scenario SearchedTraffic::at_rate(const viosim::Scenario& base, double total_pps) const {
  viosim::Scenario s = base;
  const double scale = total_pps / nominal_pps_;
  for (int i : indices_) {
    viosim::OpenLoop* load = s.mutable_traffic()->mutable_flow(i)->mutable_open_loop();
    load->set_rate_pps(scenarios::open_loop_pps(*load) * scale);  // replaces a rate_mbps
  }
  return s;
}

TrialOutcome SearchedTraffic::outcome(const viosim::BackendResult& result, double total_pps) const {
  TrialOutcome o;
  const double seconds = scenario_.run().duration_ms() / 1000;
  for (const viosim::FlowResult& f : result.flows()) {
    const auto d =
        std::find_if(directions_.begin(), directions_.end(), [&](const Direction& x) { return x.name == f.name(); });
    if (d == directions_.end()) continue;
    o.offered += f.offered_packets();
    for (const auto& place : f.drops_by_place()) o.lost += place.count();
    o.receive_rate += f.throughput_pps();
    o.still_growing = o.still_growing || f.still_growing();
    if (!d->external) {
      const double expected = total_pps * d->share * seconds;
      const double short_by = expected - double(f.offered_packets()) - (4 * std::sqrt(expected) + 2);
      if (short_by > 0) o.unsent += static_cast<uint64_t>(std::ceil(short_by));
    }
  }
  return o;
}

}  // namespace viosim::search
