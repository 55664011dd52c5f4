// A backend: how a VM's NIC reaches the host (an emulated e1000, virtio with
// QEMU's userspace device, vhost-net, vhost-user, a passthrough VF) or, for
// the reference, the host's own stack on bare metal. Each is one object in
// one file under models/paths/backends/, behind this interface: it states
// its traits and queue limits, builds its pieces for a VM (wiring
// each hop it makes into the path graph as it wires it), and reports its
// per-queue counts. backends() is the one list; the builder, the validator,
// `viosim graph` and explain look a backend up there and never switch over
// the backend enum.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "models/paths/path_config.h"
#include "models/paths/path_results.h"
#include "models/virtio/split_virtqueue.h"

namespace viosim::models {

struct VmAssembly;

// What a backend lets a guest NIC have (reference/mechanisms.md 1.2, 3.2,
// 4.3 and 7.2 give the sources, in each backend's file).
struct QueueLimits {
  uint32_t max_queues = 1;  // 0: bounded by the uplink NIC's queues
  uint32_t min_queue_size = 64;
  uint32_t max_queue_size = 4096;
  bool queue_size_power_of_two = true;
  uint32_t queue_size_multiple = 1;  // ring length granularity
};

// How a VM's NIC meets the host's switch: a tap on the kernel's bridge, a
// vhost-user port of OVS-DPDK (which then owns the physical NIC), a VF of
// the NIC's embedded switch, or no VM at all (bare metal).
enum class Attachment : uint8_t { kTap, kVhostUserPort, kVf, kNative };

struct BackendTraits {
  Attachment attachment = Attachment::kTap;  // kNative: no VM, the stack runs on a host core
  bool native() const { return attachment == Attachment::kNative; }
  bool virtio = false;            // virtio rings in guest memory (mergeable 1536-byte buffers, MSI-X per virtqueue)
  // Whose code serves the virtio rings' device side (virtqueue.h),
  // and whether it is hardware doing DMA (vDPA) rather than a host thread.
  Virtqueue::Backend ring_device = Virtqueue::Backend::kVhost;
  bool ring_dma = false;
  bool packed_ring = false;       // its device side implements VIRTIO_F_RING_PACKED
  bool in_order = false;          // its device side offers VIRTIO_F_IN_ORDER
  bool host_tso = true;           // a virtio device side that offers VIRTIO_NET_F_HOST_TSO4
  bool one_queue = false;         // one queue whatever the vCPUs (e1000)
  bool worker_per_queue = false;  // a thread per queue pair, each on a free core of its own unless pinned (vhost-net)
  bool host_nic_rings = false;    // its rings are the host NIC's, not the VM NIC's queue_size (bare metal)
  QueueLimits limits;
};

class Backend {
 public:
  Backend(PathBackend id, std::string_view name, BackendTraits traits) : id_(id), name_(name), traits_(traits) {}
  virtual ~Backend() = default;
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  PathBackend id() const { return id_; }
  std::string_view name() const { return name_; }  // the scenario's enum name: "VHOST_NET"
  const BackendTraits& traits() const { return traits_; }

  // Builds this backend's pieces for the VM `vm` (whose vCPUs, guest OSes
  // and flows exist already, on a host whose cores, wire out and peer do):
  // its threads and devices, the guest drivers that talk to them, the way
  // to the wire and VmAssembly::from_wire for the way in, recording every
  // connection it makes with VmAssembly::hop.
  virtual void build(VmAssembly& vm) const = 0;
  // The VM's queue pairs as its drivers saw them: packets each way,
  // interrupts handled, doorbells written. The default reads the drivers'
  // counters; a backend whose interrupts are counted elsewhere overrides it.
  virtual std::vector<PathResults::VmQueueCounts> queue_counts(const VmAssembly& vm) const;

 private:
  PathBackend id_;
  std::string_view name_;
  BackendTraits traits_;
};

// Every backend: the built-in ones (backends/registry.cc) in their enum
// order, then any registered since.
const std::vector<const Backend*>& backends();
// Throws std::invalid_argument when no backend has that id.
const Backend& backend(PathBackend id);
// Null when no backend has that name (or id).
const Backend* find_backend(std::string_view name);
const Backend* find_backend(PathBackend id);
// Adds a backend defined outside the list (a test's own); it must outlive
// its use and have an id and a name of its own (std::invalid_argument).
void register_backend(const Backend& backend);

}  // namespace viosim::models
