// Registers every model type of this build, in a fixed order.
#include "models/register_builtin_models.h"

#include "models/synthetic/mm1_queue.h"
#include "models/synthetic/phold.h"

namespace viosim::models {

void register_builtin_models(core::ModelRegistry& registry) {
  registry.add(Phold::model_spec());
  registry.add(Phold::lp_spec());
  registry.add(Mm1Queue::model_spec());
}

}  // namespace viosim::models
