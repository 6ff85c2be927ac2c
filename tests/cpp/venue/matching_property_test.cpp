// Properties over long random streams: determinism (two engines, same
// inputs, identical events), agreement with a naive std::map model, every
// trade conserving quantity, the book events alone rebuilding the book (what
// the ITCH feed relies on), and no heap allocation per input.
#include <cstring>
#include <map>
#include <random>
#include <vector>

#include "support/allocation_counter.h"
#include "venue/matching_fixture.h"
#include "venue/naive_matcher.h"

namespace hft::venue::test {
namespace {

static_assert(sizeof(Event) == 80, "events are compared with memcmp: no padding");

/// One input of a random stream.
struct Input {
  enum class Kind : std::uint8_t { New, Cancel, Replace, Halt, Resume } kind{Kind::New};
  NewOrder order{};
  VenueOrderId target{0};  // cancel/replace: the n-th accepted order (index into the accepted ids)
  std::int64_t price_cents{0};
  std::int64_t stop_cents{0};
  std::int64_t qty{0};
};

/// Orders near 10.00 on two instruments from four participants; cancels
/// and replaces name one of the last 40 orders entered (some already gone).
std::vector<Input> random_stream(std::uint64_t seed, std::size_t n, bool stops_and_halts) {
  std::mt19937_64 rng(seed);
  std::vector<Input> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    Input in;
    const auto roll = rng() % 100;
    const auto ins = static_cast<InstrumentId>(rng() % 2 == 0 ? 0 : 2);
    in.price_cents = 990 + static_cast<std::int64_t>(rng() % 21);
    in.qty = 1 + static_cast<std::int64_t>(rng() % 20);
    in.target = 1 + rng() % 40;  // how far back
    NewOrder& o = in.order;
    o.participant = 1 + static_cast<ParticipantId>(rng() % 4);
    o.instrument = ins;
    o.side = rng() % 2 == 0 ? core::Side::Buy : core::Side::Sell;
    o.client_order_id = i + 1;
    o.qty = core::Qty{in.qty};
    o.price = cents(in.price_cents);
    if (roll < 45) {
      in.kind = Input::Kind::New;
    } else if (roll < 53) {
      in.kind = Input::Kind::New;
      o.tif = TimeInForce::Ioc;
    } else if (roll < 57) {
      in.kind = Input::Kind::New;
      o.tif = TimeInForce::Fok;
    } else if (roll < 60) {
      in.kind = Input::Kind::New;
      o.type = OrderType::Market;
      o.price = core::Price{};
    } else if (roll < 78) {
      in.kind = Input::Kind::Cancel;
    } else if (roll < 96) {
      in.kind = Input::Kind::Replace;
      in.price_cents = rng() % 3 == 0 ? 0 : in.price_cents;  // 0: keep the price
    } else if (stops_and_halts && roll < 99) {
      in.kind = Input::Kind::New;
      o.type = rng() % 2 == 0 ? OrderType::Stop : OrderType::StopLimit;
      in.stop_cents = 990 + static_cast<std::int64_t>(rng() % 21);
      o.stop_price = cents(in.stop_cents);
    } else if (stops_and_halts) {
      in.kind = rng() % 2 == 0 ? Input::Kind::Halt : Input::Kind::Resume;
    } else {
      in.kind = Input::Kind::New;
    }
    out.push_back(in);
  }
  return out;
}

/// Feeds a stream to an engine, resolving "the n-th last order" to an id.
class Driver {
 public:
  explicit Driver(MatchingEngine& engine) : engine_(engine) { ids_.reserve(1u << 16); }

  /// What the engine answered; `old_id`/`price` are what a replace named.
  struct Step {
    InputResult result;
    VenueOrderId old_id{0};
    std::int64_t price{0};
  };

