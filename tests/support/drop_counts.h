// What a run's flow or backend lost, over all its drop places.
#pragma once

#include <cstdint>

namespace viosim {

template <class Result>
uint64_t dropped(const Result& r) {
  uint64_t n = 0;
  for (const auto& place : r.drops_by_place()) n += place.count();
  return n;
}

}  // namespace viosim
