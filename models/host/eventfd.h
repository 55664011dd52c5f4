// An eventfd: a 64-bit counter that writers add to and a reader drains, and
// whose signal wakes whoever listens: a thread blocked in read or ppoll, or
// KVM's irqfd, which injects an interrupt inline in the signaller's context
// (the signaller pays for that work, and the signal takes effect at its
// end: the posted interrupt's notification is the injection's last act).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim-core/clock.h"

namespace viosim::models {

class EventFd;
class HostThread;

class EventFdListener {
 public:
  virtual ~EventFdListener() = default;
  // The cycles of work a signal runs inline on the signalling thread
  // before it takes effect (irqfd injection); 0 for a plain wake-up.
  virtual core::Cycles inline_cycles() const { return core::Cycles(0); }
  // Called on every signal, once that inline work is done.
  virtual void on_eventfd_signal(EventFd& fd, HostThread* signaller) = 0;
  // The eventfd is being destroyed (teardown order is free): forget it.
  virtual void on_eventfd_gone(EventFd& fd) = 0;
};

class EventFd {
 public:
  explicit EventFd(std::string name) : name_(std::move(name)) {}
  ~EventFd();
  EventFd(const EventFd&) = delete;
  EventFd& operator=(const EventFd&) = delete;

  const std::string& name() const { return name_; }
  void add_listener(EventFdListener* l) { listeners_.push_back(l); }
  void remove_listener(EventFdListener* l);

  // What a signal runs inline on the signaller: its listeners' cycles.
  core::Cycles inline_cycles() const;
  // Adds one and notifies the listeners.
  void signal(HostThread* signaller);
  // A read: returns the count and resets it.
  uint64_t take() {
    const uint64_t c = count_;
    count_ = 0;
    return c;
  }
  uint64_t count() const { return count_; }
  uint64_t signals() const { return signals_; }

 private:
  std::string name_;
  uint64_t count_ = 0;
  uint64_t signals_ = 0;
  std::vector<EventFdListener*> listeners_;
  bool notifying_ = false;
};

}  // namespace viosim::models
