// The pieces of one run, built from a PathConfig: the host (cores, the
// wire both ways, the external peer), the VM (vCPUs, guest OSes, flows) and
// whatever the VM's backend adds (backend.h). Components register with the
// simulator as they are built and must outlive the run, so the assembly
// owns them all. Every connection made while building is recorded with
// hop(): the path graph is read back from that record, never drawn apart.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/e1000/e1000_device.h"
#include "models/guest/e1000_driver.h"
#include "models/guest/guest_os.h"
#include "models/guest/nic_driver.h"
#include "models/guest/virtio_net_driver.h"
#include "models/host/host_thread.h"
#include "models/kvm/irqfd.h"
#include "models/net/tap.h"
#include "models/net/tap_steering.h"
#include "models/passthrough/iotlb.h"
#include "models/paths/path_config.h"
#include "models/paths/path_graph.h"
#include "models/traffic/flow_stats.h"

namespace viosim::models {

class Backend;

struct Assembly {
  // Builds the host and the VM, then the backend's pieces: once built,
  // `graph` holds the wiring and the simulator is ready to run.
  // `tracer` (may be null) sees the pieces from their construction on.
  Assembly(const PathConfig& c, const Backend& backend, core::TraceWriter* tracer = nullptr);

  const PathConfig& config;
  const Backend& backend;
  core::Simulator sim;
  PacketPool pool;
  PathGraph graph;  // the wiring, as it was made
  std::vector<std::unique_ptr<Core>> cores;
  std::vector<std::unique_ptr<HostThread>> threads;
  std::vector<std::unique_ptr<FlowStats>> flows;
  std::unique_ptr<Wire> to_peer, from_peer;
  std::unique_ptr<ExternalPeer> peer;
  // One vCPU and guest OS per queue pair (vCPU i sends on queue pair i).
  std::vector<std::unique_ptr<VCpu>> vcpus;
  std::vector<std::unique_ptr<GuestOs>> oses;
  std::vector<std::unique_ptr<VirtioQueuePair>> queues;
  std::vector<std::unique_ptr<VirtioNetDriver>> drivers;
  std::vector<std::unique_ptr<TapQueue>> taps;
  std::unique_ptr<TapSteering> tap_steering;
  std::unique_ptr<MultiQueueRx> nic_rx;
  std::vector<std::unique_ptr<EventFd>> calls;
  std::vector<std::unique_ptr<Irqfd>> irqfds;
  std::unique_ptr<QemuVirtioNet> qemu;
  std::vector<std::unique_ptr<VhostNet>> vhosts;
  std::vector<std::unique_ptr<VhostUserPmd>> pmds;
  std::unique_ptr<E1000Device> e1000;
  std::unique_ptr<E1000Driver> e1000_driver;
  std::unique_ptr<Iotlb> iotlb;
  std::vector<std::unique_ptr<NicQueue>> hw_queues;
  std::vector<std::unique_ptr<NicDriver>> hw_drivers;
  ConnectionQueues hw_steering;  // connection -> hardware queue, by RSS
  std::vector<std::unique_ptr<std::function<void()>>> vfio_bodies;  // each remapped vector's handler loop
  std::vector<core::Component*> nic_drivers;  // whichever drivers the VM runs, one per queue pair
  // A frame the host kernel sent through its NIC has left: the queue's TX
  // completion (paths whose host stack drives the NIC).
  std::function<void(const Packet&)> tx_completion;
  ConnectionQueues host_txq;  // connection -> host NIC queue pair it is sent on

  // Records a connection just made: packets go from place `from` (in
  // `from_where`: "guest", "host kernel", "QEMU", "device", ...) to `to`
  // by `how`. Places are models/net/path_places.h's names, the ones traced
  // packets name too.
  void hop(const std::string& from, const std::string& from_where, const std::string& to, const std::string& to_where,
           const std::string& how);

  Core& core(uint32_t i);
  HostThread& thread(const std::string& name, uint32_t core_index);
  uint32_t pairs() const { return static_cast<uint32_t>(oses.size()); }
  uint32_t backend_core(uint32_t i) const;
  // The vector of queue pair `i`'s rx or tx queue and the vCPU it reaches.
  uint32_t rx_vector(uint32_t i) const;
  uint32_t tx_vector(uint32_t i) const;
  VCpu& irq_vcpu(uint32_t i) const { return *vcpus[config.shared_vector ? 0 : i]; }
  GuestOs& irq_os(uint32_t i) const { return *oses[config.shared_vector ? 0 : i]; }
  // A call eventfd injecting `vector` into `vcpu` through KVM's irqfd.
  EventFd& call(const std::string& name, VCpu& vcpu, uint32_t vector);

  // Shared pieces backends build from.
  // The host NIC's receive queues behind RSS; in interrupt mode each with its
  // softirq thread on its IRQ core, handing frames to `deliver`.
  void build_nic_rx(bool polled, core::Cycles deliver_cost, HostNicRx::Deliver deliver);
  // Kernel networking in front of `tap_queues` tap queues, read by `reader`
  // (in `reader_where`): the NIC's queues with their interrupts and NAPI on
  // the IRQ cores, the bridge, and the tap's queue choice.
  void build_host_rx_to_tap(uint32_t tap_queues, const std::string& reader, const std::string& reader_where);
  // The guest's virtio-net driver and a queue pair per vCPU.
  void build_virtio_queues();
  // Hardware queues (an SR-IOV VF's when `vf`, else the host NIC's on bare
  // metal), one per queue pair, with their drivers.
  void build_hardware_queues(bool vf);
  // The guest stack's hops through its NIC driver `device` (in `where`).
  void guest_stack_hops(const std::string& device, const std::string& where);

  static constexpr uint32_t kRxVector = 35;
  static constexpr uint32_t kTxVector = 36;

 private:
  void build_common();
};

// Names keep the single-queue path's (queue 0, vCPU 0) so that its
// components draw the same random streams as before multi-queue.
std::string indexed(const std::string& base, uint32_t i, const std::string& suffix_for_others);

}  // namespace viosim::models
