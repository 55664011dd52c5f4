// The exception a run throws when it is asked to stop (PathConfig::cancel):
// the run is abandoned between two slices and gives no results. Callers
// that offer a Cancel button catch it; everything else lets it pass.
#pragma once

#include <stdexcept>

namespace viosim::models {

class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("the run was cancelled") {}
};

}  // namespace viosim::models
