// The host-side costs of the CPU model: scheduling, wake-ups and system
// calls. These are scenario data (a host profile fills them); the defaults
// are the mechanisms reference's section 10 figures for a ~3 GHz Xeon.
#pragma once

#include <algorithm>

#include <array>
#include <cstdint>
#include <string_view>

#include "sim-core/clock.h"
#include "sim-core/time.h"

namespace viosim::models {

enum class Syscall : uint8_t {
  kEventfdWrite,
  kEventfdRead,
  kRead,
  kWritev,
  kSendmsg,
  kRecvmsg,
  kIoctl,
  kPpoll,
};
inline constexpr int kSyscallKinds = 8;

constexpr std::string_view syscall_name(Syscall s) {
  constexpr std::array<std::string_view, kSyscallKinds> kNames = {"eventfd_write", "eventfd_read", "read",  "writev",
                                                                  "sendmsg",       "recvmsg",      "ioctl", "ppoll"};
  return kNames[static_cast<size_t>(s)];
}

// How CFS shares a core between runnable threads (kernel/sched/fair.c of
// Linux 6.1, the Debian 12 kernel). The kernel scales the three durations
// at boot by 1 + log2(min(cpus, 8)) (SCHED_TUNABLESCALING_LOG); these are
// the values after that scaling, the defaults those of an 8-core host.
struct SchedulerParams {
  // sysctl_sched_latency (6 ms unscaled): the period in which each of up
  // to sched_nr_latency (8) runnable threads runs once; more stretch it to
  // their count x min_granularity.
  core::Duration latency = core::Milliseconds(24);
  // sysctl_sched_min_granularity (0.75 ms unscaled): the least a thread
  // runs before the tick may take the core for a thread that has run less.
  core::Duration min_granularity = core::Microseconds(3'000);
  // sysctl_sched_wakeup_granularity (1 ms unscaled): a woken thread
  // preempts the running one when it has run this much less (vruntime).
  core::Duration wakeup_granularity = core::Milliseconds(4);
  // The scheduler tick (CONFIG_HZ = 250 on Debian): when a running thread's
  // slice is checked.
  core::Duration tick = core::Milliseconds(4);
  // sched_nr_latency: how many runnable threads fit in one latency period
  // at the minimum granularity (8 with the defaults).
  int64_t nr_latency() const {
    const int64_t g = std::max<int64_t>(min_granularity.ps(), 1);
    return (latency.ps() + g - 1) / g;
  }
};

struct CpuCosts {
  uint64_t frequency_hz = 3'000'000'000;
  // Switching a core from one thread to another (save, pick next, restore).
  core::Cycles context_switch{4'500};
  // The scheduler's wake-up path on the woken thread's core (enqueue, pick,
  // switch in) when that core was idle.
  core::Cycles wakeup{3'000};
  // A reschedule IPI from the waking core to an idle target core.
  core::Duration ipi_latency = core::Nanoseconds(1'000);
  // Leaving the idle state the target core sleeps in (C1 class).
  core::Duration idle_exit_latency = core::Nanoseconds(1'500);
  // Round trip of a null system call; each kind adds its own work below.
  core::Cycles syscall_base{300};
  std::array<core::Cycles, kSyscallKinds> syscall_work = {
      core::Cycles(600),    // eventfd write: wake the waiters
      core::Cycles(300),    // eventfd read
      core::Cycles(1'500),  // read (tap: one packet)
      core::Cycles(2'000),  // writev (tap: one packet into the host stack)
      core::Cycles(2'000),  // sendmsg
      core::Cycles(1'500),  // recvmsg
      core::Cycles(1'200),  // ioctl (e.g. KVM_IRQ_LINE, KVM_SIGNAL_MSI)
      core::Cycles(1'500),  // ppoll over the main loop's descriptors
  };
  // A kernel thread signalling an eventfd (no system call).
  core::Cycles eventfd_signal_in_kernel{300};
  // How threads sharing a core take turns.
  SchedulerParams scheduler;
};

}  // namespace viosim::models
