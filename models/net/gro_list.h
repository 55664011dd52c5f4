// Generic receive offload as napi_gro_receive and tcp_gro_receive do it,
// shared by the guest drivers' NAPI polls and the host NIC's: a poll's TCP
// data segments are merged, per connection, into held skbs of up to 64 KB,
// which go up the stack when something cannot join them or at the end of
// the poll (napi_complete_done's flush).
#pragma once

#include <cstdint>
#include <vector>

#include "models/packet/packet.h"
#include "sim-core/time.h"

namespace viosim::models {

class GroList {
 public:
  explicit GroList(PacketPool& pool) : pool_(&pool) {}

  // TCP data segment `packet`, polled by `napi` (a key: one list serves
  // several NAPI instances of a guest). Returns true when it joined the
  // held skb of its connection (and was freed into it). Otherwise it is
  // held, and `up` receives, in order, what goes up the stack first: the
  // held skb it could not join (out of sequence, longer than the held
  // skb's segments, or full) and, with every slot taken, the oldest one.
  // A merged segment shorter than the held skb's segment size ends that
  // skb, which goes to `up` too (tcp_gro_receive's `len < mss` flush).
  // `jiffy` is the kernel's jiffies now: a newly held skb keeps it as its
  // age (NAPI_GRO_CB(skb)->age).
  bool receive(const void* napi, uint32_t packet, std::vector<uint32_t>& up, int64_t jiffy = 0);
  // The end of `napi`'s poll: everything it holds goes to `up`, oldest first.
  void flush(const void* napi, std::vector<uint32_t>& up);
  // The end of `napi`'s poll at `jiffy`, on a kernel whose 1/HZ is `tick`:
  // napi_complete_done flushes everything; a poll that used its whole
  // weight (`on_weight`) stays scheduled, and __napi_poll's
  // napi_gro_flush(n, HZ >= 1000) keeps, from HZ 1000 on, the skbs held
  // since this jiffy.
  void end_poll(const void* napi, bool on_weight, core::Duration tick, int64_t jiffy, std::vector<uint32_t>& up);

  // gro_max_size: a merged IP packet stays below 64 KB (skb_gro_receive's -E2BIG).
  static constexpr uint32_t kMaxSize = 65'536;
  // GRO_HASH_BUCKETS x MAX_GRO_SKBS: the skbs one NAPI holds at most.
  static constexpr size_t kMaxHeld = 64;

 private:
  struct Held {
    const void* napi = nullptr;
    uint32_t packet = 0;
    int64_t age = 0;
  };
  void take(size_t i, std::vector<uint32_t>& up);

  PacketPool* pool_;
  std::vector<Held> held_;  // by arrival
};

}  // namespace viosim::models
