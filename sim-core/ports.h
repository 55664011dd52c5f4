// Typed ports. An output port is connected to one input port of the same
// payload type; send() hands the payload to the receiver's handler at once.
// Delays belong to the models (a wire serialises, a thread is busy), not to
// the connection. An unconnected output port is an error at init.
#pragma once

#include <functional>
#include <stdexcept>
#include <string_view>

#include "sim-core/component.h"

namespace viosim::core {

class PortBase {
 public:
  PortBase(Component* owner, std::string_view name, PortDirection direction)
      : owner_(owner), spec_(&owner->bind_port(this, name, direction)) {}
  PortBase(const PortBase&) = delete;
  PortBase& operator=(const PortBase&) = delete;
  virtual ~PortBase() = default;
  const std::string& name() const { return spec_->name; }
  PortDirection direction() const { return spec_->direction; }
  Component& owner() const { return *owner_; }
  virtual bool connected() const = 0;

 private:
  Component* owner_;
  const PortSpec* spec_;
};

template <class T>
class InPort final : public PortBase {
 public:
  InPort(Component* owner, std::string_view name, std::function<void(const T&)> handler)
      : PortBase(owner, name, PortDirection::kIn), handler_(std::move(handler)) {}
  void deliver(const T& payload) { handler_(payload); }
  bool connected() const override { return true; }

 private:
  std::function<void(const T&)> handler_;
};

template <class T>
class OutPort final : public PortBase {
 public:
  OutPort(Component* owner, std::string_view name) : PortBase(owner, name, PortDirection::kOut) {}
  void connect(InPort<T>& peer) {
    if (peer_ != nullptr) throw std::logic_error("port " + owner().name() + "." + name() + " is already connected");
    peer_ = &peer;
  }
  void send(const T& payload) { peer_->deliver(payload); }
  bool connected() const override { return peer_ != nullptr; }
  InPort<T>* peer() const { return peer_; }

 private:
  InPort<T>* peer_ = nullptr;
};

template <class T>
void connect(OutPort<T>& from, InPort<T>& to) {
  from.connect(to);
}

}  // namespace viosim::core
