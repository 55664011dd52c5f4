// The glossary's entries and the linking of its terms in text. The
// definitions say what the mechanism is in the real systems (Linux, KVM,
// QEMU, DPDK, OVS, the virtio spec) and where viosim counts or charges it.
#include "gui/app/glossary.h"

#include <QRegularExpression>
#include <algorithm>

namespace viosim::gui {
namespace {

std::vector<GlossaryEntry> make_glossary() {
  std::vector<GlossaryEntry> g = {
      // Not "exit" alone: a system call has an entry and an exit too.
      {"VM exit",
       {"VM exit", "VM exits", "exits"},
       "The processor leaves the guest and enters KVM in the host, because the guest did something the host must "
       "handle (a write to an emulated register, a halt, a timer write) or an event needs the host. An exit costs "
       "the world switch (exit_entry) plus KVM's handling, and more when KVM hands it on to QEMU in user space.",
       {"exit"}},
      {"kick",
       {"kick", "kicks", "doorbell"},
       "The guest driver's notification that it put buffers in a virtqueue: a write to the queue's notify "
       "register. Under KVM it is an exit that KVM turns into an ioeventfd signal without going to QEMU; a vDPA "
       "or VF doorbell goes to the device without an exit."},
      {"ioeventfd",
       {"ioeventfd"},
       "A KVM mechanism binding a guest I/O address to an eventfd: a guest write there exits, KVM signals the "
       "eventfd in the kernel and resumes the guest at once. The backend (QEMU's main loop, a vhost worker, a PMD "
       "through vhost-user) reads the eventfd."},
      {"irqfd",
       {"irqfd", "KVM_SIGNAL_MSI"},
       "The reverse of an ioeventfd: an eventfd bound to a guest interrupt. Whoever signals it (a vhost worker, "
       "VFIO's interrupt handler, a PMD through vhost-user) makes KVM inject the interrupt; QEMU instead issues "
       "the KVM_SIGNAL_MSI ioctl, a system call."},
      {"eventfd",
       {"eventfd", "eventfds", "signal", "signals"},
       "A Linux file descriptor that holds a counter: a write adds to it and wakes its readers. Kicks and "
       "interrupts travel between the guest, KVM and the backends as eventfd signals."},
      {"interrupt",
       {"interrupt", "interrupts", "MSI", "MSI-X", "MSIs"},
       "A device's request for a CPU's attention. Guest interrupts here are those the guest's driver takes for "
       "its NIC queue (a virtqueue's used buffers, a VF's completions); host interrupts are the host NIC's."},
      {"posted interrupt",
       {"posted interrupt", "posted interrupts", "VT-d posting"},
       "Delivery of an interrupt to a running vCPU without an exit: the processor (APICv) or the IOMMU (VT-d "
       "posted interrupts, for passthrough devices) sets the vector in a descriptor the vCPU reads on its own. "
       "A halted vCPU is still woken by the host."},
      {"APICv",
       {"APICv"},
       "Intel's virtual interrupt controller: the guest reads and acknowledges interrupts and writes most APIC "
       "registers without exits, and interrupts can be posted to it. Without it, each interrupt into a running "
       "vCPU costs an external-interrupt exit."},
      {"IOMMU",
       {"IOMMU", "VT-d"},
       "The unit that translates a device's DMA addresses (so a passthrough VF can only reach its VM's memory) "
       "and remaps its interrupts. Its translation cache (IOTLB) misses cost a page walk."},
      {"halt polling",
       {"halt polling", "halt-polling"},
       "When a vCPU halts, KVM spins for a while (halt_poll_ns) before putting its thread to sleep, to catch an "
       "interrupt that comes soon without the cost of sleeping and waking. It keeps the vCPU's core busy "
       "(charged to kvm, and counted as polling)."},
      {"HLT",
       {"HLT", "halt", "halts"},
       "The instruction an idle guest runs to wait for an interrupt; it exits to KVM, which polls for a while "
       "(halt polling) and then puts the vCPU thread to sleep until an interrupt wakes it."},
      {"TSC deadline",
       {"TSC deadline", "TSC-deadline", "MSR write", "msr_write", "timer write"},
       "The guest kernel's timer: it writes the time of its next tick into the TSC-deadline register (an MSR), "
       "which exits unless the host offers a preemption timer path. A tickless idle guest writes it when it "
       "stops its tick on going idle and again when it restarts it."},
      {"NAPI",
       {"NAPI"},
       "Linux's receive scheme: the first frame's interrupt schedules a poll and masks the queue's interrupt; "
       "the poll (in the softirq) takes up to a budget of frames, then re-enables the interrupt only when the "
       "queue is empty. Under load one interrupt serves many frames."},
      {"softirq",
       {"softirq", "softirqs", "ksoftirqd"},
       "Linux's deferred interrupt work (NAPI polls, the network stack's receive path), run after a hardware "
       "interrupt on the same core, or by the ksoftirqd thread when there is too much of it. viosim runs it as "
       "a thread on the interrupt's core."},
      {"RSS",
       {"RSS", "receive side scaling"},
       "Receive side scaling: the NIC hashes each frame's addresses and ports (Toeplitz) and looks the hash up "
       "in an indirection table to pick a receive queue, so the flows of a busy port spread over queues and "
       "cores while each flow stays in order on one."},
      {"Toeplitz hash",
       {"Toeplitz"},
       "The hash RSS uses: a key (40 bytes) slides over the frame's addresses and ports, and every set input bit "
       "XORs 32 bits of the key into the result. Its low bits index the indirection table."},
      {"indirection table",
       {"indirection table"},
       "RSS's table from hash to receive queue (128 entries on an 82599, 512 on an X710): changing it moves "
       "flows between queues without changing the hash."},
      {"RPS",
       {"RPS", "receive packet steering"},
       "Receive packet steering: the software RSS of Linux. The CPU that takes a queue's interrupt hashes each "
       "frame and hands it to another CPU's backlog (rps_cpus) to run the stack there."},
      {"RFS",
       {"RFS", "receive flow steering"},
       "Receive flow steering: RPS that sends each flow to the CPU where its reading application last ran, from "
       "a table (rps_sock_flow_entries) the socket calls update."},
      {"XPS",
       {"XPS", "transmit packet steering"},
       "Transmit packet steering: each CPU sends on the transmit queues its map names (xps_cpus), so a sender "
       "keeps its queue and its completions local."},
      {"virtqueue",
       {"virtqueue", "virtqueues", "vring", "vrings", "ring", "rings"},
       "A virtio device's queue in guest memory: descriptors of the driver's buffers, the available ring (what "
       "the driver offers) and the used ring (what the device has finished). A NIC has a receive and a transmit "
       "virtqueue per queue pair."},
      {"queue pair",
       {"queue pair", "queue pairs", "multi-queue", "multiqueue"},
       "A receive and a transmit queue that belong together, usually served by one vCPU (its interrupts) and one "
       "backend thread. With several, a VM's traffic spreads over vCPUs."},
      {"packed ring",
       {"packed ring", "packed virtqueue", "split ring"},
       "virtio 1.1's virtqueue layout: one ring of descriptors that driver and device both write in place, "
       "marked by wrap counters, instead of the split ring's three areas; fewer cache lines move per buffer."},
      {"notification suppression",
       {"notification suppression", "event idx", "EVENT_IDX"},
       "How the two sides of a virtqueue avoid needless kicks and interrupts: each tells the other when it next "
       "wants to hear (VIRTIO_F_EVENT_IDX), or turns notifications off while it is busy polling."},
      {"IN_ORDER",
       {"IN_ORDER", "in_order", "VIRTIO_F_IN_ORDER"},
       "A virtio feature: the device uses buffers in the order it got them, so it may write one used element "
       "for a batch and the driver frees everything before it."},
      {"vhost-net",
       {"vhost-net", "vhost worker", "vhost"},
       "The Linux kernel's virtio-net backend: a kernel thread (the vhost worker) moves frames between the "
       "virtqueues and a tap device, taking kicks by ioeventfd and signalling interrupts by irqfd, without a "
       "system call or a trip to QEMU."},
      {"vhost-user",
       {"vhost-user"},
       "The virtio backend in another user-space process, typically OVS-DPDK: it maps the guest's memory and "
       "polls the virtqueues from a PMD thread."},
      {"PMD",
       {"PMD", "PMDs", "poll mode driver"},
       "DPDK's poll mode driver, and the thread that runs it: it spins over its receive queues (NIC queues, "
       "vhost-user virtqueues) without interrupts or system calls, and keeps its core 100 % busy whether or not "
       "frames come."},
      {"OVS-DPDK",
       {"OVS-DPDK", "OVS", "Open vSwitch"},
       "Open vSwitch with its datapath in DPDK PMD threads: each PMD polls the receive queues assigned to it "
       "(pmd-rxq-assign) and switches frames between physical ports and VMs' vhost-user ports."},
      {"tap",
       {"tap", "TAP"},
       "A Linux virtual network device whose other end is a file descriptor: what QEMU's backend and vhost-net "
       "read and write the VM's frames through, attached to the host's bridge or OVS."},
      {"Linux bridge",
       {"bridge", "Linux bridge"},
       "The host kernel's software switch, forwarding frames between the NIC and the VMs' tap devices."},
      {"VF",
       {"VF", "VFs", "SR-IOV", "virtual function"},
       "An SR-IOV virtual function: a slice of a physical NIC with its own queues, assigned to a VM "
       "(passthrough) so the guest's driver talks to the hardware directly."},
      {"passthrough",
       {"passthrough", "VFIO"},
       "Giving a VM a device (a VF) through VFIO: the guest drives the hardware, DMA goes through the IOMMU, "
       "and only interrupts still involve the host unless they are posted."},
      {"vDPA",
       {"vDPA"},
       "virtio data path acceleration: the NIC itself serves the virtio rings (the guest keeps its virtio "
       "driver), and kicks reach it as doorbell writes."},
      {"e1000",
       {"e1000"},
       "QEMU's emulation of Intel's 82540EM gigabit NIC. Its driver programs registers (TDT, ICR, IMS, IMC, "
       "STATUS) that each trap to QEMU in user space: many exits per interrupt."},
      {"QEMU main loop",
       {"main loop", "QEMU"},
       "QEMU's event loop thread: ppoll over its file descriptors, then the handlers of those ready. Its virtio "
       "backend reads kicks from eventfds, moves frames through the tap with read and writev, and interrupts "
       "the guest with an ioctl: system calls for each."},
      {"qdisc",
       {"qdisc", "qdiscs", "fq_codel", "pfifo_fast"},
       "A queueing discipline: the queue (and its policy) in front of a network device's transmit ring, where "
       "frames wait when the ring is full."},
      {"BQL",
       {"BQL", "byte queue limits"},
       "Byte queue limits: Linux bounds the bytes queued in a NIC's transmit ring to what it sends in about an "
       "interrupt's time, so the queue builds in the qdisc, where it can be managed."},
      {"interrupt coalescing",
       {"interrupt coalescing", "coalescing", "moderation", "ITR", "rx_usecs"},
       "The NIC waits before raising an interrupt (rx_usecs, an interrupt throttle rate), so that one interrupt "
       "serves several frames: less CPU per frame, more latency."},
      {"DDIO",
       {"DDIO"},
       "Intel's Data Direct I/O: a NIC's DMA writes go into part of the last-level cache, so the core that reads "
       "a received frame finds it there, unless the backlog outgrew DDIO's ways."},
      {"cache line transfer",
       {"cache line", "cache lines", "cache"},
       "A 64-byte line a core loads after another core wrote it: the virtqueues' indices and descriptors move "
       "so between the driver's and the device's cores, at a cost each time."},
      {"copy",
       {"copy", "copies"},
       "Moving a frame's bytes from one buffer to another (out of a tap, into a guest's buffer, into a host "
       "socket buffer): a cost per byte on the core that does it, and cache lines that move with it."},
      {"busy polling",
       {"poll", "polls", "polling", "busy polling", "busy-polling"},
       "Spinning over a queue for work instead of sleeping until an interrupt or a signal: a PMD always, "
       "vhost-net and the guest's sockets when told to, KVM for a halted vCPU (halt polling). It trades a busy "
       "core for the wake-up's latency; viosim counts its time as polling."},
      {"context switch",
       {"context switch", "context switches"},
       "The scheduler stopping one thread on a core and starting another (including from idle)."},
      {"wake-up",
       {"wake-up", "wake-ups", "wakeup", "wakeups"},
       "A sleeping thread made runnable (by an eventfd, an interrupt, another thread): the scheduler's work, an "
       "IPI when it runs on another core, and the idle-state exit if its core slept."},
      {"system call",
       {"system call", "system calls", "syscall", "syscalls", "ioctl", "ppoll", "writev"},
       "A user-space thread's call into the host kernel (read, writev, ppoll, ioctl): the entry and exit cost "
       "comes on top of the work. viosim counts those of the host side (QEMU, the backends)."},
      {"guest_user", {"guest_user", "guest user"}, "CPU time of the guest's applications (user mode in the VM)."},
      {"guest_kernel",
       {"guest_kernel", "guest kernel"},
       "CPU time of the guest's kernel: its network stack, driver, interrupts and scheduler."},
      {"exit_entry",
       {"exit_entry", "VM exit/entry"},
       "CPU time of the hardware world switches: leaving the guest on an exit and entering it again."},
      {"kvm",
       {"KVM"},
       "The kernel's hypervisor and its CPU time: handling exits, injecting interrupts, halt polling, and the "
       "vCPU threads' scheduling around KVM_RUN."},
      {"host_user",
       {"host_user", "host user"},
       "CPU time of host user space other than QEMU and PMDs: ovs-vswitchd's handlers, a host process's "
       "application."},
      {"host_kernel",
       {"host_kernel", "host kernel"},
       "CPU time of the host kernel outside KVM: system calls, the scheduler, softirqs, the network stack."},
      {"idle", {"idle"}, "Time a core had nothing to run, including the time to wake from an idle state."},
      {"p99",
       {"p99", "p50", "p99.9", "percentile", "percentiles"},
       "The latency below which 99 % (p50: half, p99.9: 999 in 1000) of the measured packets or transactions "
       "fall."},
      {"NDR",
       {"NDR", "PDR", "zero-loss rate"},
       "No-drop rate: the highest offered rate at which nothing is lost (PDR: partial-drop rate, with a loss "
       "ratio allowed), found by searching (viosim search)."},
  };
  std::sort(g.begin(), g.end(), [](const GlossaryEntry& a, const GlossaryEntry& b) {
    return a.term.compare(b.term, Qt::CaseInsensitive) < 0;
  });
  return g;
}

constexpr char kScheme[] = "glossary:";

}  // namespace

const std::vector<GlossaryEntry>& glossary() {
  static const std::vector<GlossaryEntry> entries = make_glossary();
  return entries;
}

const GlossaryEntry* find_glossary_entry(const QString& term) {
  for (const GlossaryEntry& e : glossary()) {
    if (e.term.compare(term, Qt::CaseInsensitive) == 0) return &e;
  }
  for (const GlossaryEntry& e : glossary()) {
    for (const QStringList* names : {&e.matches, &e.also}) {
      for (const QString& m : *names) {
        if (m.compare(term, Qt::CaseInsensitive) == 0) return &e;
      }
    }
  }
  return nullptr;
}

QString link_glossary_terms(const QString& text) {
  // One pattern of every match, longest first so "VM exit" wins over "exit";
  // a word boundary is a letter, digit, '_' or '-' not continuing it.
  static const auto pattern = [] {
    std::vector<std::pair<QString, const GlossaryEntry*>> all;
    for (const GlossaryEntry& e : glossary()) {
      for (const QString& m : e.matches) all.emplace_back(m, &e);
    }
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
    QStringList alternatives;
    for (const auto& [m, e] : all) alternatives << QRegularExpression::escape(m);
    return QRegularExpression(
        QStringLiteral("(?<![\\w-])(%1)(?![\\w-])").arg(alternatives.join('|')),
        QRegularExpression::CaseInsensitiveOption | QRegularExpression::UseUnicodePropertiesOption);
  }();
  QString out;
  qsizetype at = 0;
  std::vector<const GlossaryEntry*> linked;  // each entry once, at its first match
  for (auto it = pattern.globalMatch(text); it.hasNext();) {
    const QRegularExpressionMatch m = it.next();
    const GlossaryEntry* entry = find_glossary_entry(m.captured(1));
    if (std::find(linked.begin(), linked.end(), entry) != linked.end()) continue;
    linked.push_back(entry);
    out += text.mid(at, m.capturedStart() - at).toHtmlEscaped();
    out += QStringLiteral("<a href=\"%1%2\">%3</a>")
               .arg(QLatin1String(kScheme), entry->term.toHtmlEscaped(), m.captured(1).toHtmlEscaped());
    at = m.capturedEnd();
  }
  out += text.mid(at).toHtmlEscaped();
  return out.replace(QLatin1Char('\n'), QStringLiteral("<br>"));
}

QString glossary_term_of_link(const QString& link) {
  return link.startsWith(QLatin1String(kScheme)) ? link.mid(qsizetype(sizeof kScheme) - 1) : QString();
}

}  // namespace viosim::gui
