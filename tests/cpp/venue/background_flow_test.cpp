// The background flow against a real matching engine: deterministic inputs,
// a book that stays two-sided and bounded, trades at the configured rate,
// and no allocation per step.

#include "hft/venue/background_flow.h"

#include <array>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "hft/venue/event_router.h"
#include "hft/venue/matching_engine.h"

#include "support/allocation_counter.h"

namespace hft::venue {
namespace {

using core::Price;
using core::Side;

constexpr std::int64_t kStart = 1'700'000'000'000'000'000;
constexpr std::int64_t kMs = 1'000'000;

/// Counts the public book's trades (one BookExecuted per trade).
class BookCounter final : public EventSink {
 public:
  void on_events(const Event* events, std::size_t count) noexcept override {
    for (std::size_t i = 0; i < count; ++i) trades += events[i].kind == EventKind::BookExecuted ? 1 : 0;
  }
  std::uint64_t trades{0};
};

/// Records every input as numbers, then passes it to the engine.
class RecordingTarget final : public FlowTarget {
 public:
  using Input = std::array<std::int64_t, 7>;
  explicit RecordingTarget(MatchingEngine& engine) : engine_(engine) {}
  void submit(const NewOrder& o, std::int64_t now) noexcept override {
    inputs.push_back({0, o.participant, o.instrument, static_cast<std::int64_t>(o.side),
                      static_cast<std::int64_t>(o.type) * 10 + static_cast<std::int64_t>(o.tif), o.price.raw,
                      o.qty.value});
    engine_.submit(o, now);
  }
  void cancel(const CancelRequest& c, std::int64_t now) noexcept override {
    inputs.push_back({1, c.participant, static_cast<std::int64_t>(c.order_id), 0, 0, 0, 0});
    engine_.cancel(c, now);
  }
  void replace(const ReplaceRequest& r, std::int64_t now) noexcept override {
    inputs.push_back({2, r.participant, static_cast<std::int64_t>(r.order_id), 0, 0, r.price.raw, r.qty.value});
    engine_.replace(r, now);
  }
  std::vector<Input> inputs;

