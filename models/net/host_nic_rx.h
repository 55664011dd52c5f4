// The receive side of one host NIC queue: frames DMA'd into a bounded ring
// (a full ring drops), then either an interrupt whose timing the queue's
// moderation policy decides (fixed rx-usecs/rx-frames, ixgbe's adaptive
// ITR or net_dim; masked while NAPI runs) and which wakes the softirq on
// the IRQ core, which polls up to the NAPI weight per call and the netdev
// budget per softirq run and hands each frame on, or, in polled mode,
// nothing: a DPDK poll-mode thread reads the ring itself.
#pragma once

#include <functional>
#include <memory>

#include "models/host/dma_lines.h"
#include "models/host/host_thread.h"
#include "models/net/gro_list.h"
#include "models/net/host_net_costs.h"
#include "models/net/wire.h"
#include "models/nic/interrupt_moderation.h"
#include "models/packet/packet.h"
#include "sim-core/later_counts.h"
#include "sim-core/member_event.h"
#include "sim-core/ring_buffer.h"

namespace viosim::models {

class HostNicRx final : public core::Component, public HeldDmaWrites, public EarlyTaker {
 public:
  struct Config {
    uint32_t ring_size = 512;
    InterruptModerationConfig moderation;
    uint32_t napi_weight = 64;
    uint32_t netdev_budget = 300;                                // packets per net_rx_action run
    core::Duration netdev_budget_time = core::Microseconds(2000);  // netdev_budget_usecs
    // GRO in the NAPI poll (ethtool -K gro, on by default): a poll's TCP
    // segments of a connection go up as one skb of up to 64 KB, so what
    // follows (the switch, the tap, the backend) runs once per skb.
    // Interrupt mode only: a poll-mode thread takes frames as they are.
    // GRO holds its skbs until the driver's poll ends: on an empty ring
    // (napi_complete_done) or on the weight, when below HZ 1000 it hands
    // up everything and from 1000 only what it has held since an earlier
    // jiffy (napi_gro_flush(n, HZ >= 1000) in __napi_poll).
    bool gro = true;
    core::Duration jiffy = core::Milliseconds(4);  // the host's 1/HZ
  };
  // Runs in the softirq after the frame's driver and stack costs; what it
  // does (the host's switch, the tap) costs DeliverCost, charged with the
  // poll that takes the frame.
  using Deliver = std::function<void(uint32_t packet, HostThread& softirq)>;
  using DeliverCost = std::function<core::Cycles(uint32_t packet)>;

  static const core::ComponentSpec& model_spec();
  const core::ComponentSpec& spec() const override { return model_spec(); }

  // Interrupt mode: `softirq` is the IRQ core's softirq thread. Frames
  // and descriptors are written through `ddio` (null: loads are free).
  HostNicRx(core::Simulator& sim, std::string_view name, core::Component* parent, const Config& config,
            const HostNetCosts& costs, PacketPool& pool, HostThread* softirq, DeliverCost deliver_cost, Deliver deliver,
            DdioWays* ddio = nullptr);

