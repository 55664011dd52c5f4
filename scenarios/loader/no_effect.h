// Fields that a valid scenario sets but that change nothing where they are:
// rx_usecs under adaptive moderation, virtio features when no virtio
// backend runs, a NIC no VM uses. The loader reports them as warnings (the
// scenario still runs), so that no accepted field is silently ignored; the
// liveness test (tests/scenarios/liveness_test.cc) checks that every other
// field changes the run.
#pragma once

#include "scenarios/loader/issue.h"
#include "scenarios/schema/viosim/scenario.pb.h"

namespace viosim::scenarios {

// `scenario` is resolved and valid.
Issues no_effect_warnings(const viosim::Scenario& scenario);

}  // namespace viosim::scenarios
