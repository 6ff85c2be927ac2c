// Stop and stop-limit orders: held off book, triggered by trades at or
// through the stop price, entered in trigger order, cascading.
#include "venue/matching_fixture.h"

namespace hft::venue::test {
namespace {

using K = EventKind;

class StopTest : public MatchingTest {
 protected:
  // A trade at `price_cents` between Alice (resting) and Bob.
  void trade_at(std::int64_t price_cents, Side aggressor = Side::Buy) {
    limit(core::opposite(aggressor), 1, price_cents, kAlice);
    limit(aggressor, 1, price_cents, kBob);
  }
};

TEST_F(StopTest, StopIsHeldOffBookUntilATradeAtItsPrice) {
  trade_at(1000);
  const auto s = stop(Side::Buy, 10, 1005);
  ASSERT_TRUE(s.accepted());
  EXPECT_TRUE(engine_->find(s.order_id)->waiting_stop);
  EXPECT_EQ(engine_->level_count(kAbc, Side::Buy), 0u) << "not on the book";
  limit(Side::Sell, 50, 1010, kAlice);
  take();
  trade_at(1004);
  EXPECT_TRUE(only(take(), K::Triggered).empty());
  trade_at(1005);
  const auto ev = take();
  const auto trig = only(ev, K::Triggered);
  ASSERT_EQ(trig.size(), 1u);
  EXPECT_EQ(trig[0].order_id, s.order_id);
  EXPECT_EQ(trig[0].price, cents(1005));
  EXPECT_EQ(trig[0].other, static_cast<std::uint64_t>(cents(1005).raw));
  // Triggered as a market order: it buys the 10.10 offer.
  const auto exec = only(ev, K::BookExecuted);
  ASSERT_EQ(exec.size(), 2u);
  EXPECT_EQ(exec[1].price, cents(1010));
  EXPECT_EQ(exec[1].qty, 10);
  EXPECT_FALSE(engine_->find(s.order_id).has_value());
}

TEST_F(StopTest, SellStopTriggersOnATradeThroughIt) {
  trade_at(1000);
  const auto s = stop(Side::Sell, 10, 995);
  limit(Side::Buy, 50, 990, kAlice);
  take();
  // One sweep through 9.97 and 9.93: the low of the sweep is through the stop.
  limit(Side::Buy, 1, 997, kAlice);
  limit(Side::Buy, 1, 993, kAlice);
  market(Side::Sell, 2, kBob);
  const auto ev = take();
  ASSERT_EQ(only(ev, K::Triggered).size(), 1u);
  EXPECT_EQ(only(ev, K::Triggered)[0].order_id, s.order_id);
  EXPECT_EQ(engine_->best(kAbc, Side::Buy).qty, 40);
}

TEST_F(StopTest, StopLimitRestsAtItsLimitAfterTrigger) {
  trade_at(1000);
  const auto s = stop_limit(Side::Buy, 30, 1002, 1003);
  limit(Side::Sell, 10, 1003, kAlice);
  limit(Side::Sell, 10, 1004, kAlice);
  take();
  trade_at(1002);
  const auto ev = take();
  ASSERT_EQ(only(ev, K::Triggered).size(), 1u);
  EXPECT_EQ(ev.back().kind, K::BookAdd);
  EXPECT_EQ(ev.back().order_id, s.order_id) << "same id after trigger";
  EXPECT_EQ(ev.back().qty, 20);
  EXPECT_EQ(ev.back().price, cents(1003));
  const auto info = engine_->find(s.order_id);
  ASSERT_TRUE(info.has_value());
  EXPECT_FALSE(info->waiting_stop);
  EXPECT_EQ(engine_->best(kAbc, Side::Buy).price, cents(1003));
  EXPECT_EQ(engine_->best(kAbc, Side::Sell).price, cents(1004));
}

TEST_F(StopTest, StopsTriggerInStopPriceThenArrivalOrder) {
  trade_at(1000);
  const auto late_low = stop(Side::Buy, 1, 1002);
  const auto high = stop(Side::Buy, 1, 1003);
  const auto later_low = stop(Side::Buy, 1, 1002);
  limit(Side::Sell, 10, 1010, kAlice);
  take();
  trade_at(1003);
  const auto trig = only(take(), K::Triggered);
  ASSERT_EQ(trig.size(), 3u);
  EXPECT_EQ(trig[0].order_id, late_low.order_id);
  EXPECT_EQ(trig[1].order_id, later_low.order_id);
  EXPECT_EQ(trig[2].order_id, high.order_id);
}

TEST_F(StopTest, TriggeringCascades) {
  trade_at(1000);
  // Offers at 10.02 and 10.05. A trade at 10.01 triggers stop A (buy 1 at
  // market: trades at 10.02), which triggers stop B at 10.02 (trades at 10.05).
  limit(Side::Sell, 1, 1002, kAlice);
  limit(Side::Sell, 1, 1005, kAlice);
  const auto a = stop(Side::Buy, 1, 1001);
  const auto b = stop(Side::Buy, 1, 1002);
  take();
  trade_at(1001);
  const auto ev = take();
  const auto trig = only(ev, K::Triggered);
  ASSERT_EQ(trig.size(), 2u);
  EXPECT_EQ(trig[0].order_id, a.order_id);
  EXPECT_EQ(trig[1].order_id, b.order_id);
  EXPECT_EQ(trig[1].price, cents(1002)) << "triggered by A's trade";
  EXPECT_LT(trig[0].seq, trig[1].seq);
  EXPECT_EQ(engine_->last_trade(kAbc), cents(1005));
  EXPECT_EQ(engine_->level_count(kAbc, Side::Sell), 0u);
}

TEST_F(StopTest, StopAlreadyThroughTheLastTradeIsRejected) {
  trade_at(1000);
  EXPECT_EQ(stop(Side::Buy, 1, 1000).reject, RejectReason::StopAlreadyTriggered);
  EXPECT_EQ(stop(Side::Sell, 1, 1001).reject, RejectReason::StopAlreadyTriggered);
  EXPECT_TRUE(stop(Side::Buy, 1, 1001).accepted());
  EXPECT_TRUE(stop(Side::Sell, 1, 999).accepted());
}

TEST_F(StopTest, StopBeforeAnyTradeIsAccepted) { EXPECT_TRUE(stop(Side::Buy, 1, 1000).accepted()); }

TEST_F(StopTest, WaitingStopCanBeCancelledAndReplaced) {
  trade_at(1000);
  const auto s = stop(Side::Buy, 10, 1005);
  take();
  const InputResult r = replace(s.order_id, 20, 0, kCarol, 1007);
  ASSERT_TRUE(r.accepted());
  EXPECT_EQ(r.order_id, s.order_id) << "a waiting stop keeps its id";
  EXPECT_EQ(kinds(take()), (std::vector<K>{K::Replaced}));
  EXPECT_EQ(engine_->find(s.order_id)->stop_price, cents(1007));
  trade_at(1005);
  EXPECT_TRUE(only(take(), K::Triggered).empty()) << "moved to 10.07";
  EXPECT_TRUE(cancel(s.order_id, kCarol).accepted());
  const auto ev = take();
  ASSERT_EQ(kinds(ev), (std::vector<K>{K::Cancelled})) << "no book event: it was never on the book";
  trade_at(1010);
  EXPECT_TRUE(only(take(), K::Triggered).empty());
}

TEST_F(StopTest, StopPriceIsValidated) {
  EXPECT_EQ(stop(Side::Buy, 1, 0).reject, RejectReason::InvalidStopPrice);
  EXPECT_EQ(order(Side::Buy, OrderType::Stop, TimeInForce::Day, 1, Price{}, Price::from_raw(100'001), kCarol).reject,
            RejectReason::PriceNotOnTick);
  EXPECT_EQ(stop_limit(Side::Buy, 1, 1000, 0).reject, RejectReason::InvalidPrice);
}

}  // namespace
}  // namespace hft::venue::test
