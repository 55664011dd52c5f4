// Whether this build can run a valid scenario: the loader asks the builder
// itself, for every backend the scenario runs, so that `validate`, `run`,
// `sweep`, `explain`, `graph` and the GUI share one answer. A scenario the
// models cannot run yet (several VMs, TCP, a frame mix, ...) is refused at
// the field it is about.
#pragma once

#include "scenarios/loader/issue.h"
#include "scenarios/schema/viosim/scenario.pb.h"

namespace viosim::scenarios {

// The problems of building `scenario` (valid by the rules) on each backend
// it runs, each once: "on VHOST_USER: ..." when only some backends have it.
Issues build_issues(const viosim::Scenario& scenario);

}  // namespace viosim::scenarios
