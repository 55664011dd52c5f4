// The host process's side of the kernel's switch.
#include "models/paths/host_process.h"

#include "models/net/packet_trace.h"
#include "models/net/path_places.h"

namespace viosim::models {

using namespace place;

Assembly::HostProcess::HostProcess(Assembly& h, uint32_t core) : host(h) {
  // The first VM's guest settings stand for the host's stack: the same
  // kernel code, costs from the same profile.
  const VmConfig& like = h.config.vms.front();
  VCpu::Config config = like.vcpu;
  config.native = true;
  config.host_process = true;
  config.apicv = true;
  config.halt_poll_max = core::Duration::zero();
  vcpu = std::make_unique<VCpu>(h.sim, "host_app_state", nullptr, h.thread("host_app", core), config);
  os = std::make_unique<GuestOs>(h.sim, "host_app", nullptr, *vcpu, h.pool, like.guest);
  os->set_socket(like.socket);
  os->set_device(this);
  KernelSwitch& sw = h.tap_switch();
  const char* switch_place = h.switch_place();
  // Its local port: what the switch outputs from it goes into a VM's tap.
  const core::Clock& clock = h.core(core).clock();
  port = sw.add_port(
      // The host's stack leaves the checksum to the device.
      [this, &clock](uint32_t p) { return host.tap_xmit_cost(host.vm_of(p), p, clock, /*csum_partial=*/true); },
      [this, how = "the " + std::string(switch_place) + " forwarded it from the host's stack (br_dev_xmit)"](
          uint32_t p, HostThread& by) { host.tap_push(host.vm_of(p), p, by, how); });
  const std::string app = in_vm(kHostProcess, kApplication), stack = in_vm(kHostProcess, kGuestStack);
  h.hop(app, "host kernel", stack, "host kernel", "sendto");
  h.hop(stack, "host kernel", switch_place, "host kernel", "br_dev_xmit");
  h.hop(switch_place, "host kernel", stack, "host kernel", "br_pass_frame_up, netif_receive_skb");
  h.hop(stack, "host kernel", app, "host kernel", "socket wake-up");
}

void Assembly::HostProcess::xmit(VCpu&, uint32_t packet, bool, Continuation k) {
  host.cross(packet);  // on its way into a VM, timed from here as from the wire
  // br_dev_xmit and what the switch does with the frame: host kernel work,
  // as the same from a softirq or a vhost worker is.
  vcpu->guest(host.kernel_switch->receive(packet, port), CpuCategory::kHostKernel,
              [this, packet, k = std::move(k)]() mutable {
                const Packet p = host.pool[packet];
                host.kernel_switch->forward(packet, port, vcpu->thread());
                // The tap has it (or dropped it): its skb left the socket.
                if (skb_owner != nullptr && p.tcp_data) skb_owner->skb_freed({p.flow, p.conn, p.bytes}, *vcpu);
                k();
              });
}

void Assembly::HostProcess::receive(uint32_t packet, HostThread& by) {
  Packet& p = host.pool[packet];
  stamp(p, kStampWire, host.sim.now());  // it reached the host's stack: the remote end's part from here
  trace_hop(by, p, kGuestStack, "the switch passed it up to the host's stack (br_pass_frame_up, netif_receive_skb)");
  os->deliver(packet, &by);  // by wakes the process: an IPI from its core
}

}  // namespace viosim::models
