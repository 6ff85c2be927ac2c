// Venue order entry end to end over loopback: FIX initiators (the clients)
// send orders to FixOrderEntry sessions behind a FixAcceptor, the matching
// engine matches them, and the clients check every ExecutionReport and
// OrderCancelReject a real venue would send.

#include <set>

#include "fix_order_entry_fixture.h"

namespace hft::venue::test {
namespace {

TEST_F(FixOrderEntryTest, LimitOrderRestsAndIsAcknowledged) {
  ASSERT_EQ(send(alice_, {"A1", '1', 100, '2', cents(1000)}), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(alice_, 1));
  const Received& r = alice_.client.got[0];
  EXPECT_EQ(r.msg_type, '8');
  EXPECT_EQ(r.exec_type, '0');
  EXPECT_EQ(r.ord_status, '0');
  EXPECT_EQ(r.cl_ord_id, "A1");
  EXPECT_EQ(r.leaves, 100);
  EXPECT_EQ(r.cum, 0);
  EXPECT_EQ(r.price, cents(1000));
  EXPECT_EQ(engine_->best(kAbc, core::Side::Buy).qty, 100);
  EXPECT_EQ(r.order_id, std::to_string(alice_.entry->find_live("A1")));
  EXPECT_EQ(alice_.entry->live_orders(), 1u);
}

TEST_F(FixOrderEntryTest, CrossingOrderFillsBothSidesWithPartialFills) {
  ASSERT_EQ(send(alice_, {"A1", '1', 100, '2', cents(1000)}), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(alice_, 1));
  ASSERT_EQ(send(bob_, {"B1", '2', 30, '2', cents(999)}), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(bob_, 2));
  ASSERT_TRUE(wait_for(alice_, 2));

  const Received& taker = bob_.client.got[1];
  EXPECT_EQ(taker.exec_type, 'F');
  EXPECT_EQ(taker.ord_status, '2');
  EXPECT_EQ(taker.last_qty, 30);
  EXPECT_EQ(taker.last_px, cents(1000));  // the resting order's price
  EXPECT_EQ(taker.cum, 30);
  EXPECT_EQ(taker.leaves, 0);
  EXPECT_EQ(taker.avg_px, cents(1000));

  const Received& maker = alice_.client.got[1];
  EXPECT_EQ(maker.cl_ord_id, "A1");
  EXPECT_EQ(maker.exec_type, 'F');
  EXPECT_EQ(maker.ord_status, '1');
  EXPECT_EQ(maker.last_qty, 30);
  EXPECT_EQ(maker.last_px, cents(1000));
  EXPECT_EQ(maker.cum, 30);
  EXPECT_EQ(maker.leaves, 70);
  EXPECT_EQ(maker.avg_px, cents(1000));
  EXPECT_NE(maker.exec_id, taker.exec_id);
}

TEST_F(FixOrderEntryTest, SweepAcrossTwoLevelsAveragesThePrice) {
  ASSERT_EQ(send(alice_, {"S1", '2', 50, '2', cents(1000)}), fix::SendStatus::Sent);
  ASSERT_EQ(send(alice_, {"S2", '2', 50, '2', cents(1001)}), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(alice_, 2));
  ASSERT_EQ(send(bob_, {"B1", '1', 120, '2', cents(1001)}), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(bob_, 3));
  ASSERT_TRUE(wait_for(alice_, 4));
  const std::vector<Received> b = bob_.client.for_id("B1");
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[1].last_qty, 50);
  EXPECT_EQ(b[1].last_px, cents(1000));
  EXPECT_EQ(b[1].ord_status, '1');
  EXPECT_EQ(b[1].leaves, 70);
  EXPECT_EQ(b[2].last_qty, 50);
  EXPECT_EQ(b[2].last_px, cents(1001));
  EXPECT_EQ(b[2].cum, 100);
  EXPECT_EQ(b[2].leaves, 20);
  EXPECT_EQ(b[2].avg_px, Price::from_raw(100'050));  // 10.005, exact
  // The rest of B1 now rests as the best bid.
  EXPECT_EQ(engine_->best(kAbc, core::Side::Buy).qty, 20);
  EXPECT_EQ(engine_->best(kAbc, core::Side::Buy).price, cents(1001));

  // ExecIDs are unique across the venue, both sessions together.
  std::set<std::string> ids;
  for (const Received& r : alice_.client.got) ids.insert(r.exec_id);
  for (const Received& r : bob_.client.got) ids.insert(r.exec_id);
  EXPECT_EQ(ids.size(), alice_.client.got.size() + bob_.client.got.size());
}

TEST_F(FixOrderEntryTest, CancelThenLateAndUnknownCancelsAreRejected) {
  ASSERT_EQ(send(alice_, {"A1", '1', 100, '2', cents(1000)}), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(alice_, 1));
  ASSERT_EQ(cancel(alice_, "A1", "X1"), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(alice_, 2));
  const Received& c = alice_.client.got[1];
  EXPECT_EQ(c.exec_type, '4');
  EXPECT_EQ(c.ord_status, '4');
  EXPECT_EQ(c.cl_ord_id, "X1");
  EXPECT_EQ(c.orig_cl_ord_id, "A1");
  EXPECT_EQ(c.leaves, 0);
  EXPECT_EQ(engine_->level_count(kAbc, core::Side::Buy), 0u);

  ASSERT_EQ(cancel(alice_, "A1", "X2"), fix::SendStatus::Sent);
  ASSERT_EQ(cancel(alice_, "NOPE", "X3"), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(alice_, 4));
  const Received& late = alice_.client.got[2];
  EXPECT_EQ(late.msg_type, '9');
  EXPECT_EQ(late.response_to, '1');
  EXPECT_EQ(late.cxl_rej_reason, 0);  // too late to cancel
  EXPECT_EQ(late.ord_status, '4');
  EXPECT_EQ(late.cl_ord_id, "X2");
  const Received& unknown = alice_.client.got[3];
  EXPECT_EQ(unknown.msg_type, '9');
  EXPECT_EQ(unknown.cxl_rej_reason, 1);  // unknown order
  EXPECT_EQ(unknown.order_id, "NONE");
  EXPECT_EQ(unknown.ord_status, '8');
}

TEST_F(FixOrderEntryTest, CancelByOrderIdAndNotAnotherSessionsOrder) {
  ASSERT_EQ(send(alice_, {"A1", '1', 100, '2', cents(1000)}), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(alice_, 1));
  const std::string venue_id = alice_.client.got[0].order_id;
  // Bob names Alice's order: not his, so unknown.
  ASSERT_EQ(cancel(bob_, "A1", "BX", venue_id), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(bob_, 1));
  EXPECT_EQ(bob_.client.got[0].msg_type, '9');
  EXPECT_EQ(bob_.client.got[0].cxl_rej_reason, 1);
  // Alice by OrderID, with a wrong OrigClOrdID: OrderID wins.
  ASSERT_EQ(cancel(alice_, "WRONG", "X1", venue_id), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(alice_, 2));
  EXPECT_EQ(alice_.client.got[1].exec_type, '4');
  EXPECT_EQ(alice_.client.got[1].orig_cl_ord_id, "A1");
  EXPECT_EQ(engine_->live_orders(), 0u);
}

TEST_F(FixOrderEntryTest, ReplaceKeepsPriorityOnlyForAQuantityDecrease) {
  ASSERT_EQ(send(alice_, {"A1", '1', 100, '2', cents(1000)}), fix::SendStatus::Sent);
  ASSERT_EQ(send(alice_, {"A2", '1', 100, '2', cents(1000)}), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(alice_, 2));
  const std::string a1_id = alice_.client.got[0].order_id;

  ASSERT_EQ(replace(alice_, {"A1", "A1b", 60, cents(1000)}), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(alice_, 3));
  const Received kept = alice_.client.got[2];
  EXPECT_EQ(kept.exec_type, '5');
  EXPECT_EQ(kept.ord_status, '0');
  EXPECT_EQ(kept.cl_ord_id, "A1b");
  EXPECT_EQ(kept.orig_cl_ord_id, "A1");
  EXPECT_EQ(kept.order_id, a1_id);  // priority kept: same id
  EXPECT_EQ(kept.order_qty, 60);
  EXPECT_EQ(kept.leaves, 60);
  EXPECT_EQ(engine_->best(kAbc, core::Side::Buy).qty, 160);
  std::vector<VenueOrderId> queue;
  engine_->visit_side(kAbc, core::Side::Buy, [&](const OrderInfo& o) { queue.push_back(o.order_id); });
  ASSERT_EQ(queue.size(), 2u);
  EXPECT_EQ(std::to_string(queue[0]), a1_id);

  ASSERT_EQ(replace(alice_, {"A1b", "A1c", 200, cents(1000)}), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(alice_, 4));
  const Received lost = alice_.client.got[3];  // a copy: more reports arrive below
  EXPECT_EQ(lost.exec_type, '5');
  EXPECT_EQ(lost.orig_cl_ord_id, "A1b");
  EXPECT_NE(lost.order_id, a1_id);  // priority lost: a new id
  queue.clear();
  engine_->visit_side(kAbc, core::Side::Buy, [&](const OrderInfo& o) { queue.push_back(o.order_id); });
  ASSERT_EQ(queue.size(), 2u);
  EXPECT_EQ(std::to_string(queue[1]), lost.order_id);  // now behind A2

  // A2 is first in line now: Bob's sell fills it.
  ASSERT_EQ(send(bob_, {"B1", '2', 100, '2', cents(1000)}), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(alice_, 5));
  EXPECT_EQ(alice_.client.got[4].cl_ord_id, "A2");
  EXPECT_EQ(alice_.client.got[4].ord_status, '2');
  // The old ClOrdIDs no longer name the order; the new one does.
  EXPECT_EQ(alice_.entry->find_live("A1"), 0u);
  EXPECT_EQ(std::to_string(alice_.entry->find_live("A1c")), lost.order_id);
}

TEST_F(FixOrderEntryTest, IocRemainderIsCanceled) {
  ASSERT_EQ(send(alice_, {"S1", '2', 30, '2', cents(1000)}), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(alice_, 1));
  ASSERT_EQ(send(bob_, {"B1", '1', 100, '2', cents(1000), {}, '3'}), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(bob_, 3));
  const std::vector<Received> b = bob_.client.for_id("B1");
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[0].exec_type, '0');
  EXPECT_EQ(b[1].exec_type, 'F');
  EXPECT_EQ(b[1].last_qty, 30);
  EXPECT_EQ(b[2].exec_type, '4');
  EXPECT_EQ(b[2].ord_status, '4');
  EXPECT_EQ(b[2].cum, 30);
  EXPECT_EQ(b[2].leaves, 0);
  EXPECT_EQ(b[2].text, "ioc");
  EXPECT_EQ(engine_->level_count(kAbc, core::Side::Buy), 0u);
}

TEST_F(FixOrderEntryTest, FokThatCannotFillIsCanceledWithNothingExecuted) {
  ASSERT_EQ(send(alice_, {"S1", '2', 30, '2', cents(1000)}), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(alice_, 1));
  ASSERT_EQ(send(bob_, {"B1", '1', 100, '2', cents(1000), {}, '4'}), fix::SendStatus::Sent);
  ASSERT_TRUE(run_until([&] {
    const auto b = bob_.client.for_id("B1");
    return !b.empty() && b.back().exec_type == '4';
  }));
  for (const Received& r : bob_.client.for_id("B1")) EXPECT_NE(r.exec_type, 'F');
  const Received c = bob_.client.for_id("B1").back();
  EXPECT_EQ(c.cum, 0);
  EXPECT_EQ(c.text, "fill_or_kill");
  EXPECT_EQ(engine_->best(kAbc, core::Side::Sell).qty, 30);  // untouched
  EXPECT_EQ(alice_.client.got.size(), 1u);
}

TEST_F(FixOrderEntryTest, MarketOrderWithoutLiquidityIsCanceled) {
  ASSERT_EQ(send(bob_, {"M1", '1', 10, '1'}), fix::SendStatus::Sent);
  ASSERT_TRUE(run_until([&] { return !bob_.client.got.empty() && bob_.client.got.back().exec_type == '4'; }));
  EXPECT_EQ(bob_.client.got.back().text, "no_liquidity");
  EXPECT_EQ(bob_.client.got.back().ord_status, '4');
}

TEST_F(FixOrderEntryTest, RejectReasonsAreMapped) {
  ASSERT_EQ(send(alice_, {"U1", '1', 100, '2', cents(1000), {}, '0', "NOPE"}), fix::SendStatus::Sent);
  ASSERT_EQ(send(alice_, {"U2", '1', 20'000, '2', cents(1000)}), fix::SendStatus::Sent);
  ASSERT_EQ(send(alice_, {"U3", '1', 100, '2', Price::from_raw(100'050)}), fix::SendStatus::Sent);
  ASSERT_EQ(send(alice_, {"U4", '3', 100, '2', cents(1000)}), fix::SendStatus::Sent);           // buy minus
  ASSERT_EQ(send(alice_, {"U5", '1', 100, '2', cents(1000), {}, '1'}), fix::SendStatus::Sent);  // GTC
  ASSERT_TRUE(wait_for(alice_, 5));
  const auto expect = [&](std::size_t i, const char* id, std::int64_t reason, const char* text) {
    const Received& r = alice_.client.got[i];
    EXPECT_EQ(r.cl_ord_id, id);
    EXPECT_EQ(r.exec_type, '8');
    EXPECT_EQ(r.ord_status, '8');
    EXPECT_EQ(r.order_id, "NONE");
    EXPECT_EQ(r.ord_rej_reason, reason) << id;
    EXPECT_EQ(r.text, text);
  };
  expect(0, "U1", 1, "unknown symbol");
  expect(1, "U2", 3, "qty_too_large");
  expect(2, "U3", 99, "price_not_on_tick");
  expect(3, "U4", 11, "unsupported side");
  expect(4, "U5", 11, "unsupported time in force");
  EXPECT_EQ(engine_->live_orders(), 0u);
  EXPECT_EQ(alice_.entry->live_orders(), 0u);
}

TEST_F(FixOrderEntryTest, SellShortIsASell) {
  ASSERT_EQ(send(alice_, {"A1", '1', 100, '2', cents(1000)}), fix::SendStatus::Sent);
  ASSERT_EQ(send(bob_, {"B1", '5', 100, '2', cents(1000)}), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(bob_, 2));
  EXPECT_EQ(bob_.client.got[1].exec_type, 'F');
  EXPECT_EQ(bob_.client.got[1].side, '5');  // echoed as sent
}

TEST_F(FixOrderEntryTest, DuplicateClOrdIdOfALiveOrderIsRejected) {
  ASSERT_EQ(send(alice_, {"A1", '1', 100, '2', cents(1000)}), fix::SendStatus::Sent);
  ASSERT_EQ(send(alice_, {"A1", '1', 50, '2', cents(999)}), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(alice_, 2));
  EXPECT_EQ(alice_.client.got[1].exec_type, '8');
  EXPECT_EQ(alice_.client.got[1].ord_rej_reason, 6);
  EXPECT_EQ(engine_->live_orders(), 1u);
  // A replace to a ClOrdID in use is refused the same way.
  ASSERT_EQ(send(alice_, {"A2", '1', 100, '2', cents(998)}), fix::SendStatus::Sent);
  ASSERT_EQ(replace(alice_, {"A2", "A1", 50, cents(998)}), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(alice_, 4));
  EXPECT_EQ(alice_.client.got[3].msg_type, '9');
  EXPECT_EQ(alice_.client.got[3].response_to, '2');
  EXPECT_EQ(alice_.client.got[3].cxl_rej_reason, 6);
  // Once A1 is done its ClOrdID may be used again.
  ASSERT_EQ(cancel(alice_, "A1", "X1"), fix::SendStatus::Sent);
  ASSERT_EQ(send(alice_, {"A1", '1', 10, '2', cents(990)}), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(alice_, 6));
  EXPECT_EQ(alice_.client.got[5].exec_type, '0');
}

TEST_F(FixOrderEntryTest, HaltRejectsNewOrdersAndReplacesButAllowsCancels) {
  ASSERT_EQ(send(alice_, {"A1", '1', 100, '2', cents(1000)}), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(alice_, 1));
  engine_->set_trading_state(kAbc, TradingState::Halted, wall_ns());
  ASSERT_EQ(send(alice_, {"A2", '1', 100, '2', cents(1000)}), fix::SendStatus::Sent);
  ASSERT_EQ(replace(alice_, {"A1", "A1b", 50, cents(1000)}), fix::SendStatus::Sent);
  ASSERT_EQ(cancel(alice_, "A1", "X1"), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(alice_, 4));
  EXPECT_EQ(alice_.client.got[1].exec_type, '8');
  EXPECT_EQ(alice_.client.got[1].ord_rej_reason, 2);  // exchange closed
  EXPECT_EQ(alice_.client.got[2].msg_type, '9');
  EXPECT_EQ(alice_.client.got[2].cxl_rej_reason, 99);
  EXPECT_EQ(alice_.client.got[2].text, "halted");
  EXPECT_EQ(alice_.client.got[2].ord_status, '0');
  EXPECT_EQ(alice_.client.got[3].exec_type, '4');
  EXPECT_GT(book_.events, 0u);  // the TradingStatus went to the book sink
}

TEST_F(FixOrderEntryTest, TriggeredStopReportsTriggeredThenFills) {
  ASSERT_EQ(send(bob_, {"S1", '2', 10, '2', cents(1005)}), fix::SendStatus::Sent);
  ASSERT_EQ(send(bob_, {"S2", '2', 50, '2', cents(1006)}), fix::SendStatus::Sent);
  ASSERT_EQ(send(alice_, {"STP", '1', 20, '3', {}, cents(1005)}), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(alice_, 1));
  ASSERT_EQ(send(alice_, {"A1", '1', 10, '2', cents(1005)}), fix::SendStatus::Sent);  // trades at 10.05
  ASSERT_TRUE(run_until([&] {
    const auto s = alice_.client.for_id("STP");
    return !s.empty() && s.back().ord_status == '2';
  }));
  const std::vector<Received> s = alice_.client.for_id("STP");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].exec_type, '0');
  EXPECT_EQ(s[1].exec_type, 'L');
  EXPECT_EQ(s[2].exec_type, 'F');
  EXPECT_EQ(s[2].last_px, cents(1006));
  EXPECT_EQ(s[2].last_qty, 20);
}

TEST_F(FixOrderEntryTest, LongClOrdIdGetsABusinessReject) {
  ASSERT_EQ(send(alice_, {std::string(33, 'C'), '1', 100, '2', cents(1000)}), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(alice_, 1));
  EXPECT_EQ(alice_.client.got[0].msg_type, 'j');
  EXPECT_EQ(engine_->live_orders(), 0u);
  ASSERT_EQ(send(alice_, {std::string(32, 'C'), '1', 100, '2', cents(1000)}), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(alice_, 2));
  EXPECT_EQ(alice_.client.got[1].exec_type, '0');
}

TEST_F(FixOrderEntryTest, FillWhileDisconnectedArrivesByResendAfterReconnect) {
  ASSERT_EQ(send(alice_, {"A1", '1', 100, '2', cents(1000)}), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(alice_, 1));
  alice_.initiator->set_reconnect(false);
  alice_.initiator->drop_connection(wall_ns());
  ASSERT_TRUE(run_until([&] { return !alice_.venue_session->logged_on(); }));

  ASSERT_EQ(send(bob_, {"B1", '2', 100, '2', cents(1000)}), fix::SendStatus::Sent);
  ASSERT_TRUE(wait_for(bob_, 2));
  EXPECT_EQ(alice_.entry->counters().reports_queued, 1u);

  alice_.initiator->set_reconnect(true);
  ASSERT_TRUE(run_until([&] {
    return alice_.client.got.size() >= 2 && alice_.initiator->session().logged_on() &&
           !alice_.initiator->session().awaiting_resend();
  }));
  const Received& fill = alice_.client.got[1];
  EXPECT_EQ(fill.exec_type, 'F');
  EXPECT_EQ(fill.ord_status, '2');
  EXPECT_EQ(fill.cl_ord_id, "A1");
  EXPECT_TRUE(fill.poss_dup);
}

}  // namespace
}  // namespace hft::venue::test
