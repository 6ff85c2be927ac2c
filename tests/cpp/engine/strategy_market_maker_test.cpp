// The market maker against a real book and trading core: where it quotes,
// how inventory moves the quotes, the position limit, requote discipline,
// and pulling quotes on kill, crossed book, halt and stale data.
#include "hft/engine/market_maker.h"

#include "engine/strategy_fixture.h"

namespace hft::engine::test {
namespace {

using trading::KillLevel;
using trading::KillState;

constexpr std::int64_t px(std::int64_t cents) { return cents * kCent; }  // price of `cents` cents

MarketMakerSettings mm_settings() {
  MarketMakerSettings s;
  s.half_spread_ticks = 2;
  s.quote_size = 100;
  s.max_position = 200;
  s.skew_ticks = 2;
  s.requote_threshold_ticks = 1;
  s.min_quote_life_ns = 1 * kMilli;
  s.reject_backoff_ns = 100 * kMilli;
  return s;
}

class MarketMakerTest : public StrategyTest {
 protected:
  explicit MarketMakerTest(trading::TradingSettings s = trading::test::small_settings()) : StrategyTest(s) {}

  MarketMaker& begin(MarketMakerSettings s = mm_settings()) {
    mm = &start(std::make_unique<MarketMaker>("mm1", s, std::vector<SymbolId>{kAapl}));
    return *mm;
  }
  /// The standard book: 99.99 x 100.01, 100 shares each (mid 100.00).
  void standard_book() { quote(kAaplLocate, px(9999), 100, px(10001), 100); }
  const trading::Order* quote_of(Side side) const { return core.orders().find(mm->quote_id(kAapl, side)); }
  std::int64_t quote_price(Side side) const {
    const trading::Order* o = quote_of(side);
    return o == nullptr ? 0 : (o->state == trading::OrderState::PendingReplace ? o->pending_price : o->price).raw;
  }

  MarketMaker* mm{nullptr};
};

TEST_F(MarketMakerTest, QuotesBothSidesAroundTheMidAtTheHalfSpread) {
  begin();
  mark();
  standard_book();
  const std::vector<SentMessage> sent = sent_since_mark();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].kind, SentMessage::Kind::New);
  EXPECT_EQ(sent[0].side, Side::Buy);
  EXPECT_EQ(sent[0].price.raw, px(9998));
  EXPECT_EQ(sent[0].quantity.value, 100);
  EXPECT_EQ(sent[0].tif, trading::TimeInForce::Day);
  EXPECT_EQ(sent[0].type, trading::OrderType::Limit);
  EXPECT_EQ(sent[1].side, Side::Sell);
  EXPECT_EQ(sent[1].price.raw, px(10002));
  EXPECT_EQ(sent[1].quantity.value, 100);
}

TEST_F(MarketMakerTest, RoundsAnOffGridFairValueOutwardsToTheTick) {
  begin();
  // Mid 100.005: bid floor(99.985) = 99.98, ask ceil(100.025) = 100.03.
  quote(kAaplLocate, px(9999), 100, px(10002), 100);
  EXPECT_EQ(quote_price(Side::Buy), px(9998));
  EXPECT_EQ(quote_price(Side::Sell), px(10003));
}

TEST_F(MarketMakerTest, MicropriceLeansTowardsTheThinSide) {
  MarketMakerSettings s = mm_settings();
  s.fair_value = MarketMakerSettings::FairValue::Microprice;
  s.half_spread_ticks = 1;
  begin(s);
  // 99.99 x 100.03, 900 bid / 100 ask: micro = (99.99*100 + 100.03*900)/1000 = 100.026.
  quote(kAaplLocate, px(9999), 900, px(10003), 100);
  EXPECT_EQ(quote_price(Side::Buy), px(10001));   // floor(100.016)
  EXPECT_EQ(quote_price(Side::Sell), px(10004));  // ceil(100.036)
}

