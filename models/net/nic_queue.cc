// Hardware NIC queue: DMA with IOTLB translation, write-back, moderated MSI.
#include "models/net/nic_queue.h"

#include "models/net/packet_trace.h"

namespace viosim::models {

namespace {
// Where the rings and buffers sit in the device's DMA address space; only
// their pages matter (the IOTLB caches pages).
constexpr uint64_t kRxBuffers = uint64_t{1} << 32;
constexpr uint64_t kTxBuffers = uint64_t{2} << 32;
constexpr uint64_t kRxDescriptors = uint64_t{3} << 32;
constexpr uint64_t kTxDescriptors = uint64_t{4} << 32;
constexpr uint64_t kDescriptorBytes = 16;
}  // namespace

const core::ComponentSpec& NicQueue::model_spec() {
  static const core::ComponentSpec spec{
      .type = "nic.queue",
      .help = "a hardware NIC queue pair (SR-IOV VF or bare-metal NIC): DMA through the IOTLB, moderated MSI",
      .params = {{"rx_ring", core::Unit::kPackets, "512", "RX descriptors"},
                 {"tx_ring", core::Unit::kPackets, "512", "TX descriptors"},
                 {"dma_latency", core::Unit::kPicoseconds, "500 ns", "a DMA read over PCIe"}},
      .ports = {},
      .stats = {{"rx_frames", core::StatKind::kCounter, core::Unit::kPackets, "frames written back to the driver"},
                {"tx_frames", core::StatKind::kCounter, core::Unit::kPackets, "frames put on the wire"},
                {"drops", core::StatKind::kCounter, core::Unit::kPackets, "frames with no posted buffer"},
                {"interrupts", core::StatKind::kCounter, core::Unit::kCount, "MSI-X messages"}}};
  return spec;
}

NicQueue::NicQueue(core::Simulator& sim, std::string_view name, core::Component* parent, const Config& config,
                   PacketPool& pool, Iotlb* iotlb, std::function<void(uint32_t packet)> send, Msi msi, DdioWays* ddio)
    : core::Component(sim, name, parent),
      config_(config),
      pool_(&pool),
      iotlb_(iotlb),
      send_(std::move(send)),
      msi_(std::move(msi)),
      moderator_(make_interrupt_moderator(config.moderation)),
      rx_lines_(config.rx_ring, ddio) {}

core::Duration NicQueue::dma(uint64_t address) {
  const bool miss = iotlb_ != nullptr && !iotlb_->lookup(address);
  return config_.dma_latency + (miss ? config_.iotlb_miss : core::Duration::zero());
}

// ---- transmit ----

bool NicQueue::tx_post(uint32_t packet) {
  if (tx_in_ring_ >= config_.tx_ring) return false;
  tx_posted_.push_back(packet);
  ++tx_in_ring_;
  stamp((*pool_)[packet], kStampDevice, now());
  return true;
}

void NicQueue::tx_doorbell() {
  if (fetch_event_.pending() || tx_posted_.empty()) return;
  // The descriptor fetch, then the data of each posted frame (overlapped:
  // one DMA round plus any page walks).
  core::Duration latency = dma(kTxDescriptors + (tx_slot_ % config_.tx_ring) * kDescriptorBytes);
  core::Duration walks;
  for (size_t i = 0; i < tx_posted_.size(); ++i) {
    walks += dma(kTxBuffers + ((tx_slot_ + i) % config_.tx_ring) * config_.buffer_bytes) - config_.dma_latency;
  }
  fetch_event_.schedule_after(latency + config_.dma_latency + walks);
}

void NicQueue::fetch() {
  while (!tx_posted_.empty()) {
    if (port_room_) {
      // The port's buffer is full: fetch on when the wire has drained it.
      const core::Duration wait = port_room_(tx_posted_.front(), config_.tx_buffer_bytes);
      if (wait > core::Duration::zero()) {
        fetch_event_.schedule_after(wait);
        return;
      }
    }
    const uint32_t packet = tx_posted_.front();
    tx_posted_.pop_front();
    stamp((*pool_)[packet], kStampBackend, now());
    trace_device_hop((*pool_)[packet], iotlb_ != nullptr ? "the NIC fetched it by DMA (through the IOTLB)"
                                                         : "the NIC fetched it by DMA");
    ++tx_slot_;
    tx_frames_.add((*pool_)[packet].segs);  // a TSO skb: the frames it is cut into
    ++tx_done_;  // written back once the frame is on its way
    tx_done_bytes_ += (*pool_)[packet].bytes;
    send_(packet);  // on the wire a full transmit ring drops it
    // A completion reported every tx_report_stride frames; the others are
    // cleaned by the next poll.
    if (tx_reports_.reported()) apply(moderator_->on_frame(now(), IrqCause::kTx));
  }
}

uint32_t NicQueue::tx_reap(uint64_t& bytes) {
  const uint32_t n = tx_done_;
  bytes = tx_done_bytes_;
  tx_done_ = 0;
  tx_done_bytes_ = 0;
  tx_in_ring_ -= n;
  return n;
}

// ---- receive ----

void NicQueue::rx_post(uint32_t buffers) {
  rx_buffers_ = std::min(config_.rx_ring, rx_buffers_ + buffers);
}

void NicQueue::receive(uint32_t packet) {
  if (rx_buffers_ == 0) {
    ++drops_;  // rx_missed: the driver has not refilled the ring
    pool_->drop(packet, DropPlace::kNicRing);
    return;
  }
  --rx_buffers_;
  const core::Duration latency = dma(kRxBuffers + (rx_slot_ % config_.rx_ring) * config_.buffer_bytes) +
                                 dma(kRxDescriptors + (rx_slot_ % config_.rx_ring) * kDescriptorBytes);
  ++rx_slot_;
  const core::Time done = std::max(now() + latency, rx_dma_.empty() ? now() : rx_dma_[rx_dma_.size() - 1].done);
  rx_dma_.push_back({done, packet});
  if (!rx_dma_event_.pending()) rx_dma_event_.schedule_at(rx_dma_.front().done);
}

void NicQueue::frame_written_back() {
  rx_done_.push_back(rx_dma_.front().packet);
  rx_lines_.written((*pool_)[rx_dma_.front().packet].bytes);
  stamp((*pool_)[rx_dma_.front().packet], kStampBackend, now());
  trace_device_hop((*pool_)[rx_dma_.front().packet], iotlb_ != nullptr
                                                         ? "the NIC wrote it into a guest buffer by DMA (through the IOTLB)"
                                                         : "the NIC wrote it into a host buffer by DMA");
  rx_dma_.pop_front();
  ++rx_frames_;
  if (!rx_dma_.empty()) rx_dma_event_.schedule_at(rx_dma_.front().done);
  if (on_rx_) on_rx_();
  apply(moderator_->on_frame(now()));
}

bool NicQueue::rx_reap(uint32_t& packet) {
  if (rx_done_.empty()) return false;
  packet = rx_done_.front();
  rx_done_.pop_front();
  rx_lines_.load(0, CpuCategory::kGuestKernel);
  rx_lines_.taken();
  stamp((*pool_)[packet], kStampDevice, now());
  return true;
}

void NicQueue::trace_device_hop(const Packet& p, std::string_view what) {
  core::TraceWriter* tw = sim().tracer();
  if (tw == nullptr) return;
  if (trace_track_ == 0) trace_track_ = tw->device_track("device " + name());
  trace_hop(*tw, trace_track_, p, now(), place::kHostNic, what);
}

// ---- interrupt ----

void NicQueue::apply(const ModerationDecision& d) {
  if (!d.changed) return;
  if (d.due()) {
    irq_.schedule_at(d.fire_at);
  } else {
    irq_.cancel();
  }
}

void NicQueue::fire() {
  moderator_->on_interrupt(now());
  ++interrupts_;
  if (core::TraceWriter* tw = sim().tracer()) {
    if (trace_track_ == 0) trace_track_ = tw->device_track("device " + name());
    tw->instant(trace_track_, "MSI-X (after interrupt moderation)", cause_kind_name(CauseKind::kInterrupt), now());
  }
  msi_();
}

void NicQueue::rearm(const NapiWork& work) {
  apply(moderator_->on_rearm(now(), work, static_cast<uint32_t>(rx_done_.size()), tx_done_));
}

}  // namespace viosim::models
