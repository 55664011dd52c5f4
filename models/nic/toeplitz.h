// The Toeplitz hash that NICs use for receive-side scaling (RSS), with the
// inputs the Microsoft RSS specification defines for IPv4: the 2-tuple
// (source address, destination address) and the 4-tuple (plus source and
// destination port), all in network byte order. Also the well-known 40-byte
// key that DPDK's Intel PMDs program by default (DPDK rss_intel_key), and a
// parser for hex keys so scenario data can name keys in the form people
// read. The flow 4-tuple itself is models/packet/flow_tuple.h.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/packet/flow_tuple.h"

namespace viosim::models {

// 6d5a56da 255b0ec2 ... beac01fa: the key of the Microsoft RSS verification
// suite (82599 datasheet 7.1.2.8.3, DPDK app/test/test_thash.c).
inline constexpr std::array<uint8_t, 40> kDefaultRssKey = {
    0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
    0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
    0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa};

inline constexpr size_t kRssInputIpv4Len = 8;       // src ip, dst ip
inline constexpr size_t kRssInputIpv4PortsLen = 12;  // + src port, dst port

// Toeplitz hash: for every set bit i of `input` (most significant bit of the
// first byte first), XOR in the 32-bit window of `key` that starts at key bit
// i. Throws std::invalid_argument unless key.size() >= input.size() + 4, the
// length that keeps every window inside the key.
uint32_t toeplitz_hash(std::span<const uint8_t> key, std::span<const uint8_t> input);

// The Microsoft-spec inputs: src ip | dst ip (8 bytes) and
// src ip | dst ip | src port | dst port (12 bytes), big-endian.
std::array<uint8_t, kRssInputIpv4Len> rss_input_ipv4(uint32_t src_ip, uint32_t dst_ip);
std::array<uint8_t, kRssInputIpv4PortsLen> rss_input_ipv4_ports(uint32_t src_ip, uint32_t dst_ip,
                                                                uint16_t src_port,
                                                                uint16_t dst_port);

// The hash of a flow with the given key: the 4-tuple input when the flow has
// ports, else the 2-tuple input.
uint32_t toeplitz_hash(std::span<const uint8_t> key, const FlowTuple& flow);

// "6d5a56da 255b0ec2 ..." or "6d:5a:56:da:..." or "0x6d5a..." -> bytes.
// Whitespace, ':' and '-' separate freely; a leading "0x" is allowed. Throws
// std::invalid_argument for another character, an odd digit count or no
// digits at all.
std::vector<uint8_t> parse_hex_bytes(std::string_view text);

}  // namespace viosim::models
