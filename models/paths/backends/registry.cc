// The one registration list of backends, and the lookups over it.
#include <stdexcept>
#include <string>

#include "models/paths/assembly.h"
#include "models/paths/backend.h"
#include "models/paths/backends/backends.h"

namespace viosim::models {
namespace {

std::vector<const Backend*>& list() {
  static std::vector<const Backend*> all{&e1000_backend(),      &virtio_userspace_backend(), &vhost_net_backend(),
                                         &vhost_user_backend(), &passthrough_backend(),      &bare_metal_backend(),
                                         &vdpa_backend()};
  return all;
}

}  // namespace

std::vector<PathResults::VmQueueCounts> Backend::queue_counts(const VmAssembly& a) const {
  std::vector<PathResults::VmQueueCounts> out;
  for (size_t i = 0; i < a.nic_drivers.size(); ++i) {
    const core::Component& d = *a.nic_drivers[i];
    PathResults::VmQueueCounts& q = out.emplace_back();
    q.vcpu_core = a.irq_vcpu(static_cast<uint32_t>(i)).thread().core().index();
    q.rx_packets = d.counter_value("rx_packets");
    q.tx_packets = d.counter_value("tx_packets");
    q.interrupts = d.counter_value("rx_interrupts") + d.counter_value("tx_interrupts") + d.counter_value("interrupts");
    q.kicks = d.counter_value("kicks") + d.counter_value("doorbells");
    q.rx_buffers = d.counter_value("rx_buffers");
  }
  return out;
}

const std::vector<const Backend*>& backends() { return list(); }

const Backend* find_backend(PathBackend id) {
  for (const Backend* b : list()) {
    if (b->id() == id) return b;
  }
  return nullptr;
}

const Backend& backend(PathBackend id) {
  if (const Backend* b = find_backend(id)) return *b;
  throw std::invalid_argument("no backend has id " + std::to_string(static_cast<int>(id)));
}

const Backend* find_backend(std::string_view name) {
  for (const Backend* b : list()) {
    if (b->name() == name) return b;
  }
  return nullptr;
}

void register_backend(const Backend& b) {
  for (const Backend* other : list()) {
    if (other == &b) return;
    if (other->id() == b.id() || other->name() == b.name()) {
      throw std::invalid_argument("backend " + std::string(b.name()) + " clashes with " + std::string(other->name()));
    }
  }
  list().push_back(&b);
}

std::string_view backend_name(PathBackend id) {
  const Backend* b = find_backend(id);
  return b != nullptr ? b->name() : "?";
}

}  // namespace viosim::models
