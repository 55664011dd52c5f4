// The list of model types a build knows, for `viosim list-models`, the
// schema reference and checks. Filled by one explicit function,
// register_builtin_models() in models/, never by static constructors.
#pragma once

#include <string_view>
#include <vector>

#include "sim-core/component_spec.h"

namespace viosim::core {

class ModelRegistry {
 public:
  // Throws std::logic_error if the type is already registered.
  void add(const ComponentSpec& spec);
  const ComponentSpec* find(std::string_view type) const;
  // In registration order.
  const std::vector<const ComponentSpec*>& models() const { return models_; }

 private:
  std::vector<const ComponentSpec*> models_;
};

}  // namespace viosim::core