  // From the wire.
  void receive(uint32_t packet);
  // A frame the wire hands over before it arrives (at `arrives`, after
  // now), with others of a train: it lands in the ring at that time, as
  // receive() then would take it. Its DMA writes are held until then (all
  // devices' writes reach the DDIO ways in time order), and so is its
  // moderation: while the interrupt's time cannot move (masked, or due
  // already and the policy's quiet_frames), frames land only when
  // something looks at the queue; the first that could move it lands in
  // an event at its arrival. In polled mode a frame lands when its poller
  // looks at the queue, or in an event at its arrival while the poller
  // spins (poller_waits): a frame that comes while the poll-mode thread
  // is busy costs no event. A frame arriving at the very picosecond of
  // another event of the queue lands before it, as the wire's arrival
  // event usually came first; where on time the other came first, the
  // order differs.
  bool takes_early() const { return softirq_ != nullptr || poller_ != nullptr; }
  // When a frame it has not been handed yet could first land: what lets
  // a pass run on over frames handed over early (read_on). Unset: never
  // known, it does not.
  void set_known_until(std::function<core::Time()> known_until) { known_until_ = std::move(known_until); }
  void receive_early(uint32_t packet, core::Time arrives) override;
  // A frame the host sent through this queue pair's TX ring has left and
  // its descriptor was written back: a TX completion on the same vector
  // (one moderation per queue pair, as ixgbe's q_vector), cleaned in the
  // next NAPI poll (ixgbe_clean_tx_irq, at most 256 a poll). Interrupt
  // mode only; a poll-mode driver reaps its own completions.
  void transmitted(uint32_t bytes);
  // The host kernel's transmit queue of this pair: told how many
  // completions each TX clean freed, it returns how many frames its qdisc
  // then takes for the driver (net_tx_action on the same core), each
  // costing nic_xmit_packet, after which `flush` posts them; it is asked
  // again (with 0 freed) until it takes none. Unset: the completions only
  // count.
  using TxCleaned = std::function<uint32_t(uint32_t frames)>;
  void set_tx_cleaned(TxCleaned cleaned, std::function<void()> flush) {
    tx_cleaned_by_ = std::move(cleaned);
    tx_flush_ = std::move(flush);
  }
  // Polled mode: a poll-mode thread takes frames and is poked on arrival;
  // it loads each frame's descriptor and first line as it takes it (PMD
  // time).
  void set_poller(HostThread* poller) { poller_ = poller; }
  // The poller is about to spin (true) until something pokes it, or its
  // spin has ended (false): a frame handed over early lands in an event
  // at its arrival only while it spins.
  void poller_waits(bool waits) {
    poller_waits_ = waits;
    plan_early();
  }
  bool poll(uint32_t& packet);
  // Whether no frame waits in the ring, those handed over early that
  // arrived by now included.
  bool empty() const { return ring_.empty() && (early_.empty() || early_.front().at > now()); }
  uint64_t drops() const { return drops_.value(); }
  uint64_t interrupts() const { return interrupts_.value(); }
  uint64_t polls() const { return polls_.value(); }
  uint64_t time_squeeze() const { return time_squeeze_.value(); }
  uint64_t tx_cleaned() const { return tx_cleaned_.value(); }
  uint64_t gro_merged() const { return gro_merged_.value(); }

  void init() override;
  // Lands what arrived by now: before statistics are read or reset.
  void settle() override { catch_up(); }
  void finish() override { catch_up(); }

 private:
  void apply(const ModerationDecision& d);
  // A frame reaching the ring at `at` (now, or earlier for one handed
  // over early): a full ring drops it.
  void land(uint32_t packet, core::Time at);
  // Every queue-touching call starts here: frames handed over early that
  // arrived by now land (through the DDIO ways, in time order with every
  // device's).
  void catch_up() {
    if (!early_.empty() && early_.front().at <= now()) land_due();
    if (later_.due(now())) later_.count_due(now(), {&frames_, &gro_merged_});
  }
  // What a pass read_on runs ahead counts when it would have happened (a
  // frame's landing, a pass's merges): from `later_at_` while it is set.
  core::LaterCounts<2> later_;
  core::Time later_at_ = core::Time::max();  // max: counted now
  // One more of later_'s amount `k` (0: frames_, 1: gro_merged_), counted
  // now, or at `at` while a pass runs ahead.
  void count(size_t k, core::Time at) {
    if (later_at_ == core::Time::max()) {
      (k == 0 ? frames_ : gro_merged_).add(1);
      return;
    }
    core::LaterCounts<2>::Amounts one{};
    one[k] = 1;
    later_.add(at, one);
  }
  void land_due();
  // Schedules the landing event for the first early frame that could move
  // the interrupt (none if none could).
  void plan_early();
  core::Time next_held() const override { return early_.empty() ? core::Time::max() : early_.front().at; }
  void make_next() override;
  void fire();
  // One pass of the driver's clean loop: the hard IRQ and the TX clean
  // when it starts a poll (ixgbe_poll), then the frames in the ring, up
  // to what is left of the weight. Frames that land meanwhile are the
  // same poll's (the loop reads each descriptor's DD bit as it goes): a
  // next pass takes them, until the weight or an empty ring ends it.
  void napi_poll();
  // A pass over a train the wire handed over early: at each pass's end
  // the next takes what landed meanwhile (the clean loop reads each
  // descriptor as it goes), and those frames are known now. While a pass
  // would end with nothing of its own (no TX clean, nothing going up, no
  // frame GRO would not hold), the passes that follow it run in the same
  // step: their frames land now, each pass loads its own and pays for
  // them as a step of its own would (HostThread::pay_owed_lines_in_step),
  // GRO takes them at its pass's jiffy. Returns the time they add to
  // `pass`, the first's; their frames join batch_. Only for passes that
  // start before a frame not yet known could land (set_known_until), so
  // none would have joined them, and on a core the softirq has to itself
  // (no other thread can delay a pass and let more frames join it). Exact
  // but for the order of DDIO writes with other devices' within the step,
  // and for a ring that fills during it (the passes' frames are taken at
  // the step's end, so a frame landing late in it finds up to a weight
  // more of them there than it would have).
  core::Duration read_on(core::Duration pass);
  bool gro_holds(uint32_t packet) const { return config_.gro && (*pool_)[packet].tcp_data; }
  void end_poll();
  // The poll has ended; `repoll`: on its weight (or a TX clean cut short),
  // NAPI stays scheduled; `used`: what it counts against the budget. GRO
  // hands up what it must first.
  void poll_ended(bool repoll, uint32_t used);
  void after_poll(bool repoll, uint32_t used);
  // net_tx_action's qdisc runs after this poll: `taken` frames to pay for.
  void run_qdisc(uint32_t taken);
  void take(uint32_t& packet);
  // The pass's i-th frame as the driver hands it to napi_gro_receive, in
  // ring order: skbs_ gets what goes up the stack, in order (GRO keeps
  // the rest until the poll ends); a frame GRO merged leaves its ring
  // slot marked kMerged.
  void gro_frame(uint32_t i, int64_t jiffy);
  // What skbs_ cost on their way up (the switch, the tap).
  core::Cycles up_cost() const;
  int64_t jiffies(core::Time at) const { return (at - core::Time::zero()) / config_.jiffy; }
  int64_t jiffies() const { return jiffies(now()); }
  static constexpr uint32_t kMerged = ~0u;

