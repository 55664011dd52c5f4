// Path graphs per backend, their check and DOT output.
#include "models/paths/path_graph.h"

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/graphviz.hpp>
#include <ostream>
#include <stdexcept>
#include <vector>

#include "models/net/path_places.h"

namespace viosim::models {
namespace {

using namespace place;

class Builder {
 public:
  using V = PathGraph::vertex_descriptor;
  V node(const std::string& name, const std::string& where) {
    for (auto [it, end] = boost::vertices(g_); it != end; ++it) {
      if (g_[*it].name == name) return *it;
    }
    return boost::add_vertex(PathVertex{name, where}, g_);
  }
  void hop(const std::string& from, const std::string& from_where, const std::string& to, const std::string& to_where,
           const std::string& how) {
    boost::add_edge(node(from, from_where), node(to, to_where), PathEdge{how}, g_);
  }
  PathGraph take() { return std::move(g_); }

 private:
  PathGraph g_;
};

void guest_stack(Builder& b, const std::string& device) {
  b.hop(kApplication, "guest", kGuestStack, "guest", "sendto");
  b.hop(kGuestStack, "guest", device, "guest", "ndo_start_xmit");
  b.hop(device, "guest", kGuestStack, "guest", "NAPI poll");
  b.hop(kGuestStack, "guest", kApplication, "guest", "socket wake-up");
}

void kernel_nic_to_tap(Builder& b, const std::string& reader, const std::string& reader_where) {
  b.hop(kHostNic, "device", kSoftirq, "host kernel", "MSI-X (moderated)");
  b.hop(kSoftirq, "host kernel", kBridge, "host kernel", "netif_receive_skb");
  b.hop(kBridge, "host kernel", kTapQueue, "host kernel", "tun_net_xmit (500 entries)");
  b.hop(kTapQueue, "host kernel", reader, reader_where, "socket wake-up");
}

}  // namespace

PathGraph build_path_graph(const PathConfig& c) {
  Builder b;
  b.hop(kHostNic, "device", kWire, "wire", "DMA + serialisation");
  b.hop(kWire, "wire", kPeer, "peer", "propagation");
  b.hop(kPeer, "peer", kWireIn, "wire", "response / traffic");
  b.hop(kWireIn, "wire", kHostNic, "device", "propagation");
  switch (c.backend) {
    case PathBackend::kVirtioUserspace:
      guest_stack(b, kVirtioNetDriver);
      b.hop(kVirtioNetDriver, "guest", kTxVring, "guest memory", "add + kick (MMIO exit, ioeventfd)");
      b.hop(kTxVring, "guest memory", kQemuMainLoop, "QEMU", "ppoll wake-up, TX bottom half");
      b.hop(kQemuMainLoop, "QEMU", kHostNic, "device", "writev(tap) -> bridge -> NIC xmit");
      kernel_nic_to_tap(b, kQemuMainLoop, "QEMU");
      b.hop(kQemuMainLoop, "QEMU", kRxVring, "guest memory", "read(tap) + copy");
      b.hop(kRxVring, "guest memory", kVirtioNetDriver, "guest", "MSI by ioctl (KVM_SIGNAL_MSI)");
      break;
    case PathBackend::kVhostNet:
      guest_stack(b, kVirtioNetDriver);
      b.hop(kVirtioNetDriver, "guest", kTxVring, "guest memory", "add + kick (MMIO exit, ioeventfd)");
      b.hop(kTxVring, "guest memory", kVhostWorker, "host kernel", "eventfd wake-up, handle_tx");
      b.hop(kVhostWorker, "host kernel", kHostNic, "device", "tun_sendmsg (batch 64) -> bridge -> NIC");
      kernel_nic_to_tap(b, kVhostWorker, "host kernel");
      b.hop(kVhostWorker, "host kernel", kRxVring, "guest memory", "handle_rx: recvmsg + copy");
      b.hop(kRxVring, "guest memory", kVirtioNetDriver, "guest", "irqfd (inline in the worker)");
      break;
    case PathBackend::kVhostUser:
      guest_stack(b, kVirtioNetDriver);
      b.hop(kVirtioNetDriver, "guest", kTxVring, "guest memory", "add (kicks suppressed)");
      b.hop(kTxVring, "guest memory", kPmdThread, "host user (DPDK)", "poll, burst of 32");
      b.hop(kPmdThread, "host user (DPDK)", kHostNic, "device", "DPDK tx burst");
      b.hop(kHostNic, "device", kPmdThread, "host user (DPDK)", "poll, burst of 32");
      b.hop(kPmdThread, "host user (DPDK)", kRxVring, "guest memory", "enqueue + copy");
      b.hop(kRxVring, "guest memory", kVirtioNetDriver, "guest", "eventfd_write(callfd) -> irqfd");
      break;
    case PathBackend::kE1000:
      guest_stack(b, kE1000Driver);
      b.hop(kE1000Driver, "guest", kE1000ModelVcpu, "QEMU", "TDT write (exit to QEMU)");
      b.hop(kE1000ModelVcpu, "QEMU", kHostNic, "device", "writev(tap) -> bridge -> NIC xmit");
      kernel_nic_to_tap(b, kE1000ModelMainLoop, "QEMU");
      b.hop(kE1000ModelMainLoop, "QEMU", kE1000RxRing, "guest memory", "read(tap) + copy");
      b.hop(kE1000RxRing, "guest memory", kE1000Driver, "guest", "INTx by ioctl; ICR/IMC/STATUS/IMS/STATUS exits");
      break;
    case PathBackend::kPassthrough:
      guest_stack(b, kVfDriver);
      b.hop(kVfDriver, "guest", kHostNic, "device", "tail doorbell (no exit), DMA via IOTLB");
      b.hop(kHostNic, "device", kVfDriver, "guest",
            c.vtd_posted ? "DMA via IOTLB, posted interrupt (no exit)" : "DMA, remapped MSI -> VFIO -> irqfd");
      break;
    case PathBackend::kBareMetal:
      guest_stack(b, kNicDriver);
      b.hop(kNicDriver, "host kernel", kHostNic, "device", "tail doorbell, DMA");
      b.hop(kHostNic, "device", kNicDriver, "host kernel", "DMA, MSI-X (moderated)");
      break;
  }
  return b.take();
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
  const auto app = find(place::kApplication);
  const auto peer = find(place::kPeer);
  if (!reaches(app, peer)) throw std::logic_error("packets from the application cannot reach the peer");
  if (!reaches(peer, app)) throw std::logic_error("packets from the peer cannot reach the application");
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
