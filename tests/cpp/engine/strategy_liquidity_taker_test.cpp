// The liquidity taker against a real book and trading core: the imbalance
// signal and its threshold, IOC at the touch, cooldown, position limit,
// market conditions that stop it, and risk rejects without a retry storm.
#include "hft/engine/liquidity_taker.h"

#include "engine/strategy_fixture.h"

namespace hft::engine::test {
namespace {

using trading::KillLevel;
using trading::KillState;

constexpr std::int64_t px(std::int64_t cents) { return cents * kCent; }

LiquidityTakerSettings lt_settings() {
  LiquidityTakerSettings s;
  s.levels = 3;
  s.imbalance_threshold_bps = 3000;
  s.order_size = 100;
  s.max_position = 200;
  s.cooldown_ns = 50 * kMilli;
  return s;
}

class LiquidityTakerTest : public StrategyTest {
 protected:
  explicit LiquidityTakerTest(trading::TradingSettings s = trading::test::small_settings()) : StrategyTest(s) {}
  LiquidityTaker& begin(LiquidityTakerSettings s = lt_settings()) {
    lt = &start(std::make_unique<LiquidityTaker>("lt1", s, std::vector<SymbolId>{kAapl}));
    return *lt;
  }
  /// 99.99 x 100.01 with the given sizes (one level each side).
  void book(std::uint32_t bid_qty, std::uint32_t ask_qty) { quote(kAaplLocate, px(9999), bid_qty, px(10001), ask_qty); }
  std::size_t news() const { return gateway.count(SentMessage::Kind::New); }

