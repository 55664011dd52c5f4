// Components: hierarchical names, binding of statistics and ports to the
// spec, the lifecycle, member events, gauges and per-component streams.
#include "sim-core/component.h"

#include <gtest/gtest.h>

#include "sim-core/member_event.h"
#include "sim-core/ports.h"
#include "sim-core/stats.h"

namespace viosim::core {
namespace {

std::vector<std::string>* g_lifecycle = nullptr;

class Pinger final : public Component {
 public:
  static const ComponentSpec& model_spec() {
    static const ComponentSpec s{
        .type = "test.pinger",
        .help = "sends a number on `out` every `period` and counts what arrives on `in`",
        .params = {{"period", Unit::kPicoseconds, "1 us", "time between sends"}},
        .ports = {{"out", PortDirection::kOut, "int", "numbers sent"}, {"in", PortDirection::kIn, "int", "numbers received"}},
        .stats = {{"sent", StatKind::kCounter, Unit::kCount, "numbers sent"},
                  {"received", StatKind::kCounter, Unit::kCount, "numbers received"},
                  {"level", StatKind::kGauge, Unit::kCount, "last number received"}}};
    return s;
  }
  Pinger(Simulator& sim, std::string_view name, Component* parent = nullptr) : Component(sim, name, parent) {}
  const ComponentSpec& spec() const override { return model_spec(); }
  void init() override {
    if (g_lifecycle) g_lifecycle->push_back("init " + name());
    tick.schedule_after(Duration::zero());
  }
  void finish() override {
    if (g_lifecycle) g_lifecycle->push_back("finish " + name());
  }

  OutPort<int> out{this, "out"};
  InPort<int> in{this, "in", [this](const int& v) {
                   ++received;
                   level.set(now(), v);
                 }};
  Counter sent{this, "sent"};
  Counter received{this, "received"};
  TimeWeightedGauge level{this, "level"};
  MemberEvent tick{this, "tick", [this] {
                     out.send(static_cast<int>(sent.value()));
                     ++sent;
                     if (sent.value() < 4) tick.schedule_after(Microseconds(1));
                   }};
};

TEST(Component, HierarchicalNamesAndValidation) {
  Simulator sim;
  Pinger host(sim, "host");
  Pinger core(sim, "core3", &host);
  EXPECT_EQ(core.name(), "host.core3");
  EXPECT_EQ(core.parent(), &host);
  EXPECT_THROW(Pinger(sim, ""), std::invalid_argument);
  EXPECT_THROW(Pinger(sim, "a.b"), std::invalid_argument);
}

TEST(Component, LifecycleConnectsInitsRunsAndFinishesInOrder) {
  std::vector<std::string> lifecycle;
  g_lifecycle = &lifecycle;
  {
    Simulator sim;
    Pinger a(sim, "a"), b(sim, "b");
    connect(a.out, b.in);
    connect(b.out, a.in);
    sim.run();
    sim.finish();
    sim.finish();  // once only
    EXPECT_EQ(a.sent.value(), 4u);
    EXPECT_EQ(b.received.value(), 4u);
    EXPECT_EQ(sim.now(), Time::zero() + Microseconds(3));
    // b received 0 at 0, 1 at 1 us, 2 at 2 us, 3 at 3 us: mean level over [0, 3 us] is 1.
    EXPECT_DOUBLE_EQ(b.level.mean(sim.now()), 1.0);
    EXPECT_EQ(b.level.max(), 3.0);
  }
  g_lifecycle = nullptr;
  EXPECT_EQ(lifecycle, (std::vector<std::string>{"init a", "init b", "finish a", "finish b"}));
}

TEST(Component, UnconnectedOutputPortFailsAtInit) {
  Simulator sim;
  Pinger a(sim, "a");
  try {
    sim.run();
    FAIL() << "expected an error";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "output port a.out is not connected");
  }
}

TEST(Component, DoubleConnectionIsAnError) {
  Simulator sim;
  Pinger a(sim, "a"), b(sim, "b"), c(sim, "c");
  connect(a.out, b.in);
  EXPECT_THROW(connect(a.out, c.in), std::logic_error);
}

class Undeclared final : public Component {
 public:
  Undeclared(Simulator& sim) : Component(sim, "u") {}
  const ComponentSpec& spec() const override { return Pinger::model_spec(); }
  Counter bogus{this, "bogus"};
};

class WrongKind final : public Component {
 public:
  WrongKind(Simulator& sim) : Component(sim, "w") {}
  const ComponentSpec& spec() const override { return Pinger::model_spec(); }
  TimeWeightedGauge sent{this, "sent"};  // declared as a counter
};

TEST(Component, StatisticsMustBeDeclaredInTheSpec) {
  Simulator sim;
  EXPECT_THROW(Undeclared{sim}, std::logic_error);
  EXPECT_THROW(WrongKind{sim}, std::logic_error);
  Pinger p(sim, "p");
  ASSERT_NE(p.find_stat("sent"), nullptr);
  EXPECT_EQ(p.find_stat("sent")->unit(), Unit::kCount);
  EXPECT_EQ(p.find_stat("sent")->spec().help, "numbers sent");
  EXPECT_EQ(p.stats().size(), 3u);
}

TEST(Component, ResetStatsStartsAfresh) {
  Simulator sim;
  Pinger a(sim, "a"), b(sim, "b");
  connect(a.out, b.in);
  connect(b.out, a.in);
  sim.run_until(Time::zero() + Microseconds(1) + Nanoseconds(500));
  b.reset_stats();
  EXPECT_EQ(b.received.value(), 0u);
  sim.run();
  EXPECT_EQ(b.received.value(), 2u);
  // b's own send count restarted too, so it ticks until 5 us. Its level: 1
  // held from 1.5 us to 2 us, 2 from 2 to 3 us, then 3 until 5 us.
  EXPECT_EQ(sim.now(), Time::zero() + Microseconds(5));
  EXPECT_DOUBLE_EQ(b.level.mean(sim.now()), (1 * 0.5 + 2 * 1.0 + 3 * 2.0) / 3.5);
}

TEST(MemberEvent, ReschedulingMovesAndCancelWithdraws) {
  Simulator sim;
  Pinger a(sim, "a"), b(sim, "b");
  connect(a.out, b.in);
  connect(b.out, a.in);
  sim.initialize();
  EXPECT_TRUE(a.tick.pending());
  a.tick.schedule_at(Time::zero() + Microseconds(10));  // moved, not duplicated
  EXPECT_EQ(a.tick.when(), Time::zero() + Microseconds(10));
  EXPECT_TRUE(b.tick.cancel());
  EXPECT_FALSE(b.tick.cancel());
  EXPECT_FALSE(b.tick.pending());
  sim.run();
  EXPECT_EQ(a.sent.value(), 4u);
  EXPECT_EQ(b.sent.value(), 0u);
  EXPECT_EQ(sim.now(), Time::zero() + Microseconds(13));
}

TEST(Component, StreamsFollowSeedAndName) {
  Simulator s1(SimulatorOptions{QueueKind::kQuadHeap, 9}), s2(SimulatorOptions{QueueKind::kQuadHeap, 9});
  Pinger a1(s1, "a"), a2(s2, "a"), b2(s2, "b");
  EXPECT_EQ(a1.rng().next(), a2.rng().next());
  EXPECT_NE(a2.rng().next(), b2.rng().next());
  a1.reseed(5);
  Rng expected(5);
  EXPECT_EQ(a1.rng().next(), expected.next());
}

}  // namespace
}  // namespace viosim::core
