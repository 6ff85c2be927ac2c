// Venue rules around matching: validation rejects (one per reason), halts
// and resume, self-match prevention in its three modes, and the capacity
// limits (a reject, never an allocation).
#include "venue/matching_fixture.h"

namespace hft::venue::test {
namespace {

using K = EventKind;

TEST_F(MatchingTest, EveryValidationRejectHasItsReason) {
  const auto rejected = [this](InputResult r, RejectReason why) {
    EXPECT_EQ(r.reject, why) << to_string(why);
    EXPECT_EQ(r.order_id, 0u);
    EXPECT_EQ(last_reject(), why);
  };
  rejected(limit(Side::Buy, 10, 1000, kAlice, TimeInForce::Day, 7), RejectReason::UnknownInstrument);
  rejected(order(Side::Buy, OrderType::Limit, TimeInForce::Day, 10, Price::from_raw(100'050), Price{}, kAlice),
           RejectReason::PriceNotOnTick);
  rejected(limit(Side::Buy, 100, 1001, kAlice, TimeInForce::Day, kLots), RejectReason::PriceNotOnTick);
  rejected(limit(Side::Buy, 10, 0), RejectReason::InvalidPrice);
  rejected(limit(Side::Buy, 10, -5), RejectReason::InvalidPrice);
  rejected(limit(Side::Buy, 0, 1000), RejectReason::QtyZero);
  rejected(limit(Side::Buy, -1, 1000), RejectReason::QtyZero);
  rejected(limit(Side::Buy, 150, 1000, kAlice, TimeInForce::Day, kLots), RejectReason::QtyNotLotMultiple);
  rejected(limit(Side::Buy, 10'100, 1000, kAlice, TimeInForce::Day, kLots), RejectReason::QtyTooLarge);
  rejected(limit(Side::Buy, 1'000'001, 1000), RejectReason::QtyTooLarge);
  rejected(order(static_cast<Side>('X'), OrderType::Limit, TimeInForce::Day, 1, cents(1000), Price{}, kAlice),
           RejectReason::InvalidOrderType);
  rejected(order(Side::Buy, static_cast<OrderType>(9), TimeInForce::Day, 1, cents(1000), Price{}, kAlice),
           RejectReason::InvalidOrderType);
  rejected(cancel(12345), RejectReason::UnknownOrder);
  engine_->set_trading_state(kAbc, TradingState::Halted, ++now_);
  rejected(limit(Side::Buy, 10, 1000), RejectReason::Halted);
  EXPECT_EQ(engine_->live_orders(), 0u);
  EXPECT_FALSE(sink_.gap);
  const auto ev = take();
  const Event& rej = ev.front();
  EXPECT_EQ(rej.kind, K::Rejected);
  EXPECT_EQ(rej.input, InputKind::NewOrder);
  EXPECT_EQ(rej.participant, kAlice);
  EXPECT_NE(rej.client_order_id, 0u);
  EXPECT_EQ(to_string(RejectReason::PriceNotOnTick), "price_not_on_tick");
}

TEST_F(MatchingTest, MarketOrdersNeedNoPrice) {
  EXPECT_TRUE(order(Side::Buy, OrderType::Market, TimeInForce::Ioc, 1, Price{}, Price{}, kBob).accepted());
}

TEST_F(MatchingTest, HaltRejectsNewAndReplaceAllowsCancelAndKeepsTheBook) {
  const auto a = limit(Side::Buy, 10, 1000).order_id;
  const auto b = limit(Side::Buy, 10, 999).order_id;
  take();
  EXPECT_TRUE(engine_->set_trading_state(kAbc, TradingState::Halted, ++now_).accepted());
  auto ev = take();
  ASSERT_EQ(kinds(ev), (std::vector<K>{K::TradingStatus}));
  EXPECT_EQ(ev[0].trading_state, TradingState::Halted);
  EXPECT_EQ(ev[0].instrument, kAbc);
  EXPECT_EQ(engine_->trading_state(kAbc), TradingState::Halted);

  EXPECT_EQ(limit(Side::Sell, 10, 1000, kBob).reject, RejectReason::Halted);
  EXPECT_EQ(market(Side::Sell, 10).reject, RejectReason::Halted);
  EXPECT_EQ(replace(a, 5, 1000).reject, RejectReason::Halted);
  EXPECT_TRUE(limit(Side::Sell, 10, 1000, kBob, TimeInForce::Day, kXyz).accepted()) << "other instruments trade";
  EXPECT_TRUE(cancel(b).accepted());
  EXPECT_EQ(engine_->level_count(kAbc, Side::Buy), 1u) << "resting orders stay through a halt";

  // The same state again: no event.
  take();
  engine_->set_trading_state(kAbc, TradingState::Halted, ++now_);
  EXPECT_TRUE(take().empty());

  engine_->set_trading_state(kAbc, TradingState::Trading, ++now_);
  ev = take();
  ASSERT_EQ(kinds(ev), (std::vector<K>{K::TradingStatus}));
  EXPECT_EQ(ev[0].trading_state, TradingState::Trading);
  limit(Side::Sell, 10, 1000, kBob);
  EXPECT_EQ(only(take(), K::BookExecuted).size(), 1u) << "resumed: the resting bid trades";
  EXPECT_EQ(engine_->set_trading_state(99, TradingState::Halted, ++now_).reject, RejectReason::UnknownInstrument);
}

TEST_F(MatchingTest, InstrumentCanStartHalted) {
  instruments_[kXyz].initial_state = TradingState::Halted;
  rebuild(SelfMatchMode::CancelResting, 64, 8);
  EXPECT_EQ(limit(Side::Buy, 1, 1000, kAlice, TimeInForce::Day, kXyz).reject, RejectReason::Halted);
}

TEST_F(MatchingTest, SelfMatchCancelRestingCancelsOwnOrdersAndTradesWithOthers) {
  const auto own = limit(Side::Sell, 10, 1000, kAlice).order_id;
  const auto other = limit(Side::Sell, 10, 1000, kCarol).order_id;
  take();
  const auto in = limit(Side::Buy, 10, 1000, kAlice).order_id;
  const auto ev = take();
  ASSERT_EQ(kinds(ev), (std::vector<K>{K::Accepted, K::Cancelled, K::BookDelete, K::Fill, K::Fill, K::BookExecuted}));
  EXPECT_EQ(ev[1].order_id, own);
  EXPECT_EQ(ev[1].cancel_reason, CancelReason::SelfMatch);
  EXPECT_EQ(ev[4].order_id, other);
  EXPECT_FALSE(engine_->find(in).has_value());
  EXPECT_EQ(engine_->level_count(kAbc, Side::Sell), 0u);
}

TEST_F(MatchingTest, SelfMatchCancelIncomingKeepsTheRestingOrder) {
  rebuild(SelfMatchMode::CancelIncoming, 64, 8);
  const auto other = limit(Side::Sell, 5, 1000, kCarol).order_id;
  const auto own = limit(Side::Sell, 10, 1000, kAlice).order_id;
  take();
  const auto in = limit(Side::Buy, 20, 1000, kAlice).order_id;
  const auto ev = take();
  ASSERT_EQ(kinds(ev), (std::vector<K>{K::Accepted, K::Fill, K::Fill, K::BookExecuted, K::Cancelled}));
  EXPECT_EQ(ev[2].order_id, other);
  EXPECT_EQ(ev[4].order_id, in);
  EXPECT_EQ(ev[4].qty, 15);
  EXPECT_EQ(ev[4].cancel_reason, CancelReason::SelfMatch);
  EXPECT_EQ(queue(Side::Sell), (std::vector<VenueOrderId>{own}));
}

TEST_F(MatchingTest, SelfMatchCancelBothCancelsBoth) {
  rebuild(SelfMatchMode::CancelBoth, 64, 8);
  const auto own = limit(Side::Sell, 10, 1000, kAlice).order_id;
  const auto other = limit(Side::Sell, 10, 1000, kCarol).order_id;
  take();
  const auto in = limit(Side::Buy, 20, 1000, kAlice).order_id;
  const auto ev = take();
  ASSERT_EQ(kinds(ev), (std::vector<K>{K::Accepted, K::Cancelled, K::BookDelete, K::Cancelled}));
  EXPECT_EQ(ev[1].order_id, own);
  EXPECT_EQ(ev[3].order_id, in);
  EXPECT_EQ(queue(Side::Sell), (std::vector<VenueOrderId>{other}));
  EXPECT_TRUE(only(ev, K::Fill).empty()) << "never a trade with oneself";
}

TEST_F(MatchingTest, FokDoesNotCountOwnOrders) {
  limit(Side::Sell, 10, 1000, kAlice);
  limit(Side::Sell, 10, 1000, kCarol);
  take();
  limit(Side::Buy, 20, 1000, kAlice, TimeInForce::Fok);
  const auto ev = take();
  EXPECT_EQ(kinds(ev), (std::vector<K>{K::Accepted, K::Cancelled}));
  EXPECT_EQ(ev[1].cancel_reason, CancelReason::FillOrKill);
  EXPECT_EQ(engine_->best(kAbc, Side::Sell).qty, 20) << "nothing cancelled, nothing executed";
}

TEST_F(MatchingTest, OrderCapacityIsARejectNotAnAllocation) {
  rebuild(SelfMatchMode::CancelResting, 4, 64);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(limit(Side::Buy, 1, 1000 - i).accepted());
  EXPECT_EQ(limit(Side::Buy, 1, 900).reject, RejectReason::Capacity);
  EXPECT_EQ(market(Side::Sell, 1).reject, RejectReason::Capacity) << "even an order that would not rest";
  // A replace needs no extra capacity.
  const std::vector<VenueOrderId> ids = queue(Side::Buy);
  EXPECT_TRUE(replace(ids[0], 2, 1000).accepted());
  EXPECT_TRUE(cancel(ids[1]).accepted());
  EXPECT_TRUE(limit(Side::Buy, 1, 900).accepted()) << "a freed slot is usable again";
}

TEST_F(MatchingTest, LevelCapacityIsARejectButExistingLevelsTakeOrders) {
  rebuild(SelfMatchMode::CancelResting, 64, 3);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limit(Side::Buy, 1, 1000 - i).accepted());
  EXPECT_EQ(limit(Side::Buy, 1, 990).reject, RejectReason::Capacity);
  EXPECT_TRUE(limit(Side::Buy, 1, 999).accepted()) << "the level exists";
  EXPECT_TRUE(limit(Side::Sell, 1, 1100).accepted()) << "the other side has its own";
  EXPECT_TRUE(limit(Side::Buy, 1, 990, kAlice, TimeInForce::Ioc).accepted()) << "an IOC never rests";
  const auto r = replace(queue(Side::Buy)[0], 1, 980);
  EXPECT_EQ(r.reject, RejectReason::Capacity);
}

TEST_F(MatchingTest, SlotIdsSkipPastLongLivedOrders) {
  rebuild(SelfMatchMode::CancelResting, 4, 64);  // 8 slots
  const auto old = limit(Side::Buy, 1, 900).order_id;
  std::vector<VenueOrderId> seen{old};
  for (int i = 0; i < 40; ++i) {
    const auto id = limit(Side::Buy, 1, 1000).order_id;
    ASSERT_NE(id, 0u);
    ASSERT_GT(id, seen.back());
    seen.push_back(id);
    ASSERT_TRUE(cancel(id).accepted());
  }
  EXPECT_TRUE(engine_->find(old).has_value());
  EXPECT_EQ(engine_->find(old)->price, cents(900));
}

}  // namespace
}  // namespace hft::venue::test