  LiquidityTaker* lt{nullptr};
};

TEST_F(LiquidityTakerTest, FiresOnlyAboveTheThreshold) {
  begin();
  book(600, 400);  // +2000 bps
  EXPECT_EQ(news(), 0u);
  now += kSecond;
  book(650, 350);  // +3000 bps: at the threshold, not above
  EXPECT_EQ(news(), 0u);
  now += kSecond;
  book(700, 300);  // +4000 bps
  ASSERT_EQ(news(), 1u);
  const SentMessage& m = gateway.sent.back();
  EXPECT_EQ(m.side, Side::Buy);
  EXPECT_EQ(m.tif, trading::TimeInForce::Ioc);
  EXPECT_EQ(m.type, trading::OrderType::Limit);
  EXPECT_EQ(m.price.raw, px(10001)) << "buys at the ask";
  EXPECT_EQ(m.quantity.value, 100);
  EXPECT_EQ(lt->counters().signals, 1u);
}

TEST_F(LiquidityTakerTest, SellsAtTheBidWhenOffersDominate) {
  begin();
  book(200, 800);  // -6000 bps
  ASSERT_EQ(news(), 1u);
  EXPECT_EQ(gateway.sent.back().side, Side::Sell);
  EXPECT_EQ(gateway.sent.back().price.raw, px(9999));
}

TEST_F(LiquidityTakerTest, NeverTakesMoreThanTheTouchShows) {
  begin();
  book(700, 60);
  ASSERT_EQ(news(), 1u);
  EXPECT_EQ(gateway.sent.back().quantity.value, 60);
}

TEST_F(LiquidityTakerTest, ImbalanceSumsTheTopLevels) {
  begin();
  // Level 1: 100 x 100; deeper: 400 more bids within 3 levels, 1000 asks at level 4.
  book(100, 100);
  add(kAaplLocate, 501, Side::Buy, 200, px(9998));
  add(kAaplLocate, 502, Side::Buy, 200, px(9997));
  add(kAaplLocate, 503, Side::Sell, 1000, px(10004));  // level 2 on the ask side
  const market_data::OrderBook* b = books.book(kAaplLocate);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(LiquidityTaker::imbalance_bps(*b, 1), 0);
  EXPECT_EQ(LiquidityTaker::imbalance_bps(*b, 3), (500 - 1100) * 10000 / 1600);
  EXPECT_EQ(LiquidityTaker::imbalance_bps(*b, 2), (300 - 1100) * 10000 / 1400);
}

TEST_F(LiquidityTakerTest, WaitsOutTheCooldown) {
  begin();
  book(700, 300);
  answer_all();  // the IOC expires unfilled
  ASSERT_EQ(news(), 1u);
  now += 10 * kMilli;
  book(800, 200);
  EXPECT_EQ(news(), 1u) << "inside the cooldown";
  now += 45 * kMilli;
  book(700, 300);
  EXPECT_EQ(news(), 2u) << "cooldown over";
}

TEST_F(LiquidityTakerTest, OneIocInFlightAtATime) {
  LiquidityTakerSettings s = lt_settings();
  s.cooldown_ns = 0;
  begin(s);
  book(700, 300);
  now += kMilli;
  book(800, 200);
  EXPECT_EQ(news(), 1u) << "the first IOC is still unanswered";
  answer_all();
  now += kMilli;
  book(700, 300);
  EXPECT_EQ(news(), 2u);
}

TEST_F(LiquidityTakerTest, StopsBuyingAtThePositionLimit) {
  LiquidityTakerSettings s = lt_settings();
  s.cooldown_ns = 0;
  begin(s);
  for (int i = 0; i < 2; ++i) {
    now += kMilli;
    book(700 + static_cast<std::uint32_t>(i), 300);
    const OrderId id = gateway.sent.back().cl_ord_id;
    ack(id);
    fill(id, 100, px(10001));
  }
  EXPECT_EQ(core.positions().at(kAapl).net, 200);
  now += kMilli;
  book(900, 100);
  EXPECT_EQ(news(), 2u) << "at max_position: no more buys";
  EXPECT_EQ(lt->counters().limited, 1u);
  now += kMilli;
  book(100, 900);
  EXPECT_EQ(news(), 3u) << "selling reduces the position";
  EXPECT_EQ(gateway.sent.back().side, Side::Sell);
}

TEST_F(LiquidityTakerTest, NoTradingOnCrossedHaltedStaleOrKilledMarkets) {
  LiquidityTakerSettings s = lt_settings();
  s.cooldown_ns = 0;
  begin(s);
  quote(kAaplLocate, px(10002), 700, px(10001), 300);  // crossed
  EXPECT_EQ(news(), 0u);
  status(kAaplLocate, 'H');
  now += kMilli;
  book(700, 300);
  EXPECT_EQ(news(), 0u) << "halted";
  status(kAaplLocate, 'T');
  books.set_all_stale(true);
  now += kMilli;
  book(800, 300);
  EXPECT_EQ(news(), 0u) << "stale";
  books.set_all_stale(false);
  host.kill(KillLevel::Halt, ++now);
  book(700, 300);
  EXPECT_EQ(news(), 0u) << "killed";
  host.resume(++now);
  now += kMilli;
  book(800, 300);
  EXPECT_EQ(news(), 1u);
}

trading::TradingSettings untradable() {
  trading::TradingSettings s = trading::test::small_settings();
  s.instruments[0].tradable = false;
  return s;
}

class LiquidityTakerRiskTest : public LiquidityTakerTest {
 protected:
  LiquidityTakerRiskTest() : LiquidityTakerTest(untradable()) {}
};

TEST_F(LiquidityTakerRiskTest, RiskRejectsAreNotRetriedBeforeTheCooldown) {
  begin();
  for (int i = 0; i < 100; ++i) {
    now += kMilli;
    book(700 + static_cast<std::uint32_t>(i % 2), 300);
  }
  // 100 ms of signals, 50 ms cooldown: two attempts, both refused by risk.
  const auto refused = core.counters().rejects[static_cast<std::size_t>(trading::RejectReason::InstrumentNotTradable)];
  EXPECT_EQ(refused, 2u);
  EXPECT_EQ(lt->counters().rejects, 2u);
  EXPECT_EQ(core.kill_switch().state(), KillState::Active) << "no reject storm";
  EXPECT_TRUE(gateway.sent.empty());
}

}  // namespace
}  // namespace hft::engine::test
