// Hardware NIC queue: DMA with IOTLB translation, write-back, moderated MSI.
#include "models/net/nic_queue.h"

#include <stdexcept>

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
      rx_lines_(config.rx_ring, ddio),
      ddio_(ddio) {}

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
  catch_up();  // its DMA's translations come after those due before
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
  catch_up();
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
    trace_device_hop((*pool_)[packet],
                     iotlb_ != nullptr ? "the NIC fetched it by DMA (through the IOTLB)" : "the NIC fetched it by DMA",
                     now());
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
  catch_up();  // frames that arrived before these buffers found the ring as it was
  rx_buffers_ = std::min(config_.rx_ring, rx_buffers_ + buffers);
}

void NicQueue::receive(uint32_t packet) {
  catch_up();
  arrive(packet, now());
}

void NicQueue::arrive(uint32_t packet, core::Time at) {
  if (rx_buffers_ == 0) {
    ++drops_;  // rx_missed: the driver has not refilled the ring
    pool_->drop(packet, DropPlace::kNicRing, at);
    return;
  }
  --rx_buffers_;
  const core::Duration latency = dma(kRxBuffers + (rx_slot_ % config_.rx_ring) * config_.buffer_bytes) +
                                 dma(kRxDescriptors + (rx_slot_ % config_.rx_ring) * kDescriptorBytes);
  ++rx_slot_;
  const core::Time done = std::max(at + latency, rx_dma_.empty() ? at : rx_dma_[rx_dma_.size() - 1].done);
  rx_dma_.push_back({done, packet});
  if (lazy_) {
    if (ddio_ != nullptr) ddio_->hold(this, done);
    plan_lazy();  // its write-back may be the one to do on time
    return;
  }
  if (!rx_dma_event_.pending()) rx_dma_event_.schedule_at(rx_dma_.front().done);
}

void NicQueue::frame_written_back() { write_back(now()); }

void NicQueue::write_back(core::Time at) {
  const uint32_t packet = rx_dma_.front().packet;
  rx_done_.push_back(packet);
  rx_lines_.written((*pool_)[packet].bytes);
  stamp((*pool_)[packet], kStampBackend, at);
  trace_device_hop((*pool_)[packet],
                   iotlb_ != nullptr ? "the NIC wrote it into a guest buffer by DMA (through the IOTLB)"
                                     : "the NIC wrote it into a host buffer by DMA",
                   at);
  rx_dma_.pop_front();
  ++rx_frames_;
  if (!lazy_ && !rx_dma_.empty()) rx_dma_event_.schedule_at(rx_dma_.front().done);
  if (on_rx_) on_rx_();
  apply(moderator_->on_held_frame(at, now()));
}

void NicQueue::receive_early(uint32_t packet, core::Time arrives) {
  if (!takes_early() || arrives <= now()) {
    throw std::logic_error(name() + ": a frame handed over early to a queue that cannot hold it, or not early");
  }
  if (!lazy_) {
    lazy_ = true;
    lazy_event_ = std::make_unique<core::MemberEvent>(this, "rx_lazy", [this] {
      catch_up();
      plan_lazy();
    });
    rx_dma_event_.cancel();  // the write-backs under way go lazily too
    if (ddio_ != nullptr && !rx_dma_.empty()) ddio_->hold(this, rx_dma_.front().done);
  }
  hold_in_order(arriving_, {arrives, packet});
  if (ddio_ != nullptr) ddio_->hold(this, arrives);
  plan_lazy();
}

core::Time NicQueue::next_held() const {
  core::Time t = arriving_.empty() ? core::Time::max() : arriving_.front().at;
  if (lazy_ && !rx_dma_.empty()) t = std::min(t, rx_dma_.front().done);
  return t;
}

void NicQueue::make_next() {
  if (!arriving_.empty() && (rx_dma_.empty() || arriving_.front().at <= rx_dma_.front().done)) {
    const HeldFrame a = arriving_.front();
    arriving_.pop_front();
    arrive(a.packet, a.at);  // which plans: its write-back's time is known now
    return;
  }
  write_back(rx_dma_.front().done);
}

void NicQueue::do_due() {
  if (ddio_ != nullptr) ddio_->settle();  // every device's held DMA due by now, this queue's among them
  while (next_held() <= now()) make_next();
}

void NicQueue::plan_lazy() {
  // The first write-back that could move the interrupt: an event at its
  // time, or at its frame's arrival while that time is not known yet.
  const uint32_t quiet = moderator_->quiet_frames(IrqCause::kRx);
  core::Time at = core::Time::max();
  if (quiet < rx_dma_.size()) {
    at = rx_dma_[quiet].done;
  } else if (quiet - rx_dma_.size() < arriving_.size()) {
    at = arriving_[quiet - rx_dma_.size()].at;
  }
  if (at == core::Time::max()) {
    lazy_event_->cancel();
    return;
  }
  at = std::max(at, now());  // mid-way through a catch-up: the rest of it comes first
  if (!lazy_event_->pending() || lazy_event_->when() != at) lazy_event_->schedule_at(at);
}

bool NicQueue::rx_reap(uint32_t& packet) {
  catch_up();
  if (rx_done_.empty()) return false;
  packet = rx_done_.front();
  rx_done_.pop_front();
  rx_lines_.load(0, CpuCategory::kGuestKernel);
  rx_lines_.taken();
  stamp((*pool_)[packet], kStampDevice, now());
  return true;
}

void NicQueue::trace_device_hop(const Packet& p, std::string_view what, core::Time at) {
  core::TraceWriter* tw = sim().tracer();
  if (tw == nullptr) return;
  if (trace_track_ == 0) trace_track_ = tw->device_track("device " + name());
  trace_hop(*tw, trace_track_, p, at, place::kHostNic, what);
}

// ---- interrupt ----

void NicQueue::apply(const ModerationDecision& d) {
  if (d.changed) {
    if (d.due()) {
      irq_.schedule_at(d.fire_at);
    } else {
      irq_.cancel();
    }
  }
  if (lazy_) plan_lazy();
}

void NicQueue::fire() {
  catch_up();
  // A write-back of this very picosecond came first and moved the
  // interrupt (a timer each frame restarts): it fires when now due.
  if (moderator_->deadline() != now()) return;
  moderator_->on_interrupt(now());
  if (lazy_) plan_lazy();
  ++interrupts_;
  if (core::TraceWriter* tw = sim().tracer()) {
    if (trace_track_ == 0) trace_track_ = tw->device_track("device " + name());
    tw->instant(trace_track_, "MSI-X (after interrupt moderation)", cause_kind_name(CauseKind::kInterrupt), now());
  }
  msi_();
}

void NicQueue::rearm(const NapiWork& work) {
  catch_up();
  apply(moderator_->on_rearm(now(), work, static_cast<uint32_t>(rx_done_.size()), tx_done_));
}

}  // namespace viosim::models
