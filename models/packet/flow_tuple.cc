// The dotted-IPv4 parser and printer.
#include "models/packet/flow_tuple.h"

#include <stdexcept>

namespace viosim::models {

uint32_t parse_ipv4(std::string_view text) {
  const auto bad = [&] {
    return std::invalid_argument("'" + std::string(text) + "' is not a dotted IPv4 address");
  };
  uint32_t ip = 0;
  size_t pos = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (pos >= text.size() || text[pos] != '.') throw bad();
      ++pos;
    }
    uint32_t value = 0;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      value = value * 10 + static_cast<uint32_t>(text[pos] - '0');
      ++pos;
      if (++digits > 3) throw bad();
    }
    if (digits == 0 || value > 255) throw bad();
    ip = (ip << 8) | value;
  }
  if (pos != text.size()) throw bad();
  return ip;
}

std::string format_ipv4(uint32_t ip) {
  return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 0xff) + "." +
         std::to_string((ip >> 8) & 0xff) + "." + std::to_string(ip & 0xff);
}

}  // namespace viosim::models
