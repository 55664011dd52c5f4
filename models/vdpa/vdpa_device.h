// A vDPA device's data path for one virtio-net queue pair: the NIC itself
// serves the guest's virtio rings (a ConnectX's virtio emulation behind
// mlx5_vdpa). It reads the avail rings, descriptors and packets in guest
// memory by DMA through the IOMMU and writes the packets it receives and
// the used rings back the same way; no host thread touches a packet.
//
// A split ring costs the device dependent PCIe reads: the avail index, then
// the avail entries it announced, then their descriptors, then the packets;
// a packed ring, the descriptors then the packets (what its single
// descriptor ring was designed for: virtqueue.h, fetch_reads).
// It notifies as vhost does (virtqueue.h, kVhost): kicks are disabled
// while it fetches and re-enabled, with a recheck, once it has drained the
// ring; on the receive side it asks for a kick only when it ran out of
// buffers, taking buffers the driver added meanwhile when a frame needs one.
// An interrupt goes out when the used ring's event suppression says so;
// the backend routes it (posted to the vCPU, or through the host's IRQ and
// vhost-vdpa's call eventfd). The doorbells are the backend's too: written
// by the guest straight into the device's notification page, or by
// vhost-vdpa's kick handler after a fast-MMIO exit.
#pragma once

#include <functional>

#include "models/host/shared_lines.h"
#include "models/packet/packet.h"
#include "models/passthrough/iotlb.h"
#include "models/virtio/virtio_queue_pair.h"
#include "sim-core/member_event.h"
#include "sim-core/ring_buffer.h"
#include "sim-core/stats.h"

namespace viosim::models {

class VdpaDevice final : public core::Component {
 public:
  struct Config {
    core::Duration dma_latency = core::Nanoseconds(500);  // a DMA read round trip over PCIe
    core::Duration iotlb_miss = core::Nanoseconds(200);   // one page walk
  };
  using Msi = std::function<void()>;

  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  // `iotlb` may be null (no translation); `send` takes what it transmits
  // (the NIC's port: the wire, or its embedded switch to a VM on this host).
  VdpaDevice(core::Simulator& sim, std::string_view name, core::Component* parent, VirtioQueuePair& queues,
             const Config& config, PacketPool& pool, Iotlb* iotlb, std::function<void(uint32_t packet)> send,
             Msi rx_msi, Msi tx_msi);

  // The driver notified a queue (a doorbell write reaching the device).
  void tx_doorbell();
  void rx_doorbell();
  // A frame from the wire (or the embedded switch) for this queue pair.
  void receive(uint32_t packet);

 private:
  core::Duration dma(uint64_t address);
  // The reads that come before a batch of buffers the driver made
  // available, from ring slot `first` on: the avail index, their entries,
  // their descriptors.
  core::Duration ring_reads(uint64_t ring, const Virtqueue& q, uint64_t position);
  void start_tx_fetch();
  void tx_fetched();
  void rx_prefetched();
  // Takes every buffer the driver has made available into the device's
  // cache; returns how many.
  uint32_t take_rx_buffers();
  void frame_written_back();
  void trace_device_hop(const Packet& p, std::string_view place, std::string_view what);
  void interrupt(bool rx);

  VirtioQueuePair* q_;
  Config config_;
  PacketPool* pool_;
  Iotlb* iotlb_;
  std::function<void(uint32_t packet)> send_;
  Msi rx_msi_;
  Msi tx_msi_;
  int trace_track_ = 0;
  bool tx_again_ = false;  // a doorbell came while a fetch was on its way
  uint32_t tx_seen_ = 0;   // buffers the fetch on its way read the ring for
  uint64_t tx_slot_ = 0;   // buffers fetched so far (their ring slots)
  uint64_t rx_slot_ = 0;   // buffers filled so far
  // Receive buffers the device has read the descriptors of, oldest first.
  core::RingBuffer<uint32_t> rx_buffers_;
  struct InFlight {
    core::Time done;
    uint32_t packet;
    uint32_t token;
  };
  core::RingBuffer<InFlight> rx_dma_;
  core::MemberEvent tx_fetch_{this, "tx_fetch", [this] { tx_fetched(); }};
  core::MemberEvent rx_prefetch_{this, "rx_prefetch", [this] { rx_prefetched(); }};
  core::MemberEvent rx_write_back_{this, "rx_write_back", [this] { frame_written_back(); }};
  core::Counter tx_frames_{this, "tx_frames"};
  core::Counter rx_frames_{this, "rx_frames"};
  core::Counter drops_{this, "drops"};
  core::Counter doorbells_{this, "doorbells"};
  core::Counter interrupts_{this, "interrupts"};
};

}  // namespace viosim::models
