// The Linux bridge and the OVS kernel datapath: lookup, megaflow misses,
// upcalls through the handler's netlink socket and re-injection.
#include "models/net/kernel_switch.h"

#include "models/net/packet_trace.h"
#include "models/net/path_places.h"

namespace viosim::models {

const core::ComponentSpec& KernelSwitch::model_spec() {
  static const core::ComponentSpec spec{
      .type = "net.kernel_switch",
      .help =
          "the host kernel's switch of the taps: the Linux bridge, or OVS's kernel datapath with megaflows and "
          "upcalls to a handler thread",
      .params = {{"max_idle_ms", core::Unit::kMilliseconds, "10000", "a megaflow unused this long is deleted"},
                 {"upcall_buffer_bytes", core::Unit::kBytes, "2097152", "the handler socket's receive buffer"},
                 {"handler_batch", core::Unit::kPackets, "64", "upcalls a handler reads at a time"}},
      .ports = {},
      .stats = {
          {"hits", core::StatKind::kCounter, core::Unit::kPackets, "frames switched on the fast path"},
          {"upcalls", core::StatKind::kCounter, core::Unit::kPackets, "frames that missed the megaflows"},
          {"drops", core::StatKind::kCounter, core::Unit::kPackets, "upcalls lost on a full handler socket"},
          {"megaflows_installed", core::StatKind::kCounter, core::Unit::kCount, "megaflows the handler installed"}}};
  return spec;
}

KernelSwitch::KernelSwitch(core::Simulator& sim, std::string_view name, core::Component* parent,
                           const KernelSwitchConfig& config, PacketPool& pool, HostThread* handler, OutPort out_port)
    : core::Component(sim, name, parent),
      config_(config),
      ovs_(config.kind == KernelSwitchConfig::Kind::kOvs),
      pool_(&pool),
      handler_(handler),
      out_port_(std::move(out_port)) {
  if (ovs()) {
    if (handler_ == nullptr) throw std::invalid_argument("the OVS kernel datapath needs a handler thread");
    handler_->start([this] { handler_loop(); });
  }
}

uint32_t KernelSwitch::add_port(OutputCost cost, Output out, core::Cycles fixed) {
  ports_.push_back({std::move(cost), std::move(out), fixed});
  return static_cast<uint32_t>(ports_.size() - 1);
}

uint64_t KernelSwitch::key(uint32_t packet, uint32_t port) const {
  const Packet& p = (*pool_)[packet];
  if (config_.megaflow == KernelSwitchConfig::Megaflow::kPorts) {
    return (uint64_t{port} << 32) | out_port_(packet);
  }
  // A response is a flow of its own (its addresses and ports are the
  // request's reversed), even where it enters by the request's port.
  const uint64_t response = reverse(p) ? 1 : 0;
  return (uint64_t{port} << 48) | (response << 47) | (uint64_t{p.flow & 0x7fff} << 32) | p.conn;
}

core::Cycles KernelSwitch::receive_ovs(uint32_t packet, uint32_t port) {
  if (packet >= missed_.size()) missed_.resize(packet + 1, 0);
  auto it = megaflows_.find(key(packet, port));
  if (it != megaflows_.end()) {
    if (now() - it->second <= config_.max_idle) {
      it->second = now();
      missed_[packet] = 0;
      return config_.ovs_packet + output_cost(packet, port);
    }
    megaflows_.erase(it);  // idle past max-idle: the revalidators deleted it
  }
  missed_[packet] = 1;
  return config_.ovs_packet + config_.ovs_upcall;
}

void KernelSwitch::forward_ovs(uint32_t packet, uint32_t port, HostThread& by) {
  if (!missed_[packet]) {
    ++hits_;
    ports_[port].out(packet, by);
    return;
  }
  missed_[packet] = 0;
  ++upcalls_;
  // netlink_attachskb refuses once the queued bytes exceed the buffer (the
  // last one admitted may overshoot it), and from that overrun on until the
  // handler has read the socket empty.
  if (congested_ || socket_bytes_ > config_.upcall_buffer_bytes) {
    congested_ = true;
    ++upcall_drops_;  // netlink_unicast: ENOBUFS, the datapath counts it lost
    pool_->drop(packet, DropPlace::kUpcall);
    return;
  }
  trace_hop(by, (*pool_)[packet], place::kOvsHandler, "the datapath missed: upcall to ovs-vswitchd (netlink)");
  socket_.push_back({packet, port});
  socket_bytes_ += truesize(packet);
  handler_->wake(&by);
}

void KernelSwitch::handler_loop() {
  if (socket_.empty()) {
    handler_->sleep([this] { handler_loop(); });
    return;
  }
  handle_batch();
}

// recv_upcalls: up to a batch from the socket (a recvmsg each, in the
// kernel), each translated and its megaflow prepared by ovs-vswitchd in
// userspace; then the puts and every frame's execute go down in one
// netlink transaction (a sendmsg), the outputs running in it. One step of
// three parts: host kernel, host user, host kernel.
void KernelSwitch::handle_batch() {
  batch_.clear();
  core::Cycles xlate{0}, down{0};
  while (!socket_.empty() && batch_.size() < config_.handler_batch) {
    const Upcall u = socket_.front();
    socket_.pop_front();
    socket_bytes_ -= truesize(u.packet);
    batch_.push_back(u);
    xlate = xlate + config_.handler_upcall;
    down = down + config_.handler_execute + output_cost(u.packet, u.port);
  }
  if (socket_.empty()) congested_ = false;  // netlink_rcv_wake
  const core::Cycles receive = handler_->account_syscalls(Syscall::kRecvmsg, static_cast<uint32_t>(batch_.size()));
  down = down + handler_->account_syscalls(Syscall::kSendmsg, 1);
  const core::Clock& clock = handler_->core().clock();
  handler_->run_segments({{clock.to_duration(receive), CpuCategory::kHostKernel},
                          {clock.to_duration(xlate), CpuCategory::kHostUser},
                          {clock.to_duration(down), CpuCategory::kHostKernel}},
                         [this] { install_and_execute(); });
}

// The batch's megaflows go in (a second upcall of a flow in one batch finds
// its megaflow put: EEXIST), then its frames go out from the handler.
void KernelSwitch::install_and_execute() {
  for (const Upcall& u : batch_) {
    auto [it, added] = megaflows_.try_emplace(key(u.packet, u.port), now());
    if (added) {
      ++installed_;
    } else {
      it->second = now();
    }
  }
  for (const Upcall& u : batch_) {
    trace_hop(*handler_, (*pool_)[u.packet], place::kOvsDatapath,
              "ovs-vswitchd installed the megaflow and executed it (OVS_PACKET_CMD_EXECUTE)");
    ports_[u.port].out(u.packet, *handler_);
  }
  handler_loop();
}

size_t KernelSwitch::megaflows() const {
  size_t live = 0;
  for (const auto& [key, used] : megaflows_) {
    if (now() - used <= config_.max_idle) ++live;
  }
  return live;
}

}  // namespace viosim::models
