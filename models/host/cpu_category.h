// What a core's time is spent on. Every picosecond of every core is charged
// to exactly one category, so "where did the CPU go" is one table whose rows
// add up to the run time.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace viosim::models {

enum class CpuCategory : uint8_t {
  kGuestUser,    // guest applications
  kGuestKernel,  // guest kernel: stack, drivers, interrupt handlers
  kExitEntry,    // the hardware VM exit and entry transitions
  kKvm,          // KVM's exit handling, emulation, halt polling, injection
  kQemu,         // QEMU userspace: device models, main loop, bottom halves
  kVhost,        // vhost kernel workers
  kPmd,          // DPDK poll-mode threads (vhost-user backends)
  kHostUser,     // other host userspace: ovs-vswitchd's handlers, a host process's application
  kHostKernel,   // host kernel: syscalls, scheduler, softirq, network stack
  kIdle,         // nothing to run (including waking from an idle state)
};

inline constexpr int kCpuCategories = 10;

constexpr std::string_view category_name(CpuCategory c) {
  constexpr std::array<std::string_view, kCpuCategories> kNames = {
      "guest_user", "guest_kernel", "exit_entry", "kvm", "qemu", "vhost", "pmd", "host_user", "host_kernel", "idle"};
  return kNames[static_cast<size_t>(c)];
}

}  // namespace viosim::models
