// One hardware NIC queue pair as its driver sees it (an SR-IOV VF queue
// given to a VM, or the host's own NIC on bare metal): the driver posts TX
// descriptors and rings the tail doorbell; the NIC fetches descriptors and
// data by DMA and puts the frames on the wire, writing the descriptors back.
// The driver posts RX buffers (tail writes); arriving frames are DMA'd into
// them (no buffer: the frame is dropped as rx_missed) and written back, and
// the queue's MSI-X vector fires when its moderation policy says so.
// With an IOMMU every DMA translates its page through the IOTLB.
#pragma once

#include <functional>

#include "models/host/dma_lines.h"
#include "models/net/wire.h"
#include "models/nic/interrupt_moderation.h"
#include "models/packet/packet.h"
#include "models/passthrough/iotlb.h"
#include "sim-core/member_event.h"
#include "sim-core/ring_buffer.h"

namespace viosim::models {

class NicQueue final : public core::Component, public HeldDmaWrites, public EarlyTaker {
 public:
  struct Config {
    uint32_t rx_ring = 512;
    uint32_t tx_ring = 512;
    uint32_t buffer_bytes = 2048;                          // RX buffer size
    core::Duration dma_latency = core::Nanoseconds(500);   // descriptor fetch / write-back
    core::Duration iotlb_miss = core::Nanoseconds(200);    // one page walk
    InterruptModerationConfig moderation;
    // The NIC's transmit packet buffer ahead of its port: the transmit
    // scheduler fetches a queue's next frame only once the buffer has room,
    // so a port slower than what its queues are given backs up into their
    // rings (and the drivers' qdiscs) instead of being dropped at it.
    // 82599's TXPBSIZE default, 160 KB per port (its datasheet, 8.2.3.9.13).
    uint32_t tx_buffer_bytes = 160 * 1024;
  };
  // How long until the port `packet` leaves by takes it into a buffer of
  // tx_buffer_bytes (Wire::wait_for_room); unset: it always does. Queues
  // waiting for one port retry each at that time, in their own order (the
  // NIC's round robin between queues is not modelled).
  using PortRoom = std::function<core::Duration(uint32_t packet, uint32_t buffer_bytes)>;
  void set_port_room(PortRoom room) { port_room_ = std::move(room); }
  using Msi = std::function<void()>;

  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  // `iotlb` may be null (no IOMMU translation); `send` takes TX frames (the port's wire, or
  // the NIC's embedded switch for a VF on this host). Received frames and
  // their descriptors are written through `ddio` (null: the driver's loads
  // of them are free).
  NicQueue(core::Simulator& sim, std::string_view name, core::Component* parent, const Config& config, PacketPool& pool,
           Iotlb* iotlb, std::function<void(uint32_t packet)> send, Msi msi, DdioWays* ddio = nullptr);

  // ---- driver side ----
  bool tx_post(uint32_t packet);   // false: the TX ring is full
  void tx_doorbell();              // tail write: fetch what was posted
  uint32_t tx_reap(uint64_t& bytes);  // written-back TX descriptors (and their bytes) since the last reap
  uint32_t tx_free() const { return config_.tx_ring - tx_in_ring_; }
  void rx_post(uint32_t buffers);  // tail write: that many more empty buffers
  bool rx_reap(uint32_t& packet);  // the next received frame: the running thread loads its descriptor and first line
  uint32_t rx_buffers_posted() {
    catch_up();
    return rx_buffers_;
  }
  bool rx_ready() {
    catch_up();
    return !rx_done_.empty();
  }
  // A polling driver's eye on the ring: called as each frame is written
  // back. `watched` says whether anything may poll in this run (unset:
  // always); while nothing may, write-backs can wait (receive_early).
  void set_on_rx(std::function<void()> on_rx, std::function<bool()> watched = {}) {
    on_rx_ = std::move(on_rx);
    watched_ = std::move(watched);
    takes_early_ = -1;
  }
  // NAPI completed and re-enabled the vector after handling this much.
  void rearm(const NapiWork& work);

