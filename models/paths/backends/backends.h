// The built-in backends, one file each in this folder; registry.cc lists
// them in the one registration list (backend.h's backends()).
#pragma once

#include "models/paths/backend.h"

namespace viosim::models {

const Backend& e1000_backend();
const Backend& virtio_userspace_backend();
const Backend& vhost_net_backend();
const Backend& vhost_user_backend();
const Backend& passthrough_backend();
const Backend& bare_metal_backend();
const Backend& vdpa_backend();

}  // namespace viosim::models