 private:
  MatchingEngine& engine_;
};

/// An engine with two instruments, the router, and the flow as its other sink.
struct Venue {
  explicit Venue(BackgroundFlowOptions options, bool record = true) {
    InstrumentConfig a;
    a.symbol = InstrumentConfig::symbol_of("AAA");
    a.tick = Price::from_raw(100);
    InstrumentConfig b = a;
    b.symbol = InstrumentConfig::symbol_of("BBB");
    b.tick = Price::from_raw(500);
    b.lot = 100;
    instruments = {a, b};
    MatchingConfig c;
    c.order_capacity = 1 << 14;
    c.max_levels_per_side = 512;
    c.instruments = instruments.data();
    c.instrument_count = instruments.size();
    router = std::make_unique<EventRouter>(book);
    engine = std::make_unique<MatchingEngine>(c, *router);
    recorder = std::make_unique<RecordingTarget>(*engine);
    direct = std::make_unique<EngineFlowTarget>(*engine);
    options.instruments = {FlowInstrument{0, a.tick, a.lot, Price::from_units(50)},
                           FlowInstrument{1, b.tick, b.lot, Price::from_units(20)}};
    flow = std::make_unique<BackgroundFlow>(options, record ? static_cast<FlowTarget&>(*recorder) : *direct);
    router->set_other_sink(flow.get());
  }
  std::vector<InstrumentConfig> instruments;
  BookCounter book;
  std::unique_ptr<EventRouter> router;
  std::unique_ptr<MatchingEngine> engine;
  std::unique_ptr<RecordingTarget> recorder;
  std::unique_ptr<EngineFlowTarget> direct;
  std::unique_ptr<BackgroundFlow> flow;
};

BackgroundFlowOptions fast(std::uint64_t seed) {
  BackgroundFlowOptions o;
  o.seed = seed;
  o.messages_per_second = 100'000;
  return o;
}

TEST(BackgroundFlowTest, SameSeedGivesTheSameInputs) {
  Venue one(fast(7)), two(fast(7)), other(fast(8));
  for (std::int64_t k = 0; k < 500; ++k) {
    one.flow->step(kStart + k * kMs);
    two.flow->step(kStart + k * kMs);
    other.flow->step(kStart + k * kMs);
  }
  ASSERT_GT(one.recorder->inputs.size(), 40'000u);
  EXPECT_EQ(one.recorder->inputs, two.recorder->inputs);
  EXPECT_NE(one.recorder->inputs, other.recorder->inputs);
  EXPECT_EQ(one.engine->next_sequence(), two.engine->next_sequence());
}

TEST(BackgroundFlowTest, BookStaysTwoSidedAndBounded) {
  BackgroundFlowOptions o = fast(3);
  o.move_per_mille = 300;  // a restless market
  Venue v(o);
  for (std::int64_t k = 0; k < 3'000; ++k) {
    v.flow->step(kStart + k * kMs);
    for (InstrumentId i = 0; i < 2; ++i) {
      const LevelInfo bid = v.engine->best(i, Side::Buy);
      const LevelInfo ask = v.engine->best(i, Side::Sell);
      ASSERT_GT(bid.qty, 0) << "no bid, instrument " << i << " step " << k;
      ASSERT_GT(ask.qty, 0) << "no ask, instrument " << i << " step " << k;
      ASSERT_LT(bid.price, ask.price);
      ASSERT_LE(v.flow->live_orders(i, Side::Buy), o.max_orders_per_side);
      ASSERT_LE(v.flow->live_orders(i, Side::Sell), o.max_orders_per_side);
    }
  }
  // Resting orders stay near the mid the flow quotes around.
  for (std::size_t i = 0; i < 2; ++i) {
    const auto ins = static_cast<InstrumentId>(i);
    const std::int64_t tick = v.instruments[i].tick.raw;
    const std::int64_t reach = (o.max_distance_ticks + o.depth_ticks + 5) * tick;
    v.engine->visit_side(ins, Side::Buy,
                         [&](const OrderInfo& x) { EXPECT_LE(v.flow->mid(i).raw - x.price.raw, reach); });
    v.engine->visit_side(ins, Side::Sell,
                         [&](const OrderInfo& x) { EXPECT_LE(x.price.raw - v.flow->mid(i).raw, reach); });
  }
  EXPECT_EQ(v.engine->live_orders(), v.flow->live_orders());  // the flow's view is the engine's
  EXPECT_GT(v.flow->counters().far_cancels, 0u);
  EXPECT_EQ(v.flow->counters().untracked, 0u);
}

TEST(BackgroundFlowTest, InputsAndTradesFollowTheConfiguredRate) {
  BackgroundFlowOptions o = fast(11);
  o.messages_per_second = 20'000;
  Venue v(o);
  // Ten seconds in 1 ms steps.
  for (std::int64_t k = 0; k <= 10'000; ++k) v.flow->step(kStart + k * kMs);
  const std::uint64_t seeded = 2u * 2u * o.initial_depth;
  EXPECT_EQ(v.flow->counters().inputs, 200'000u + seeded);
  EXPECT_EQ(v.recorder->inputs.size(), 200'000u + seeded);
  // About 10% of the inputs are aggressive, and most of those trade.
  EXPECT_GT(v.flow->counters().aggressive, 15'000u);
  EXPECT_GT(v.book.trades, 10'000u);
  EXPECT_LT(v.book.trades, 200'000u);
  EXPECT_EQ(v.flow->counters().rejects, 0u);
}

TEST(BackgroundFlowTest, SlowRatesWork) {
  BackgroundFlowOptions o = fast(5);
  o.messages_per_second = 4;
  Venue v(o);
  std::size_t emitted = 0;
  for (std::int64_t k = 0; k <= 100; ++k) emitted += v.flow->step(kStart + k * 100 * kMs);  // 10 s
  EXPECT_EQ(emitted, 40u);
}

TEST(BackgroundFlowTest, AFallenBehindCallerGetsACappedStep) {
  BackgroundFlowOptions o = fast(9);
  o.max_per_step = 1'000;
  Venue v(o);
  v.flow->step(kStart);
  EXPECT_EQ(v.flow->step(kStart + 1'000 * kMs), 1'000u);  // 100 000 due
  EXPECT_EQ(v.flow->counters().dropped_due, 98'000u);     // one more step's worth kept
  EXPECT_EQ(v.flow->step(kStart + 1'000 * kMs), 1'000u);
  EXPECT_EQ(v.flow->step(kStart + 1'000 * kMs), 0u);
}

TEST(BackgroundFlowTest, NoHeapAllocationPerStep) {
  ASSERT_TRUE(hft::test::allocation_hooks_installed());
  Venue v(fast(13), false);
  std::int64_t k = 0;
  for (; k < 200; ++k) v.flow->step(kStart + k * kMs);
  hft::test::AllocationCounter counter;
  for (; k < 2'000; ++k) v.flow->step(kStart + k * kMs);
  EXPECT_EQ(counter.allocations(), 0u);
  EXPECT_GT(v.flow->counters().inputs, 150'000u);
}

TEST(BackgroundFlowTest, BadOptionsThrow) {
  class Null final : public FlowTarget {
    void submit(const NewOrder&, std::int64_t) noexcept override {}
    void cancel(const CancelRequest&, std::int64_t) noexcept override {}
    void replace(const ReplaceRequest&, std::int64_t) noexcept override {}
  } target;
  BackgroundFlowOptions o;
  EXPECT_THROW(BackgroundFlow(o, target), std::invalid_argument);  // no instruments
  o.instruments = {FlowInstrument{}};
  o.messages_per_second = 0;
  EXPECT_THROW(BackgroundFlow(o, target), std::invalid_argument);
  o.messages_per_second = 10;
  o.passive_per_mille = 900;
  EXPECT_THROW(BackgroundFlow(o, target), std::invalid_argument);
  o.passive_per_mille = 500;
  EXPECT_NO_THROW(BackgroundFlow(o, target));
}

}  // namespace
}  // namespace hft::venue
