// Host RPS backlog: see host_backlog.h.
#include "models/net/host_backlog.h"

#include "models/net/packet_trace.h"

namespace viosim::models {

const core::ComponentSpec& HostBacklog::model_spec() {
  static const core::ComponentSpec spec{
      .type = "net.host_backlog",
      .help =
          "a host core's RPS backlog: frames another core's NAPI steered here, run through the host stack in "
          "this core's NET_RX softirq, 64 a round",
      .params = {{"netdev_max_backlog", core::Unit::kPackets, "1000", "frames the backlog holds"}},
      .ports = {},
      .stats = {{"frames", core::StatKind::kCounter, core::Unit::kPackets, "frames queued here"},
                {"drops", core::StatKind::kCounter, core::Unit::kPackets, "frames dropped past netdev_max_backlog"},
                {"rounds", core::StatKind::kCounter, core::Unit::kCount, "process_backlog rounds"}}};
  return spec;
}

HostBacklog::HostBacklog(core::Simulator& sim, std::string_view name, core::Component* parent, HostThread& thread,
                         uint32_t max_backlog, const HostNetCosts& costs, PacketPool& pool, Cost cost, Deliver deliver)
    : core::Component(sim, name, parent),
      thread_(&thread),
      max_backlog_(max_backlog),
      costs_(costs),
      pool_(&pool),
      cost_(std::move(cost)),
      deliver_(std::move(deliver)),
      lines_(1 + 4 * slots()) {}

void HostBacklog::init() {
  thread_->start([this] { thread_->sleep([this] { round(); }); });
}

void HostBacklog::enqueue(uint32_t packet, HostThread& from) {
  // The limit is on the input queue alone (qlen <= netdev_max_backlog):
  // what process_backlog has spliced off no longer counts.
  if (input_len_ > max_backlog_) {
    ++drops_;
    pool_->drop(packet, DropPlace::kHostBacklog);
    return;
  }
  const size_t slot = 1 + 4 * (tail_ % slots());
  lines_.write(0, CpuCategory::kHostKernel);                                        // the queue's lock and tail
  for (size_t l = 0; l < 4; ++l) lines_.write(slot + l, CpuCategory::kHostKernel);  // the skb
  queue_.push_back(packet);
  ++input_len_;
  ++tail_;
  ++frames_;
  if (scheduled_) return;
  scheduled_ = true;
  thread_->wake(&from);  // an IPI when the core is another's (net_rps_send_ipi)
}

void HostBacklog::round() {
  ++rounds_;
  core::Cycles cost = costs_.napi_poll;
  lines_.read(0, CpuCategory::kHostKernel, true);
  batch_ = std::min<uint32_t>(kWeight, static_cast<uint32_t>(queue_.size()));
  for (uint32_t i = 0; i < batch_; ++i) {
    if (process_len_ == 0) {
      // The process queue is done: the input queue is spliced onto it
      // whole, under the queue's lock.
      process_len_ = input_len_;
      input_len_ = 0;
    }
    --process_len_;
    const size_t slot = 1 + 4 * ((head_ + i) % slots());
    for (size_t l = 0; l < 4; ++l) lines_.read(slot + l, CpuCategory::kHostKernel);
    buffer_taken();  // each skb's lines a chain of its own: their misses overlap
    cost = cost + cost_(queue_[i]);
  }
  thread_->run(cost, CpuCategory::kHostKernel, [this] {
    for (uint32_t i = 0; i < batch_; ++i) {
      const uint32_t packet = queue_.front();
      queue_.pop_front();
      ++head_;
      trace_hop(*thread_, (*pool_)[packet], place::kRpsBacklog, "RPS: the core's backlog took it (process_backlog)");
      deliver_(packet, *thread_);
    }
    if (!queue_.empty()) {
      thread_->cond_resched([this] { round(); });  // between rounds, as ksoftirqd would
      return;
    }
    scheduled_ = false;
    thread_->sleep([this] { round(); });
  });
}

}  // namespace viosim::models
