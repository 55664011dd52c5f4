// VM exits: the reasons the models take, the class each belongs to, and
// what each costs. A round trip is the hardware exit/entry transition, then
// KVM's handler for the reason, plus instruction emulation for the emulated
// class, plus the return to the userspace device model (and back into
// KVM_RUN) for the userspace class. Costs are host-profile data; the
// defaults reproduce the 2012 kvm-unit-tests host of calibration section 1
// (vmcall 3,898, outl_to_kernel 4,451, inl_from_kernel 7,237, inl_from_qemu
// 20,574 cycles).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "sim-core/clock.h"
#include "sim-core/time.h"

namespace viosim::models {

enum class ExitReason : uint8_t {
  kVmcall,             // hypercall
  kPioFast,            // PIO matched on the PIO bus (ioeventfd, in-kernel device), no decode
  kMmioFast,           // EPT misconfig on a zero-length ioeventfd: the virtio doorbell
  kPioEmulated,        // PIO emulated in KVM (in-kernel PIT/PIC/pmtimer class)
  kMmioEmulated,       // MMIO decoded and emulated in KVM (in-kernel APIC, IOAPIC)
  kPioUserspace,       // PIO to the device model in QEMU (KVM_EXIT_IO)
  kMmioUserspace,      // MMIO to the device model in QEMU (KVM_EXIT_MMIO): e1000 registers
  kExternalInterrupt,  // a host interrupt or a kick IPI arrived in guest mode
  kHlt,                // the guest idles
  kMsrWrite,           // x2APIC EOI / ICR writes without APIC virtualization, TSC-deadline writes
  kPreemptionTimer,    // the VMX preemption timer (guest timer deadlines)
  kEoiInduced,         // EOI of a level-triggered vector with APICv
  kInterruptWindow,    // without APICv: the guest enabled interrupts, a pending one can be injected
};
inline constexpr int kExitReasons = 13;

enum class ExitClass : uint8_t { kInKernel, kEmulated, kUserspace };

constexpr ExitClass exit_class(ExitReason r) {
  switch (r) {
    case ExitReason::kPioEmulated:
    case ExitReason::kMmioEmulated:
      return ExitClass::kEmulated;
    case ExitReason::kPioUserspace:
    case ExitReason::kMmioUserspace:
      return ExitClass::kUserspace;
    default:
      return ExitClass::kInKernel;
  }
}

constexpr std::string_view exit_reason_name(ExitReason r) {
  constexpr std::array<std::string_view, kExitReasons> kNames = {
      "vmcall",           "pio_fast",       "ept_misconfig_fast_mmio", "pio_emulated", "mmio_emulated",
      "pio_userspace",    "mmio_userspace", "external_interrupt",      "hlt",          "msr_write",
      "preemption_timer", "eoi_induced",    "interrupt_window"};
  return kNames[static_cast<size_t>(r)];
}

struct ExitCosts {
  // VM exit + VM entry transition, state save and restore (exit_entry).
  core::Cycles exit_entry{2'700};
  // KVM's handling of each reason on its fast path (kvm).
  std::array<core::Cycles, kExitReasons> handler = {
      core::Cycles(1'198),  // vmcall: trivial hypercall   -> 3,898 round trip
      core::Cycles(1'751),  // pio_fast                    -> 4,451 (outl_to_kernel)
      core::Cycles(1'500),  // ept_misconfig_fast_mmio
      core::Cycles(1'751),  // pio_emulated: bus dispatch (+ emulation below) -> 7,237 (inl_from_kernel)
      core::Cycles(1'751),  // mmio_emulated
      core::Cycles(1'751),  // pio_userspace (+ emulation + userspace) -> 20,574 (inl_from_qemu)
      core::Cycles(1'751),  // mmio_userspace
      core::Cycles(900),    // external_interrupt: host handler runs in handle_exit_irqoff
      core::Cycles(500),    // hlt: enter kvm_vcpu_halt
      core::Cycles(600),    // msr_write: x2APIC EOI/ICR in the fastpath
      core::Cycles(300),    // preemption_timer
      core::Cycles(700),    // eoi_induced
      core::Cycles(500),    // interrupt_window: clear the window request, inject
  };
  // Instruction decode and emulation (kvm), emulated and userspace classes.
  core::Cycles emulation{2'786};
  // Userspace round trip: KVM_RUN returns and is entered again (host
  // kernel), and QEMU dispatches the access (qemu); 13,337 cycles together.
  core::Cycles userspace_kernel{5'335};
  core::Cycles userspace_dispatch{8'002};
  // Injecting an interrupt on entry without APICv (kvm).
  core::Cycles injection{400};
  // irqfd_wakeup delivering an MSI inline in the signalling thread (kvm).
  core::Cycles irqfd_inject{1'000};
  // KVM sending a virtual IPI from an x2APIC ICR write, beyond the
  // msr_write fast path (kvm_apic_send_ipi: find the target, set the vector,
  // kick it): the host profile's virtual_ipi_cycles less an exit round trip.
  core::Cycles ipi_send{0};
};

}  // namespace viosim::models
