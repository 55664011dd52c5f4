// Receive-side scaling for one NIC port: a Toeplitz key and an indirection
// table (RETA) that map each flow to an rx queue. The low bits of the hash
// index the table, as in the Microsoft RSS spec and the Intel datasheets
// ("the seven LSBs of the hash index the 128-entry RETA", 82599/I210), and an
// empty table is filled the way Linux drivers do by default
// (ethtool_rxfh_indir_default: entry i -> queue i mod queues).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "models/nic/toeplitz.h"

namespace viosim::models {

class RssTable {
 public:
  static constexpr uint32_t kDefaultEntries = 128;  // 82599, virtio-net

  // `key`: at least 16 bytes (the 12-byte 4-tuple input + 4).
  // `indirection`: one queue per entry, exactly `entries` of them, each below
  // `queues`; empty means the round-robin default.
  // `entries`: a power of two (the hash is masked, not reduced modulo).
  // Throws std::invalid_argument for anything else.
  RssTable(std::span<const uint8_t> key, std::vector<uint16_t> indirection, uint32_t entries,
           uint32_t queues);
  // Default key, round-robin table of kDefaultEntries.
  explicit RssTable(uint32_t queues);

  uint32_t hash(const FlowTuple& flow) const;
  uint32_t queue_for_hash(uint32_t hash) const { return indirection_[hash & (entries_ - 1)]; }
  uint32_t queue_for(const FlowTuple& flow) const { return queue_for_hash(hash(flow)); }

  // ethtool -X: replaces the table (same rules as the constructor; empty
  // restores the default).
  void set_indirection(std::vector<uint16_t> indirection);

  uint32_t entries() const { return entries_; }
  uint32_t queues() const { return queues_; }
  const std::vector<uint16_t>& indirection() const { return indirection_; }
  const std::vector<uint8_t>& key() const { return key_; }

 private:
  std::vector<uint8_t> key_;
  uint32_t entries_;
  uint32_t queues_;
  std::vector<uint16_t> indirection_;
  // Per input byte position and byte value, its XOR contribution to the
  // hash: the key is fixed, so a flow's hash costs 12 lookups, not 96 bit steps.
  std::vector<std::array<uint32_t, 256>> byte_tables_;
};

}  // namespace viosim::models
