// Cancel and cancel/replace: who may cancel, the priority rules of a
// replace, the replace below the executed quantity, and a replace that
// makes the order marketable.
#include "venue/matching_fixture.h"

namespace hft::venue::test {
namespace {

using K = EventKind;

TEST_F(MatchingTest, CancelRemovesTheOrderWithCancelledAndBookDelete) {
  const auto id = limit(Side::Buy, 100, 1000).order_id;
  take();
  const InputResult r = cancel(id);
  EXPECT_TRUE(r.accepted());
  const auto ev = take();
  ASSERT_EQ(kinds(ev), (std::vector<K>{K::Cancelled, K::BookDelete}));
  EXPECT_EQ(ev[0].cancel_reason, CancelReason::User);
  EXPECT_EQ(ev[0].qty, 100);
  EXPECT_EQ(ev[0].leaves, 0);
  EXPECT_EQ(ev[1].order_id, id);
  EXPECT_EQ(engine_->level_count(kAbc, Side::Buy), 0u);
  EXPECT_EQ(engine_->live_orders(), 0u);
}

TEST_F(MatchingTest, CancelInTheMiddleOfALevelKeepsTheOthersInOrder) {
  const auto a = limit(Side::Sell, 1, 1000).order_id;
  const auto b = limit(Side::Sell, 2, 1000).order_id;
  const auto c = limit(Side::Sell, 3, 1000).order_id;
  cancel(b);
  EXPECT_EQ(queue(Side::Sell), (std::vector<VenueOrderId>{a, c}));
  EXPECT_EQ(engine_->best(kAbc, Side::Sell).qty, 4);
  EXPECT_EQ(engine_->best(kAbc, Side::Sell).orders, 2u);
}

TEST_F(MatchingTest, CancelOfUnknownOrOthersOrderIsRejected) {
  const auto id = limit(Side::Buy, 100, 1000, kAlice).order_id;
  take();
  EXPECT_EQ(cancel(id + 1000).reject, RejectReason::UnknownOrder);
  EXPECT_EQ(cancel(id, kBob).reject, RejectReason::UnknownOrder) << "only the owner may cancel";
  const auto ev = take();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[1].kind, K::Rejected);
  EXPECT_EQ(ev[1].input, InputKind::Cancel);
  EXPECT_EQ(ev[1].order_id, id);
  EXPECT_TRUE(cancel(id).accepted());
  EXPECT_EQ(cancel(id).reject, RejectReason::UnknownOrder) << "twice";
}

TEST_F(MatchingTest, ReplaceQuantityDownAtSamePriceKeepsPriorityAndId) {
  const auto a = limit(Side::Buy, 100, 1000).order_id;
  const auto b = limit(Side::Buy, 100, 1000, kCarol).order_id;
  take();
  const InputResult r = replace(a, 60, 1000);
  ASSERT_TRUE(r.accepted());
  EXPECT_EQ(r.order_id, a);
  const auto ev = take();
  ASSERT_EQ(kinds(ev), (std::vector<K>{K::Replaced, K::BookCancel}));
  EXPECT_EQ(ev[0].order_id, a);
  EXPECT_EQ(ev[0].other, a);
  EXPECT_EQ(ev[0].qty, 60);
  EXPECT_EQ(ev[0].leaves, 60);
  EXPECT_EQ(ev[1].qty, 40) << "ITCH X: shares cancelled";
  EXPECT_EQ(ev[1].leaves, 60);
  EXPECT_EQ(queue(Side::Buy), (std::vector<VenueOrderId>{a, b}));
  EXPECT_EQ(engine_->best(kAbc, Side::Buy).qty, 160);
}

TEST_F(MatchingTest, ReplaceQuantityUpLosesPriorityAndGetsANewId) {
  const auto a = limit(Side::Buy, 100, 1000).order_id;
  const auto b = limit(Side::Buy, 100, 1000, kCarol).order_id;
  take();
  const InputResult r = replace(a, 150, 1000);
  ASSERT_TRUE(r.accepted());
  EXPECT_GT(r.order_id, b);
  const auto ev = take();
  ASSERT_EQ(kinds(ev), (std::vector<K>{K::Replaced, K::BookReplace}));
  EXPECT_EQ(ev[0].order_id, r.order_id);
  EXPECT_EQ(ev[0].other, a);
  EXPECT_EQ(ev[1].order_id, r.order_id);
  EXPECT_EQ(ev[1].other, a);
  EXPECT_EQ(ev[1].qty, 150);
  EXPECT_EQ(ev[1].price, cents(1000));
  EXPECT_EQ(queue(Side::Buy), (std::vector<VenueOrderId>{b, r.order_id}));
  EXPECT_FALSE(engine_->find(a).has_value());
  EXPECT_EQ(engine_->best(kAbc, Side::Buy).qty, 250);
}

TEST_F(MatchingTest, ReplacePriceChangeLosesPriority) {
  const auto a = limit(Side::Sell, 100, 1001).order_id;
  const auto b = limit(Side::Sell, 100, 1000, kCarol).order_id;
  const InputResult r = replace(a, 50, 1000);  // smaller, but at a new price
  ASSERT_TRUE(r.accepted());
  EXPECT_NE(r.order_id, a);
  EXPECT_EQ(queue(Side::Sell), (std::vector<VenueOrderId>{b, r.order_id}));
  EXPECT_EQ(engine_->level_count(kAbc, Side::Sell), 1u) << "the 10.01 level emptied";
}

TEST_F(MatchingTest, ReplaceKeepsExecutedQuantityInTheTotal) {
  const auto a = limit(Side::Sell, 100, 1000, kAlice).order_id;
  limit(Side::Buy, 30, 1000, kBob);
  take();
  // New total 50 with 30 executed: 20 left, a decrease from 70 at the same price.
  const InputResult r = replace(a, 50, 1000);
  EXPECT_EQ(r.order_id, a);
  const auto ev = take();
  ASSERT_EQ(kinds(ev), (std::vector<K>{K::Replaced, K::BookCancel}));
  EXPECT_EQ(ev[0].leaves, 20);
  EXPECT_EQ(ev[1].qty, 50);
  EXPECT_EQ(engine_->find(a)->executed, 30);
}

TEST_F(MatchingTest, ReplaceToAtOrBelowExecutedEndsTheOrder) {
  const auto a = limit(Side::Sell, 100, 1000, kAlice).order_id;
  limit(Side::Buy, 30, 1000, kBob);
  take();
  const InputResult r = replace(a, 30, 1000);
  ASSERT_TRUE(r.accepted());
  const auto ev = take();
  ASSERT_EQ(kinds(ev), (std::vector<K>{K::Replaced, K::BookDelete}));
  EXPECT_EQ(ev[0].leaves, 0) << "done: FIX OrdStatus Filled";
  EXPECT_EQ(ev[0].qty, 30);
  EXPECT_EQ(ev[1].qty, 70);
  EXPECT_FALSE(engine_->find(a).has_value());
  EXPECT_EQ(engine_->level_count(kAbc, Side::Sell), 0u);
}

TEST_F(MatchingTest, ReplaceThatBecomesMarketableExecutes) {
  const auto ask = limit(Side::Sell, 40, 1002, kAlice).order_id;
  const auto bid = limit(Side::Buy, 100, 1000, kBob).order_id;
  take();
  const InputResult r = replace(bid, 100, 1002, kBob);
  ASSERT_TRUE(r.accepted());
  const auto ev = take();
  ASSERT_EQ(kinds(ev), (std::vector<K>{K::Replaced, K::BookDelete, K::Fill, K::Fill, K::BookExecuted, K::BookAdd}));
  EXPECT_EQ(ev[1].order_id, bid) << "the old reference leaves the book first";
  EXPECT_EQ(ev[2].order_id, r.order_id);
  EXPECT_TRUE(ev[2].aggressor);
  EXPECT_EQ(ev[4].order_id, ask);
  EXPECT_EQ(ev[5].order_id, r.order_id);
  EXPECT_EQ(ev[5].qty, 60);
  EXPECT_EQ(engine_->best(kAbc, Side::Buy).price, cents(1002));
  EXPECT_EQ(engine_->level_count(kAbc, Side::Sell), 0u);
}

TEST_F(MatchingTest, ReplaceOnlyChangingClientIdIsANoOpOnTheBook) {
  const auto a = limit(Side::Buy, 100, 1000).order_id;
  take();
  ASSERT_EQ(replace(a, 100, 1000).order_id, a);
  const auto ev = take();
  ASSERT_EQ(kinds(ev), (std::vector<K>{K::Replaced}));
  EXPECT_EQ(engine_->find(a)->client_order_id, ev[0].client_order_id);
}

TEST_F(MatchingTest, ReplaceValidatesLikeANewOrder) {
  const auto a = limit(Side::Buy, 100, 1000).order_id;
  EXPECT_EQ(replace(a, 0, 1000).reject, RejectReason::QtyZero);
  EXPECT_EQ(replace(a, 100, 0).reject, RejectReason::InvalidPrice);
  EXPECT_EQ(replace(a + 99, 100, 1000).reject, RejectReason::UnknownOrder);
  EXPECT_EQ(replace(a, 100, 1000, kBob).reject, RejectReason::UnknownOrder);
  ReplaceRequest off_tick{a, kAlice, 9, Price::from_raw(1000 * 100 + 1), Price{}, Qty{100}};
  EXPECT_EQ(engine_->replace(off_tick, ++now_).reject, RejectReason::PriceNotOnTick);
  EXPECT_EQ(last_reject(), RejectReason::PriceNotOnTick);
  EXPECT_EQ(engine_->find(a)->leaves, 100) << "a rejected replace changes nothing";
}

}  // namespace
}  // namespace hft::venue::test
