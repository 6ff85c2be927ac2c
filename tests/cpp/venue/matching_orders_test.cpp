// Order types and priority: limit orders resting and matching, price-time
// priority across and within levels, partial fills, sweeps, market, IOC and
// FOK orders, and the events each produces.
#include "venue/matching_fixture.h"

namespace hft::venue::test {
namespace {

using K = EventKind;

TEST_F(MatchingTest, LimitOrderRestsWithAcceptedAndBookAdd) {
  const InputResult r = limit(Side::Buy, 100, 1000);
  ASSERT_TRUE(r.accepted());
  EXPECT_NE(r.order_id, 0u);
  const auto ev = take();
  ASSERT_EQ(kinds(ev), (std::vector<K>{K::Accepted, K::BookAdd}));
  EXPECT_EQ(ev[0].order_id, r.order_id);
  EXPECT_EQ(ev[0].qty, 100);
  EXPECT_EQ(ev[0].leaves, 100);
  EXPECT_EQ(ev[0].client_order_id, 1u);
  EXPECT_EQ(ev[1].order_id, r.order_id);
  EXPECT_EQ(ev[1].price, cents(1000));
  EXPECT_EQ(ev[1].qty, 100);
  EXPECT_EQ(ev[1].side, Side::Buy);
  EXPECT_EQ(ev[0].seq + 1, ev[1].seq);
  EXPECT_EQ(engine_->best(kAbc, Side::Buy).price, cents(1000));
  EXPECT_EQ(engine_->best(kAbc, Side::Buy).qty, 100);
  EXPECT_EQ(engine_->live_orders(), 1u);
  EXPECT_FALSE(sink_.gap);
}

TEST_F(MatchingTest, VenueOrderIdsIncrease) {
  const auto a = limit(Side::Buy, 1, 1000).order_id;
  const auto b = limit(Side::Buy, 1, 1000).order_id;
  const auto c = limit(Side::Sell, 1, 1001).order_id;
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
}

TEST_F(MatchingTest, FullFillAtRestingPriceWithBothFillsAndBookExecuted) {
  const auto rest = limit(Side::Sell, 100, 1000, kAlice).order_id;
  take();
  const auto in = limit(Side::Buy, 100, 1005, kBob);
  const auto ev = take();
  ASSERT_EQ(kinds(ev), (std::vector<K>{K::Accepted, K::Fill, K::Fill, K::BookExecuted}));
  EXPECT_EQ(ev[1].order_id, in.order_id);
  EXPECT_TRUE(ev[1].aggressor);
  EXPECT_EQ(ev[1].price, cents(1000)) << "trades at the resting price";
  EXPECT_EQ(ev[1].leaves, 0);
  EXPECT_EQ(ev[2].order_id, rest);
  EXPECT_FALSE(ev[2].aggressor);
  EXPECT_EQ(ev[2].participant, kAlice);
  EXPECT_EQ(ev[3].order_id, rest);
  EXPECT_EQ(ev[3].qty, 100);
  EXPECT_EQ(ev[3].leaves, 0);
  EXPECT_EQ(ev[1].other, ev[2].other) << "one match number per trade";
  EXPECT_EQ(ev[1].other, ev[3].other);
  EXPECT_EQ(engine_->live_orders(), 0u);
  EXPECT_EQ(engine_->level_count(kAbc, Side::Sell), 0u);
  EXPECT_EQ(engine_->last_trade(kAbc), cents(1000));
}

TEST_F(MatchingTest, PartialFillLeavesRestOfAggressorOnBook) {
  const auto rest = limit(Side::Sell, 40, 1000, kAlice).order_id;
  take();
  const auto in = limit(Side::Buy, 100, 1000, kBob).order_id;
  const auto ev = take();
  ASSERT_EQ(kinds(ev), (std::vector<K>{K::Accepted, K::Fill, K::Fill, K::BookExecuted, K::BookAdd}));
  EXPECT_EQ(ev[1].qty, 40);
  EXPECT_EQ(ev[1].leaves, 60);
  EXPECT_EQ(ev[4].order_id, in);
  EXPECT_EQ(ev[4].qty, 60);
  EXPECT_FALSE(engine_->find(rest).has_value());
  EXPECT_EQ(engine_->find(in)->executed, 40);
  EXPECT_EQ(engine_->best(kAbc, Side::Buy).qty, 60);
}

TEST_F(MatchingTest, PartialFillOfRestingOrderKeepsItAtTheFront) {
  const auto a = limit(Side::Sell, 100, 1000, kAlice).order_id;
  const auto b = limit(Side::Sell, 100, 1000, kCarol).order_id;
  limit(Side::Buy, 30, 1000, kBob);
  EXPECT_EQ(queue(Side::Sell), (std::vector<VenueOrderId>{a, b}));
  EXPECT_EQ(engine_->find(a)->leaves, 70);
  EXPECT_EQ(engine_->best(kAbc, Side::Sell).qty, 170);
}

TEST_F(MatchingTest, TimePriorityWithinALevel) {
  const auto first = limit(Side::Buy, 10, 1000, kAlice).order_id;
  const auto second = limit(Side::Buy, 10, 1000, kCarol).order_id;
  take();
  limit(Side::Sell, 10, 1000, kBob);
  const auto fills = only(take(), K::BookExecuted);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].order_id, first);
  EXPECT_EQ(queue(Side::Buy), (std::vector<VenueOrderId>{second}));
}