  Config config_;
  HostNetCosts costs_;
  HostThread* softirq_;
  HostThread* poller_ = nullptr;
  bool poller_waits_ = false;  // polled mode: its poller spins
  DeliverCost deliver_cost_;
  Deliver deliver_;
  TxCleaned tx_cleaned_by_;
  std::function<core::Time()> known_until_;
  std::function<void()> tx_flush_;
  core::RingBuffer<uint32_t> ring_;
  RxRingLines lines_;
  std::unique_ptr<InterruptModerator> moderator_;
  GroList gro_;
  std::vector<uint32_t> skbs_;  // this poll's, up the stack in order
  uint64_t batch_bytes_ = 0;
  uint32_t gro_segments_ = 0;  // the pass's segments GRO took
  NapiWork napi_work_;  // since the last re-arm
  PacketPool* pool_ = nullptr;
  DdioWays* ddio_ = nullptr;
  core::RingBuffer<HeldFrame> early_;  // by arrival
  // Made with the first early frame: a run without any keeps its events'
  // target ids (and so its fingerprint).
  std::unique_ptr<core::MemberEvent> land_event_;
  uint32_t budget_left_ = 0;
  core::Time run_started_;  // this net_rx_action run's start
  uint32_t batch_ = 0;
  bool in_poll_ = false;      // a driver poll is under way (its passes so far)
  uint32_t poll_taken_ = 0;   // the frames its passes took
  bool flushing_ = false;     // an ended poll's GRO skbs are going up
  uint32_t tx_reported_in_flush_ = 0;  // reported completions meanwhile
  uint32_t tx_pending_ = 0;   // completions written back, not yet cleaned
  uint64_t tx_pending_bytes_ = 0;
  TxReports tx_reports_{config_.moderation.tx_report_stride};
  uint32_t tx_batch_ = 0;
  bool hard_irq_due_ = false;
  core::MemberEvent irq_{this, "irq", [this] { fire(); }};
  core::Counter frames_{this, "frames"};
  core::Counter drops_{this, "drops"};
  core::Counter interrupts_{this, "interrupts"};
  core::Counter polls_{this, "napi_polls"};
  core::Counter time_squeeze_{this, "time_squeeze"};
  core::Counter tx_cleaned_{this, "tx_cleaned"};
  core::Counter gro_merged_{this, "gro_merged"};
};

}  // namespace viosim::models
