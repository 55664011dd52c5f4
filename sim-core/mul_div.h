// floor(a * b / c) without overflow: a machine multiply and division when
// the product fits 64 bits (the common case: a frame's bits times 1e12), a
// 128-bit one otherwise.
#pragma once

#include <cstdint>

namespace viosim::core {

inline uint64_t mul_div_floor(uint64_t a, uint64_t b, uint64_t c) {
  uint64_t product = 0;
  if (!__builtin_mul_overflow(a, b, &product)) return product / c;
  __extension__ const unsigned __int128 wide = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(wide / c);
}

}  // namespace viosim::core
