// The IOMMU's IOTLB for one device: a fully associative LRU cache of page
// translations. A DMA to an address whose page is cached is a hit; a miss
// costs a page walk (the profile's iotlb_miss_ns). With 4 KiB mappings a
// ring of 2 KiB buffers larger than the IOTLB's reach misses on every
// buffer; 2 MiB mappings cover it. Lookups are O(entries), which is small.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace viosim::models {

class Iotlb {
 public:
  Iotlb(uint32_t entries, uint64_t page_bytes) : page_bytes_(page_bytes), pages_(entries, kEmpty) {}

  // Translates `address`; returns true on a hit. A miss fills the least
  // recently used entry.
  bool lookup(uint64_t address) {
    if (before_lookup_) before_lookup_();
    const uint64_t page = address / page_bytes_;
    for (size_t i = 0; i < pages_.size(); ++i) {
      if (pages_[i] == page) {
        // Move to the front: most recently used first.
        for (size_t j = i; j > 0; --j) pages_[j] = pages_[j - 1];
        pages_[0] = page;
        ++hits_;
        return true;
      }
    }
    for (size_t j = pages_.size(); j > 1; --j) pages_[j - 1] = pages_[j - 2];
    if (!pages_.empty()) pages_[0] = page;
    ++misses_;
    return false;
  }
  // Runs before each lookup: the DMA that devices hold back to do at
  // their times (DdioWays::settle), so that translations come in time order.
  void set_before_lookup(std::function<void()> f) { before_lookup_ = std::move(f); }
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }
  uint64_t page_bytes() const { return page_bytes_; }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  uint64_t page_bytes_;
  std::vector<uint64_t> pages_;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
  std::function<void()> before_lookup_;
};

}  // namespace viosim::models