  // ---- wire side ----
  void receive(uint32_t packet);
  // A frame of a train the wire hands over before it arrives (at
  // `arrives`, after now). From the first, the queue works lazily, exactly
  // as if on time: a frame's arrival (its buffer, its DMA's translations)
  // and its write-back (its DDIO writes, its moderation) are done when the
  // queue is next looked at, or another device's DMA or a translation
  // comes after their time (DdioWays::settle); only a write-back that
  // could move the interrupt gets an event (at its arrival first, to learn
  // its time). Not while a polling driver may watch (set_on_rx): it sees
  // each write-back as it happens. What falls at the very picosecond of
  // another event of the queue (a transmit fetch, the driver's poll) is
  // done before it, where on time the order of the two events decided.
  bool takes_early() const {
    if (takes_early_ < 0) takes_early_ = !on_rx_ || (watched_ && !watched_()) ? 1 : 0;  // fixed for the run
    return takes_early_ == 1;
  }
  void receive_early(uint32_t packet, core::Time arrives) override;
  void settle() override { catch_up(); }
  void finish() override { catch_up(); }

  uint64_t drops() const { return drops_.value(); }
  uint64_t interrupts() const { return interrupts_.value(); }
  const Iotlb* iotlb() const { return iotlb_; }

 private:
  core::Duration dma(uint64_t address);
  void frame_written_back();
  // receive's and frame_written_back's work as of `at` (now, or earlier
  // for what the queue does lazily).
  void arrive(uint32_t packet, core::Time at);
  void write_back(core::Time at);
  void catch_up() {
    if (lazy_ && next_held() <= now()) do_due();
  }
  void do_due();
  void plan_lazy();
  core::Time next_held() const override;
  void make_next() override;
  void apply(const ModerationDecision& d);
  void fire();
  void fetch();
  // With a trace: the packet reached the NIC, on the device's track.
  void trace_device_hop(const Packet& p, std::string_view what, core::Time at);

  Config config_;
  PacketPool* pool_;
  Iotlb* iotlb_;
  std::function<void(uint32_t packet)> send_;  // the port: the wire, or the embedded switch to a VF
  Msi msi_;
  std::function<void()> on_rx_;
  std::function<bool()> watched_;
  mutable int8_t takes_early_ = -1;  // not asked yet
  int trace_track_ = 0;
  std::unique_ptr<InterruptModerator> moderator_;
  // TX: posted (not yet fetched), in the NIC, completed (not yet reaped).
  core::RingBuffer<uint32_t> tx_posted_;
  uint32_t tx_in_ring_ = 0;
  uint32_t tx_done_ = 0;
  uint64_t tx_done_bytes_ = 0;
  uint64_t tx_slot_ = 0;
  TxReports tx_reports_{config_.moderation.tx_report_stride};
  // RX: empty buffers posted, frames in flight (DMA), frames written back.
  uint32_t rx_buffers_ = 0;
  uint64_t rx_slot_ = 0;
  struct InFlight {
    core::Time done;
    uint32_t packet;
  };
  core::RingBuffer<InFlight> rx_dma_;
  core::RingBuffer<uint32_t> rx_done_;
  RxRingLines rx_lines_;
  DdioWays* ddio_;
  // Lazy, from the first frame handed over early: frames not yet arrived
  // (by arrival), and rx_dma_'s write-backs done without an event each.
  bool lazy_ = false;
  core::RingBuffer<HeldFrame> arriving_;
  std::unique_ptr<core::MemberEvent> lazy_event_;  // made with the first: other runs keep their target ids
  core::MemberEvent rx_dma_event_{this, "rx_write_back", [this] { frame_written_back(); }};
  PortRoom port_room_;
  core::MemberEvent fetch_event_{this, "tx_fetch", [this] { fetch(); }};
  core::MemberEvent irq_{this, "msi", [this] { fire(); }};
  core::Counter rx_frames_{this, "rx_frames"};
  core::Counter tx_frames_{this, "tx_frames"};
  core::Counter drops_{this, "drops"};
  core::Counter interrupts_{this, "interrupts"};
};

}  // namespace viosim::models
