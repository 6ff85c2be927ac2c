// OrderBook and OrderStore: every operation, queue priority, the L2 view,
// each documented rule for inconsistent input, a randomized comparison with
// a std::map reference model, and the no-allocation guarantee.
#include "hft/market_data/order_book.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <list>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "support/allocation_counter.h"

namespace hft::market_data {
namespace {

constexpr Side kBuy = Side::Buy;
constexpr Side kSell = Side::Sell;

Price px(std::int64_t raw) { return Price{raw}; }

std::vector<Level> depth_of(const OrderBook& b, Side s) {
  std::vector<Level> out(b.levels(s) + 1);
  out.resize(b.depth(s, out.size(), out.data()));
  return out;
}

std::vector<std::uint64_t> queue_at(const OrderBook& b, Side s, std::int64_t price) {
  std::vector<std::uint64_t> refs;
  b.for_each_order_at(s, px(price), [&](const OrderView& o) { refs.push_back(o.ref); });
  return refs;
}

struct Snapshot {
  std::vector<Level> bids;
  std::vector<Level> asks;
  std::vector<std::vector<std::uint64_t>> bid_queues;
  std::vector<std::vector<std::uint64_t>> ask_queues;
  std::size_t orders;
  bool operator==(const Snapshot& o) const {
    return bids == o.bids && asks == o.asks && bid_queues == o.bid_queues && ask_queues == o.ask_queues &&
           orders == o.orders;
  }
};

/// Everything visible in a book: levels and every queue.
Snapshot snapshot(const OrderBook& b) {
  Snapshot s{depth_of(b, kBuy), depth_of(b, kSell), {}, {}, b.order_count()};
  for (const Level& l : s.bids) s.bid_queues.push_back(queue_at(b, kBuy, l.price.raw));
  for (const Level& l : s.asks) s.ask_queues.push_back(queue_at(b, kSell, l.price.raw));
  return s;
}

class BookTest : public ::testing::Test {
 protected:
  OrderStore store{1024};
  OrderBook book{store, 64};