TEST_F(MarketMakerTest, NeverQuotesAtOrThroughTheOtherSide) {
  MarketMakerSettings s = mm_settings();
  s.half_spread_ticks = 1;
  s.skew_ticks = 10;
  begin(s);
  standard_book();
  answer_all();
  now += 2 * kMilli;
  fill(mm->quote_id(kAapl, Side::Sell), 100, px(10001));  // short 100: skew +5 ticks
  // Reservation 100.05: the bid would be 100.04, through the 100.01 ask.
  EXPECT_EQ(quote_price(Side::Buy), px(10000));
  EXPECT_EQ(quote_price(Side::Sell), px(10006));
}

TEST_F(MarketMakerTest, InventorySkewsBothQuotesAgainstThePosition) {
  begin();
  standard_book();
  answer_all();
  now += 2 * kMilli;
  // Long 100 of max 200 with skew_ticks 2: both quotes one tick lower.
  fill(mm->quote_id(kAapl, Side::Buy), 100, px(9998));
  EXPECT_EQ(core.positions().at(kAapl).net, 100);
  EXPECT_EQ(quote_price(Side::Buy), px(9997)) << "the filled bid is re-placed one tick lower";
  EXPECT_EQ(quote_price(Side::Sell), px(10001)) << "the ask is replaced one tick lower";
  EXPECT_EQ(gateway.count(SentMessage::Kind::Replace), 1u);
}

TEST_F(MarketMakerTest, StopsQuotingTheSideAtThePositionLimit) {
  begin();
  standard_book();
  answer_all();
  for (int i = 0; i < 2; ++i) {
    now += 2 * kMilli;
    fill(mm->quote_id(kAapl, Side::Buy), 100, px(9998));
    answer_all();
  }
  EXPECT_EQ(core.positions().at(kAapl).net, 200);
  EXPECT_EQ(mm->quote_id(kAapl, Side::Buy).value, 0u) << "no bid at the limit";
  EXPECT_EQ(live_orders(Side::Buy), 0u);
  const trading::Order* ask = quote_of(Side::Sell);
  ASSERT_NE(ask, nullptr);
  EXPECT_EQ(ask->leaves.value, 100) << "the reducing side keeps quoting";
  // Book updates at the limit never bring the bid back.
  now += 2 * kMilli;
  quote(kAaplLocate, px(9998), 100, px(10000), 100);
  answer_all();
  EXPECT_EQ(live_orders(Side::Buy), 0u);
}

TEST_F(MarketMakerTest, ShrinksTheSideThatWouldPassTheLimit) {
  begin();
  standard_book();
  answer_all();
  now += 2 * kMilli;
  fill(mm->quote_id(kAapl, Side::Buy), 100, px(9998));
  answer_all();
  now += 2 * kMilli;
  fill(mm->quote_id(kAapl, Side::Buy), 50, px(9997));  // long 150: room for 50 more
  answer_all();
  const trading::Order* bid = quote_of(Side::Buy);
  ASSERT_NE(bid, nullptr);
  EXPECT_EQ(bid->leaves.value, 50);
}

TEST_F(MarketMakerTest, SmallMovesAndYoungQuotesAreNotReplaced) {
  MarketMakerSettings s = mm_settings();
  s.requote_threshold_ticks = 2;
  s.min_quote_life_ns = 5 * kMilli;
  begin(s);
  standard_book();
  answer_all();
  mark();
  now += 10 * kMilli;
  quote(kAaplLocate, px(10000), 100, px(10002), 100);  // mid +1 tick: below the threshold
  EXPECT_TRUE(sent_since_mark().empty());
  now += 1 * kMilli;
  quote(kAaplLocate, px(10001), 100, px(10003), 100);  // +2 ticks: due
  std::vector<SentMessage> sent = sent_since_mark();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].kind, SentMessage::Kind::Replace);
  EXPECT_EQ(sent[0].price.raw, px(10000));
  EXPECT_EQ(sent[1].price.raw, px(10004));
  answer_all();
  // Two ticks more right away: the quotes are younger than min_quote_life.
  now += 1 * kMilli;
  quote(kAaplLocate, px(10003), 100, px(10005), 100);
  EXPECT_TRUE(sent_since_mark().empty());
  // Once they are old enough, the timer moves them.
  now += 5 * kMilli;
  host.on_timer(now);
  EXPECT_EQ(sent_since_mark().size(), 2u);
}

