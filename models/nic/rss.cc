// RSS queue selection. The per-byte tables rely on Toeplitz being linear over
// XOR: the hash of an input is the XOR of the hashes of its bytes in place.
#include "models/nic/rss.h"

#include <stdexcept>
#include <string>

namespace viosim::models {

RssTable::RssTable(std::span<const uint8_t> key, std::vector<uint16_t> indirection,
                   uint32_t entries, uint32_t queues)
    : key_(key.begin(), key.end()), entries_(entries), queues_(queues) {
  if (key_.size() < kRssInputIpv4PortsLen + 4) {
    throw std::invalid_argument("RSS key of " + std::to_string(key_.size()) +
                                " bytes is shorter than the 16 an IPv4 4-tuple needs");
  }
  if (entries_ == 0 || (entries_ & (entries_ - 1)) != 0) {
    throw std::invalid_argument("RSS indirection table size " + std::to_string(entries_) +
                                " is not a power of two");
  }
  if (queues_ == 0) throw std::invalid_argument("RSS needs at least one queue");
  set_indirection(std::move(indirection));

  byte_tables_.resize(kRssInputIpv4PortsLen);
  for (size_t pos = 0; pos < kRssInputIpv4PortsLen; ++pos) {
    // Hash each lone bit at `pos` (zeros elsewhere) through the reference
    // code; a byte's hash is the XOR of its bits' (v with its lowest set
    // bit cleared, then that bit's).
    std::array<uint8_t, kRssInputIpv4PortsLen> probe{};
    std::array<uint32_t, 8> bit{};
    for (int b = 0; b < 8; ++b) {
      probe[pos] = static_cast<uint8_t>(1u << b);
      bit[b] = toeplitz_hash(key_, probe);
    }
    byte_tables_[pos][0] = 0;
    for (uint32_t v = 1; v < 256; ++v) {
      byte_tables_[pos][v] = byte_tables_[pos][v & (v - 1)] ^ bit[__builtin_ctz(v)];
    }
  }
}

RssTable::RssTable(uint32_t queues) : RssTable(kDefaultRssKey, {}, kDefaultEntries, queues) {}

void RssTable::set_indirection(std::vector<uint16_t> indirection) {
  if (indirection.empty()) {
    indirection.resize(entries_);
    for (uint32_t i = 0; i < entries_; ++i) indirection[i] = static_cast<uint16_t>(i % queues_);
  } else if (indirection.size() != entries_) {
    throw std::invalid_argument("RSS indirection table has " + std::to_string(indirection.size()) +
                                " entries, expected " + std::to_string(entries_));
  }
  for (size_t i = 0; i < indirection.size(); ++i) {
    if (indirection[i] >= queues_) {
      throw std::invalid_argument("RSS indirection entry " + std::to_string(i) + " names queue " +
                                  std::to_string(indirection[i]) + ", but there are " +
                                  std::to_string(queues_) + " queues");
    }
  }
  indirection_ = std::move(indirection);
}

uint32_t RssTable::hash(const FlowTuple& flow) const {
  const auto& t = byte_tables_;
  const uint32_t s = flow.src_ip;
  const uint32_t d = flow.dst_ip;
  uint32_t h = t[0][s >> 24] ^ t[1][(s >> 16) & 0xff] ^ t[2][(s >> 8) & 0xff] ^ t[3][s & 0xff] ^
               t[4][d >> 24] ^ t[5][(d >> 16) & 0xff] ^ t[6][(d >> 8) & 0xff] ^ t[7][d & 0xff];
  if (flow.has_ports) {
    h ^= t[8][flow.src_port >> 8] ^ t[9][flow.src_port & 0xff] ^ t[10][flow.dst_port >> 8] ^
         t[11][flow.dst_port & 0xff];
  }
  return h;
}

}  // namespace viosim::models
