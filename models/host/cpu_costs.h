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
  // The tunables as the kernel sets them at boot on `cpus` CPUs
  // (sched_init_granularity: the unscaled values x 1 + ilog2(min(cpus, 8))).
  static SchedulerParams at_boot(uint32_t cpus) {
    uint32_t n = std::min<uint32_t>(std::max<uint32_t>(cpus, 1), 8);
    int64_t factor = 1;
    while (n > 1) {
      n >>= 1;
      ++factor;
    }
    SchedulerParams p;
    p.latency = core::Microseconds(6'000) * factor;
    p.min_granularity = core::Microseconds(750) * factor;
    p.wakeup_granularity = core::Microseconds(1'000) * factor;
    return p;
  }
  // sched_slice of one of `nr` runnable threads of equal weight, never under
  // the minimum granularity (BASE_SLICE).
  core::Duration slice(int64_t nr) const {
    nr = std::max<int64_t>(nr, 1);
    const core::Duration period = nr > nr_latency() ? core::Duration::from_ps(min_granularity.ps() * nr) : latency;
    return std::max(core::Duration::from_ps(period.ps() / nr), min_granularity);
  }
  // check_preempt_tick: the running thread, `ran` into its slice, yields
  // once past its slice, or past the minimum granularity when it is more
  // than a slice ahead (`ahead`: its vruntime less the leftmost's).
  bool tick_preempts(int64_t nr, core::Duration ran, core::Duration ahead) const {
    const core::Duration ideal = slice(nr);
    return ran > ideal || (ran >= min_granularity && ahead > ideal);
  }
  // check_preempt_wakeup: a woken thread preempts the running one when it
  // has run this much less (`behind`: the running one's vruntime less its).
  bool wakeup_preempts(core::Duration behind) const { return behind > wakeup_granularity; }
};

// Where the host's cores sit, and what a cache line costs to move between
// two of them (mechanisms reference section 21: a load of a line another
// core modified, or a store to a line other cores hold). Logical cores are
// numbered as Linux numbers them on Intel servers: socket by socket, the
// SMT siblings of core i at i + cores / threads_per_core.
struct CacheTopology {
  uint32_t cores = 1;                                      // logical cores of the host (set by the assembly)
  uint32_t sockets = 1;                                    // divides cores / threads_per_core
  uint32_t threads_per_core = 1;                           // 1 or 2
  core::Duration smt_transfer = core::Nanoseconds(8);      // siblings share L1/L2
  core::Duration socket_transfer = core::Nanoseconds(80);  // section 10's default
  core::Duration remote_transfer = core::Nanoseconds(140);
  // A load served by the LLC (a line DDIO put there), and one served by
  // the core's own node's DRAM.
  core::Duration llc_latency = core::Nanoseconds(20);
  core::Duration dram_latency = core::Nanoseconds(90);  // section 10's default
  // Lines of the NIC's socket's LLC that inbound DMA may allocate into
  // (DDIO's ways); 0: no DDIO.
  uint64_t ddio_lines = 0;
  // Misses a core keeps in flight (L1D line fill buffers): the misses of
  // one batch of ring work for different buffers overlap up to this many.
  uint32_t fill_buffers = 10;
  uint32_t physical_core(uint32_t c) const {
    const uint32_t physical = std::max<uint32_t>(cores / threads_per_core, 1);
    return c >= physical ? c % physical : c;
  }
  uint32_t socket(uint32_t c) const {
    if (sockets <= 1) return 0;
    const uint32_t per_socket = std::max<uint32_t>(cores / threads_per_core / sockets, 1);
    return physical_core(c) / per_socket;
  }
  // The time one line takes from core `from`'s cache to core `to`.
  core::Duration transfer(uint32_t from, uint32_t to) const {
    if (from == to) return core::Duration::zero();
    if (threads_per_core > 1 && physical_core(from) == physical_core(to)) return smt_transfer;
    return socket(from) == socket(to) ? socket_transfer : remote_transfer;
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
  // Cache-line hand-offs between the host's cores.
  CacheTopology cache;
};

}  // namespace viosim::models