TEST_F(MarketMakerTest, APartlyFilledQuoteIsRetiredAndAFreshOneFollows) {
  MarketMakerSettings s = mm_settings();
  s.skew_ticks = 0;
  s.min_quote_life_ns = 1 * kSecond;  // fills do not wait for it
  begin(s);
  standard_book();
  answer_all();
  mark();
  const OrderId bid = mm->quote_id(kAapl, Side::Buy);
  fill(bid, 40, px(9998));
  const std::vector<SentMessage> sent = sent_since_mark();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].kind, SentMessage::Kind::Cancel)
      << "a top-up replace would state 140 shares for one quote, and grow with every fill";
  EXPECT_EQ(sent[0].cl_ord_id, bid);
  answer_all();
  const OrderId fresh = mm->quote_id(kAapl, Side::Buy);
  EXPECT_NE(fresh, bid);
  ASSERT_NE(quote_of(Side::Buy), nullptr);
  EXPECT_EQ(quote_of(Side::Buy)->quantity.value, 100) << "never more than the quote size";
  EXPECT_EQ(quote_of(Side::Buy)->price.raw, px(9998));
}

TEST_F(MarketMakerTest, AFullFillOrAVenueCancelIsRequotedAtOnce) {
  begin();
  standard_book();
  answer_all();
  const OrderId ask = mm->quote_id(kAapl, Side::Sell);
  now += 2 * kMilli;
  fill(ask, 100, px(10002));
  EXPECT_NE(mm->quote_id(kAapl, Side::Sell), ask);
  EXPECT_NE(quote_of(Side::Sell), nullptr);
  answer_all();
  // An unsolicited cancel from the venue: quoted again on the same report.
  const OrderId bid = mm->quote_id(kAapl, Side::Buy);
  host.on_execution_report(report(trading::ExecKind::Canceled, bid));
  EXPECT_NE(mm->quote_id(kAapl, Side::Buy), bid);
  EXPECT_NE(live(mm->quote_id(kAapl, Side::Buy)), nullptr);
}

TEST_F(MarketMakerTest, KillCancelsEverythingAndQuotingStopsUntilResume) {
  begin();
  standard_book();
  answer_all();
  mark();
  host.kill(KillLevel::Halt, ++now);
  EXPECT_EQ(gateway.count(SentMessage::Kind::Cancel), 2u);
  answer_all();
  EXPECT_EQ(live_orders(Side::Buy) + live_orders(Side::Sell), 0u);
  now += 2 * kMilli;
  quote(kAaplLocate, px(9998), 100, px(10000), 100);
  host.on_timer(now);
  EXPECT_EQ(gateway.count(SentMessage::Kind::New), 2u) << "no new quote while halted";
  host.resume(++now);
  EXPECT_EQ(core.kill_switch().state(), KillState::Active);
  EXPECT_EQ(gateway.count(SentMessage::Kind::New), 4u) << "quoting again on resume";
}

TEST_F(MarketMakerTest, ReducingFromStaleMarketDataPullsTheQuotes) {
  begin();
  standard_book();
  answer_all();
  now += 6 * kSecond;  // past market_data_stale_ns: the core trips REDUCING
  host.on_timer(now);
  EXPECT_EQ(core.kill_switch().state(), KillState::Reducing);
  answer_all();
  EXPECT_EQ(core.orders().live_orders(), 0u);
  const std::size_t sent = gateway.sent.size();
  host.on_timer(now += kMilli);
  EXPECT_EQ(gateway.sent.size(), sent) << "no quoting while REDUCING";
}

