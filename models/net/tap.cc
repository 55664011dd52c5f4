// Tap queue: tail drop at tx_queue_len, reader wake-up per packet.
#include "models/net/tap.h"

#include "models/net/packet_trace.h"

namespace viosim::models {

const core::ComponentSpec& TapQueue::model_spec() {
  static const core::ComponentSpec spec{
      .type = "net.tap_queue",
      .help = "a tap queue towards the guest: ptr_ring of tx_queue_len entries, tail drop, reader wake-up",
      .params = {{"tx_queue_len", core::Unit::kPackets, "500", "ring entries (TUN_READQ_SIZE)"}},
      .ports = {},
      .stats = {{"packets", core::StatKind::kCounter, core::Unit::kPackets, "packets queued for the reader"},
                {"drops", core::StatKind::kCounter, core::Unit::kPackets, "packets dropped on a full ring"}}};
  return spec;
}

bool TapQueue::push(uint32_t packet, HostThread* by, std::string_view how) {
  if (ring_.size() >= capacity_) {
    ++drops_;
    pool_->drop(packet, DropPlace::kTap);
    return false;
  }
  ring_.push_back(packet);
  ++queued_;
  if (by != nullptr) {
    trace_hop(*by, (*pool_)[packet], place::kTapQueue, how);
  }
  readable_.signal(by);
  return true;
}

bool TapQueue::pop(uint32_t& packet) {
  if (ring_.empty()) return false;
  packet = ring_.front();
  ring_.pop_front();
  return true;
}

}  // namespace viosim::models
