// The vhost-net worker: handle_tx and handle_rx with weights, batches,
// notification windows and irqfd signalling; optional busy polling.
#include "models/vhost/vhost_net.h"

#include "models/net/packet_trace.h"

namespace viosim::models {

const core::ComponentSpec& VhostNet::model_spec() {
  static const core::ComponentSpec spec{
      .type = "vhost.net",
      .help = "vhost-net worker per queue pair: handle_tx/handle_rx, 256 packets / 512 KiB weights, batches of 64",
      .params = {{"packet_weight", core::Unit::kPackets, "256", "VHOST_NET_PKT_WEIGHT"},
                 {"byte_weight", core::Unit::kBytes, "524288", "VHOST_NET_WEIGHT"},
                 {"batch", core::Unit::kPackets, "64", "VHOST_NET_BATCH"},
                 {"busyloop_timeout", core::Unit::kPicoseconds, "0", "busy polling before sleeping"}},
      .ports = {},
      .stats = {{"tx_packets", core::StatKind::kCounter, core::Unit::kPackets, "guest packets sent to tun"},
                {"rx_packets", core::StatKind::kCounter, core::Unit::kPackets, "packets copied into the guest"},
                {"signals", core::StatKind::kCounter, core::Unit::kCount, "call eventfd signals (guest interrupts)"},
                {"handler_runs", core::StatKind::kCounter, core::Unit::kCount, "handle_tx / handle_rx runs"}}};
  return spec;
}

VhostNet::VhostNet(core::Simulator& sim, std::string_view name, core::Component* parent, HostThread& worker,
                   VirtioQueuePair& queues, EventFd& rx_call, EventFd& tx_call, TapQueue& tap, PacketPool& pool,
                   const HostNetCosts& host, const Config& config, BridgePort out, uint32_t queue)
    : core::Component(sim, name, parent),
      worker_(&worker),
      q_(&queues),
      rx_call_(&rx_call),
      tx_call_(&tx_call),
      tap_(&tap),
      pool_(&pool),
      host_(host),
      config_(config),
      out_(std::move(out)),
      queue_(queue) {
  batch_.reserve(config_.batch);
  rx_unflushed_.reserve(config_.batch);
  rx_copying_.reserve(config_.batch);
}

void VhostNet::init() {
  if (config_.busy_poll > core::Duration::zero()) {
    q_->on_tx_avail = [this] { worker_->poke(); };
    q_->on_rx_avail = [this] { worker_->poke(); };
  }
  worker_->start([this] { sleep_or_poll(); });
}

core::Cycles VhostNet::copy(uint32_t packet) const {
  return host_.copy(pool_->skb_bytes(packet), worker_->core().clock());
}

void VhostNet::sleep_or_poll() {
  const bool rx_work = !tap_->empty() && !rx_wants_buffers_;
  if (tx_queued_ || rx_queued_ || q_->tx_kick.count() > 0 || q_->rx_kick.count() > 0 || rx_work) {
    worker_->cond_resched([this] { work(); });  // vhost_worker: need_resched() after each work item
    return;
  }
  wait_fds_.assign({&q_->tx_kick, &q_->rx_kick});
  if (!rx_wants_buffers_) wait_fds_.push_back(&tap_->readable());
  worker_->wait(wait_fds_, [this] { work(); });
}

void VhostNet::work() {
  worker_->run(config_.costs.work_dispatch, CpuCategory::kVhost, [this] {
    if (q_->tx_kick.count() > 0 || tx_queued_) {
      q_->tx_kick.take();
      tx_queued_ = false;
      handle_tx();
      return;
    }
    if (q_->rx_kick.count() > 0) {
      q_->rx_kick.take();
      rx_wants_buffers_ = false;
      rx_queued_ = true;
    }
    if (rx_queued_ || (!tap_->empty() && !rx_wants_buffers_)) {
      tap_->readable().take();
      rx_queued_ = false;
      handle_rx();
      return;
    }
    tap_->readable().take();
    sleep_or_poll();
  });
}

// ---- handle_tx ----

void VhostNet::handle_tx() {
  ++handler_runs_;
  q_->tx.disable_notify();
  done_packets_ = 0;
  done_bytes_ = 0;
  rechecked_ = false;
  polled_ = false;
  tx_batch_step();
}

void VhostNet::tx_batch_step() {
  batch_.clear();
  core::Cycles cost;
  uint32_t packet = 0;
  while (batch_.size() < config_.batch && done_packets_ < config_.packet_weight &&
         done_bytes_ < config_.byte_weight && q_->tx.pop(packet)) {
    batch_.push_back(packet);
    stamp((*pool_)[packet], kStampBackend, now());
    trace_hop(*worker_, (*pool_)[packet], place::kVhostWorker, "the vhost worker took it from the TX vring (handle_tx)");
    trace_copy(*worker_, (*pool_)[packet], "out of the guest's TX buffer (tun_sendmsg)");
    ++done_packets_;
    done_bytes_ += (*pool_)[packet].bytes;
    cost += config_.costs.tx_packet + copy(packet);
  }
  if (batch_.empty()) {
    if (done_packets_ >= config_.packet_weight || done_bytes_ >= config_.byte_weight) {
      tx_queued_ = true;  // vhost_exceeds_weight: re-queue, let RX run
      sleep_or_poll();
      return;
    }
    // Empty ring. With a busy-loop timeout, vhost_net_tx_get_vq_desc first
    // spins on the avail ring and the socket while kicks are still off (the
    // stale avail_event keeps the guest from exiting), ending early when
    // another task wants the core.
    if (config_.busy_poll > core::Duration::zero() && !polled_) {
      polled_ = true;
      worker_->spin_on({&tap_->readable()}, CpuCategory::kVhost, config_.busy_poll, /*yield=*/true,
                       [this] { tx_batch_step(); });
      return;
    }
    // Re-enable kicks and look once more (vhost_enable_notify).
    if (!rechecked_ && q_->tx.enable_notify()) {
      q_->tx.disable_notify();
      rechecked_ = true;
      tx_batch_step();
      return;
    }
    sleep_or_poll();
    return;
  }
  rechecked_ = false;
  polled_ = false;
  worker_->run(cost, CpuCategory::kVhost, [this] {
    // vhost_tx_batch: one tun_sendmsg; tun and the host stack forward each
    // packet through the bridge to the NIC on this core.
    core::Cycles stack = config_.costs.tx_batch;
    for (uint32_t p : batch_) stack = stack + host_.tun_get_user_packet + out_.cost(p);
    worker_->run(stack, CpuCategory::kHostKernel, [this] {
      // In order (Linux 6.17), vhost_tx_batch returns the whole batch with
      // one used element; otherwise one each (vhost_add_used_and_signal_n).
      q_->tx.begin_used_batch();
      for (uint32_t p : batch_) {
        ++tx_packets_;
        out_.forward(p, queue_, *worker_);
        q_->tx.push_used(p, 0);
      }
      q_->tx.end_used_batch();
      worker_->run(config_.costs.used_flush, CpuCategory::kVhost,
                   [this] { signal(q_->tx, *tx_call_, [this] { tx_batch_step(); }); });
    });
  });
}

// ---- handle_rx ----

void VhostNet::handle_rx() {
  ++handler_runs_;
  q_->rx.disable_notify();
  done_packets_ = 0;
  done_bytes_ = 0;
  rx_step();
}

void VhostNet::rx_step() {
  if (done_packets_ >= config_.packet_weight || done_bytes_ >= config_.byte_weight) {
    rx_flush(RxThen::kRequeue);
    return;
  }
  if (tap_->empty()) {
    rx_flush(RxThen::kSleep);
    return;
  }
  // Every frame the tap holds, while guest buffers, the batch and the
  // weight allow: the packet loop of handle_rx, whose copies nobody sees
  // until the flush, as one step.
  // get_rx_bufs takes as many buffers as the packet needs (mergeable
  // buffers), or none: without them all the packet waits in the tap.
  core::Cycles cost;
  uint32_t token = 0;
  bool short_of_buffers = false;
  while (!tap_->empty() && rx_unflushed_.size() + rx_copying_.size() < config_.batch &&
         done_packets_ < config_.packet_weight && done_bytes_ < config_.byte_weight) {
    const uint32_t buffers = q_->buffers_for(pool_->skb_bytes(tap_->front()));
    if (q_->rx.avail_pending() < buffers || !q_->rx.pop(token)) {
      short_of_buffers = q_->rx.avail_pending() > 0;
      break;
    }
    uint32_t packet = 0;
    tap_->pop(packet);
    ++done_packets_;
    done_bytes_ += pool_->skb_bytes(packet);
    trace_copy(*worker_, (*pool_)[packet], "from the tap into the guest's RX buffer (handle_rx)");
    cost += config_.costs.rx_packet + copy(packet) + config_.costs.rx_buffer * (buffers - 1);
    rx_copying_.push_back({token, packet, static_cast<uint16_t>(buffers)});
    for (uint32_t k = 1; k < buffers; ++k) {
      q_->rx.pop(token);
      rx_copying_.push_back({token, packet, 0});
    }
  }
  if (rx_copying_.empty() && short_of_buffers) {
    // Some buffers, too few for the packet: wait for the refill's kick.
    // vhost_enable_notify publishes the avail index it last read, which
    // may be behind the guest's: then it says so, and a second round
    // publishes the current one, which the guest's next refill passes.
    if (q_->rx.enable_notify()) {
      q_->rx.disable_notify();
      q_->rx.enable_notify();
    }
    rx_wants_buffers_ = true;
    rx_flush(RxThen::kSleep);
    return;
  }
  if (rx_copying_.empty()) {
    // No guest buffers: ask for the refill kick, and look once more.
    if (q_->rx.enable_notify()) {
      q_->rx.disable_notify();
      rx_step();
      return;
    }
    rx_wants_buffers_ = true;
    rx_flush(RxThen::kSleep);
    return;
  }
  worker_->run(cost, CpuCategory::kVhost, [this] {
    for (const RxDone& d : rx_copying_) {
      if (d.buffers > 0) ++rx_packets_;
      q_->rx_packet[d.token] = d.packet;
      q_->rx_buffers[d.token] = d.buffers;
      rx_unflushed_.push_back(d);
    }
    rx_copying_.clear();
    if (rx_unflushed_.size() >= config_.batch) {
      rx_flush(RxThen::kStep);
      return;
    }
    rx_step();
  });
}

void VhostNet::rx_flush(RxThen then) {
  if (rx_unflushed_.empty()) {
    rx_then(then);
    return;
  }
  worker_->run(config_.costs.used_flush, CpuCategory::kVhost, [this, then] {
    // vhost_add_used_n: the used elements, then the index the guest reads.
    for (const RxDone& d : rx_unflushed_) {
      Packet& p = (*pool_)[d.packet];
      q_->rx.push_used(d.token, d.buffers > 0 ? p.bytes : 0);
      if (d.buffers == 0) continue;
      stamp(p, kStampBackend, now());
      trace_hop(*worker_, p, place::kRxVring, "the vhost worker marked its guest buffer used (vhost_add_used_n)");
    }
    rx_unflushed_.clear();
    q_->rx_published();
    signal(q_->rx, *rx_call_, [this, then] { rx_then(then); });
  });
}

void VhostNet::rx_then(RxThen then) {
  switch (then) {
    case RxThen::kStep:
      rx_step();
      return;
    case RxThen::kRequeue:
      rx_queued_ = !tap_->empty();  // over its weight: let TX run first
      sleep_or_poll();
      return;
    case RxThen::kSleep:
      sleep_or_poll();
      return;
  }
}

void VhostNet::signal(Virtqueue& vq, EventFd& call, Continuation k) {
  if (!vq.should_notify()) {
    k();
    return;
  }
  ++signals_;
  worker_->signal_in_kernel(call, std::move(k));
}

}  // namespace viosim::models
