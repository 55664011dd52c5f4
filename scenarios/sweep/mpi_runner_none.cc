// The MPI runner of a build without MPI: the same interface, refusing.
#include <stdexcept>

#include "scenarios/sweep/mpi_runner.h"

namespace viosim::sweep {

bool mpi_built() { return false; }

MpiSession::MpiSession() {
  throw std::runtime_error("this viosim was built without MPI (configure with -DVIOSIM_MPI=ON and libopenmpi-dev)");
}

MpiSession::~MpiSession() = default;

int MpiSession::broadcast(int value) const { return value; }

int MpiSession::max_over_ranks(int value) const { return value; }

RunReport run_points_mpi(const MpiSession&, const SweepPlan&, const std::vector<size_t>&,
                         const std::filesystem::path&, Progress*) {
  throw std::runtime_error("this viosim was built without MPI");
}

}  // namespace viosim::sweep
