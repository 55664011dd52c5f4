// Path graphs per backend, their check and DOT output.
#include "models/paths/path_graph.h"

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/graphviz.hpp>
#include <ostream>
#include <stdexcept>
#include <vector>

namespace viosim::models {
namespace {

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
  b.hop("application", "guest", "UDP/IP stack", "guest", "sendto");
  b.hop("UDP/IP stack", "guest", device, "guest", "ndo_start_xmit");
  b.hop(device, "guest", "UDP/IP stack", "guest", "NAPI poll");
  b.hop("UDP/IP stack", "guest", "application", "guest", "socket wake-up");
}

void kernel_nic_to_tap(Builder& b, const std::string& reader, const std::string& reader_where) {
  b.hop("host NIC", "device", "softirq (NAPI)", "host kernel", "MSI-X (moderated)");
  b.hop("softirq (NAPI)", "host kernel", "bridge", "host kernel", "netif_receive_skb");
  b.hop("bridge", "host kernel", "tap queue", "host kernel", "tun_net_xmit (500 entries)");
  b.hop("tap queue", "host kernel", reader, reader_where, "socket wake-up");
}

}  // namespace

PathGraph build_path_graph(const PathConfig& c) {
  Builder b;
  b.hop("host NIC", "device", "wire", "wire", "DMA + serialisation");
  b.hop("wire", "wire", "peer", "peer", "propagation");
  b.hop("peer", "peer", "wire in", "wire", "response / traffic");
  b.hop("wire in", "wire", "host NIC", "device", "propagation");
  switch (c.backend) {
    case PathBackend::kVirtioUserspace:
      guest_stack(b, "virtio-net driver");
      b.hop("virtio-net driver", "guest", "TX vring", "guest memory", "add + kick (MMIO exit, ioeventfd)");
      b.hop("TX vring", "guest memory", "QEMU main loop", "QEMU", "ppoll wake-up, TX bottom half");
      b.hop("QEMU main loop", "QEMU", "host NIC", "device", "writev(tap) -> bridge -> NIC xmit");
      kernel_nic_to_tap(b, "QEMU main loop", "QEMU");
      b.hop("QEMU main loop", "QEMU", "RX vring", "guest memory", "read(tap) + copy");
      b.hop("RX vring", "guest memory", "virtio-net driver", "guest", "MSI by ioctl (KVM_SIGNAL_MSI)");
      break;
    case PathBackend::kVhostNet:
      guest_stack(b, "virtio-net driver");
      b.hop("virtio-net driver", "guest", "TX vring", "guest memory", "add + kick (MMIO exit, ioeventfd)");
      b.hop("TX vring", "guest memory", "vhost worker", "host kernel", "eventfd wake-up, handle_tx");
      b.hop("vhost worker", "host kernel", "host NIC", "device", "tun_sendmsg (batch 64) -> bridge -> NIC");
      kernel_nic_to_tap(b, "vhost worker", "host kernel");
      b.hop("vhost worker", "host kernel", "RX vring", "guest memory", "handle_rx: recvmsg + copy");
      b.hop("RX vring", "guest memory", "virtio-net driver", "guest", "irqfd (inline in the worker)");
      break;
    case PathBackend::kVhostUser:
      guest_stack(b, "virtio-net driver");
      b.hop("virtio-net driver", "guest", "TX vring", "guest memory", "add (kicks suppressed)");
      b.hop("TX vring", "guest memory", "PMD thread", "host user (DPDK)", "poll, burst of 32");
      b.hop("PMD thread", "host user (DPDK)", "host NIC", "device", "DPDK tx burst");
      b.hop("host NIC", "device", "PMD thread", "host user (DPDK)", "poll, burst of 32");
      b.hop("PMD thread", "host user (DPDK)", "RX vring", "guest memory", "enqueue + copy");
      b.hop("RX vring", "guest memory", "virtio-net driver", "guest", "eventfd_write(callfd) -> irqfd");
      break;
    case PathBackend::kE1000:
      guest_stack(b, "e1000 driver");
      b.hop("e1000 driver", "guest", "e1000 model (vCPU thread)", "QEMU", "TDT write (exit to QEMU)");
      b.hop("e1000 model (vCPU thread)", "QEMU", "host NIC", "device", "writev(tap) -> bridge -> NIC xmit");
      kernel_nic_to_tap(b, "e1000 model (main loop)", "QEMU");
      b.hop("e1000 model (main loop)", "QEMU", "e1000 RX ring", "guest memory", "read(tap) + copy");
      b.hop("e1000 RX ring", "guest memory", "e1000 driver", "guest",
            "INTx by ioctl; ICR/IMC/STATUS/IMS/STATUS exits");
      break;
    case PathBackend::kPassthrough:
      guest_stack(b, "VF driver");
      b.hop("VF driver", "guest", "host NIC", "device", "tail doorbell (no exit), DMA via IOTLB");
      b.hop("host NIC", "device", "VF driver", "guest",
            c.vtd_posted ? "DMA via IOTLB, posted interrupt (no exit)" : "DMA, remapped MSI -> VFIO -> irqfd");
      break;
    case PathBackend::kBareMetal:
      guest_stack(b, "NIC driver");
      b.hop("NIC driver", "host kernel", "host NIC", "device", "tail doorbell, DMA");
      b.hop("host NIC", "device", "NIC driver", "host kernel", "DMA, MSI-X (moderated)");
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
  const auto app = find("application");
  const auto peer = find("peer");
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
