// The host process: the end of the flows written with `src: "host"` or
// `dst: "host"`. The same stack and applications as a guest's (GuestOs)
// run on a host core (a native vCPU, as on bare metal); its device is the
// host's side of the kernel's switch. Sending, the stack's br_dev_xmit
// hands the frame to the switch in the process's own system call, which
// outputs it into the VM's tap there; receiving, a VM's frame is passed up
// by the switch (br_pass_frame_up, netif_receive_skb, IP, UDP) in the
// thread that wrote it into its tap, and the process is woken.
#pragma once

#include <memory>
#include <stdexcept>

#include "models/guest/guest_net_device.h"
#include "models/guest/guest_os.h"
#include "models/paths/assembly.h"
#include "models/vcpu/vcpu.h"

namespace viosim::models {

struct Assembly::HostProcess final : GuestNetDevice {
  HostProcess(Assembly& host, uint32_t core);
  void xmit(VCpu& cpu, uint32_t packet, bool more, Continuation k) override;
  // The bridge's device is noqueue (IFF_NO_QUEUE) and never stops: nothing
  // to hold, nothing to configure.
  void configure_tx(const TxQueueSetup& /*setup*/) override {}
  // The bridge device takes GSO skbs whole (NETIF_F_GSO_SOFTWARE): a TCP
  // skb reaches the VM's tap as the process's TCP built it.
  bool tso() const override { return true; }
  // tun_net_xmit orphans each skb it queues (skb_orphan): the sending
  // socket's bytes are freed as br_dev_xmit hands the frame to the tap.
  void track_skbs(SkbOwner& owner) override { skb_owner = &owner; }
  // A VM's frame for the process, its stack already paid by `by`.
  void receive(uint32_t packet, HostThread& by);

  Assembly& host;
  std::unique_ptr<VCpu> vcpu;
  std::unique_ptr<GuestOs> os;
  uint32_t port = 0;  // on the kernel's switch
  SkbOwner* skb_owner = nullptr;
};

}  // namespace viosim::models
