// The one place where a build's model types are registered.
#pragma once

#include "sim-core/model_registry.h"

namespace viosim::models {

void register_builtin_models(core::ModelRegistry& registry);

}  // namespace viosim::models
