// Open-addressing set of cancelled event orders.
#include "sim-core/cancel_set.h"

namespace viosim::core {

bool CancelSet::insert(uint64_t key) {
  if ((size_ + 1) * 2 > slots_.size()) grow();
  const size_t mask = slots_.size() - 1;
  for (size_t i = home(key);; i = (i + 1) & mask) {
    if (slots_[i] == key) return false;
    if (slots_[i] == kEmpty) {
      slots_[i] = key;
      ++size_;
      return true;
    }
  }
}

bool CancelSet::contains(uint64_t key) const {
  const size_t mask = slots_.size() - 1;
  for (size_t i = home(key);; i = (i + 1) & mask) {
    if (slots_[i] == key) return true;
    if (slots_[i] == kEmpty) return false;
  }
}

void CancelSet::erase_at(size_t i) {
  const size_t mask = slots_.size() - 1;
  // Backward shift: pull later members of the probe run into the gap.
  for (size_t j = (i + 1) & mask; slots_[j] != kEmpty; j = (j + 1) & mask) {
    const size_t h = home(slots_[j]);
    // Move slots_[j] to i unless its home lies cyclically in (i, j].
    const bool home_in_range = i <= j ? (h > i && h <= j) : (h > i || h <= j);
    if (!home_in_range) {
      slots_[i] = slots_[j];
      i = j;
    }
  }
  slots_[i] = kEmpty;
  --size_;
}

void CancelSet::grow() {
  std::vector<uint64_t> old;
  old.swap(slots_);
  slots_.assign(old.size() * 2, kEmpty);
  --shift_;
  size_ = 0;
  for (uint64_t k : old) {
    if (k != kEmpty) insert(k);
  }
}

}  // namespace viosim::core
