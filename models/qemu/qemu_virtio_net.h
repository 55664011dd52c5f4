// QEMU's userspace virtio-net backend, all of it in the main-loop thread,
// for every queue pair of the device (each with its tap queue): ppoll over
// the queues' ioeventfds and the tap fds; a TX
// kick (read of the ioeventfd) disables further kicks and schedules the
// bottom half, which flushes up to 256 packets with one writev each,
// re-enables kicks and flushes once more; a readable tap is drained by
// tap_send, at most 50 packets per callback with one read each (and a last
// read that finds nothing), each copied into a guest buffer; a guest without
// buffers stops the reading and enables RX kicks. Interrupts go to KVM with
// an ioctl (KVM_SIGNAL_MSI) whenever the ring's event index asks for one.
// With several queue pairs the one thread serves them all, scanning from
// the queue after the one it served last.
#pragma once

#include <functional>
#include <vector>

#include "models/host/host_thread.h"
#include "models/net/bridge_port.h"
#include "models/net/host_net_costs.h"
#include "models/packet/packet.h"
#include "models/net/tap.h"
#include "models/vcpu/vcpu.h"
#include "models/virtio/virtio_queue_pair.h"

namespace viosim::models {

struct QemuCosts {
  core::Cycles dispatch{1'500};       // main loop: walk the ready handlers (aio_dispatch)
  core::Cycles poll_fd{260};          // ppoll (and glib around it) per device descriptor polled
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
  // One queue pair: its rings, the vCPU its vectors reach, its tap queue.
  struct Queue {
    VirtioQueuePair* rings = nullptr;
    VCpu* vcpu = nullptr;
    TapQueue* tap = nullptr;
  };

  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  QemuVirtioNet(core::Simulator& sim, std::string_view name, core::Component* parent, HostThread& main_loop,
                std::vector<Queue> queues, PacketPool& pool, const HostNetCosts& host, const Config& config,
                BridgePort out);

  void init() override;

 private:
  struct State : Queue {
    uint32_t index = 0;
    bool bh_scheduled = false;
    bool tx_rechecked = false;
    uint32_t bh_count = 0;
    uint32_t tap_count = 0;
    bool rx_blocked = false;  // no guest buffers: tap reading stopped
    bool held_valid = false;  // a packet read from tap waiting for a buffer
    uint32_t held = 0;
  };
  void poll();
  void dispatch();
  core::Cycles ppoll_work() const;
  void tx_bh(State& s);
  void tx_flush_one(State& s);
  void tap_send(State& s);
  void tap_read_one(State& s);
  void interrupt(State& s, uint32_t vector, Continuation k);
  core::Cycles cycles_of_copy(uint32_t bytes) const;
  uint32_t bytes_of(uint32_t packet) const { return pool_->skb_bytes(packet); }

  HostThread* thread_;
  std::vector<State> queues_;
  size_t next_ = 0;  // where the next scan for work starts
  PacketPool* pool_;
  HostNetCosts host_;
  std::vector<uint32_t> rx_tokens_;  // the receive buffers of the packet being written
  Config config_;
  BridgePort out_;  // where a frame written to tap queue i goes
  core::Counter tx_packets_{this, "tx_packets"};
  core::Counter rx_packets_{this, "rx_packets"};
  core::Counter interrupts_{this, "interrupts"};
  core::Counter wakeups_{this, "main_loop_wakeups"};
};

}  // namespace viosim::models
