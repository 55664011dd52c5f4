#include "scenarios/plan/probe_runner.h"

#include <algorithm>
#include <exception>

#include "scenarios/loader/loader.h"
#include "scenarios/runner/run_scenario.h"
#include "scenarios/sweep/parallel_for.h"
#include "scenarios/sweep/point_file.h"
#include "scenarios/sweep/point_id.h"
#include "scenarios/sweep/point_lock.h"
#include "scenarios/sweep/run_point.h"

namespace viosim::plan {
namespace {

// The point file's record of one replication, results not yet in.
viosim::SweepPointResult record_of(const PlanTask& task, const viosim::Scenario& s, const std::string& id, double value,
                                   uint32_t replication) {
  viosim::SweepPointResult record;
  record.set_point_id(id);
  record.set_viosim_version(std::string(sweep::viosim_version()));
  for (size_t a = 0; a < task.axis_fields.size(); ++a) {
    viosim::SweepAxisValue* v = record.add_axis();
    v->set_field(task.axis_fields[a]);
    v->set_value(task.axis_values[a]);
  }
  viosim::SweepAxisValue* searched = record.add_axis();
  searched->set_field(task.searched ? "plan.highest_rate" : task.field);
  searched->set_value(value_text(task, value));
  record.set_backend(task.backend);
  record.set_replication(replication);
  record.set_seed(s.seed());
  return record;
}

ReplicationRun from_record(const viosim::SweepPointResult& r) {
  ReplicationRun run;
  run.point_id = r.point_id();
  if (r.has_result()) run.result = r.result();
  run.skipped_reason = r.skipped_reason();
  run.warnings.assign(r.warnings().begin(), r.warnings().end());
  return run;
}

}  // namespace

ProbeRunner::ProbeRunner(RunnerOptions options) : options_(std::move(options)), slots_(std::max(1, options_.jobs)) {}

ReplicationRun ProbeRunner::one(const PlanTask& task, double value, uint32_t replication) {
  const viosim::Scenario s = probe_scenario(task, value, replication);
  const std::string id = sweep::point_id(scenarios::to_textproto(s), sweep::viosim_version());
  if (options_.points_dir) {
    if (auto stored = sweep::read_point_file(*options_.points_dir, id)) {
      ++read_;
      return from_record(*stored);
    }
    if (!options_.run_missing) {
      throw MissingRun("no run yet of " + task.backend + " at " + value_text(task, value) + ", replication " +
                       std::to_string(replication) + " (point " + id + ")");
    }
  }
  // A slot first, then the point's lock: a process holds locks only on the
  // points it is running, so another one working on the folder never waits
  // for a point that is merely queued here.
  slots_.acquire();
  struct Release {
    std::counting_semaphore<4096>& slots;
    ~Release() { slots.release(); }
  } release{slots_};
  std::optional<sweep::PointLock> lock;
  if (options_.points_dir) {
    lock.emplace(sweep::PointLock::take(*options_.points_dir, id, options_.cancel));
    if (auto stored = sweep::read_point_file(*options_.points_dir, id)) {  // another process ran it meanwhile
      lock->finished();
      ++read_;
      return from_record(*stored);
    }
  }
  viosim::SweepPointResult record = record_of(task, s, id, value, replication);
  viosim::RunOptions options;
  options.cancel = options_.cancel;
  sweep::run_into_record(s, options, &record);
  if (options_.points_dir) {
    sweep::write_point_file(*options_.points_dir, record);
    lock->finished();
  }
  ++made_;
  ReplicationRun run = from_record(record);
  run.ran = true;
  return run;
}

std::vector<ReplicationRun> ProbeRunner::run(const PlanTask& task, double value, uint32_t first, uint32_t last) {
  const size_t n = last - first;
  std::vector<ReplicationRun> out(n);
  std::vector<std::exception_ptr> errors(n);
  // At most as many threads as slots.
  sweep::parallel_for(n, options_.jobs, [&](size_t k) {
    try {
      out[k] = one(task, value, first + static_cast<uint32_t>(k));
    } catch (...) {
      errors[k] = std::current_exception();
    }
  });
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  return out;
}

}  // namespace viosim::plan
