// The wired path of one backend as a graph (Boost.Graph): the hops a packet
// takes from the guest application to the wire and back, each edge named
// for the mechanism that moves it (a kick, an irqfd, a writev, DMA). It is
// read back from the wiring: the assembly a run builds records each
// connection as it makes it (assembly.h), so the graph is the one packets
// travel. Checked before the run (both directions must connect the
// application and the peer), printed as Graphviz DOT by `viosim graph`,
// drawn by explain and the GUI.
#pragma once

#include <iosfwd>
#include <string>

#include <boost/graph/adjacency_list.hpp>

#include "models/paths/path_config.h"

namespace viosim::models {

struct PathVertex {
  std::string name;   // "vhost worker", "tap queue", ...
  std::string where;  // "guest", "host kernel", "QEMU", "device", "wire", "peer"
};
struct PathEdge {
  std::string how;  // the mechanism: "kick (MMIO exit + ioeventfd)", ...
};
using PathGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, PathVertex, PathEdge>;

// Builds the assembly of `config` (without running it) and returns its wiring.
PathGraph build_path_graph(const PathConfig& config);
// Throws std::logic_error naming the break if the application cannot reach
// the peer or the peer the application.
void check_path_graph(const PathGraph& graph);
void write_dot(const PathGraph& graph, const std::string& title, std::ostream& out);

}  // namespace viosim::models
