// QEMU's userspace virtio-net backend for one queue pair, all of it in the
// main-loop thread: ppoll over the queues' ioeventfds and the tap fd; a TX
// kick (read of the ioeventfd) disables further kicks and schedules the
// bottom half, which flushes up to 256 packets with one writev each,
// re-enables kicks and flushes once more; a readable tap is drained by
// tap_send, at most 50 packets per callback with one read each (and a last
// read that finds nothing), each copied into a guest buffer; a guest without
// buffers stops the reading and enables RX kicks. Interrupts go to KVM with
// an ioctl (KVM_SIGNAL_MSI) whenever the ring's event index asks for one.
#pragma once

#include <functional>

#include "models/host/host_thread.h"
#include "models/net/host_net_costs.h"
#include "models/net/packet.h"
#include "models/net/tap.h"
#include "models/vcpu/vcpu.h"
#include "models/virtio/virtio_queue_pair.h"

namespace viosim::models {

struct QemuCosts {
  core::Cycles dispatch{1'500};       // main loop: walk the ready handlers (aio_dispatch)
  core::Cycles pop_packet{900};       // virtqueue_pop: map the descriptors
  core::Cycles push_packet{400};      // virtqueue_push + virtio_notify's check
  core::Cycles receive_packet{1'000}; // virtio_net_receive: filters, pop, header
};

class QemuVirtioNet final : public core::Component {
 public:
  struct Config {
    uint32_t tx_burst = 256;    // TX_BURST (x-txburst)
    uint32_t tap_read_max = 50;  // tap_send's cap per callback
    QemuCosts costs;
  };
  using ToWire = std::function<void(uint32_t packet)>;

  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  QemuVirtioNet(core::Simulator& sim, std::string_view name, core::Component* parent, HostThread& main_loop,
                VirtioQueuePair& queues, VCpu& vcpu, TapQueue& tap, PacketPool& pool, const HostNetCosts& host,
                const Config& config, ToWire to_wire);

  void init() override;

 private:
  void poll();
  void dispatch();
  void tx_bh();
  void tx_flush_one();
  void tap_send();
  void tap_read_one();
  void interrupt(uint32_t vector, Continuation k);
  core::Cycles cycles_of_copy(uint32_t bytes) const;
  uint32_t bytes_of(uint32_t packet) const { return (*pool_)[packet].bytes; }

  HostThread* thread_;
  VirtioQueuePair* q_;
  VCpu* vcpu_;
  TapQueue* tap_;
  PacketPool* pool_;
  HostNetCosts host_;
  Config config_;
  ToWire to_wire_;
  bool bh_scheduled_ = false;
  bool tx_rechecked_ = false;
  uint32_t bh_count_ = 0;
  uint32_t tap_count_ = 0;
  bool rx_blocked_ = false;     // no guest buffers: tap reading stopped
  bool held_valid_ = false;     // a packet read from tap waiting for a buffer
  uint32_t held_ = 0;
  core::Counter tx_packets_{this, "tx_packets"};
  core::Counter rx_packets_{this, "rx_packets"};
  core::Counter interrupts_{this, "interrupts"};
  core::Counter wakeups_{this, "main_loop_wakeups"};
};

}  // namespace viosim::models
