// Toeplitz hashing and the hex-key parser. The hash walks the input a byte
// at a time with a 40-bit view of the key, so each of the byte's 8 windows is
// a shift of one register instead of a bit-by-bit key walk.
#include "models/nic/toeplitz.h"

#include <stdexcept>

namespace viosim::models {

uint32_t toeplitz_hash(std::span<const uint8_t> key, std::span<const uint8_t> input) {
  if (key.size() < input.size() + 4) {
    throw std::invalid_argument("Toeplitz key of " + std::to_string(key.size()) +
                                " bytes is too short for " + std::to_string(input.size()) +
                                " input bytes (needs input + 4)");
  }
  uint32_t result = 0;
  for (size_t j = 0; j < input.size(); ++j) {
    const uint8_t byte = input[j];
    if (byte == 0) continue;
    // Key bits [8j, 8j + 40): enough for the windows of all 8 input bits.
    const uint64_t view = (uint64_t{key[j]} << 32) | (uint64_t{key[j + 1]} << 24) |
                          (uint64_t{key[j + 2]} << 16) | (uint64_t{key[j + 3]} << 8) |
                          uint64_t{key[j + 4]};
    for (int b = 0; b < 8; ++b) {
      if (byte & (0x80u >> b)) result ^= static_cast<uint32_t>(view >> (8 - b));
    }
  }
  return result;
}

namespace {
void put_be32(uint8_t* out, uint32_t v) {
  out[0] = static_cast<uint8_t>(v >> 24);
  out[1] = static_cast<uint8_t>(v >> 16);
  out[2] = static_cast<uint8_t>(v >> 8);
  out[3] = static_cast<uint8_t>(v);
}
void put_be16(uint8_t* out, uint16_t v) {
  out[0] = static_cast<uint8_t>(v >> 8);
  out[1] = static_cast<uint8_t>(v);
}
}  // namespace

std::array<uint8_t, kRssInputIpv4Len> rss_input_ipv4(uint32_t src_ip, uint32_t dst_ip) {
  std::array<uint8_t, kRssInputIpv4Len> in{};
  put_be32(&in[0], src_ip);
  put_be32(&in[4], dst_ip);
  return in;
}

std::array<uint8_t, kRssInputIpv4PortsLen> rss_input_ipv4_ports(uint32_t src_ip, uint32_t dst_ip,
                                                                uint16_t src_port,
                                                                uint16_t dst_port) {
  std::array<uint8_t, kRssInputIpv4PortsLen> in{};
  put_be32(&in[0], src_ip);
  put_be32(&in[4], dst_ip);
  put_be16(&in[8], src_port);
  put_be16(&in[10], dst_port);
  return in;
}

uint32_t toeplitz_hash(std::span<const uint8_t> key, const FlowTuple& flow) {
  if (flow.has_ports) {
    const auto in = rss_input_ipv4_ports(flow.src_ip, flow.dst_ip, flow.src_port, flow.dst_port);
    return toeplitz_hash(key, in);
  }
  const auto in = rss_input_ipv4(flow.src_ip, flow.dst_ip);
  return toeplitz_hash(key, in);
}

std::vector<uint8_t> parse_hex_bytes(std::string_view text) {
  std::string_view rest = text;
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  if (rest.size() >= 2 && rest[0] == '0' && (rest[1] == 'x' || rest[1] == 'X')) {
    rest.remove_prefix(2);
  }
  std::vector<uint8_t> bytes;
  int high = -1;  // first nibble of a byte in progress
  for (char c : rest) {
    int nibble;
    if (c >= '0' && c <= '9') {
      nibble = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      nibble = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      nibble = c - 'A' + 10;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':' || c == '-') {
      continue;
    } else {
      throw std::invalid_argument("'" + std::string(text) + "' is not hex: bad character '" +
                                  std::string(1, c) + "'");
    }
    if (high < 0) {
      high = nibble;
    } else {
      bytes.push_back(static_cast<uint8_t>((high << 4) | nibble));
      high = -1;
    }
  }
  if (high >= 0) {
    throw std::invalid_argument("'" + std::string(text) + "' has an odd number of hex digits");
  }
  if (bytes.empty()) throw std::invalid_argument("'" + std::string(text) + "' holds no hex bytes");
  return bytes;
}

}  // namespace viosim::models
