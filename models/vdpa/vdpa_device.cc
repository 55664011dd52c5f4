// A vDPA device's data path: DMA on the virtio rings, see vdpa_device.h.
#include "models/vdpa/vdpa_device.h"

#include <algorithm>

#include "models/net/packet_trace.h"
#include "models/net/path_places.h"

namespace viosim::models {

namespace {
// Where the rings and buffers sit in the device's DMA address space; only
// their pages matter (the IOTLB caches pages). A ring's region is laid
// out as its layout says (Virtqueue::fetch_reads, used_write).
constexpr uint64_t kTxRing = uint64_t{5} << 32;
constexpr uint64_t kRxRing = uint64_t{6} << 32;
constexpr uint64_t kTxBuffers = uint64_t{7} << 32;
constexpr uint64_t kRxBuffers = uint64_t{8} << 32;
constexpr uint64_t kTxBufferBytes = 2048;
constexpr uint64_t kRxBufferBytes = 1536;  // a mergeable receive buffer
}  // namespace

const core::ComponentSpec& VdpaDevice::model_spec() {
  static const core::ComponentSpec spec{
      .type = "vdpa.device",
      .help = "a vDPA device serving one virtio-net queue pair by DMA: ring reads over PCIe, used-ring writes, MSI-X",
      .params = {{"dma_latency", core::Unit::kPicoseconds, "500 ns", "a DMA read over PCIe"},
                 {"iotlb_miss", core::Unit::kPicoseconds, "200 ns", "an IOMMU page walk"}},
      .ports = {},
      .stats = {{"tx_frames", core::StatKind::kCounter, core::Unit::kPackets, "frames fetched and transmitted"},
                {"rx_frames", core::StatKind::kCounter, core::Unit::kPackets, "frames written into guest buffers"},
                {"drops", core::StatKind::kCounter, core::Unit::kPackets, "frames with no receive buffer"},
                {"doorbells", core::StatKind::kCounter, core::Unit::kCount, "notifications that reached the device"},
                {"interrupts", core::StatKind::kCounter, core::Unit::kCount, "MSI-X messages"}}};
  return spec;
}

VdpaDevice::VdpaDevice(core::Simulator& sim, std::string_view name, core::Component* parent, VirtioQueuePair& queues,
                       const Config& config, PacketPool& pool, Iotlb* iotlb, std::function<void(uint32_t packet)> send,
                       Msi rx_msi, Msi tx_msi)
    : core::Component(sim, name, parent),
      q_(&queues),
      config_(config),
      pool_(&pool),
      iotlb_(iotlb),
      send_(std::move(send)),
      rx_msi_(std::move(rx_msi)),
      tx_msi_(std::move(tx_msi)) {}

core::Duration VdpaDevice::dma(uint64_t address) {
  const bool miss = iotlb_ != nullptr && !iotlb_->lookup(address);
  return config_.dma_latency + (miss ? config_.iotlb_miss : core::Duration::zero());
}

core::Duration VdpaDevice::ring_reads(uint64_t ring, const Virtqueue& q, uint64_t position) {
  // Each read waits for the one before: a split ring's index says which
  // entries, its entries which descriptors; a packed ring's descriptor says
  // all of it at once.
  const Virtqueue::DeviceReads reads = q.fetch_reads(static_cast<uint32_t>(position % q.size()));
  core::Duration latency;
  for (uint8_t i = 0; i < reads.count; ++i) latency += dma(ring + reads.offset[i]);
  return latency;
}

// ---- transmit ----

void VdpaDevice::tx_doorbell() {
  ++doorbells_;
  if (tx_fetch_.pending()) {
    tx_again_ = true;
    return;
  }
  start_tx_fetch();
}

void VdpaDevice::start_tx_fetch() {
  tx_again_ = false;
  {
    DeviceAccess device;
    q_->tx.disable_notify();
  }
  // What the index read saw: this fetch reads those buffers and no more.
  tx_seen_ = q_->tx.avail_pending();
  const uint32_t n = std::max<uint32_t>(1, tx_seen_);
  // Then the packets, read in parallel: one round trip and their pages' walks.
  core::Duration data = config_.dma_latency;
  for (uint32_t i = 0; i < n; ++i) {
    data += dma(kTxBuffers + ((tx_slot_ + i) % q_->tx.size()) * kTxBufferBytes) - config_.dma_latency;
  }
  tx_fetch_.schedule_after(ring_reads(kTxRing, q_->tx, tx_slot_) + data);
}

void VdpaDevice::tx_fetched() {
  DeviceAccess device;
  uint32_t packet = 0;
  uint32_t sent = 0;
  while (sent < tx_seen_ && q_->tx.pop(packet)) {
    ++sent;
    Packet& p = (*pool_)[packet];
    stamp(p, kStampBackend, now());
    trace_device_hop(p, place::kHostNic,
                     iotlb_ != nullptr ? "the vDPA device fetched it from the TX vring by DMA (through the IOTLB)"
                                       : "the vDPA device fetched it from the TX vring by DMA");
    ++tx_slot_;
    tx_frames_.add(p.segs);  // a TSO skb: the frames it is cut into
    send_(packet);  // on the wire a full transmit ring drops it
    q_->tx.push_used(packet, 0);
  }
  if (sent > 0 && q_->tx.should_notify()) interrupt(false);  // vhost signals only after adding used entries
  // Kicks stayed off while it fetched: it looks again before turning them
  // back on, and once more after (vhost_enable_notify's recheck).
  if (tx_again_ || q_->tx.avail_pending() > 0 || q_->tx.enable_notify()) start_tx_fetch();
}

// ---- receive ----

void VdpaDevice::rx_doorbell() {
  ++doorbells_;
  if (rx_prefetch_.pending()) return;
  rx_prefetch_.schedule_after(ring_reads(kRxRing, q_->rx, rx_slot_ + rx_buffers_.size()));
}

void VdpaDevice::rx_prefetched() {
  DeviceAccess device;
  q_->rx.disable_notify();
  take_rx_buffers();
}

uint32_t VdpaDevice::take_rx_buffers() {
  uint32_t n = 0;
  uint32_t token = 0;
  while (q_->rx.pop(token)) {
    rx_buffers_.push_back(token);
    ++n;
  }
  return n;
}

void VdpaDevice::receive(uint32_t packet) {
  DeviceAccess device;
  trace_device_hop((*pool_)[packet], place::kHostNic, "the vDPA device received it");
  core::Duration latency;
  if (rx_buffers_.empty()) {
    // Out of the buffers it knew of: it reads the avail index again. None
    // there: it asks for a kick at the next refill and drops the frame.
    if (q_->rx.avail_pending() == 0) {
      if (!q_->rx.enable_notify()) {
        ++drops_;
        pool_->drop(packet, DropPlace::kVring);
        return;
      }
      q_->rx.disable_notify();
    }
    latency += ring_reads(kRxRing, q_->rx, rx_slot_);
    take_rx_buffers();
  }
  const uint32_t token = rx_buffers_[0];
  rx_buffers_.pop_front();
  // The packet into the buffer, then its used element.
  latency += dma(kRxBuffers + token * kRxBufferBytes) +
             dma(kRxRing + q_->rx.used_write(static_cast<uint32_t>(rx_slot_ % q_->rx.size())));
  ++rx_slot_;
  const core::Time done = std::max(now() + latency, rx_dma_.empty() ? now() : rx_dma_[rx_dma_.size() - 1].done);
  rx_dma_.push_back({done, packet, token});
  if (!rx_write_back_.pending()) rx_write_back_.schedule_at(rx_dma_[0].done);
}

void VdpaDevice::frame_written_back() {
  bool notify = false;
  {
    DeviceAccess device;
    const InFlight f = rx_dma_[0];
    rx_dma_.pop_front();
    Packet& p = (*pool_)[f.packet];
    q_->rx_packet[f.token] = f.packet;
    q_->rx.push_used(f.token, p.bytes);
    stamp(p, kStampBackend, now());
    trace_device_hop(p, place::kRxVring, "the vDPA device wrote it into a guest buffer by DMA and marked it used");
    ++rx_frames_;
    if (!rx_dma_.empty()) rx_write_back_.schedule_at(rx_dma_[0].done);
    notify = q_->rx.should_notify();
  }
  q_->rx_published();
  if (notify) interrupt(true);
}

// ---- trace and interrupts ----

void VdpaDevice::trace_device_hop(const Packet& p, std::string_view place, std::string_view what) {
  core::TraceWriter* tw = sim().tracer();
  if (tw == nullptr) return;
  if (trace_track_ == 0) trace_track_ = tw->device_track("device " + name());
  trace_hop(*tw, trace_track_, p, now(), place, what);
}

void VdpaDevice::interrupt(bool rx) {
  ++interrupts_;
  if (core::TraceWriter* tw = sim().tracer()) {
    if (trace_track_ == 0) trace_track_ = tw->device_track("device " + name());
    tw->instant(trace_track_, rx ? "MSI-X (RX used)" : "MSI-X (TX used)", cause_kind_name(CauseKind::kInterrupt),
                now());
  }
  (rx ? rx_msi_ : tx_msi_)();
}

}  // namespace viosim::models
