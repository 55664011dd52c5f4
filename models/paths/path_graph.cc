// The path graph read back from an assembly's wiring, its check and DOT
// output.
#include "models/paths/path_graph.h"

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/graphviz.hpp>
#include <ostream>
#include <stdexcept>
#include <vector>

#include "models/net/path_places.h"
#include "models/paths/assembly.h"
#include "models/paths/backend.h"

namespace viosim::models {

PathGraph build_path_graph(const PathConfig& config) {
  Assembly assembly(config);
  return std::move(assembly.graph);
}

void check_path_graph(const PathGraph& g) {
  auto find = [&](const std::string& name) {
    for (auto [it, end] = boost::vertices(g); it != end; ++it) {
      if (g[*it].name == name) return *it;
    }
    throw std::logic_error("the path has no \"" + name + "\"");
  };
  auto reaches = [&](PathGraph::vertex_descriptor from, PathGraph::vertex_descriptor to) {
    std::vector<boost::default_color_type> colour(boost::num_vertices(g));
    boost::breadth_first_search(
        g, from, boost::color_map(boost::make_iterator_property_map(colour.begin(), boost::get(boost::vertex_index, g))));
    return colour[to] != boost::white_color;
  };
  // Every VM's application and forwarder ("application", or "NAME:
  // application" on a host with several VMs) both ways.
  const std::string app = place::kApplication;
  auto is_end = [](const std::string& name) {
    for (const std::string end : {place::kApplication, place::kIpForward, place::kPollModeForwarder}) {
      const std::string suffix = ": " + end;
      if (name == end ||
          (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)) {
        return true;
      }
    }
    return false;
  };
  const auto peer = find(place::kPeer);
  int ends = 0;
  for (auto [it, end] = boost::vertices(g); it != end; ++it) {
    const std::string& name = g[*it].name;
    if (!is_end(name)) continue;
    ++ends;
    const std::string who = name == app ? "the application" : "\"" + name + "\"";
    if (!reaches(*it, peer)) throw std::logic_error("packets from " + who + " cannot reach the peer");
    if (!reaches(peer, *it)) throw std::logic_error("packets from the peer cannot reach " + who);
  }
  if (ends == 0) throw std::logic_error("the path has no \"" + app + "\" and no forwarder");
}

void write_dot(const PathGraph& g, const std::string& title, std::ostream& out) {
  boost::write_graphviz(
      out, g,
      [&g](std::ostream& os, PathGraph::vertex_descriptor v) {
        os << "[label=\"" << g[v].name << "\\n(" << g[v].where << ")\"]";
      },
      [&g](std::ostream& os, PathGraph::edge_descriptor e) { os << "[label=\"" << g[e].how << "\"]"; },
      [&title](std::ostream& os) { os << "label=\"" << title << "\";\nrankdir=LR;\nnode [shape=box];\n"; });
}

}  // namespace viosim::models
