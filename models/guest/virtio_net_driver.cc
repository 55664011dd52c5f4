// virtio-net driver: transmit, TX completion and RX NAPI for one queue pair.
#include "models/guest/virtio_net_driver.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "models/guest/virtio_notify.h"
#include "models/net/packet_trace.h"

namespace viosim::models {

const core::ComponentSpec& VirtioNetDriver::model_spec() {
  static const core::ComponentSpec spec{
      .type = "guest.virtio_net",
      .help = "Linux virtio-net driver for one queue pair: xmit_more kicks, TX stop/wake, TX and RX NAPI, refill",
      .params = {{"napi_tx", core::Unit::kNone, "true", "TX completion by TX NAPI (else reclaim in start_xmit)"},
                 {"napi_weight", core::Unit::kPackets, "64", "RX NAPI budget per poll"},
                 {"txqueuelen", core::Unit::kPackets, "1000", "qdisc queue in front of a stopped TX queue"}},
      .ports = {},
      .stats = {{"kicks", core::StatKind::kCounter, core::Unit::kCount, "doorbell writes (TX and RX refill)"},
                {"rx_interrupts", core::StatKind::kCounter, core::Unit::kCount, "RX queue interrupts"},
                {"tx_interrupts", core::StatKind::kCounter, core::Unit::kCount, "TX completion interrupts"},
                {"rx_packets", core::StatKind::kCounter, core::Unit::kPackets, "packets received"},
                {"rx_buffers", core::StatKind::kCounter, core::Unit::kCount,
                 "receive buffers the packets filled (more than the packets with mergeable buffers)"},
                {"busy_polls", core::StatKind::kCounter, core::Unit::kCount,
                 "RX polls a busy-polling receive ran (SO_BUSY_POLL), its last ones included"},
                {"tx_packets", core::StatKind::kCounter, core::Unit::kPackets, "packets added to the TX ring"},
                {"qdisc_drops", core::StatKind::kCounter, core::Unit::kPackets, "drops at a full qdisc"},
                {"queue_stops", core::StatKind::kCounter, core::Unit::kCount, "TX queue stopped for lack of slots"}}};
  return spec;
}

VirtioNetDriver::VirtioNetDriver(core::Simulator& sim, std::string_view name, core::Component* parent,
                                 GuestOs& os, VirtioQueuePair& queues, const Config& config, GuestOs* irq_os)
    : core::Component(sim, name, parent),
      os_(&os),
      irq_os_(irq_os != nullptr ? irq_os : &os),
      vcpu_(&irq_os_->vcpu()),
      q_(&queues),
      config_(config) {
  configure_tx({});
  os.set_device(this);
  q_->on_rx_used = [this] {
    rx_napi_.published();  // a busy loop sees the used index move
  };
  irq_os_->register_vector(q_->rx_vector, [this](Continuation done) { rx_isr(std::move(done)); });
  irq_os_->register_vector(q_->tx_vector, [this](Continuation done) { tx_isr(std::move(done)); });
}

void VirtioNetDriver::init() {
  // virtnet_open: fill the receive ring.
  for (uint32_t token = 0; token < q_->rx.size(); ++token) free_rx_buffers_.push_back(token);
  post_rx_buffers();
  // Without TX NAPI, TX callbacks are wanted only while the queue is stopped.
  if (!config_.napi_tx) q_->tx.disable_cb();
}

// ---- transmit ----

void VirtioNetDriver::track_skbs(SkbOwner& owner) {
  skb_owner_ = &owner;
  txq_->track_skbs(owner, !config_.napi_tx);
}

void VirtioNetDriver::configure_tx(const TxQueueSetup& setup) {
  TxQueueSetup s = setup;
  s.bql = s.bql && config_.napi_tx;
  txq_ = std::make_unique<NetdevTxQueue>(s, os_->pool(), qdisc_drops_);
  if (skb_owner_ != nullptr) txq_->track_skbs(*skb_owner_, !config_.napi_tx);
}

void VirtioNetDriver::xmit(VCpu& cpu, uint32_t packet, bool more, Continuation k) {
  if (!queue_runs() || txq_->holds()) {
    // Into the qdisc; if the queue runs, this sender runs the qdisc.
    txq_->enqueue(packet, now(), &cpu);
    if (!queue_runs()) {
      k();
      return;
    }
    flush_qdisc(cpu, std::move(k));
    return;
  }
  add_to_ring(cpu, packet, more, std::move(k));
}

uint32_t VirtioNetDriver::reclaim_tx(VCpu& cpu) {
  // The packet itself travels on into the host; the driver only frees its
  // slot, and tells BQL the bytes it had queued there.
  uint32_t n = 0;
  uint64_t bytes = 0;
  uint32_t token = 0, len = 0;
  while (q_->tx.get_used(token, len)) {
    ++n;
    bytes += tx_bytes_.front();
    tx_bytes_.pop_front();
  }
  if (txq_->completed(bytes, now(), &cpu)) bql_woke_ = true;
  return n;
}

void VirtioNetDriver::add_to_ring(VCpu& vcpu, uint32_t packet, bool more, Continuation k) {
  Virtqueue& tx = q_->tx;
  uint32_t reclaimed = 0;
  if (config_.napi_tx) {
    // start_xmit: reclaim with callbacks off; at the end of a batch re-arm
    // them with the 3/4 delay, and reclaim again if already past it.
    do {
      tx.disable_cb();
      reclaimed += reclaim_tx(vcpu);
    } while (!more && tx.enable_cb_delayed());
  } else {
    reclaimed = reclaim_tx(vcpu);
  }
  if (!tx.add(packet, 1)) throw std::logic_error("virtio-net: TX ring full while the queue runs");
  tx_bytes_.push_back(os_->pool()[packet].bytes);
  txq_->sent(os_->pool()[packet], more, &vcpu);
  stamp(os_->pool()[packet], kStampDevice, now());
  trace_hop(vcpu.thread(), os_->pool()[packet], place::kTxVring, "the virtio-net driver put it on the TX vring (start_xmit)");
  ++tx_packets_;
  if (q_->on_tx_avail) q_->on_tx_avail();
  bool stop_now = false;
  if (tx.num_free() < config_.stop_threshold) {
    // check_sq_full_and_disable: stop, and ask for an interrupt when 3/4 of
    // the outstanding buffers are done so the queue can be woken.
    stopped_ = true;
    stop_now = true;
    ++stops_;
    if (tx.enable_cb_delayed()) {
      if (config_.napi_tx && !tx_napi_scheduled_) {
        tx_napi_scheduled_ = true;
        vcpu.post_softirq([this, &vcpu](Continuation done) { tx_napi(vcpu, std::move(done)); });
      } else if (!config_.napi_tx) {
        // More just got used: free them and recheck.
        reclaim_tx(vcpu);
        if (tx.num_free() >= config_.stop_threshold) {
          stopped_ = false;
          tx.disable_cb();
        }
      }
    }
  }
  // __netdev_tx_sent_queue: a queue BQL stopped kicks now, xmit_more or not.
  const bool decide = !more || stop_now || txq_->stack_stopped();
  const GuestCosts& c = os_->costs();
  vcpu.guest(c.driver_tx_packet + c.driver_tx_free * reclaimed, CpuCategory::kGuestKernel,
             [this, &vcpu, decide, k = std::move(k)]() mutable {
               Virtqueue& tx = q_->tx;
               if ((decide && tx.kick_prepare()) || tx.take_forced_kick()) {
                 ++kicks_;
                 if (sim().tracer()) vcpu.thread().trace_instant(CauseKind::kKick, "kick tx");
                 virtio_notify(vcpu, CpuCategory::kGuestKernel, q_->tx_doorbell, q_->tx_kick, std::move(k));
                 return;
               }
               k();
             });
}

void VirtioNetDriver::tx_isr(Continuation done) {
  // vring_interrupt: IRQ_NONE when nothing is used (another queue's, on a
  // shared vector, or reaped already by a poll that was running).
  if (!q_->tx.on_interrupt()) {
    irq_os_->unclaimed();
    done();
    return;
  }
  ++tx_irqs_;
  q_->tx.disable_cb();  // skb_xmit_done
  if (!config_.napi_tx) {
    // Orphan mode: callbacks stay off; the queue is woken and the next
    // transmit reclaims (they come back on only when the queue stops).
    if (stopped_) {
      reclaim_tx(*vcpu_);
      if (q_->tx.num_free() >= config_.stop_threshold) stopped_ = false;
    }
    vcpu_->guest(os_->costs().irq_entry, CpuCategory::kGuestKernel,
                 [this, done = std::move(done)]() mutable { flush_qdisc(*vcpu_, std::move(done)); });
    return;
  }
  if (!tx_napi_scheduled_) {
    tx_napi_scheduled_ = true;
    vcpu_->post_softirq([this](Continuation d) { tx_napi(*vcpu_, std::move(d)); });
  }
  vcpu_->guest(os_->costs().irq_entry, CpuCategory::kGuestKernel, std::move(done));
}

// On the CPU that scheduled it (napi_schedule: the sender's, or the TX
// interrupt's).
void VirtioNetDriver::tx_napi(VCpu& cpu, Continuation done) {
  const uint32_t reclaimed = reclaim_tx(cpu);
  const GuestCosts& c = os_->costs();
  tx_napi_done_.hold(std::move(done), name(), "TX NAPI");
  cpu.guest(c.napi_poll + c.driver_tx_free * reclaimed, CpuCategory::kGuestKernel, [this, &cpu] {
    if (stopped_ && q_->tx.num_free() >= config_.stop_threshold) stopped_ = false;  // wake the queue
    bql_woke_ = false;                                                              // the qdisc runs below either way
    // virtqueue_napi_complete: re-enable, poll again if more came.
    if (q_->tx.enable_cb_prepare()) {
      q_->tx.disable_cb();
      cpu.post_softirq([this, &cpu](Continuation d) { tx_napi(cpu, std::move(d)); });
    } else {
      tx_napi_scheduled_ = false;
    }
    flush_qdisc(cpu, tx_napi_done_.release());
  });
}

void VirtioNetDriver::flush_qdisc(VCpu& vcpu, Continuation k) {
  uint32_t packet = 0;
  if (!queue_runs() || !txq_->dequeue(now(), packet, &vcpu)) {
    k();
    return;
  }
  // A bulk dequeue: xmit_more while the qdisc holds more and BQL has room.
  const bool more = txq_->holds() && txq_->room_after(os_->pool()[packet].bytes);
  add_to_ring(vcpu, packet, more, [this, &vcpu, k = std::move(k)]() mutable { flush_qdisc(vcpu, std::move(k)); });
}

// ---- receive ----

void VirtioNetDriver::rx_isr(Continuation done) {
  if (!q_->rx.on_interrupt()) {  // IRQ_NONE, as for TX
    irq_os_->unclaimed();
    done();
    return;
  }
  ++rx_irqs_;
  // skb_recv_done -> virtqueue_napi_schedule: napi_schedule_prep fails
  // while a softirq or a busy poller holds the NAPI (it finds the packets).
  if (rx_napi_.schedule()) {
    q_->rx.disable_cb();
    schedule_rx_napi(*vcpu_);
  }
  vcpu_->guest(os_->costs().irq_entry, CpuCategory::kGuestKernel, std::move(done));
}

void VirtioNetDriver::schedule_rx_napi(VCpu& cpu) {
  cpu.post_softirq([this, &cpu](Continuation d) { rx_napi(cpu, NapiPoll::kSoftirq, std::move(d)); });
}

// ---- busy polling (napi_busy_loop) ----

bool VirtioNetDriver::busy_poll_own(VCpu& cpu) { return rx_napi_.busy_take(cpu); }

void VirtioNetDriver::busy_poll(VCpu& cpu, Continuation k) { rx_napi(cpu, NapiPoll::kBusy, std::move(k)); }

void VirtioNetDriver::busy_poll_stop(VCpu& cpu, Continuation k) { rx_napi(cpu, NapiPoll::kBusyStop, std::move(k)); }

void VirtioNetDriver::rx_napi(VCpu& cpu, NapiPoll by, Continuation done) {
  Virtqueue& rx = q_->rx;
  const uint32_t budget = poll_budget(by, config_.napi_budget);
  if (by != NapiPoll::kSoftirq) ++busy_polls_;
  uint32_t received = 0;
  uint32_t token = 0, len = 0;
  core::Cycles stack{0};
  uint32_t extra = 0;  // buffers (mergeable) or pages (big) past each packet's first
  while (received < budget && rx.get_used(token, len)) {
    free_rx_buffers_.push_back(token);
    const uint32_t head = token;
    // receive_mergeable: the packet's other buffers are the next used ones.
    const uint32_t buffers = q_->rx_buffers[head];
    if (buffers == 0) throw std::logic_error("a packet's later mergeable buffer was taken for its first");
    for (uint32_t k = 1; k < buffers; ++k) {
      if (!rx.get_used(token, len)) throw std::logic_error("a packet's mergeable buffers were not all used");
      free_rx_buffers_.push_back(token);
    }
    rx_buffers_.add(buffers);
    const uint32_t packet_len = os_->pool().skb_bytes(q_->rx_packet[head]) - 4;  // no FCS
    if (config_.rx_buffers == Config::RxBuffers::kMergeable) {
      avg_pkt_len_ = ewma_add(avg_pkt_len_, packet_len);
      extra += buffers - 1;
    } else if (config_.rx_buffers == Config::RxBuffers::kBig) {
      // receive_big: page_to_skb keeps the pages the packet filled, none
      // when it copies a packet of up to GOOD_COPY_LEN into the skb.
      const uint32_t pages =
          packet_len <= kGoodCopyLen ? 0 : (packet_len + VirtioQueuePair::kNetHdrLen + kPageSize - 1) / kPageSize;
      pages_taken_ += pages;
      extra += pages > 1 ? pages - 1 : 0;
    }
    stamp(os_->pool()[q_->rx_packet[head]], kStampDevice, now());
    trace_hop(cpu.thread(), os_->pool()[q_->rx_packet[head]], place::kVirtioNetDriver,
              by == NapiPoll::kSoftirq ? "the driver's NAPI poll took it from the RX vring to the socket"
                                       : "a busy-polling receive took it from the RX vring to the socket");
    ++received;
    ++rx_packets_;
    stack = stack + irq_os_->receive(q_->rx_packet[head], this, cpu);  // the stack, or RPS's steering
  }
  // napi_complete_done hands up what GRO held; a softirq poll on its
  // whole budget is polled again, and at HZ 1000 keeps this jiffy's skbs.
  stack = stack + irq_os_->gro_flush(this, cpu, by == NapiPoll::kSoftirq && received == budget);
  // virtnet_poll_cleantx: the RX poll also reclaims the paired TX queue
  // (callbacks off, then re-armed with the 3/4 delay, as start_xmit does)
  // and wakes it if it was stopped; the qdisc then runs in NET_TX.
  uint32_t reclaimed = 0;
  if (config_.napi_tx) {
    Virtqueue& tx = q_->tx;
    do {
      tx.disable_cb();
      reclaimed += reclaim_tx(cpu);
    } while (tx.enable_cb_delayed());
    const bool woke = (stopped_ && tx.num_free() >= config_.stop_threshold) || bql_woke_;
    if (stopped_ && tx.num_free() >= config_.stop_threshold) stopped_ = false;
    bql_woke_ = false;
    if (woke && queue_runs() && txq_->holds()) {
      cpu.post_softirq([this, &cpu](Continuation d) { flush_qdisc(cpu, std::move(d)); });
    }
  }
  const GuestCosts& c = os_->costs();
  rx_napi_done_.hold(std::move(done), name(), "RX NAPI");
  cpu.guest(
      c.napi_poll + c.driver_rx_packet * received + c.driver_rx_buffer * extra + stack + c.driver_tx_free * reclaimed,
      CpuCategory::kGuestKernel, [this, &cpu, by, received] { rx_refill(cpu, by, received); });
}

// try_fill_recv once half the buffers are free (half of the poll's budget,
// at most): every free slot, then one kick decision.
void VirtioNetDriver::rx_refill(VCpu& cpu, NapiPoll by, uint32_t received) {
  Virtqueue& rx = q_->rx;
  const uint32_t budget = poll_budget(by, config_.napi_budget);
  const size_t threshold = std::min<size_t>(budget, rx.size()) / 2;
  if (free_rx_buffers_.size() <= threshold) {
    rx_napi_complete(cpu, by, received);
    return;
  }
  const core::Cycles cost = post_rx_buffers();
  if (q_->on_rx_avail) q_->on_rx_avail();
  cpu.guest(cost, CpuCategory::kGuestKernel, [this, &cpu, by, received] {
    if (q_->rx.kick_prepare() || q_->rx.take_forced_kick()) {
      ++kicks_;
      if (sim().tracer()) cpu.thread().trace_instant(CauseKind::kKick, "kick rx (buffers refilled)");
      virtio_notify(cpu, CpuCategory::kGuestKernel, q_->rx_doorbell, q_->rx_kick,
                    [this, &cpu, by, received] { rx_napi_complete(cpu, by, received); });
      return;
    }
    rx_napi_complete(cpu, by, received);
  });
}

uint32_t VirtioNetDriver::mergeable_buf_len(uint32_t avg) {
  // get_mergeable_buf_len: the header and the average, clamped to
  // [GOOD_PACKET_LEN, a page less the header], aligned to a cache line.
  constexpr uint32_t kGoodPacketLen = 1518;  // ETH_HLEN + VLAN_HLEN + ETH_DATA_LEN
  const uint32_t len =
      VirtioQueuePair::kNetHdrLen + std::clamp(avg, kGoodPacketLen, kPageSize - VirtioQueuePair::kNetHdrLen);
  return (len + 63) / 64 * 64;
}

core::Cycles VirtioNetDriver::post_rx_buffers() {
  // try_fill_recv: add_recvbuf_mergeable sizes every buffer it posts now
  // by the running average; add_recvbuf_big takes its pages from the
  // driver's own list, refilled with the pages the received skbs kept.
  const GuestCosts& c = os_->costs();
  if (config_.rx_buffers == Config::RxBuffers::kMergeable) q_->rx_buf_len = mergeable_buf_len(avg_pkt_len_);
  const size_t n = free_rx_buffers_.size();
  for (uint32_t token : free_rx_buffers_) q_->rx.add(token);
  free_rx_buffers_.clear();
  core::Cycles cost = c.driver_rx_refill * static_cast<int64_t>(n);
  if (config_.rx_buffers == Config::RxBuffers::kBig) {
    cost = cost + c.page_alloc * pages_taken_;
    pages_taken_ = 0;
    return cost;
  }
  // Mergeable and small buffers are carved from the receive queue's page
  // fragment (skb_page_frag_refill): a new 32 KB compound page when the
  // current one cannot hold the next buffer.
  const uint32_t len = config_.rx_buffers == Config::RxBuffers::kMergeable ? q_->rx_buf_len : kSmallBufLen;
  for (size_t i = 0; i < n; ++i) {
    if (frag_left_ < len) {
      cost = cost + c.page_alloc;
      frag_left_ = kFragPageSize;
    }
    frag_left_ -= len;
  }
  return cost;
}

void VirtioNetDriver::rx_napi_complete(VCpu& cpu, NapiPoll by, uint32_t received) {
  Virtqueue& rx = q_->rx;
  const uint32_t budget = poll_budget(by, config_.napi_budget);
  if (by == NapiPoll::kBusyStop) rx_napi_.busy_stop();
  if (received == budget) {
    // Budget used: a softirq poll runs again; a busy poller polls on (its
    // last poll hands the NAPI to the softirq, __busy_poll_stop).
    if (by != NapiPoll::kBusy)
      cpu.post_softirq([this, &cpu](Continuation d) { rx_napi(cpu, NapiPoll::kSoftirq, std::move(d)); });
  } else if (rx.enable_cb_prepare()) {
    rx.disable_cb();  // more arrived meanwhile: reschedule without an interrupt
    if (by != NapiPoll::kBusy)
      cpu.post_softirq([this, &cpu](Continuation d) { rx_napi(cpu, NapiPoll::kSoftirq, std::move(d)); });
  } else if (by == NapiPoll::kBusy) {
    rx.disable_cb();  // napi_complete_done refused (IN_BUSY_POLL): the interrupt stays off
  } else {
    rx_napi_.complete();
  }
  rx_napi_done_.release()();
}

}  // namespace viosim::models
