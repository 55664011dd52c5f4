// The guest's fair scheduler: virtual runtime, wake-up placement and the
// two preemption checks (kernel/sched/fair.c before EEVDF).
#include "models/vcpu/guest_scheduler.h"

#include <algorithm>
#include <stdexcept>

namespace viosim::models {

GuestScheduler::ThreadId GuestScheduler::add(std::string name) {
  threads_.push_back(Thread{std::move(name), min_vruntime_, false, 0});
  return static_cast<ThreadId>(threads_.size() - 1);
}

uint32_t GuestScheduler::nr_running() const {
  uint32_t n = 0;
  for (const Thread& t : threads_) n += t.runnable;
  return n;
}

void GuestScheduler::update_curr(core::Time now) {
  if (current_ == kNone) return;
  threads_[current_].vruntime += now - exec_start_;  // nice 0: weight 1024, virtual time is real time
  exec_start_ = now;
  update_min_vruntime();
}

GuestScheduler::ThreadId GuestScheduler::leftmost() const {
  ThreadId best = kNone;
  for (ThreadId i = 0; i < threads_.size(); ++i) {
    const Thread& t = threads_[i];
    if (!t.runnable || i == current_) continue;
    if (best == kNone || t.vruntime < threads_[best].vruntime ||
        (t.vruntime == threads_[best].vruntime && t.order < threads_[best].order)) {
      best = i;
    }
  }
  return best;
}

// min_vruntime only moves forward: to the least of the running and the
// leftmost runnable thread's.
void GuestScheduler::update_min_vruntime() {
  core::Duration v = min_vruntime_;
  const bool curr = current_ != kNone && threads_[current_].runnable;
  if (curr) v = threads_[current_].vruntime;
  if (const ThreadId l = leftmost(); l != kNone) v = curr ? std::min(v, threads_[l].vruntime) : threads_[l].vruntime;
  min_vruntime_ = std::max(min_vruntime_, v);
}

bool GuestScheduler::wake(ThreadId id, core::Time now) {
  Thread& t = threads_.at(id);
  if (t.runnable) return false;
  update_curr(now);
  // place_entity: a sleeper keeps what it has, or gets at most half a
  // latency period of credit.
  t.vruntime = std::max(t.vruntime, min_vruntime_ - p_.latency / 2);
  t.runnable = true;
  t.order = ++order_;
  if (current_ == kNone) return false;
  return p_.wakeup_preempts(threads_[current_].vruntime - t.vruntime);
}

void GuestScheduler::put_prev(core::Time now, bool runnable) {
  if (current_ == kNone) throw std::logic_error("guest scheduler: no thread is running");
  update_curr(now);
  Thread& t = threads_[current_];
  if (runnable) {
    t.order = ++order_;  // back into the tree, after its equals
  } else {
    t.runnable = false;
  }
  current_ = kNone;
  update_min_vruntime();
}

GuestScheduler::ThreadId GuestScheduler::pick(core::Time now) {
  if (current_ != kNone) throw std::logic_error("guest scheduler: a thread is still running");
  const ThreadId next = leftmost();
  if (next == kNone) return kNone;
  current_ = next;
  exec_start_ = now;
  picked_at_ = now;
  update_min_vruntime();
  return next;
}

bool GuestScheduler::tick(core::Time now) {
  if (current_ == kNone) return false;
  update_curr(now);
  const ThreadId l = leftmost();
  if (l == kNone) return false;  // entity_tick checks only with another runnable
  return p_.tick_preempts(nr_running(), now - picked_at_, threads_[current_].vruntime - threads_[l].vruntime);
}

}  // namespace viosim::models
