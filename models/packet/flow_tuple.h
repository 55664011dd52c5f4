// A flow's 4-tuple, as every model that steers, hashes or names a flow
// sees it, and the dotted-IPv4 parser and printer scenario data use. It
// lives apart from the NIC (and its Toeplitz hash) so that the network,
// the NIC and the traffic models all share it without including each other.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace viosim::models {

// One flow as the NIC parses it. Addresses and ports are host-order numbers
// (192.168.0.1 is 0xc0a80001); the hash input is built in network order.
// has_ports selects the 4-tuple (TCP/UDP) hash over the 2-tuple (other IP).
struct FlowTuple {
  uint32_t src_ip = 0;
  uint32_t dst_ip = 0;
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  bool has_ports = false;

  friend bool operator==(const FlowTuple&, const FlowTuple&) = default;
};

// "66.9.149.187" -> 0x420995bb. Exactly four decimal parts of 0..255, no
// sign, no spaces, at most three digits each; else std::invalid_argument.
uint32_t parse_ipv4(std::string_view text);

// 0x420995bb -> "66.9.149.187".
std::string format_ipv4(uint32_t ip);

}  // namespace viosim::models
