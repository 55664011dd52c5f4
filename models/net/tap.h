// A tap queue towards the guest: tun_net_xmit puts packets into a ptr_ring
// of tx_queue_len entries (500) and wakes the reader (QEMU's main loop or
// the vhost worker) through the socket's wait queue, modelled as an eventfd;
// a full ring drops the packet at the tail. Guest-to-host packets do not
// queue here: writev/sendmsg inject them straight into the host stack.
#pragma once

#include "models/host/eventfd.h"
#include "models/packet/packet.h"
#include "sim-core/component.h"
#include "sim-core/ring_buffer.h"
#include "sim-core/stats.h"

namespace viosim::models {

class TapQueue final : public core::Component {
 public:
  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  TapQueue(core::Simulator& sim, std::string_view name, core::Component* parent, PacketPool& pool,
           uint32_t capacity = 500)
      : core::Component(sim, name, parent), pool_(&pool), capacity_(capacity), readable_(this->name() + ".readable") {}

  // From the host stack (softirq or the sender's context); false: the ring
  // was full and the packet was dropped at the tap (counted, freed).
  // Queues a frame written by `by` (its trace hop says `how`); a full ring
  // drops it.
  bool push(uint32_t packet, HostThread* by,
            std::string_view how = "the host stack (NAPI, bridge, tun) queued it on the tap");
  bool pop(uint32_t& packet);
  bool empty() const { return ring_.empty(); }
  uint32_t front() const { return ring_.front(); }  // the next packet a read takes (peek_head_len)
  size_t size() const { return ring_.size(); }
  uint32_t capacity() const { return capacity_; }
  EventFd& readable() { return readable_; }
  uint64_t drops() const { return drops_.value(); }

 private:
  PacketPool* pool_;  // to name a traced packet, and to drop one
  uint32_t capacity_;
  core::RingBuffer<uint32_t> ring_;
  EventFd readable_;
  core::Counter queued_{this, "packets"};
  core::Counter drops_{this, "drops"};
};

}  // namespace viosim::models
