// One virtio-net queue pair as the guest and the backend share it: the rx
// and tx virtqueues (split or packed, as negotiated), which packet the device wrote into each receive
// buffer, the two notify addresses' ioeventfds (the guest's kicks) and the
// MSI-X vectors of the two queues, or the two doorbells a device maps into
// the guest.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/host/eventfd.h"
#include "models/virtio/virtqueue.h"
#include "sim-core/clock.h"

namespace viosim::models {

struct VirtioQueuePair {
  VirtioQueuePair(const std::string& name, const Virtqueue::Config& config, uint32_t rx_vector_, uint32_t tx_vector_)
      : rx_ring(Virtqueue::make(receive(config))),
        tx_ring(Virtqueue::make(config)),
        rx(*rx_ring),
        tx(*tx_ring),
        rx_packet(config.size, 0),
        rx_buffers(config.size, 1),
        rx_kick(name + ".rx_kick"),
        tx_kick(name + ".tx_kick"),
        rx_vector(rx_vector_),
        tx_vector(tx_vector_) {}

  static Virtqueue::Config receive(Virtqueue::Config c) {
    c.device_writes_buffers = true;
    return c;
  }

  std::unique_ptr<Virtqueue> rx_ring;
  std::unique_ptr<Virtqueue> tx_ring;
  Virtqueue& rx;
  Virtqueue& tx;
  std::vector<uint32_t> rx_packet;  // receive buffer token -> packet the device copied into it
  // Receive buffer token -> num_buffers of the packet it heads (the
  // device's virtio_net_hdr_mrg_rxbuf): the packet's other buffers are the
  // next used ones. 1 unless mergeable buffers spread a packet.
  std::vector<uint16_t> rx_buffers;
  // VIRTIO_NET_F_MRG_RXBUF: the length of the receive buffers the guest
  // posts (get_mergeable_buf_len at its last refill), header included.
  // 0: a packet takes one buffer (big packets, or one frame's).
  uint32_t rx_buf_len = 0;
  static constexpr uint32_t kNetHdrLen = 12;  // sizeof(struct virtio_net_hdr_mrg_rxbuf)
  // How many receive buffers a frame of `frame_bytes` (FCS included, which
  // virtio does not carry) and its header fill: get_rx_bufs' headcount.
  uint32_t buffers_for(uint32_t frame_bytes) const {
    if (rx_buf_len == 0) return 1;
    const uint32_t len = frame_bytes - 4 + kNetHdrLen;
    return (len + rx_buf_len - 1) / rx_buf_len;
  }
  EventFd rx_kick;
  EventFd tx_kick;
  uint32_t rx_vector;
  uint32_t tx_vector;
  // A device whose notification area is mapped into the guest (vDPA under
  // QEMU's page-per-vq): a kick is a posted write straight to it, with no
  // exit, costing the writer `write`. Unset: a kick is a fast-MMIO exit
  // signalling rx_kick / tx_kick.
  struct Doorbell {
    std::function<void()> ring;
    core::Cycles write{0};
    explicit operator bool() const { return static_cast<bool>(ring); }
  };
  Doorbell rx_doorbell;
  Doorbell tx_doorbell;
  // A polling backend's eye on the rings: the driver calls these after
  // making buffers available (no cost, no kick: the poller finds them on
  // its next look).
  std::function<void()> on_tx_avail;
  std::function<void()> on_rx_avail;
  // A polling driver's eye on the receive ring: the device calls it after
  // publishing used receive buffers (whether or not it interrupts).
  std::function<void()> on_rx_used;
  void rx_published() const {
    if (on_rx_used) on_rx_used();
  }
};

}  // namespace viosim::models
