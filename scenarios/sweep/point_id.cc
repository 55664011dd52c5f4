// FNV-1a with the 128-bit parameters of Fowler, Noll and Vo (offset basis
// 0x6c62272e07bb014262b821756295c58d, prime 2^88 + 0x13b). Not
// cryptographic; 128 bits make an accidental collision between the points of
// any realistic set of sweeps negligible, which is all ids need.
#include "scenarios/sweep/point_id.h"

#ifndef VIOSIM_VERSION
#define VIOSIM_VERSION "dev"
#endif

namespace viosim::sweep {
namespace {

using u128 = unsigned __int128;

constexpr u128 kOffsetBasis = (u128{0x6c62272e07bb0142ull} << 64) | 0x62b821756295c58dull;
constexpr u128 kPrime = (u128{1} << 88) | 0x13bu;

void mix(u128* h, std::string_view bytes) {
  for (unsigned char c : bytes) {
    *h ^= c;
    *h *= kPrime;
  }
}

std::string hex(u128 h) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(32, '0');
  for (int i = 31; i >= 0; --i, h >>= 4) out[i] = kHex[static_cast<unsigned>(h & 0xf)];
  return out;
}

}  // namespace

std::string fnv1a_128_hex(std::string_view bytes) {
  u128 h = kOffsetBasis;
  mix(&h, bytes);
  return hex(h);
}

std::string point_id(std::string_view scenario_text, std::string_view version) {
  u128 h = kOffsetBasis;
  mix(&h, scenario_text);
  mix(&h, "\n");
  mix(&h, version);
  return hex(h);
}

std::string_view viosim_version() { return VIOSIM_VERSION; }

}  // namespace viosim::sweep