  Step apply(const Input& in, std::int64_t now) {
    Step step;
    switch (in.kind) {
      case Input::Kind::New:
        step.result = engine_.submit(in.order, now);
        if (step.result.accepted()) ids_.push_back(step.result.order_id);
        break;
      case Input::Kind::Cancel:
        step.old_id = target(in);
        step.result = engine_.cancel(CancelRequest{step.old_id, in.order.participant, in.order.client_order_id}, now);
        break;
      case Input::Kind::Replace: {
        step.old_id = target(in);
        const std::optional<OrderInfo> now_info = engine_.find(step.old_id);
        step.price =
            in.price_cents != 0 ? cents(in.price_cents).raw : (now_info ? now_info->price.raw : cents(1000).raw);
        ReplaceRequest r{step.old_id,
                         in.order.participant,
                         in.order.client_order_id,
                         core::Price{step.price},
                         cents(in.stop_cents != 0 ? in.stop_cents : 1000),
                         in.order.qty};
        step.result = engine_.replace(r, now);
        if (step.result.accepted() && step.result.order_id != step.old_id) ids_.push_back(step.result.order_id);
        break;
      }
      case Input::Kind::Halt:
      case Input::Kind::Resume:
        step.result = engine_.set_trading_state(
            in.order.instrument, in.kind == Input::Kind::Halt ? TradingState::Halted : TradingState::Trading, now);
        break;
    }
    return step;
  }

