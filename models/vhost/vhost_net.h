// vhost-net for one queue pair: a kernel worker that sleeps until the TX
// kick eventfd, the RX kick eventfd or the tap socket wakes it, then runs
// handle_tx and handle_rx. Each handler run disables the ring's kicks, stops
// after 256 packets or 512 KiB and re-queues itself, and on an empty ring
// re-enables kicks and looks once more. TX packets are copied into XDP
// buffers and handed to tun in batches of 64, and the host stack forwards
// them on the worker's core; RX packets are copied from the tap ring into
// guest buffers, what the tap holds taken at once (vhost_net_buf_produce
// consumes the tun ring in batches) and copied in one step. Used entries
// are written, and the used index moved, only when flushed, every 64 and at
// the end (vhost_net_signal_used): the guest sees the packets of a flush
// together. It is signalled through the call eventfd (an irqfd: the
// injection runs inline in the worker) when the event index asks for it. With a busy-poll
// timeout the worker spins, kicks off, before sleeping.
#pragma once

#include <functional>

#include "models/host/host_thread.h"
#include "models/net/bridge_port.h"
#include "models/net/host_net_costs.h"
#include "models/packet/packet.h"
#include "models/net/tap.h"
#include "models/virtio/virtio_queue_pair.h"

namespace viosim::models {

struct VhostCosts {
  core::Cycles work_dispatch{600};  // vhost_run_work_list: one work item
  core::Cycles tx_packet{700};      // vhost_get_vq_desc + building the XDP buffer (copy extra)
  core::Cycles tx_batch{1'200};     // vhost_tx_batch: one tun_sendmsg for up to 64 packets
  core::Cycles rx_packet{900};      // peek, get_rx_bufs, tun_recvmsg (copy extra)
  core::Cycles rx_buffer{300};      // get_rx_bufs: one more buffer for a packet (vhost_get_vq_desc, translation)
  core::Cycles used_flush{300};     // vhost_add_used_n + the notify check
};

class VhostNet final : public core::Component {
 public:
  struct Config {
    uint32_t packet_weight = 256;     // VHOST_NET_PKT_WEIGHT
    uint64_t byte_weight = 0x80000;   // VHOST_NET_WEIGHT
    uint32_t batch = 64;              // VHOST_NET_BATCH
    core::Duration busy_poll;         // busyloop_timeout; 0: off
    VhostCosts costs;
  };

  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  // `rx_call`/`tx_call` are the guest notifier eventfds, registered as irqfds.
  VhostNet(core::Simulator& sim, std::string_view name, core::Component* parent, HostThread& worker,
           VirtioQueuePair& queues, EventFd& rx_call, EventFd& tx_call, TapQueue& tap, PacketPool& pool,
           const HostNetCosts& host, const Config& config, BridgePort out, uint32_t queue);

  void init() override;

 private:
  void sleep_or_poll();
  void work();
  void handle_tx();
  void tx_batch_step();
  void tx_finish_batch(bool more);
  void handle_rx();
  void rx_step();
  // What the RX handler does once the used ring is flushed (a value, so the
  // continuation it builds stays small enough not to allocate).
  enum class RxThen { kStep, kRequeue, kSleep };
  void rx_flush(RxThen then);
  void rx_then(RxThen then);
  void signal(Virtqueue& vq, EventFd& call, Continuation k);
  core::Cycles copy(uint32_t packet) const;

  HostThread* worker_;
  VirtioQueuePair* q_;
  EventFd* rx_call_;
  EventFd* tx_call_;
  TapQueue* tap_;
  PacketPool* pool_;
  HostNetCosts host_;
  Config config_;
  BridgePort out_;
  uint32_t queue_;  // its tap queue
  bool tx_queued_ = false;  // handle_tx re-queued itself (weight) or was kicked
  bool rx_queued_ = false;
  bool rx_wants_buffers_ = false;  // no guest buffers: wait for the refill kick
  uint32_t done_packets_ = 0;
  uint64_t done_bytes_ = 0;
  bool rechecked_ = false;
  bool polled_ = false;  // busy-polled since the last packets
  std::vector<uint32_t> batch_;
  std::vector<EventFd*> wait_fds_;  // what the worker sleeps on, rebuilt each time (no allocation)
  // RX packets copied into guest buffers and not yet flushed to the used
  // ring (vq->heads up to done_idx), and those of the copy step running.
  struct RxDone {
    uint32_t token;
    uint32_t packet;
    uint16_t buffers;  // the packet's num_buffers in its first buffer; 0 in the others
  };
  std::vector<RxDone> rx_unflushed_;
  std::vector<RxDone> rx_copying_;
  core::Counter tx_packets_{this, "tx_packets"};
  core::Counter rx_packets_{this, "rx_packets"};
  core::Counter signals_{this, "signals"};
  core::Counter handler_runs_{this, "handler_runs"};
};

}  // namespace viosim::models
