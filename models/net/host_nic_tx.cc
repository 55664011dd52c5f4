// Host NIC transmit queue: qdisc and BQL in front, DMA fetch behind.
#include "models/net/host_nic_tx.h"

#include <stdexcept>

namespace viosim::models {

const core::ComponentSpec& HostNicTx::model_spec() {
  static const core::ComponentSpec spec{
      .type = "net.host_nic_tx",
      .help =
          "one host NIC tx queue driven by the host kernel: qdisc and BQL, descriptor ring, DMA fetch as the "
          "port's buffer has room",
      .params = {{"tx_ring_size", core::Unit::kPackets, "512", "descriptors"},
                 {"tx_buffer_bytes", core::Unit::kBytes, "163840", "the port's transmit buffer"},
                 {"qdisc", core::Unit::kNone, "pfifo_fast", "pfifo_fast (txqueuelen 1000), fq_codel or noqueue"},
                 {"bql", core::Unit::kNone, "on", "byte queue limits"}},
      .ports = {},
      .stats = {{"frames", core::StatKind::kCounter, core::Unit::kPackets, "frames the NIC fetched and sent"},
                {"qdisc_drops", core::StatKind::kCounter, core::Unit::kPackets, "drops at the qdisc"},
                {"qdisc_posted", core::StatKind::kCounter, core::Unit::kPackets,
                 "frames the qdisc held and posted once the queue ran again"}}};
  return spec;
}

HostNicTx::HostNicTx(core::Simulator& sim, std::string_view name, core::Component* parent, const Config& config,
                     PacketPool& pool, const TxQueueSetup& setup, Send send, Room room, WrittenBack written_back)
    : core::Component(sim, name, parent),
      config_(config),
      pool_(&pool),
      txq_(setup, pool, qdisc_drops_),
      send_(std::move(send)),
      room_(std::move(room)),
      written_back_(std::move(written_back)) {}

void HostNicTx::xmit(uint32_t packet) {
  // A stopped queue, or a qdisc that still holds packets (nothing
  // overtakes them): the packet waits in the qdisc.
  if (txq_.stack_stopped() || txq_.holds() || !taken_.empty() || in_ring_ == config_.tx_ring) {
    txq_.enqueue(packet, now());
    return;
  }
  account(packet);
  posted_.push_back(packet);
  doorbell();
}

void HostNicTx::account(uint32_t packet) {
  ++in_ring_;
  txq_.sent((*pool_)[packet]);
}

void HostNicTx::doorbell() {
  // The descriptor, then the frame it points to.
  if (!fetch_event_.pending() && !posted_.empty()) fetch_event_.schedule_after(config_.dma_latency * 2);
}

void HostNicTx::fetch() {
  while (!posted_.empty()) {
    const uint32_t packet = posted_.front();
    if (room_) {
      // The port's buffer is full: fetch on when the wire has drained it.
      const core::Duration wait = room_(packet, config_.tx_buffer_bytes);
      if (wait > core::Duration::zero()) {
        fetch_event_.schedule_after(wait);
        return;
      }
    }
    posted_.pop_front();
    const uint32_t bytes = (*pool_)[packet].bytes;
    done_bytes_.push_back(bytes);
    frames_.add((*pool_)[packet].segs);  // a TSO skb: the frames the NIC cuts it into
    send_(packet);
    written_back_(bytes);
  }
}

uint32_t HostNicTx::cleaned(uint32_t frames) {
  if (frames > done_bytes_.size()) throw std::logic_error("more TX completions cleaned than written back");
  uint64_t bytes = 0;
  for (uint32_t i = 0; i < frames; ++i) {
    bytes += done_bytes_.front();
    done_bytes_.pop_front();
  }
  in_ring_ -= frames;
  txq_.completed(bytes, now());
  if (!taken_.empty()) return 0;  // the qdisc runs already
  uint32_t packet = 0;
  while (taken_.size() < kTxWeight && !txq_.stack_stopped() && in_ring_ < config_.tx_ring &&
         txq_.dequeue(now(), packet)) {
    account(packet);
    taken_.push_back(packet);
  }
  return static_cast<uint32_t>(taken_.size());
}

void HostNicTx::flush() {
  if (taken_.empty()) return;
  for (uint32_t packet : taken_) posted_.push_back(packet);
  qdisc_runs_.add(taken_.size());
  taken_.clear();
  doorbell();
}

}  // namespace viosim::models
