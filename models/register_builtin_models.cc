// Registers every model type of this build, in a fixed order.
#include "models/register_builtin_models.h"

#include "models/host/core.h"
#include "models/host/host_thread.h"
#include "models/synthetic/mm1_queue.h"
#include "models/synthetic/phold.h"
#include "models/vcpu/vcpu.h"

namespace viosim::models {

void register_builtin_models(core::ModelRegistry& registry) {
  registry.add(Phold::model_spec());
  registry.add(Phold::lp_spec());
  registry.add(Mm1Queue::model_spec());
  registry.add(Core::model_spec());
  registry.add(HostThread::model_spec());
  registry.add(VCpu::model_spec());
}

}  // namespace viosim::models