TEST_F(MarketMakerTest, ACrossedBookPullsBothQuotes) {
  begin();
  standard_book();
  answer_all();
  mark();
  add(kAaplLocate, 42, Side::Buy, 100, px(10001));  // locks the 100.01 ask
  const std::vector<SentMessage> sent = sent_since_mark();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].kind, SentMessage::Kind::Cancel);
  EXPECT_EQ(sent[1].kind, SentMessage::Kind::Cancel);
  answer_all();
  add(kAaplLocate, 43, Side::Buy, 100, px(10003));  // crossed further: still nothing
  EXPECT_TRUE(sent_since_mark().empty());
  remove(kAaplLocate, 43);
  remove(kAaplLocate, 42);  // uncrossed: quotes come back
  EXPECT_EQ(sent_since_mark().size(), 2u);
}

TEST_F(MarketMakerTest, AHaltPullsTheQuotesAndTradingResumesThem) {
  begin();
  standard_book();
  answer_all();
  mark();
  status(kAaplLocate, 'H');
  EXPECT_EQ(sent_since_mark().size(), 2u);
  answer_all();
  EXPECT_EQ(core.orders().live_orders(), 0u);
  mark();
  quote(kAaplLocate, px(9998), 100, px(10000), 100);
  EXPECT_TRUE(sent_since_mark().empty()) << "no quotes during the halt";
  status(kAaplLocate, 'T');
  EXPECT_EQ(gateway.count(SentMessage::Kind::New), 4u);
}

TEST_F(MarketMakerTest, AStaleBookPullsTheQuotes) {
  begin();
  standard_book();
  answer_all();
  books.set_all_stale(true);
  host.on_timer(++now);
  EXPECT_EQ(gateway.count(SentMessage::Kind::Cancel), 2u);
  answer_all();
  mark();
  host.on_timer(now += kMilli);
  EXPECT_TRUE(sent_since_mark().empty());
}

TEST_F(MarketMakerTest, OtherInstrumentsAndForeignLocatesAreIgnored) {
  begin();
  quote(kMsftLocate, px(5000), 100, px(5002), 100);
  quote(11, px(5000), 100, px(5002), 100);
  EXPECT_TRUE(gateway.sent.empty());
  EXPECT_GT(host.counters().foreign_events, 0u);
}

// Risk refuses every quote (max_order_quantity 50 < quote_size 100): one
// attempt per side per backoff, never a storm that trips the kill switch.
trading::TradingSettings tight_order_limit() {
  trading::TradingSettings s = trading::test::small_settings();
  s.risk.max_order_quantity = 50;
  return s;
}

class MarketMakerRiskTest : public MarketMakerTest {
 protected:
  MarketMakerRiskTest() : MarketMakerTest(tight_order_limit()) {}
};

TEST_F(MarketMakerRiskTest, RiskRejectsBackOffInsteadOfRetrying) {
  begin();
  for (int i = 0; i < 50; ++i) {
    now += kMilli;
    quote(kAaplLocate, px(9999 + i % 2), 100, px(10001 + i % 2), 100);
    host.on_timer(now);
  }
  // 50 ms of updates inside the 100 ms backoff: the first try of each side only.
  EXPECT_EQ(core.counters().rejects[static_cast<std::size_t>(trading::RejectReason::MaxOrderQuantity)], 2u);
  EXPECT_EQ(mm->counters().rejects, 2u);
  EXPECT_EQ(core.kill_switch().state(), KillState::Active);
  now += 100 * kMilli;
  host.on_timer(now);
  EXPECT_EQ(core.counters().rejects[static_cast<std::size_t>(trading::RejectReason::MaxOrderQuantity)], 4u);
}

TEST_F(MarketMakerTest, AVenueRejectBacksOffToo) {
  begin();
  standard_book();
  const OrderId bid = mm->quote_id(kAapl, Side::Buy);
  venue_reject(bid);
  EXPECT_EQ(mm->quote_id(kAapl, Side::Buy).value, 0u);
  mark();
  now += 10 * kMilli;
  quote(kAaplLocate, px(9998), 100, px(10000), 100);
  for (const SentMessage& m : sent_since_mark()) EXPECT_NE(m.side, Side::Buy) << "bid still backing off";
  now += 100 * kMilli;
  host.on_timer(now);
  EXPECT_NE(mm->quote_id(kAapl, Side::Buy).value, 0u);
}

}  // namespace
}  // namespace hft::engine::test