  /// A small two-sided book: bids 100 (refs 1, 2), 99 (3); asks 101 (4), 102 (5, 6).
  void seed() {
    ASSERT_EQ(book.add(1, kBuy, 10, px(100)).result, BookResult::Ok);
    ASSERT_EQ(book.add(2, kBuy, 20, px(100)).result, BookResult::Ok);
    ASSERT_EQ(book.add(3, kBuy, 30, px(99)).result, BookResult::Ok);
    ASSERT_EQ(book.add(4, kSell, 40, px(101)).result, BookResult::Ok);
    ASSERT_EQ(book.add(5, kSell, 50, px(102)).result, BookResult::Ok);
    ASSERT_EQ(book.add(6, kSell, 60, px(102)).result, BookResult::Ok);
  }
};

TEST_F(BookTest, EmptyBookHasEmptySides) {
  EXPECT_TRUE(book.best_bid().empty());
  EXPECT_TRUE(book.best_ask().empty());
  EXPECT_EQ(book.best_bid().price, Price{});
  EXPECT_EQ(book.bid_levels(), 0u);
  EXPECT_EQ(book.ask_levels(), 0u);
  Level out[4];
  EXPECT_EQ(book.depth(kBuy, 4, out), 0u);
  EXPECT_TRUE(book.level_at(kSell, px(100)).empty());
  EXPECT_FALSE(book.order(1).has_value());
  EXPECT_EQ(book.order_count(), 0u);
  EXPECT_TRUE(book.check_invariants());
}

TEST_F(BookTest, AddBuildsLevelsAndBestPrices) {
  seed();
  EXPECT_EQ(book.best_bid(), (Level{px(100), 30, 2}));
  EXPECT_EQ(book.best_ask(), (Level{px(101), 40, 1}));
  EXPECT_EQ(book.best(kSell), book.best_ask());
  EXPECT_EQ(book.level_at(kBuy, px(99)), (Level{px(99), 30, 1}));
  EXPECT_EQ(book.level_at(kSell, px(102)), (Level{px(102), 110, 2}));
  EXPECT_TRUE(book.level_at(kBuy, px(101)).empty()) << "sides are separate";
  EXPECT_EQ(book.bid_levels(), 2u);
  EXPECT_EQ(book.ask_levels(), 2u);
  EXPECT_EQ(book.order_count(), 6u);
  EXPECT_EQ(store.size(), 6u);
  EXPECT_EQ(store.levels_in_use(), 4u);
  const auto o = book.order(5);
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->ref, 5u);
  EXPECT_EQ(o->price, px(102));
  EXPECT_EQ(o->shares, 50u);
  EXPECT_EQ(o->side, kSell);
  EXPECT_EQ(o->book, book.id());
  EXPECT_TRUE(book.check_invariants());
  EXPECT_EQ(book.counters().total(), 0u);
}

TEST_F(BookTest, AddReportsWhatItDid) {
  const BookUpdate u = book.add(7, kSell, 25, px(105));
  EXPECT_EQ(u.result, BookResult::Ok);
  EXPECT_TRUE(u.ok());
  EXPECT_EQ(u.price, px(105));
  EXPECT_EQ(u.shares, 25u);
  EXPECT_EQ(u.remaining, 25u);
  EXPECT_EQ(u.side, kSell);
  EXPECT_TRUE(u.top_changed);
}

TEST_F(BookTest, AttributedAddIgnoresTheMpid) {
  const BookUpdate u = book.add(9, kBuy, 100, px(50), Mpid{{'G', 'S', 'C', 'O'}});
  EXPECT_EQ(u.result, BookResult::Ok);
  EXPECT_EQ(book.best_bid(), (Level{px(50), 100, 1}));
  EXPECT_EQ(book.order(9)->shares, 100u);
}

TEST_F(BookTest, DepthIsBestFirstOnBothSides) {
  // Inserted out of order, deep and shallow.
  for (std::int64_t p : {95, 99, 97, 100, 96, 98}) book.add(static_cast<std::uint64_t>(p), kBuy, 1, px(p));
  for (std::int64_t p : {105, 101, 103, 102, 104}) book.add(static_cast<std::uint64_t>(p), kSell, 2, px(p));
  std::vector<std::int64_t> bids;
  for (const Level& l : depth_of(book, kBuy)) bids.push_back(l.price.raw);
  std::vector<std::int64_t> asks;
  for (const Level& l : depth_of(book, kSell)) asks.push_back(l.price.raw);
  EXPECT_EQ(bids, (std::vector<std::int64_t>{100, 99, 98, 97, 96, 95}));
  EXPECT_EQ(asks, (std::vector<std::int64_t>{101, 102, 103, 104, 105}));

  Level out[3];
  ASSERT_EQ(book.depth(kSell, 3, out), 3u) << "at most n levels";
  EXPECT_EQ(out[0], (Level{px(101), 2, 1}));
  EXPECT_EQ(out[2], (Level{px(103), 2, 1}));
  EXPECT_EQ(book.depth(kBuy, 0, out), 0u);
}

TEST_F(BookTest, OrdersQueueInArrivalOrderWithinALevel) {
  seed();
  book.add(7, kBuy, 5, px(100));
  EXPECT_EQ(queue_at(book, kBuy, 100), (std::vector<std::uint64_t>{1, 2, 7}));
  EXPECT_EQ(queue_at(book, kSell, 102), (std::vector<std::uint64_t>{5, 6}));
  EXPECT_TRUE(queue_at(book, kSell, 103).empty());
}

TEST_F(BookTest, PartialExecutionKeepsPriorityAndReportsRemaining) {
  seed();
  const BookUpdate u = book.execute(1, 4);
  EXPECT_EQ(u.result, BookResult::Ok);
  EXPECT_EQ(u.price, px(100)) << "executions print at the resting price";
  EXPECT_EQ(u.shares, 4u);
  EXPECT_EQ(u.remaining, 6u);
  EXPECT_EQ(u.side, kBuy);
  EXPECT_TRUE(u.top_changed);
  EXPECT_EQ(book.order(1)->shares, 6u);
  EXPECT_EQ(book.best_bid(), (Level{px(100), 26, 2}));
  EXPECT_EQ(queue_at(book, kBuy, 100), (std::vector<std::uint64_t>{1, 2})) << "still first in the queue";
}

TEST_F(BookTest, FullExecutionRemovesTheOrderAndThenTheLevel) {
  seed();
  BookUpdate u = book.execute(4, 40);
  EXPECT_EQ(u.result, BookResult::Ok);
  EXPECT_EQ(u.remaining, 0u);
  EXPECT_FALSE(book.order(4).has_value());
  EXPECT_FALSE(store.find(4).has_value());
  EXPECT_EQ(book.best_ask(), (Level{px(102), 110, 2})) << "the next level becomes the best";
  EXPECT_EQ(book.ask_levels(), 1u);
  u = book.execute(5, 50);
  EXPECT_EQ(book.best_ask(), (Level{px(102), 60, 1}));
  u = book.execute(6, 60);
  EXPECT_TRUE(book.best_ask().empty());
  EXPECT_EQ(book.ask_levels(), 0u);
  EXPECT_EQ(store.levels_in_use(), 2u);
  EXPECT_TRUE(book.check_invariants());
}

TEST_F(BookTest, ExecuteWithPriceReturnsThePrintedPrice) {
  seed();
  const BookUpdate u = book.execute_with_price(4, 10, px(100'5));
  EXPECT_EQ(u.result, BookResult::Ok);
  EXPECT_EQ(u.price, px(100'5));
  EXPECT_EQ(u.shares, 10u);
  EXPECT_EQ(u.remaining, 30u);
  EXPECT_EQ(book.best_ask(), (Level{px(101), 30, 1})) << "the order still rests at its own price";
  EXPECT_EQ(book.execute_with_price(99, 1, px(1)).price, Price{}) << "a refused call reports no price";
}

TEST_F(BookTest, PartialCancelKeepsPriorityAndFullCancelRemoves) {
  seed();
  BookUpdate u = book.cancel(5, 20);
  EXPECT_EQ(u.result, BookResult::Ok);
  EXPECT_EQ(u.shares, 20u);
  EXPECT_EQ(u.remaining, 30u);
  EXPECT_FALSE(u.top_changed) << "102 is not the best ask";
  EXPECT_EQ(queue_at(book, kSell, 102), (std::vector<std::uint64_t>{5, 6}));
  EXPECT_EQ(book.level_at(kSell, px(102)), (Level{px(102), 90, 2}));
  u = book.cancel(5, 30);
  EXPECT_EQ(u.result, BookResult::Ok) << "cancelling exactly what rests is consistent";
  EXPECT_EQ(u.remaining, 0u);
  EXPECT_FALSE(book.order(5).has_value());
  EXPECT_EQ(queue_at(book, kSell, 102), (std::vector<std::uint64_t>{6}));
}

TEST_F(BookTest, RemoveDeletesAndUpdatesBothBests) {
  seed();
  BookUpdate u = book.remove(2);
  EXPECT_EQ(u.result, BookResult::Ok);
  EXPECT_EQ(u.shares, 20u) << "a delete cancels what rested";
  EXPECT_EQ(u.remaining, 0u);
  EXPECT_EQ(u.price, px(100));
  EXPECT_TRUE(u.top_changed);
  EXPECT_EQ(book.best_bid(), (Level{px(100), 10, 1}));
  book.remove(1);
  EXPECT_EQ(book.best_bid(), (Level{px(99), 30, 1})) << "the level emptied and left";
  u = book.remove(4);
  EXPECT_TRUE(u.top_changed);
  EXPECT_EQ(book.best_ask(), (Level{px(102), 110, 2}));
  book.remove(3);
  EXPECT_TRUE(book.best_bid().empty());
  EXPECT_EQ(book.order_count(), 2u);
  EXPECT_TRUE(book.check_invariants());
}

TEST_F(BookTest, MiddleOfQueueRemovalKeepsTheOthersInOrder) {
  for (std::uint64_t r = 1; r <= 5; ++r) book.add(r, kSell, 1, px(200));
  book.remove(3);
  book.execute(1, 1);
  book.cancel(5, 1);
  EXPECT_EQ(queue_at(book, kSell, 200), (std::vector<std::uint64_t>{2, 4}));
  book.add(6, kSell, 1, px(200));
  EXPECT_EQ(queue_at(book, kSell, 200), (std::vector<std::uint64_t>{2, 4, 6}));
  EXPECT_TRUE(book.check_invariants());
}

TEST_F(BookTest, ReplaceAtTheSamePriceLosesPriority) {
  seed();
  const BookUpdate u = book.replace(1, 11, 10, px(100));
  EXPECT_EQ(u.result, BookResult::Ok);
  EXPECT_EQ(u.price, px(100));
  EXPECT_EQ(u.shares, 10u);
  EXPECT_EQ(u.remaining, 10u);
  EXPECT_EQ(u.side, kBuy);
  EXPECT_FALSE(u.top_changed) << "same price and size at the top: the best did not change";
  EXPECT_EQ(queue_at(book, kBuy, 100), (std::vector<std::uint64_t>{2, 11}));
  EXPECT_FALSE(book.order(1).has_value());
  EXPECT_EQ(book.order(11)->shares, 10u);
  EXPECT_EQ(store.size(), 6u);
}

TEST_F(BookTest, ReplaceMovesToTheNewPriceOnTheSameSide) {
  seed();
  BookUpdate u = book.replace(3, 13, 7, px(100));  // 99 -> 100: joins the best, at the back
  EXPECT_TRUE(u.top_changed);
  EXPECT_EQ(book.bid_levels(), 1u) << "99 emptied";
  EXPECT_EQ(book.best_bid(), (Level{px(100), 37, 3}));
  EXPECT_EQ(queue_at(book, kBuy, 100), (std::vector<std::uint64_t>{1, 2, 13}));
  u = book.replace(4, 14, 5, px(103));  // the only best ask goes deeper
  EXPECT_EQ(u.side, kSell);
  EXPECT_TRUE(u.top_changed);
  EXPECT_EQ(book.best_ask(), (Level{px(102), 110, 2}));
  EXPECT_EQ(book.level_at(kSell, px(103)), (Level{px(103), 5, 1}));
  u = book.replace(14, 15, 5, px(104));  // deep to deep
  EXPECT_FALSE(u.top_changed);
  EXPECT_TRUE(book.level_at(kSell, px(103)).empty());
  EXPECT_TRUE(book.check_invariants());
}

TEST_F(BookTest, ReplaceWithTheSameRefRequeues) {
  seed();
  const BookUpdate u = book.replace(1, 1, 15, px(100));
  EXPECT_EQ(u.result, BookResult::Ok);
  EXPECT_TRUE(u.top_changed) << "the best's size changed";
  EXPECT_EQ(queue_at(book, kBuy, 100), (std::vector<std::uint64_t>{2, 1}));
  EXPECT_EQ(book.order(1)->shares, 15u);
  EXPECT_TRUE(book.check_invariants());
}

TEST_F(BookTest, TopChangedOnlyWhenTheBestMoves) {
  seed();
  EXPECT_FALSE(book.add(20, kBuy, 1, px(98)).top_changed);
  EXPECT_TRUE(book.add(21, kBuy, 1, px(100)).top_changed);
  book.remove(4);  // the spread is now 100 x 102
  EXPECT_TRUE(book.add(22, kSell, 1, px(101)).top_changed) << "a new best inside the spread";
  EXPECT_FALSE(book.execute(3, 1).top_changed);
  EXPECT_FALSE(book.remove(20).top_changed) << "a deep level emptied";
  EXPECT_TRUE(book.remove(22).top_changed);
  EXPECT_FALSE(book.cancel(3, 1).top_changed);
  EXPECT_FALSE(book.remove(999).top_changed) << "refused calls change nothing";
}

// ---- Inconsistent input: each rule, and nothing else touched ----------------------

class InconsistencyTest : public BookTest {
 protected:
  void SetUp() override {
    seed();
    before = snapshot(book);
  }
  void expect_untouched() {
    EXPECT_TRUE(snapshot(book) == before) << "a refused call changed the book";
    EXPECT_TRUE(book.check_invariants());
  }
  Snapshot before{};
};

TEST_F(InconsistencyTest, UnknownRefIsRefusedEverywhere) {
  EXPECT_EQ(book.execute(77, 1).result, BookResult::UnknownRef);
  EXPECT_EQ(book.execute_with_price(77, 1, px(100)).result, BookResult::UnknownRef);
  EXPECT_EQ(book.cancel(77, 1).result, BookResult::UnknownRef);
  EXPECT_EQ(book.remove(77).result, BookResult::UnknownRef);
  const BookUpdate u = book.replace(77, 78, 1, px(100));
  EXPECT_EQ(u.result, BookResult::UnknownRef);
  EXPECT_FALSE(u.ok());
  EXPECT_EQ(u.shares, 0u);
  EXPECT_FALSE(u.top_changed);
  EXPECT_FALSE(book.order(78).has_value()) << "the new ref was not added";
  EXPECT_EQ(book.counters().unknown_ref, 5u);
  EXPECT_EQ(book.counters().total(), 5u);
  expect_untouched();
}

TEST_F(InconsistencyTest, DuplicateRefLeavesTheRestingOrder) {
  EXPECT_EQ(book.add(1, kSell, 5, px(200)).result, BookResult::DuplicateRef);
  EXPECT_EQ(book.replace(3, 2, 5, px(98)).result, BookResult::DuplicateRef) << "new ref already rests";
  EXPECT_EQ(book.order(1)->price, px(100));
  EXPECT_EQ(book.counters().duplicate_ref, 2u);
  expect_untouched();
}

TEST_F(InconsistencyTest, RefZeroIsInvalid) {
  EXPECT_EQ(book.add(0, kBuy, 5, px(100)).result, BookResult::InvalidRef);
  EXPECT_EQ(book.execute(0, 5).result, BookResult::InvalidRef);
  EXPECT_EQ(book.cancel(0, 5).result, BookResult::InvalidRef);
  EXPECT_EQ(book.remove(0).result, BookResult::InvalidRef);
  EXPECT_EQ(book.replace(0, 9, 5, px(100)).result, BookResult::InvalidRef);
  EXPECT_EQ(book.replace(1, 0, 5, px(100)).result, BookResult::InvalidRef);
  EXPECT_EQ(book.counters().invalid_ref, 6u);
  expect_untouched();
}

TEST_F(InconsistencyTest, ZeroSharesPricesAndSidesAreRefused) {
  EXPECT_EQ(book.add(9, kBuy, 0, px(100)).result, BookResult::ZeroShares);
  EXPECT_EQ(book.execute(1, 0).result, BookResult::ZeroShares);
  EXPECT_EQ(book.cancel(1, 0).result, BookResult::ZeroShares);
  EXPECT_EQ(book.replace(1, 9, 0, px(100)).result, BookResult::ZeroShares);
  EXPECT_EQ(book.add(9, kBuy, 5, px(0)).result, BookResult::InvalidPrice);
  EXPECT_EQ(book.add(9, kSell, 5, px(-100)).result, BookResult::InvalidPrice);
  EXPECT_EQ(book.replace(1, 9, 5, px(0)).result, BookResult::InvalidPrice);
  EXPECT_EQ(book.add(9, static_cast<Side>('X'), 5, px(100)).result, BookResult::InvalidSide);
  EXPECT_EQ(book.counters().zero_shares, 4u);
  EXPECT_EQ(book.counters().invalid_price, 3u);
  EXPECT_EQ(book.counters().invalid_side, 1u);
  expect_untouched();
}

TEST_F(InconsistencyTest, ChecksRunInTheDocumentedOrder) {
  // Arguments before refs, refs before capacity.
  EXPECT_EQ(book.add(0, kBuy, 0, px(0)).result, BookResult::InvalidRef);
  EXPECT_EQ(book.add(1, kBuy, 0, px(100)).result, BookResult::ZeroShares) << "1 rests, but shares come first";
  EXPECT_EQ(book.execute(77, 0).result, BookResult::ZeroShares);
  EXPECT_EQ(book.replace(77, 1, 0, px(100)).result, BookResult::ZeroShares);
  EXPECT_EQ(book.replace(77, 1, 5, px(100)).result, BookResult::UnknownRef) << "old ref before the new";
  expect_untouched();
}

TEST_F(InconsistencyTest, OverexecutionClampsAndRemoves) {
  const BookUpdate u = book.execute(4, 55);
  EXPECT_EQ(u.result, BookResult::Overexecuted);
  EXPECT_TRUE(u.ok()) << "applied, with a counted anomaly";
  EXPECT_EQ(u.shares, 40u) << "clamped to what rested";
  EXPECT_EQ(u.remaining, 0u);
  EXPECT_EQ(u.price, px(101));
  EXPECT_TRUE(u.top_changed);
  EXPECT_FALSE(book.order(4).has_value());
  EXPECT_EQ(book.best_ask(), (Level{px(102), 110, 2})) << "the other asks are untouched";
  EXPECT_EQ(book.best_bid(), before.bids[0]);
  EXPECT_EQ(book.counters().overexecution, 1u);
  EXPECT_EQ(book.execute_with_price(5, 51, px(1)).result, BookResult::Overexecuted);
  EXPECT_EQ(book.counters().overexecution, 2u);
  EXPECT_TRUE(book.check_invariants());
}

TEST_F(InconsistencyTest, OvercancelClampsAndRemoves) {
  const BookUpdate u = book.cancel(2, 21);
  EXPECT_EQ(u.result, BookResult::Overcancelled);
  EXPECT_EQ(u.shares, 20u);
  EXPECT_EQ(u.remaining, 0u);
  EXPECT_EQ(queue_at(book, kBuy, 100), (std::vector<std::uint64_t>{1}));
  EXPECT_EQ(book.best_bid(), (Level{px(100), 10, 1}));
  EXPECT_EQ(book.counters().overcancel, 1u);
  EXPECT_EQ(book.counters().total(), 1u);
  EXPECT_TRUE(book.check_invariants());
}

TEST_F(InconsistencyTest, CrossedAddsAreKeptAndCounted) {
  BookUpdate u = book.add(30, kBuy, 5, px(101));  // locks the best ask
  EXPECT_EQ(u.result, BookResult::Crossed);
  EXPECT_TRUE(u.ok());
  EXPECT_TRUE(u.top_changed);
  u = book.add(31, kSell, 5, px(98));  // through the best bid
  EXPECT_EQ(u.result, BookResult::Crossed);
  EXPECT_EQ(book.best_bid(), (Level{px(101), 5, 1}));
  EXPECT_EQ(book.best_ask(), (Level{px(98), 5, 1}));
  EXPECT_EQ(book.counters().crossed_add, 2u);
  u = book.replace(3, 32, 30, px(103));  // a replace can cross too
  EXPECT_EQ(u.result, BookResult::Crossed);
  EXPECT_EQ(book.counters().crossed_add, 3u);
  EXPECT_EQ(book.level_at(kSell, px(102)), before.asks[1]) << "resting orders are untouched";
  EXPECT_TRUE(book.check_invariants());
}

TEST(OrderBookShared, RefsOfAnotherBookAreWrongBook) {
  OrderStore store(64);
  OrderBook a(store, 8);
  OrderBook b(store, 8);
  EXPECT_NE(a.id(), b.id());
  EXPECT_EQ(store.books(), 2u);
  a.add(1, kBuy, 10, px(100));
  b.add(2, kSell, 20, px(300));
  EXPECT_EQ(b.execute(1, 1).result, BookResult::WrongBook);
  EXPECT_EQ(b.cancel(1, 1).result, BookResult::WrongBook);
  EXPECT_EQ(b.remove(1).result, BookResult::WrongBook);
  EXPECT_EQ(b.replace(1, 3, 5, px(300)).result, BookResult::WrongBook);
  EXPECT_EQ(b.add(1, kBuy, 5, px(1)).result, BookResult::DuplicateRef) << "refs are unique across books";
  EXPECT_EQ(a.replace(1, 2, 5, px(100)).result, BookResult::DuplicateRef);
  EXPECT_EQ(b.counters().wrong_book, 4u);
  EXPECT_EQ(b.counters().duplicate_ref, 1u);
  EXPECT_EQ(a.counters().duplicate_ref, 1u);
  EXPECT_FALSE(b.order(1).has_value());
  EXPECT_EQ(store.find(1)->book, a.id());
  EXPECT_EQ(a.best_bid(), (Level{px(100), 10, 1}));
  EXPECT_EQ(b.best_ask(), (Level{px(300), 20, 1}));
  EXPECT_TRUE(a.check_invariants());
  EXPECT_TRUE(b.check_invariants());
}

TEST(OrderBookCapacity, StoreFullRefusesAddsAndRecoversOnRemove) {
  OrderStore store(3);
  OrderBook a(store, 8);
  OrderBook b(store, 8);
  a.add(1, kBuy, 1, px(10));
  a.add(2, kBuy, 1, px(11));
  b.add(3, kSell, 1, px(12));
  EXPECT_TRUE(store.full());
  EXPECT_EQ(a.add(4, kBuy, 1, px(10)).result, BookResult::StoreFull);
  EXPECT_EQ(a.add(3, kBuy, 1, px(10)).result, BookResult::DuplicateRef) << "a duplicate before a full store";
  EXPECT_EQ(a.counters().store_full, 1u);
  EXPECT_EQ(a.replace(2, 4, 5, px(9)).result, BookResult::Ok) << "a replace reuses its slot";
  b.remove(3);
  EXPECT_EQ(a.add(5, kBuy, 1, px(10)).result, BookResult::Ok);
  EXPECT_EQ(store.size(), 3u);
  EXPECT_TRUE(a.check_invariants());
}

TEST(OrderBookCapacity, LevelsFullRefusesOnlyNewLevels) {
  OrderStore store(64);
  OrderBook book(store, 2);
  book.add(1, kBuy, 1, px(10));
  book.add(2, kBuy, 1, px(11));
  const Snapshot before = snapshot(book);
  EXPECT_EQ(book.add(3, kBuy, 1, px(12)).result, BookResult::LevelsFull);
  EXPECT_EQ(book.add(2, kBuy, 1, px(12)).result, BookResult::DuplicateRef);
  EXPECT_TRUE(snapshot(book) == before);
  EXPECT_EQ(book.add(3, kBuy, 1, px(11)).result, BookResult::Ok) << "an existing level has room";
  EXPECT_EQ(book.add(4, kSell, 1, px(20)).result, BookResult::Ok) << "each side has its own limit";
  EXPECT_EQ(book.replace(3, 5, 1, px(9)).result, BookResult::LevelsFull) << "11 keeps another order";
  EXPECT_EQ(book.replace(1, 6, 1, px(9)).result, BookResult::Ok) << "10 empties, so 9 fits";
  EXPECT_EQ(book.counters().levels_full, 2u);
  EXPECT_EQ(depth_of(book, kBuy), (std::vector<Level>{{px(11), 2, 2}, {px(9), 1, 1}}));
  EXPECT_TRUE(book.check_invariants());
}

TEST(OrderBookCapacity, BadSizesThrowAtConstruction) {
  EXPECT_THROW(OrderStore(0), std::length_error);
  OrderStore store(4);
  EXPECT_THROW(OrderBook(store, 0), std::length_error);
  EXPECT_THROW(OrderBook(store, (std::size_t{1} << 24) + 1), std::length_error);
}

TEST(OrderBookLifetime, ClearAndDestructionReturnOrdersToTheStore) {
  OrderStore store(16);
  OrderBook keep(store, 8);
  keep.add(100, kSell, 1, px(5));
  {
    OrderBook temp(store, 8);
    for (std::uint64_t r = 1; r <= 6; ++r) temp.add(r, r % 2 ? kBuy : kSell, 1, px(static_cast<std::int64_t>(r)));
    EXPECT_EQ(store.size(), 7u);
    temp.clear();
    EXPECT_EQ(store.size(), 1u);
    EXPECT_TRUE(temp.best_bid().empty());
    EXPECT_TRUE(temp.check_invariants());
    temp.add(1, kBuy, 1, px(1));
    temp.add(2, kBuy, 1, px(2));
  }
  EXPECT_EQ(store.size(), 1u) << "the destructor released the book's orders";
  EXPECT_EQ(store.levels_in_use(), 1u);
  EXPECT_FALSE(store.find(1).has_value());
  EXPECT_EQ(keep.best_ask(), (Level{px(5), 1, 1}));
}

TEST(OrderBookLifetime, AMovedBookKeepsItsOrders) {
  OrderStore store(16);
  std::vector<OrderBook> books;
  books.reserve(2);
  books.emplace_back(store, 8);
  books[0].add(1, kBuy, 3, px(7));
  OrderBook moved(std::move(books[0]));
  EXPECT_EQ(moved.best_bid(), (Level{px(7), 3, 1}));
  EXPECT_EQ(moved.execute(1, 1).remaining, 2u);
  books.clear();  // the moved-from book releases nothing
  EXPECT_EQ(store.size(), 1u);
  EXPECT_TRUE(moved.check_invariants());
}

TEST(OrderBookDeep, HundredsOfLevelsStaySortedUnderRandomChurn) {
  // Exercises the binary-search path (levels far from the top) and long
  // shifts of the ladder.
  OrderStore store(4096);
  OrderBook book(store, 1024);
  std::mt19937_64 rng(3);
  std::map<std::int64_t, std::uint64_t> bids;  // price -> shares
  std::uint64_t ref = 0;
  std::vector<std::pair<std::uint64_t, std::int64_t>> live;
  for (int i = 0; i < 3000; ++i) {
    if (live.empty() || rng() % 3 != 0) {
      const auto p = static_cast<std::int64_t>(1 + rng() % 800);
      const auto q = static_cast<std::uint32_t>(1 + rng() % 9);
      ASSERT_TRUE(book.add(++ref, kBuy, q, px(p)).ok());
      bids[p] += q;
      live.emplace_back(ref, p);
    } else {
      const std::size_t k = rng() % live.size();
      const BookUpdate u = book.remove(live[k].first);
      ASSERT_TRUE(u.ok());
      if ((bids[live[k].second] -= u.shares) == 0) bids.erase(live[k].second);
      live[k] = live.back();
      live.pop_back();
    }
    if (i % 97 == 0) {
      const std::vector<Level> d = depth_of(book, kBuy);
      ASSERT_EQ(d.size(), bids.size());
      auto it = bids.rbegin();
      for (const Level& l : d) {
        ASSERT_EQ(l.price.raw, it->first);
        ASSERT_EQ(l.shares, it->second);
        ++it;
      }
      const auto probe = static_cast<std::int64_t>(1 + rng() % 800);
      const auto m = bids.find(probe);
      EXPECT_EQ(book.level_at(kBuy, px(probe)).shares, m == bids.end() ? 0u : m->second);
    }
  }
  EXPECT_GT(book.bid_levels(), 300u) << "the book really was deep";
  EXPECT_TRUE(book.check_invariants());
}

// Orders live in their hash slots, and a delete shifts later orders of the
// same probe run back: their queue neighbours and level ends must follow.
// With capacity 8 the table has 16 slots and refs 1, 16, 35 and 50 share
// home slot 1 ((ref ^ ref >> 4) & 15), so they sit in slots 1..4 and every
// delete before the last moves the others.
TEST(OrderBookSlots, QueuesSurviveOrdersMovingBetweenSlots) {
  OrderStore store(8);
  OrderBook book(store, 8);
  for (std::uint64_t r : {1u, 16u, 35u, 50u}) ASSERT_TRUE(book.add(r, kBuy, 10, px(100)).ok());
  ASSERT_TRUE(book.add(66, kSell, 5, px(101)).ok());  // (66 ^ 4) & 15 = 6: its own run
  EXPECT_EQ(queue_at(book, kBuy, 100), (std::vector<std::uint64_t>{1, 16, 35, 50}));
  ASSERT_TRUE(book.remove(1).ok());  // the head leaves; 16, 35, 50 shift back
  EXPECT_EQ(queue_at(book, kBuy, 100), (std::vector<std::uint64_t>{16, 35, 50}));
  EXPECT_TRUE(book.check_invariants());
  ASSERT_TRUE(book.add(1, kBuy, 10, px(99)).ok());  // back in the run, at another level
  ASSERT_TRUE(book.execute(35, 10).ok());           // the middle leaves; 50 and 1 shift
  EXPECT_EQ(queue_at(book, kBuy, 100), (std::vector<std::uint64_t>{16, 50}));
  EXPECT_EQ(queue_at(book, kBuy, 99), (std::vector<std::uint64_t>{1}));
  EXPECT_TRUE(book.check_invariants());
  ASSERT_TRUE(book.replace(16, 35, 7, px(100)).ok());  // head re-queues under a ref of the same run
  EXPECT_EQ(queue_at(book, kBuy, 100), (std::vector<std::uint64_t>{50, 35}));
  EXPECT_EQ(book.best_bid(), (Level{px(100), 17, 2}));
  ASSERT_TRUE(book.cancel(50, 10).ok());
  EXPECT_EQ(queue_at(book, kBuy, 100), (std::vector<std::uint64_t>{35}));
  EXPECT_EQ(book.order(1)->price, px(99));
  EXPECT_EQ(book.best_ask(), (Level{px(101), 5, 1}));
  EXPECT_TRUE(book.check_invariants());
}

TEST(OrderBookSlots, ATinyStoreKeepsEveryQueueUnderChurn) {
  // Refs from a narrow range in a 16-slot table: long probe runs, frequent
  // moves. Queues are compared with a model after every step.
  OrderStore store(8);
  OrderBook book(store, 8);
  std::mt19937_64 rng(9);
  std::map<std::int64_t, std::vector<std::uint64_t>> queues;  // price -> refs in order
  std::map<std::uint64_t, std::int64_t> price_of;
  for (int step = 0; step < 4000; ++step) {
    const std::uint64_t ref = 1 + rng() % 48;
    const auto price = static_cast<std::int64_t>(100 + rng() % 3);
    const auto it = price_of.find(ref);
    if (it == price_of.end()) {
      const bool full = store.full();
      const BookUpdate u = book.add(ref, kBuy, 1, px(price));
      if (full) {
        ASSERT_EQ(u.result, BookResult::StoreFull);
        continue;
      }
      ASSERT_EQ(u.result, BookResult::Ok);
      queues[price].push_back(ref);
      price_of[ref] = price;
    } else {
      auto& q = queues[it->second];
      q.erase(std::find(q.begin(), q.end(), ref));
      if (rng() % 2) {
        ASSERT_TRUE(book.remove(ref).ok());
        price_of.erase(it);
      } else {
        std::uint64_t to = 1 + rng() % 48;
        while (to != ref && price_of.count(to)) to = 1 + rng() % 48;
        ASSERT_TRUE(book.replace(ref, to, 1, px(price)).ok());
        price_of.erase(it);
        queues[price].push_back(to);
        price_of[to] = price;
      }
    }
    for (const auto& [p, q] : queues) ASSERT_EQ(queue_at(book, kBuy, p), q) << "step " << step;
    ASSERT_TRUE(book.check_invariants()) << "step " << step;
  }
}

TEST(OrderBookNames, ResultNamesMatchCounterNames) {
  EXPECT_EQ(to_string(BookResult::Ok), "ok");
  EXPECT_EQ(to_string(BookResult::Crossed), "crossed_add");
  EXPECT_EQ(to_string(BookResult::Overexecuted), "overexecution");
  EXPECT_EQ(to_string(BookResult::LevelsFull), "levels_full");
  for (std::size_t i = 0; i < kBookResultCount; ++i) EXPECT_NE(to_string(static_cast<BookResult>(i)), "unknown");
  EXPECT_TRUE(applied(BookResult::Overcancelled));
  EXPECT_FALSE(applied(BookResult::UnknownRef));
}

// ---- Randomized comparison with a reference model --------------------------------------

/// The simplest correct book: std::map of price -> FIFO list per side, a map
/// from ref to where it rests, and the same documented rules.
class ModelStore {
 public:
  struct Resting {
    std::uint32_t book;
    Side side;
    std::int64_t price;
  };
  struct Book {
    std::map<std::int64_t, std::list<std::pair<std::uint64_t, std::uint32_t>>> side[2];
    BookCounters counters;
    std::size_t max_levels;
  };

  ModelStore(std::size_t capacity, std::size_t books, std::size_t max_levels) : capacity_(capacity) {
    books_.resize(books);
    for (Book& b : books_) b.max_levels = max_levels;
  }

  BookUpdate add(std::uint32_t bk, std::uint64_t ref, Side side, std::uint32_t shares, std::int64_t price) {
    Book& b = books_[bk];
    if (ref == 0) return refuse(b, BookResult::InvalidRef);
    if (side != kBuy && side != kSell) return refuse(b, BookResult::InvalidSide);
    if (shares == 0) return refuse(b, BookResult::ZeroShares);
    if (price <= 0) return refuse(b, BookResult::InvalidPrice);
    const bool dup = where_.count(ref) != 0;
    if (where_.size() == capacity_) return refuse(b, dup ? BookResult::DuplicateRef : BookResult::StoreFull);
    auto& levels = b.side[idx(side)];
    if (levels.count(price) == 0 && levels.size() == b.max_levels)
      return refuse(b, dup ? BookResult::DuplicateRef : BookResult::LevelsFull);
    if (dup) return refuse(b, BookResult::DuplicateRef);
    const auto tops = top_of(b);
    levels[price].emplace_back(ref, shares);
    where_[ref] = Resting{bk, side, price};
    BookUpdate u = done(b, tops, side, Price{price}, shares, shares);
    if (crosses(b, side, price)) {
      u.result = BookResult::Crossed;
      ++b.counters.crossed_add;
    }
    return u;
  }

  BookUpdate reduce(std::uint32_t bk, std::uint64_t ref, std::uint32_t shares, bool is_exec, bool is_delete) {
    Book& b = books_[bk];
    if (ref == 0) return refuse(b, BookResult::InvalidRef);
    if (!is_delete && shares == 0) return refuse(b, BookResult::ZeroShares);
    const auto w = where_.find(ref);
    if (w == where_.end()) return refuse(b, BookResult::UnknownRef);
    if (w->second.book != bk) return refuse(b, BookResult::WrongBook);
    const Resting r = w->second;
    auto& level = b.side[idx(r.side)][r.price];
    auto o = level.begin();
    while (o->first != ref) ++o;
    if (is_delete) shares = o->second;
    const auto tops = top_of(b);
    BookResult result = BookResult::Ok;
    std::uint32_t moved = shares;
    if (shares > o->second) {
      moved = o->second;
      result = is_exec ? BookResult::Overexecuted : BookResult::Overcancelled;
      ++(is_exec ? b.counters.overexecution : b.counters.overcancel);
    }
    o->second -= moved;
    const std::uint32_t remaining = o->second;
    if (remaining == 0) {
      level.erase(o);
      if (level.empty()) b.side[idx(r.side)].erase(r.price);
      where_.erase(ref);
    }
    BookUpdate u = done(b, tops, r.side, Price{r.price}, moved, remaining);
    u.result = result;
    return u;
  }

  BookUpdate replace(std::uint32_t bk, std::uint64_t old_ref, std::uint64_t new_ref, std::uint32_t shares,
                     std::int64_t price) {
    Book& b = books_[bk];
    if (old_ref == 0 || new_ref == 0) return refuse(b, BookResult::InvalidRef);
    if (shares == 0) return refuse(b, BookResult::ZeroShares);
    if (price <= 0) return refuse(b, BookResult::InvalidPrice);
    const auto w = where_.find(old_ref);
    if (w == where_.end()) return refuse(b, BookResult::UnknownRef);
    if (w->second.book != bk) return refuse(b, BookResult::WrongBook);
    if (new_ref != old_ref && where_.count(new_ref) != 0) return refuse(b, BookResult::DuplicateRef);
    const Resting r = w->second;
    auto& levels = b.side[idx(r.side)];
    if (levels.count(price) == 0 && levels.size() == b.max_levels && levels[r.price].size() > 1)
      return refuse(b, BookResult::LevelsFull);
    const auto tops = top_of(b);
    auto& old_level = levels[r.price];
    auto o = old_level.begin();
    while (o->first != old_ref) ++o;
    old_level.erase(o);
    if (old_level.empty()) levels.erase(r.price);
    where_.erase(old_ref);
    levels[price].emplace_back(new_ref, shares);
    where_[new_ref] = Resting{bk, r.side, price};
    BookUpdate u = done(b, tops, r.side, Price{price}, shares, shares);
    if (crosses(b, r.side, price)) {
      u.result = BookResult::Crossed;
      ++b.counters.crossed_add;
    }
    return u;
  }

  std::vector<Level> depth(std::uint32_t bk, Side side) const {
    std::vector<Level> out;
    const auto& levels = books_[bk].side[idx(side)];
    const auto add = [&out](const auto& kv) {
      std::uint64_t shares = 0;
      for (const auto& o : kv.second) shares += o.second;
      out.push_back(Level{Price{kv.first}, shares, static_cast<std::uint32_t>(kv.second.size())});
    };
    if (side == kBuy) {
      for (auto it = levels.rbegin(); it != levels.rend(); ++it) add(*it);
    } else {
      for (const auto& kv : levels) add(kv);
    }
    return out;
  }

  std::vector<std::uint64_t> queue(std::uint32_t bk, Side side, std::int64_t price) const {
    std::vector<std::uint64_t> refs;
    const auto& levels = books_[bk].side[idx(side)];
    const auto it = levels.find(price);
    if (it != levels.end())
      for (const auto& o : it->second) refs.push_back(o.first);
    return refs;
  }

  const BookCounters& counters(std::uint32_t bk) const { return books_[bk].counters; }
  std::size_t size() const { return where_.size(); }
  /// A random resting ref, or 0 when none rests.
  std::uint64_t any_ref(std::mt19937_64& rng) const {
    if (where_.empty()) return 0;
    auto it = where_.begin();
    std::advance(it, static_cast<std::ptrdiff_t>(rng() % where_.size()));
    return it->first;
  }
  const Resting* find(std::uint64_t ref) const {
    const auto it = where_.find(ref);
    return it == where_.end() ? nullptr : &it->second;
  }

 private:
  static std::size_t idx(Side s) { return s == kSell ? 1 : 0; }
  using Tops = std::array<Level, 2>;
  Tops top_of(const Book& b) const {
    Tops t{};
    for (std::size_t s = 0; s < 2; ++s) {
      const auto& levels = b.side[s];
      if (levels.empty()) continue;
      const auto& kv = s == 0 ? *levels.rbegin() : *levels.begin();
      std::uint64_t shares = 0;
      for (const auto& o : kv.second) shares += o.second;
      t[s] = Level{Price{kv.first}, shares, 0};  // orders do not count for top_changed
    }
    return t;
  }
  BookUpdate done(const Book& b, const Tops& before, Side side, Price price, std::uint32_t shares,
                  std::uint32_t remaining) const {
    BookUpdate u;
    u.price = price;
    u.shares = shares;
    u.remaining = remaining;
    u.side = side;
    u.top_changed = top_of(b) != before;
    return u;
  }
  static bool crosses(const Book& b, Side side, std::int64_t price) {
    if (side == kBuy) return !b.side[1].empty() && price >= b.side[1].begin()->first;
    return !b.side[0].empty() && price <= b.side[0].rbegin()->first;
  }
  static BookUpdate refuse(Book& b, BookResult r) {
    switch (r) {
      case BookResult::UnknownRef:
        ++b.counters.unknown_ref;
        break;
      case BookResult::WrongBook:
        ++b.counters.wrong_book;
        break;
      case BookResult::DuplicateRef:
        ++b.counters.duplicate_ref;
        break;
      case BookResult::InvalidRef:
        ++b.counters.invalid_ref;
        break;
      case BookResult::ZeroShares:
        ++b.counters.zero_shares;
        break;
      case BookResult::InvalidPrice:
        ++b.counters.invalid_price;
        break;
      case BookResult::InvalidSide:
        ++b.counters.invalid_side;
        break;
      case BookResult::StoreFull:
        ++b.counters.store_full;
        break;
      case BookResult::LevelsFull:
        ++b.counters.levels_full;
        break;
      default:
        break;
    }
    BookUpdate u;
    u.result = r;
    return u;
  }

  std::size_t capacity_;
  std::vector<Book> books_;
  std::map<std::uint64_t, Resting> where_;
};

std::string describe(const BookUpdate& u) {
  return std::string(to_string(u.result)) + " px=" + std::to_string(u.price.raw) +
         " shares=" + std::to_string(u.shares) + " rem=" + std::to_string(u.remaining) +
         " side=" + static_cast<char>(u.side) + " top=" + (u.top_changed ? "1" : "0");
}

bool same(const BookUpdate& a, const BookUpdate& b) {
  if (a.result != b.result || a.top_changed != b.top_changed) return false;
  if (!applied(a.result)) return true;  // refused: nothing else is meaningful
  return a.price == b.price && a.shares == b.shares && a.remaining == b.remaining && a.side == b.side;
}

bool same_counters(const BookCounters& a, const BookCounters& b) {
  for (std::size_t i = 1; i < kBookResultCount; ++i) {
    const auto r = static_cast<BookResult>(i);
    if (a.of(r) != b.of(r)) return false;
  }
  return true;
}

struct RandomRun {
  std::uint64_t seed;
  std::size_t capacity;
  std::size_t max_levels;
  std::int64_t bid_lo, bid_hi, ask_lo, ask_hi;  // price ranges in ticks
};

using Seen = std::array<std::uint64_t, kBookResultCount>;
std::string seen_text(const Seen& seen);

/// Runs `steps` random operations on three books sharing a store, checking
/// every result and the full depth of every book against the model after
/// each; `seen` counts the results, so a test can check what it exercised.
void run_random(const RandomRun& cfg, int steps, Seen& seen) {
  constexpr std::uint32_t kBooks = 3;
  std::mt19937_64 rng(cfg.seed);
  OrderStore store(cfg.capacity);
  std::vector<OrderBook> books;
  books.reserve(kBooks);
  for (std::uint32_t i = 0; i < kBooks; ++i) books.emplace_back(store, cfg.max_levels);
  ModelStore model(cfg.capacity, kBooks, cfg.max_levels);
  std::uint64_t next_ref = 1;
  int top_changes = 0;

  const auto range = [&rng](std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
  };
  // Mostly a resting ref (often of this book), sometimes fresh or 0.
  const auto pick_ref = [&](std::uint32_t bk) -> std::uint64_t {
    const std::uint64_t roll = rng() % 100;
    if (roll < 3) return 0;
    if (roll < 8) return next_ref + 1000 + rng() % 50;  // never added
    for (int tries = 0; tries < 4; ++tries) {
      const std::uint64_t r = model.any_ref(rng);
      if (r == 0) break;
      if (model.find(r)->book == bk || roll < 12) return r;
    }
    return model.any_ref(rng);
  };
  const auto pick_price = [&](Side s) {
    if (rng() % 50 == 0) return std::int64_t{-static_cast<std::int64_t>(rng() % 2)};  // 0 or -1
    return s == kBuy ? range(cfg.bid_lo, cfg.bid_hi) : range(cfg.ask_lo, cfg.ask_hi);
  };
  const auto pick_shares = [&](std::uint32_t resting) -> std::uint32_t {
    const std::uint64_t roll = rng() % 100;
    if (roll < 3) return 0;
    if (roll < 10) return resting + 1 + static_cast<std::uint32_t>(rng() % 5);  // too many
    if (roll < 25) return resting;
    return 1 + static_cast<std::uint32_t>(rng() % (resting > 1 ? resting : 1));
  };

  for (int step = 0; step < steps; ++step) {
    const auto bk = static_cast<std::uint32_t>(rng() % kBooks);
    OrderBook& book = books[bk];
    const std::uint64_t op = rng() % 100;
    BookUpdate got;
    BookUpdate want;
    std::string what;
    if (op < 40) {
      Side side = rng() % 2 ? kBuy : kSell;
      if (rng() % 200 == 0) side = static_cast<Side>('Z');
      std::uint64_t ref = next_ref++;
      if (rng() % 40 == 0) ref = pick_ref(bk);  // duplicate or 0
      const auto shares = static_cast<std::uint32_t>(rng() % 60 == 0 ? 0 : 1 + rng() % 100);
      const std::int64_t price = pick_price(side == kSell ? kSell : kBuy);
      what = "add " + std::to_string(ref) + " " + std::to_string(price);
      got = rng() % 10 == 0 ? book.add(ref, side, shares, Price{price}, Mpid{{'A', 'B', 'C', 'D'}})
                            : book.add(ref, side, shares, Price{price});
      want = model.add(bk, ref, side, shares, price);
    } else if (op < 55) {
      const std::uint64_t ref = pick_ref(bk);
      const auto* r = model.find(ref);
      const std::uint32_t shares = pick_shares(r ? book.order(ref) ? book.order(ref)->shares : 10 : 10);
      what = "execute " + std::to_string(ref) + " " + std::to_string(shares);
      if (rng() % 4 == 0) {
        got = book.execute_with_price(ref, shares, Price{777});
        want = model.reduce(bk, ref, shares, true, false);
        if (applied(want.result)) want.price = Price{777};
      } else {
        got = book.execute(ref, shares);
        want = model.reduce(bk, ref, shares, true, false);
      }
    } else if (op < 65) {
      const std::uint64_t ref = pick_ref(bk);
      const auto o = book.order(ref);
      const std::uint32_t shares = pick_shares(o ? o->shares : 10);
      what = "cancel " + std::to_string(ref) + " " + std::to_string(shares);
      got = book.cancel(ref, shares);
      want = model.reduce(bk, ref, shares, false, false);
    } else if (op < 82) {
      const std::uint64_t ref = pick_ref(bk);
      what = "remove " + std::to_string(ref);
      got = book.remove(ref);
      want = model.reduce(bk, ref, 0, false, true);
    } else {
      const std::uint64_t old_ref = pick_ref(bk);
      std::uint64_t new_ref = next_ref++;
      const std::uint64_t roll = rng() % 40;
      if (roll == 0) new_ref = pick_ref(bk);
      if (roll == 1) new_ref = old_ref;
      const auto* r = model.find(old_ref);
      const Side side = r ? r->side : kBuy;
      // Half the replaces keep the price: the queue-priority case.
      const std::int64_t price = r && rng() % 2 ? r->price : pick_price(side);
      const auto shares = static_cast<std::uint32_t>(rng() % 60 == 0 ? 0 : 1 + rng() % 100);
      what = "replace " + std::to_string(old_ref) + "->" + std::to_string(new_ref) + " " + std::to_string(price);
      got = book.replace(old_ref, new_ref, shares, Price{price});
      want = model.replace(bk, old_ref, new_ref, shares, price);
    }
    ASSERT_TRUE(same(got, want)) << "step " << step << " book " << bk << ": " << what << "\n  got  " << describe(got)
                                 << "\n  want " << describe(want);
    // Full L2 depth of every book after every step (a refused call in one
    // book must not disturb another).
    for (std::uint32_t b = 0; b < kBooks; ++b) {
      for (Side s : {kBuy, kSell}) {
        ASSERT_EQ(depth_of(books[b], s), model.depth(b, s))
            << "step " << step << " book " << b << " side " << static_cast<char>(s) << " after " << what;
      }
      ASSERT_TRUE(same_counters(books[b].counters(), model.counters(b))) << "step " << step << " book " << b;
    }
    ASSERT_EQ(store.size(), model.size());
    ++seen[static_cast<std::size_t>(got.result)];
    top_changes += got.top_changed ? 1 : 0;
    if (step % 64 == 0) {
      for (std::uint32_t b = 0; b < kBooks; ++b) {
        ASSERT_TRUE(books[b].check_invariants()) << "step " << step;
        for (const Level& l : depth_of(books[b], kBuy))
          ASSERT_EQ(queue_at(books[b], kBuy, l.price.raw), model.queue(b, kBuy, l.price.raw));
        for (const Level& l : depth_of(books[b], kSell))
          ASSERT_EQ(queue_at(books[b], kSell, l.price.raw), model.queue(b, kSell, l.price.raw));
      }
    }
  }
  EXPECT_GT(top_changes, steps / 100) << "the best prices moved";
  EXPECT_GT(store.size(), 0u);
}

std::string seen_text(const Seen& seen) {
  std::string out;
  for (std::size_t i = 0; i < kBookResultCount; ++i)
    out += std::string(to_string(static_cast<BookResult>(i))) + "=" + std::to_string(seen[i]) + " ";
  return out;
}

TEST(OrderBookRandom, MatchesTheReferenceModelOnAQuietBook) {
  // Roomy store, deep levels, bids and asks barely overlap.
  Seen seen{};
  run_random({1, 4096, 256, 900, 1005, 995, 1100}, 6000, seen);
  for (BookResult r : {BookResult::Ok, BookResult::Crossed, BookResult::Overexecuted, BookResult::Overcancelled,
                       BookResult::UnknownRef, BookResult::WrongBook, BookResult::DuplicateRef, BookResult::InvalidRef,
                       BookResult::ZeroShares, BookResult::InvalidPrice, BookResult::InvalidSide})
    EXPECT_GT(seen[static_cast<std::size_t>(r)], 0u) << to_string(r) << " never happened: " << seen_text(seen);
}

TEST(OrderBookRandom, MatchesTheReferenceModelWhenCrossedAndFull) {
  // Few levels per side (levels_full happens) and sides that overlap
  // heavily.
  Seen seen{};
  run_random({2, 120, 12, 950, 1030, 970, 1050}, 6000, seen);
  EXPECT_GT(seen[static_cast<std::size_t>(BookResult::LevelsFull)], 0u) << seen_text(seen);
}

TEST(OrderBookRandom, MatchesTheReferenceModelOnFewPrices) {
  // Few prices: long queues, many replaces at an unchanged price; the
  // store fills up.
  Seen seen{};
  run_random({3, 512, 64, 100, 104, 103, 107}, 6000, seen);
  EXPECT_GT(seen[static_cast<std::size_t>(BookResult::Ok)], 3000u) << seen_text(seen);
  EXPECT_GT(seen[static_cast<std::size_t>(BookResult::StoreFull)], 0u) << seen_text(seen);
}

// ---- No allocation after construction --------------------------------------------------------

TEST(OrderBookAllocation, NoOperationAllocates) {
  ASSERT_TRUE(hft::test::allocation_hooks_installed());
  OrderStore store(2048);
  OrderBook a(store, 256);
  OrderBook b(store, 256);
  std::array<Level, 16> out{};
  std::mt19937_64 rng(5);

  hft::test::AllocationCounter counter;
  std::uint64_t ref = 1;
  std::uint64_t checksum = 0;
  for (int round = 0; round < 200; ++round) {
    OrderBook& book = round % 2 ? a : b;
    const std::uint64_t first = ref;
    for (int k = 0; k < 8; ++k) {
      const Side side = k % 2 ? kBuy : kSell;
      const std::int64_t price =
          side == kBuy ? 1000 - static_cast<std::int64_t>(rng() % 200) : 1001 + static_cast<std::int64_t>(rng() % 200);
      book.add(ref++, side, 100, Price{price});
    }
    book.add(ref++, kBuy, 10, Price{1001}, Mpid{});  // crossed
    book.execute(first, 10);
    book.execute_with_price(first + 1, 200, Price{5});  // overexecution
    book.cancel(first + 2, 30);
    book.replace(first + 3, ref++, 50, Price{999});
    book.remove(first + 4);
    book.remove(123'456'789);        // unknown
    book.add(0, kBuy, 1, Price{1});  // invalid
    checksum +=
        book.depth(kBuy, out.size(), out.data()) + book.best_ask().shares + book.level_at(kSell, Price{1001}).shares;
    checksum += book.order(first + 5) ? 1u : 0u;
    if (round % 50 == 49) book.clear();
  }
  EXPECT_EQ(counter.allocations(), 0u);
  EXPECT_GT(checksum, 0u);
  EXPECT_GT(a.counters().total(), 0u);
}

}  // namespace
}  // namespace hft::market_data