TEST_F(MatchingTest, PricePriorityAcrossLevelsAndMultiLevelSweep) {
  const auto far = limit(Side::Sell, 10, 1003, kAlice).order_id;
  const auto best = limit(Side::Sell, 10, 1001, kAlice).order_id;
  const auto mid1 = limit(Side::Sell, 10, 1002, kAlice).order_id;
  const auto mid2 = limit(Side::Sell, 10, 1002, kCarol).order_id;
  EXPECT_EQ(queue(Side::Sell), (std::vector<VenueOrderId>{best, mid1, mid2, far}));
  take();
  const auto in = limit(Side::Buy, 35, 1002, kBob).order_id;
  const auto ev = take();
  const auto exec = only(ev, K::BookExecuted);
  ASSERT_EQ(exec.size(), 3u);
  EXPECT_EQ(exec[0].order_id, best);
  EXPECT_EQ(exec[0].price, cents(1001));
  EXPECT_EQ(exec[1].order_id, mid1);
  EXPECT_EQ(exec[2].order_id, mid2);
  EXPECT_EQ(exec[2].price, cents(1002));
  EXPECT_EQ(exec[0].other + 1, exec[1].other);
  // 30 executed, 5 left at 10.02 on the bid (the limit stops the sweep before 10.03).
  EXPECT_EQ(ev.back().kind, K::BookAdd);
  EXPECT_EQ(ev.back().order_id, in);
  EXPECT_EQ(ev.back().qty, 5);
  EXPECT_EQ(queue(Side::Sell), (std::vector<VenueOrderId>{far}));
  EXPECT_EQ(engine_->best(kAbc, Side::Buy).price, cents(1002));
  EXPECT_EQ(engine_->last_trade(kAbc), cents(1002));
}

TEST_F(MatchingTest, MarketOrderSweepsAndCancelsWhatIsLeft) {
  limit(Side::Sell, 10, 1001, kAlice);
  limit(Side::Sell, 10, 1005, kAlice);
  take();
  const auto in = market(Side::Buy, 25);
  const auto ev = take();
  EXPECT_EQ(only(ev, K::BookExecuted).size(), 2u);
  ASSERT_EQ(ev.back().kind, K::Cancelled);
  EXPECT_EQ(ev.back().order_id, in.order_id);
  EXPECT_EQ(ev.back().qty, 5);
  EXPECT_EQ(ev.back().cancel_reason, CancelReason::NoLiquidity);
  EXPECT_EQ(engine_->live_orders(), 0u);
}

TEST_F(MatchingTest, MarketOrderWithNoLiquidityIsAcceptedThenCancelled) {
  const auto in = market(Side::Sell, 10);
  EXPECT_TRUE(in.accepted());
  const auto ev = take();
  ASSERT_EQ(kinds(ev), (std::vector<K>{K::Accepted, K::Cancelled}));
  EXPECT_EQ(ev[1].cancel_reason, CancelReason::NoLiquidity);
  EXPECT_EQ(ev[1].qty, 10);
  EXPECT_EQ(engine_->live_orders(), 0u);
}

TEST_F(MatchingTest, MarketOrderStopsAtTheCollar) {
  // kLots: collar 10 cents from the touch at arrival.
  limit(Side::Sell, 100, 1000, kAlice, TimeInForce::Day, kLots);
  limit(Side::Sell, 100, 1010, kAlice, TimeInForce::Day, kLots);
  limit(Side::Sell, 100, 1015, kAlice, TimeInForce::Day, kLots);
  take();
  market(Side::Buy, 300, kBob, TimeInForce::Day, kLots);
  const auto ev = take();
  EXPECT_EQ(only(ev, K::BookExecuted).size(), 2u);
  EXPECT_EQ(ev.back().cancel_reason, CancelReason::Collar);
  EXPECT_EQ(ev.back().qty, 100);
  EXPECT_EQ(engine_->best(kLots, Side::Sell).price, cents(1015));
}

