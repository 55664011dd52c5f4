// The host kernel's switch between the host NIC and the taps of the
// tap-based VMs (e1000, userspace virtio, vhost-net): the Linux bridge or
// the Open vSwitch kernel datapath. A frame is switched in the thread that
// received it (NAPI's softirq for the NIC, the tap's writer for a VM) and
// output there (tun_net_xmit into a tap, or dev_queue_xmit to the NIC).
//
// The bridge looks every frame up in its FDB (br_handle_frame): one cost.
// OVS looks the frame's flow key up in its megaflow table
// (ovs_flow_tbl_lookup_stats): a hit executes the actions in the same
// context; a miss is an upcall (ovs_dp_upcall): the frame is copied into a
// netlink message on ovs-vswitchd's handler socket (a full socket buffer
// loses it), and the handler thread reads up to 64 upcalls at a time,
// translates each through the OpenFlow tables, installs its megaflow and
// re-injects the frame (OVS_PACKET_CMD_EXECUTE), whose output then runs in
// the handler's system call. Until the megaflow is installed, each frame of
// that flow misses too. A megaflow idle longer than max-idle is gone (the
// revalidators delete it) and the next frame misses again. A socket that
// overran stays congested, refusing every upcall, until the handler has
// read it empty (netlink_overrun / netlink_rcv_wake).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <unordered_map>
#include <vector>

#include "models/host/host_thread.h"
#include "models/packet/packet.h"
#include "sim-core/clock.h"
#include "sim-core/component.h"
#include "sim-core/stats.h"

namespace viosim::models {

struct KernelSwitchConfig {
  enum class Kind : uint8_t { kBridge, kOvs };
  // What OVS's megaflows match: the NORMAL action's L2 switching needs the
  // ports and MACs (one megaflow per pair of ports); a pipeline that
  // matches L4 fields (security-group rules, say) un-wildcards them (one
  // per connection and direction).
  enum class Megaflow : uint8_t { kPorts, kConnection };
  Kind kind = Kind::kBridge;
  Megaflow megaflow = Megaflow::kPorts;
  core::Cycles bridge_packet{700};                       // br_handle_frame: learn, FDB lookup, forward
  core::Cycles ovs_packet{900};                          // flow key, mask cache, megaflow lookup, actions
  core::Cycles ovs_upcall{4'500};                        // queue_userspace_packet: copy into a netlink message
  core::Cycles handler_upcall{75'000};                   // the handler: xlate and flow put (its recvmsg apart)
  core::Cycles handler_execute{6'000};                   // OVS_PACKET_CMD_EXECUTE: the frame back into the datapath
  core::Duration max_idle = core::Milliseconds(10'000);  // other_config:max-idle
  // The handler socket's receive buffer and what one upcall takes of it
  // beyond the frame: the flow key attributes, the netlink headers and the
  // skb's own size (truesize). ovs-vswitchd asks for 1 MiB with
  // SO_RCVBUFFORCE (lib/netlink-socket.c, nl_sock_create), which the
  // kernel doubles.
  uint32_t upcall_buffer_bytes = 2'097'152;
  uint32_t upcall_overhead_bytes = 832;
  uint32_t handler_batch = 64;  // UPCALL_MAX_BATCH
};

class KernelSwitch final : public core::Component {
 public:
  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  // Where a switched frame goes from a port, and what the output costs
  // the thread that runs it.
  using OutputCost = std::function<core::Cycles(uint32_t packet)>;
  using Output = std::function<void(uint32_t packet, HostThread& by)>;
  // The port a frame leaves by (for the megaflow key).
  using OutPort = std::function<uint32_t(uint32_t packet)>;

  // `handler` runs OVS's upcalls (may be null for the bridge).
  KernelSwitch(core::Simulator& sim, std::string_view name, core::Component* parent, const KernelSwitchConfig& config,
               PacketPool& pool, HostThread* handler, OutPort out_port);

  // A port: the host NIC's receive side, or a VM's tap. Returns its number.
  // The output costs `cost` per frame, or `fixed` when `cost` is empty.
  uint32_t add_port(OutputCost cost, Output out, core::Cycles fixed = core::Cycles(0));

  // The receiving thread's cost for a frame from `port`: the lookup, and
  // the output on a hit (the upcall on a miss). The decision holds for the
  // `forward` that follows. (The bridge's are inline: they run per frame.)
  core::Cycles receive(uint32_t packet, uint32_t port) {
    return ovs_ ? receive_ovs(packet, port) : config_.bridge_packet + output_cost(packet, port);
  }
  // After the receiving thread has paid `receive`: output, or the upcall.
  void forward(uint32_t packet, uint32_t port, HostThread& by) {
    if (ovs_) {
      forward_ovs(packet, port, by);
      return;
    }
    ports_[port].out(packet, by);
  }

  const KernelSwitchConfig& config() const { return config_; }
  bool ovs() const { return ovs_; }
  uint64_t upcalls() const { return upcalls_.value(); }
  uint64_t upcall_drops() const { return upcall_drops_.value(); }
  uint64_t megaflows_installed() const { return installed_.value(); }
  uint64_t hits() const { return hits_.value(); }
  // Megaflows in the table now: used within max-idle.
  size_t megaflows() const;
  const HostThread* handler() const { return handler_; }

 private:
  struct Port {
    OutputCost cost;
    Output out;
    core::Cycles fixed;
  };
  core::Cycles output_cost(uint32_t packet, uint32_t port) const {
    const Port& p = ports_[port];
    return p.cost ? p.cost(packet) : p.fixed;
  }
  core::Cycles receive_ovs(uint32_t packet, uint32_t port);
  void forward_ovs(uint32_t packet, uint32_t port, HostThread& by);
  struct Upcall {
    uint32_t packet;
    uint32_t port;
  };
  uint64_t key(uint32_t packet, uint32_t port) const;
  // What an upcall of the frame takes of the handler socket's buffer.
  uint64_t truesize(uint32_t packet) const { return uint64_t{(*pool_)[packet].bytes} + config_.upcall_overhead_bytes; }
  void handler_loop();
  void handle_batch();
  void install_and_execute();

  KernelSwitchConfig config_;
  bool ovs_;
  PacketPool* pool_;
  HostThread* handler_;
  OutPort out_port_;
  std::vector<Port> ports_;
  std::unordered_map<uint64_t, core::Time> megaflows_;  // key -> last used
  std::vector<uint8_t> missed_;                         // by packet id: its receive missed
  std::deque<Upcall> socket_;                           // the handler's netlink socket
  uint64_t socket_bytes_ = 0;
  bool congested_ = false;  // overran: refuses upcalls until read empty
  std::vector<Upcall> batch_;
  core::Counter hits_{this, "hits"};
  core::Counter upcalls_{this, "upcalls"};
  core::Counter upcall_drops_{this, "drops"};
  core::Counter installed_{this, "megaflows_installed"};
};

}  // namespace viosim::models
