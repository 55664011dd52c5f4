// A running 64-bit hash over the executed events: their times, targets and
// priorities in execution order. Two runs that executed the same events in
// the same order print the same fingerprint; golden tests pin it.
#pragma once

#include <cstdint>
#include <string>

namespace viosim::core {

class Fingerprint {
 public:
  void add(uint64_t word) {
    h_ ^= word;
    h_ *= 0x100000001b3ull;  // FNV-1a prime, one 64-bit word at a time
    h_ ^= h_ >> 29;
  }
  // One event: its time and a word naming its target and priority, folded
  // into one word first so the chain through h_ is one multiply long.
  void add_event(uint64_t time_ps, uint64_t who) { add(time_ps * 0x9e3779b97f4a7c15ull + who); }
  uint64_t value() const { return h_; }
  std::string hex() const;  // 16 lowercase hex digits

 private:
  uint64_t h_ = 0xcbf29ce484222325ull;
};

}  // namespace viosim::core