TEST_F(MatchingTest, IocExecutesWhatItCanAndCancelsTheRest) {
  limit(Side::Buy, 30, 1000, kAlice);
  take();
  const auto in = limit(Side::Sell, 50, 999, kBob, TimeInForce::Ioc);
  const auto ev = take();
  ASSERT_EQ(kinds(ev), (std::vector<K>{K::Accepted, K::Fill, K::Fill, K::BookExecuted, K::Cancelled}));
  EXPECT_EQ(ev[4].order_id, in.order_id);
  EXPECT_EQ(ev[4].qty, 20);
  EXPECT_EQ(ev[4].cancel_reason, CancelReason::Ioc);
  EXPECT_EQ(engine_->level_count(kAbc, Side::Sell), 0u) << "an IOC never rests";
}

TEST_F(MatchingTest, IocWithNothingToMeetIsCancelledWhole) {
  const auto in = limit(Side::Buy, 10, 1000, kBob, TimeInForce::Ioc);
  const auto ev = take();
  ASSERT_EQ(kinds(ev), (std::vector<K>{K::Accepted, K::Cancelled}));
  EXPECT_EQ(ev[1].qty, 10);
  EXPECT_FALSE(engine_->find(in.order_id).has_value());
}

TEST_F(MatchingTest, FokFillsInFullAcrossLevels) {
  limit(Side::Sell, 30, 1000, kAlice);
  limit(Side::Sell, 30, 1001, kAlice);
  take();
  limit(Side::Buy, 60, 1001, kBob, TimeInForce::Fok);
  const auto ev = take();
  EXPECT_EQ(only(ev, K::BookExecuted).size(), 2u);
  EXPECT_TRUE(only(ev, K::Cancelled).empty());
  EXPECT_EQ(engine_->level_count(kAbc, Side::Sell), 0u);
}

TEST_F(MatchingTest, FokThatCannotFillExecutesNothing) {
  const auto a = limit(Side::Sell, 30, 1000, kAlice).order_id;
  limit(Side::Sell, 30, 1002, kAlice);
  take();
  const auto in = limit(Side::Buy, 60, 1001, kBob, TimeInForce::Fok);  // only 30 at or below 10.01
  const auto ev = take();
  ASSERT_EQ(kinds(ev), (std::vector<K>{K::Accepted, K::Cancelled}));
  EXPECT_EQ(ev[1].order_id, in.order_id);
  EXPECT_EQ(ev[1].cancel_reason, CancelReason::FillOrKill);
  EXPECT_EQ(ev[1].qty, 60);
  EXPECT_EQ(engine_->find(a)->leaves, 30) << "nothing executed";
  EXPECT_FALSE(engine_->last_trade(kAbc).has_value());
}

TEST_F(MatchingTest, MarketFokUsesAllResting) {
  limit(Side::Buy, 30, 1000, kAlice);
  limit(Side::Buy, 30, 900, kAlice);
  take();
  market(Side::Sell, 61, kBob, TimeInForce::Fok);
  EXPECT_EQ(kinds(take()), (std::vector<K>{K::Accepted, K::Cancelled}));
  market(Side::Sell, 60, kBob, TimeInForce::Fok);
  EXPECT_EQ(only(take(), K::Fill).size(), 4u);
}

TEST_F(MatchingTest, InstrumentsAreIndependentBooks) {
  limit(Side::Sell, 10, 1000, kAlice, TimeInForce::Day, kAbc);
  limit(Side::Buy, 10, 1000, kBob, TimeInForce::Day, kXyz);
  EXPECT_EQ(engine_->level_count(kAbc, Side::Sell), 1u);
  EXPECT_EQ(engine_->level_count(kXyz, Side::Buy), 1u);
  EXPECT_FALSE(engine_->last_trade(kAbc).has_value());
}

TEST_F(MatchingTest, DeepBookLevelsStaySorted) {
  // Prices in a scrambled order, far and near: the ladder keeps them sorted.
  const std::int64_t prices[] = {1000, 990, 1005, 950, 999, 1001, 960, 998, 1003, 940};
  for (const std::int64_t p : prices) limit(Side::Buy, 1, p);
  for (const std::int64_t p : prices) limit(Side::Sell, 1, p + 100);
  ASSERT_EQ(engine_->level_count(kAbc, Side::Buy), 10u);
  for (std::size_t d = 1; d < 10; ++d) {
    EXPECT_LT(engine_->level(kAbc, Side::Buy, d).price, engine_->level(kAbc, Side::Buy, d - 1).price);
    EXPECT_GT(engine_->level(kAbc, Side::Sell, d).price, engine_->level(kAbc, Side::Sell, d - 1).price);
  }
  EXPECT_EQ(engine_->best(kAbc, Side::Buy).price, cents(1005));
  EXPECT_EQ(engine_->best(kAbc, Side::Sell).price, cents(1040));
}

}  // namespace
}  // namespace hft::venue::test