 private:
  VenueOrderId target(const Input& in) const {
    if (ids_.empty()) return 1;
    return ids_[ids_.size() - 1 - (in.target - 1) % ids_.size()];
  }
  MatchingEngine& engine_;
  std::vector<VenueOrderId> ids_;
};

MatchingConfig config_for(const std::vector<InstrumentConfig>& instruments, SelfMatchMode mode) {
  MatchingConfig c;
  c.order_capacity = 1u << 14;
  c.max_levels_per_side = 64;
  c.self_match = mode;
  c.instruments = instruments.data();
  c.instrument_count = instruments.size();
  return c;
}

TEST_F(MatchingTest, TwoEnginesFedTheSameStreamEmitIdenticalEvents) {
  const std::vector<Input> stream = random_stream(7, 40'000, true);
  for (const SelfMatchMode mode :
       {SelfMatchMode::CancelResting, SelfMatchMode::CancelIncoming, SelfMatchMode::CancelBoth}) {
    RecordingSink sink_a;
    RecordingSink sink_b;
    MatchingEngine a(config_for(instruments_, mode), sink_a);
    MatchingEngine b(config_for(instruments_, mode), sink_b);
    Driver da(a);
    Driver db(b);
    std::int64_t now = 0;
    for (const Input& in : stream) {
      da.apply(in, ++now);
      db.apply(in, now);
    }
    ASSERT_EQ(sink_a.all.size(), sink_b.all.size());
    ASSERT_GT(sink_a.all.size(), stream.size());
    EXPECT_EQ(std::memcmp(sink_a.all.data(), sink_b.all.data(), sink_a.all.size() * sizeof(Event)), 0);
    EXPECT_FALSE(sink_a.gap);
    std::size_t triggered = 0;
    for (const Event& e : sink_a.all) triggered += e.kind == EventKind::Triggered ? 1u : 0u;
    EXPECT_GT(triggered, 0u) << "the stream exercises stops";
  }
}

TEST_F(MatchingTest, RandomStreamAgreesWithNaiveModelAndConservesQuantity) {
  const std::vector<Input> stream = random_stream(11, 30'000, false);
  RecordingSink sink;
  MatchingEngine engine(config_for(instruments_, SelfMatchMode::CancelResting), sink);
  NaiveMatcher model(instruments_.size());
  Driver driver(engine);
  std::int64_t now = 0;
  std::size_t rejects = 0;
  for (std::size_t i = 0; i < stream.size(); ++i) {
    const Input& in = stream[i];
    const Driver::Step step = driver.apply(in, ++now);
    const NewOrder& o = in.order;
    switch (in.kind) {
      case Input::Kind::New:
        ASSERT_TRUE(step.result.accepted()) << "input " << i;
        model.submit(step.result.order_id, o.participant, o.instrument, o.side, o.type, o.tif, o.price.raw,
                     o.qty.value);
        break;
      case Input::Kind::Cancel:
        ASSERT_EQ(step.result.accepted(), model.cancel(step.old_id, o.participant)) << "input " << i;
        break;
      case Input::Kind::Replace:
        ASSERT_EQ(step.result.accepted(),
                  model.replace(step.old_id, o.participant, step.result.order_id, step.price, o.qty.value))
            << "input " << i;
        break;
      default:
        break;
    }
    rejects += step.result.accepted() ? 0u : 1u;
  }
  EXPECT_GT(rejects, 0u);

  // The books agree, order by order.
  for (const InstrumentId ins : {kAbc, kXyz}) {
    for (const Side side : {Side::Buy, Side::Sell}) {
      std::vector<NaiveMatcher::Resting> mine;
      engine.visit_side(ins, side, [&mine](const OrderInfo& oi) {
        mine.push_back({oi.order_id, oi.price.raw, oi.leaves});
      });
      const std::vector<NaiveMatcher::Resting> theirs = model.side(ins, side);
      ASSERT_EQ(mine.size(), theirs.size()) << "instrument " << ins;
      ASSERT_GT(mine.size(), 5u);
      for (std::size_t k = 0; k < mine.size(); ++k) {
        EXPECT_EQ(mine[k].id, theirs[k].id) << k;
        EXPECT_EQ(mine[k].price, theirs[k].price) << k;
        EXPECT_EQ(mine[k].leaves, theirs[k].leaves) << k;
      }
    }
  }

  // Every trade: two fills of the same size on opposite sides of different
  // participants, and one BookExecuted of that size; totals match the model.
  struct Trade {
    int fills{0};
    std::int64_t qty{0};
    std::int64_t executed{0};
    ParticipantId first{0};
    bool other_participant{false};
  };
  std::map<std::uint64_t, Trade> trades;
  std::int64_t traded = 0;
  for (const Event& e : sink.all) {
    if (e.kind == EventKind::Fill) {
      Trade& t = trades[e.other];
      if (t.fills == 0) {
        t.qty = e.qty;
        t.first = e.participant;
      } else {
        EXPECT_EQ(t.qty, e.qty);
        t.other_participant = e.participant != t.first;
      }
      ++t.fills;
      if (e.aggressor) traded += e.qty;
    } else if (e.kind == EventKind::BookExecuted) {
      trades[e.other].executed += e.qty;
    }
  }
  ASSERT_GT(trades.size(), 1000u);
  for (const auto& [match, t] : trades) {
    EXPECT_EQ(t.fills, 2) << match;
    EXPECT_EQ(t.executed, t.qty) << match;
    EXPECT_TRUE(t.other_participant) << match;
  }
  EXPECT_EQ(traded, model.traded);
}

// What the ITCH publisher relies on: the book events alone, applied in
// order, rebuild exactly the engine's books (ids, prices, sizes, order).
TEST_F(MatchingTest, BookEventsAloneRebuildTheBook) {
  const std::vector<Input> stream = random_stream(23, 30'000, true);
  RecordingSink sink;
  MatchingEngine engine(config_for(instruments_, SelfMatchMode::CancelBoth), sink);
  Driver driver(engine);
  std::int64_t now = 0;
  for (const Input& in : stream) driver.apply(in, ++now);

  struct Rested {
    InstrumentId ins;
    Side side;
    std::int64_t price;
    std::int64_t qty;
    std::uint64_t arrival;
  };
  std::map<VenueOrderId, Rested> feed;
  std::uint64_t arrival = 0;
  for (const Event& e : sink.all) {
    switch (e.kind) {
      case EventKind::BookAdd:
        ASSERT_TRUE(feed.emplace(e.order_id, Rested{e.instrument, e.side, e.price.raw, e.qty, ++arrival}).second);
        break;
      case EventKind::BookExecuted:
      case EventKind::BookCancel: {
        Rested& r = feed.at(e.order_id);
        ASSERT_LE(e.qty, r.qty);
        r.qty -= e.qty;
        ASSERT_EQ(r.qty, e.leaves);
        if (r.qty == 0) feed.erase(e.order_id);
        break;
      }
      case EventKind::BookDelete:
        ASSERT_EQ(feed.erase(e.order_id), 1u);
        break;
      case EventKind::BookReplace: {
        const Rested old = feed.at(e.other);
        feed.erase(e.other);
        feed.emplace(e.order_id, Rested{old.ins, old.side, e.price.raw, e.qty, ++arrival});
        break;
      }
      default:
        break;
    }
  }
  std::size_t resting = 0;
  for (const InstrumentId ins : {kAbc, kXyz}) {
    for (const Side side : {Side::Buy, Side::Sell}) {
      std::int64_t last_price = 0;
      std::uint64_t last_arrival = 0;
      engine.visit_side(ins, side, [&](const OrderInfo& o) {
        ++resting;
        const auto it = feed.find(o.order_id);
        ASSERT_NE(it, feed.end()) << o.order_id;
        EXPECT_EQ(it->second.price, o.price.raw);
        EXPECT_EQ(it->second.qty, o.leaves);
        EXPECT_EQ(it->second.side, side);
        EXPECT_EQ(it->second.ins, ins);
        if (o.price.raw == last_price) {
          EXPECT_GT(it->second.arrival, last_arrival) << "time priority";
        }
        last_price = o.price.raw;
        last_arrival = it->second.arrival;
      });
    }
  }
  EXPECT_EQ(resting, feed.size());
  EXPECT_GT(resting, 10u);
}

/// Copies events into a fixed array; never allocates.
class FixedSink final : public EventSink {
 public:
  void on_events(const Event* events, std::size_t count) noexcept override {
    for (std::size_t i = 0; i < count; ++i) {
      last_ = events[i];
      ++count_;
    }
  }
  std::uint64_t count() const { return count_; }

 private:
  Event last_{};
  std::uint64_t count_{0};
};

TEST_F(MatchingTest, NoHeapAllocationPerInput) {
  ASSERT_TRUE(hft::test::allocation_hooks_installed());
  const std::vector<Input> stream = random_stream(5, 50'000, true);
  FixedSink sink;
  MatchingEngine engine(config_for(instruments_, SelfMatchMode::CancelResting), sink);
  Driver driver(engine);  // reserves its id list up front
  std::int64_t now = 0;
  for (std::size_t i = 0; i < 1000; ++i) driver.apply(stream[i], ++now);

  hft::test::AllocationCounter counter;
  for (std::size_t i = 1000; i < stream.size(); ++i) driver.apply(stream[i], ++now);
  EXPECT_EQ(counter.allocations(), 0u);
  EXPECT_GT(sink.count(), stream.size());
}

TEST_F(MatchingTest, ConfigurationErrorsThrowAtConstruction) {
  RecordingSink sink;
  MatchingConfig c = config_for(instruments_, SelfMatchMode::CancelResting);
  c.order_capacity = 0;
  EXPECT_THROW(MatchingEngine(c, sink), std::invalid_argument);
  c = config_for(instruments_, SelfMatchMode::CancelResting);
  c.instrument_count = 0;
  EXPECT_THROW(MatchingEngine(c, sink), std::invalid_argument);
  std::vector<InstrumentConfig> bad = instruments_;
  bad[1].tick = Price{};
  c = config_for(bad, SelfMatchMode::CancelResting);
  EXPECT_THROW(MatchingEngine(c, sink), std::invalid_argument);
}

}  // namespace
}  // namespace hft::venue::test
