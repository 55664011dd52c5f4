// eventfd signalling. Listeners may leave while being notified (a woken
// thread stops listening to every fd it polled): their slots are cleared and
// compacted afterwards, so a signal never allocates.
#include "models/host/eventfd.h"

#include <algorithm>

namespace viosim::models {

EventFd::~EventFd() {
  const auto listening = std::move(listeners_);
  listeners_.clear();
  for (EventFdListener* l : listening) {
    if (l != nullptr) l->on_eventfd_gone(*this);
  }
}

void EventFd::remove_listener(EventFdListener* l) {
  if (notifying_) {
    std::replace(listeners_.begin(), listeners_.end(), l, static_cast<EventFdListener*>(nullptr));
  } else {
    listeners_.erase(std::remove(listeners_.begin(), listeners_.end(), l), listeners_.end());
  }
}

core::Cycles EventFd::inline_cycles() const {
  core::Cycles work;
  for (const EventFdListener* l : listeners_) {
    if (l != nullptr) work += l->inline_cycles();
  }
  return work;
}

void EventFd::signal(HostThread* signaller) {
  ++count_;
  ++signals_;
  notifying_ = true;
  const size_t n = listeners_.size();
  for (size_t i = 0; i < n; ++i) {
    if (listeners_[i] != nullptr) listeners_[i]->on_eventfd_signal(*this, signaller);
  }
  notifying_ = false;
  listeners_.erase(std::remove(listeners_.begin(), listeners_.end(), nullptr), listeners_.end());
}

}  // namespace viosim::models
