// Model registry.
#include "sim-core/model_registry.h"

#include <stdexcept>
#include <string>

namespace viosim::core {

void ModelRegistry::add(const ComponentSpec& spec) {
  if (find(spec.type) != nullptr) throw std::logic_error("model type " + spec.type + " registered twice");
  models_.push_back(&spec);
}

const ComponentSpec* ModelRegistry::find(std::string_view type) const {
  for (const ComponentSpec* s : models_) {
    if (s->type == type) return s;
  }
  return nullptr;
}

}  // namespace viosim::core
