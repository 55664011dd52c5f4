// Registers every model type of this build, in a fixed order.
#include "models/register_builtin_models.h"

#include "models/guest/cpu_load.h"
#include "models/guest/guest_os.h"
#include "models/guest/virtio_net_driver.h"
#include "models/host/core.h"
#include "models/host/dma_lines.h"
#include "models/host/host_thread.h"
#include "models/net/external_peer.h"
#include "models/net/host_backlog.h"
#include "models/net/host_nic_rx.h"
#include "models/net/host_nic_tx.h"
#include "models/net/tap.h"
#include "models/net/wire.h"
#include "models/qemu/qemu_virtio_net.h"
#include "models/synthetic/mm1_queue.h"
#include "models/synthetic/phold.h"
#include "models/traffic/flow_stats.h"
#include "models/vcpu/vcpu.h"
#include "models/vdpa/vdpa_device.h"
#include "models/vhost/vhost_net.h"
#include "models/vhost_user/vhost_user_pmd.h"

namespace viosim::models {

void register_builtin_models(core::ModelRegistry& registry) {
  registry.add(Phold::model_spec());
  registry.add(Phold::lp_spec());
  registry.add(Mm1Queue::model_spec());
  registry.add(Core::model_spec());
  registry.add(HostThread::model_spec());
  registry.add(DdioWays::model_spec());
  registry.add(VCpu::model_spec());
  registry.add(GuestOs::model_spec());
  registry.add(CpuLoad::model_spec());
  registry.add(VirtioNetDriver::model_spec());
  registry.add(QemuVirtioNet::model_spec());
  registry.add(VhostNet::model_spec());
  registry.add(VhostUserPmd::model_spec());
  registry.add(VdpaDevice::model_spec());
  registry.add(TapQueue::model_spec());
  registry.add(HostBacklog::model_spec());
  registry.add(HostNicRx::model_spec());
  registry.add(HostNicTx::model_spec());
  registry.add(Wire::model_spec());
  registry.add(ExternalPeer::model_spec());
  registry.add(FlowStats::model_spec());
}

}  // namespace viosim::models
