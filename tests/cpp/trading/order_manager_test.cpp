// OrderManager behaviour beyond the transition table: what is sent, exposure
// bookkeeping, replace and local stops, cancel-all, ids and storage limits.
#include <set>

#include <gtest/gtest.h>

#include "trading/oms_fixture.h"

namespace hft::trading::test {
namespace {

using Kind = SentMessage::Kind;

TEST_F(OmsTest, SubmitStoresSendsAndAudits) {
  const OrderId id = submit(Side::Sell, 300, Price{1'234'500});
  const Order* o = oms.find(id);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->state, OrderState::PendingNew);
  EXPECT_EQ(o->leaves, Qty{300});
  ASSERT_EQ(gateway.sent.size(), 1u);
  EXPECT_EQ(gateway.sent[0].kind, Kind::New);
  EXPECT_EQ(gateway.sent[0].cl_ord_id, id);
  EXPECT_EQ(gateway.sent[0].price, Price{1'234'500});
  const AuditRecord* rec = audit.last(AuditType::OrderSubmitted);
  ASSERT_NE(rec, nullptr);
  EXPECT_EQ(rec->order_id, id.value);
  EXPECT_EQ(rec->qty, 300);
  EXPECT_EQ(rec->side, 'S');
  EXPECT_EQ(oms.live_orders(), 1u);
  EXPECT_EQ(oms.exposure(SymbolId{0}).sell_qty, 300);
  EXPECT_EQ(oms.exposure(SymbolId{0}).sell_notional, 300 * 1'234'500);
}

TEST_F(OmsTest, IdsCarryTheSessionAndNeverRepeat) {
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 20; ++i) {
    const OrderId id = submit();
    EXPECT_EQ(OrderIdGenerator::session_of(id), 7u);
    EXPECT_TRUE(seen.insert(id.value).second);
  }
}

TEST_F(OmsTest, CallerSuppliedDuplicateIdIsRefused) {
  OrderRequest r;
  r.quantity = Qty{10};
  r.price = kPx;
  r.cl_ord_id = OrderId{42};
  EXPECT_EQ(oms.submit(r, kPx, 1).reason, RejectReason::None);
  EXPECT_EQ(oms.submit(r, kPx, 2).reason, RejectReason::DuplicateClientOrderId);
  EXPECT_EQ(oms.live_orders(), 1u);
}

TEST_F(OmsTest, FillsAccumulateWithAveragePrice) {
  const OrderId id = submit(Side::Buy, 100);
  ack(id);
  fill(id, 30, Price{1'000'000});
  fill(id, 70, Price{1'000'100});
  const Order* o = oms.find(id);
  EXPECT_EQ(o->state, OrderState::Filled);
  EXPECT_EQ(o->cum, Qty{100});
  EXPECT_EQ(o->leaves, Qty{0});
  // (30 × 100.00 + 70 × 100.01) / 100 = 100.007
  EXPECT_EQ(o->average_price(), Price{1'000'070});
  EXPECT_EQ(oms.live_orders(), 0u);
  EXPECT_EQ(oms.exposure(SymbolId{0}).buy_qty, 0);
  EXPECT_EQ(oms.exposure(SymbolId{0}).buy_notional, 0);
  EXPECT_EQ(oms.total_open_qty(), 0);
}

TEST_F(OmsTest, OverfillStopsTheOrderAtFilledButBooksTheWholeFill) {
  const OrderId id = submit(Side::Buy, 100);
  ack(id);
  const ApplyResult r = fill(id, 150);
  EXPECT_EQ(r.anomaly, Anomaly::Overfill);
  EXPECT_TRUE(r.fill.valid);
  EXPECT_EQ(r.fill.quantity, Qty{150});
  EXPECT_EQ(state(id), OrderState::Filled);
  EXPECT_EQ(oms.find(id)->cum, Qty{100});
  EXPECT_EQ(oms.counters().anomalies[static_cast<std::size_t>(Anomaly::Overfill)], 1u);
}

TEST_F(OmsTest, DuplicateExecutionIdIsIgnoredEntirely) {
  const OrderId id = submit(Side::Buy, 100);
  ack(id);
  EXPECT_EQ(fill(id, 10, kPx, 555).anomaly, Anomaly::None);
  const ApplyResult again = fill(id, 10, kPx, 555);
  EXPECT_EQ(again.anomaly, Anomaly::DuplicateExecId);
  EXPECT_FALSE(again.fill.valid);
  EXPECT_EQ(oms.find(id)->cum, Qty{10});
}

TEST_F(OmsTest, FillForAnUnknownOrderIsStillATrade) {
  ExecutionReport r;
  r.kind = ExecKind::Trade;
  r.cl_ord_id = OrderId{123456};
  r.exec_id = 77;
  r.symbol = SymbolId{2};
  r.side = Side::Sell;
  r.last_qty = Qty{5};
  r.last_px = kPx;
  const ApplyResult a = oms.apply(r);
  EXPECT_EQ(a.anomaly, Anomaly::UnknownOrder);
  EXPECT_TRUE(a.fill.valid);
  EXPECT_EQ(a.fill.symbol, SymbolId{2});
  EXPECT_EQ(a.fill.side, Side::Sell);
}

TEST_F(OmsTest, FillWithWrongSideOrSymbolIsAMismatch) {
  const OrderId id = submit(Side::Buy, 100);
  ack(id);
  ExecutionReport r = report(ExecKind::Trade, id);
  r.side = Side::Sell;
  r.last_qty = Qty{10};
  r.last_px = kPx;
  r.exec_id = 999;
  const ApplyResult a = oms.apply(r);
  EXPECT_EQ(a.anomaly, Anomaly::FieldMismatch);
  EXPECT_EQ(oms.find(id)->cum, Qty{0});  // the order is not touched
}

TEST_F(OmsTest, InsaneFillIsRefusedAndNotBooked) {
  const OrderId id = submit();
  ack(id);
  const ApplyResult zero = fill(id, 0);
  EXPECT_EQ(zero.anomaly, Anomaly::InvalidFill);
  EXPECT_FALSE(zero.fill.valid);
  const ApplyResult no_price = fill(id, 10, Price{0});
  EXPECT_EQ(no_price.anomaly, Anomaly::InvalidFill);
}

TEST_F(OmsTest, CancelSendsARequestWithItsOwnIdAndRefusesRepeats) {
  const OrderId id = submit();
  ack(id);
  const RequestResult c = oms.cancel(id, ++clock);
  ASSERT_EQ(c.reason, RejectReason::None);
  EXPECT_NE(c.request_id, id);
  EXPECT_EQ(gateway.sent.back().kind, Kind::Cancel);
  EXPECT_EQ(gateway.sent.back().request_id, c.request_id);
  EXPECT_EQ(state(id), OrderState::PendingCancel);
  EXPECT_EQ(oms.cancel(id, ++clock).reason, RejectReason::RequestPending);
  EXPECT_EQ(oms.cancel(OrderId{1}, ++clock).reason, RejectReason::UnknownOrder);
  answer(ExecKind::Canceled, id, c.request_id);
  EXPECT_EQ(state(id), OrderState::Canceled);
  EXPECT_EQ(oms.cancel(id, ++clock).reason, RejectReason::OrderNotLive);
  EXPECT_EQ(oms.exposure(SymbolId{0}).buy_qty, 0);
}

TEST_F(OmsTest, CancelRejectReturnsToThePartiallyFilledStateAFillLeft) {
  const OrderId id = submit(Side::Buy, 100);
  ack(id);
  oms.cancel(id, ++clock);
  fill(id, 25);  // crossed the cancel on the wire
  EXPECT_EQ(state(id), OrderState::PendingCancel);
  answer(ExecKind::CancelRejected, id);
  EXPECT_EQ(state(id), OrderState::PartiallyFilled);
  EXPECT_EQ(oms.exposure(SymbolId{0}).buy_qty, 75);
}

TEST_F(OmsTest, ReplaceCountsTheWorstOfBothTermsUntilAnswered) {
  const OrderId id = submit(Side::Buy, 100, Price{1'000'000});
  ack(id);
  const RequestResult r = oms.replace(id, Price{1'010'000}, Qty{60}, Price{1'010'000}, ++clock);
  ASSERT_EQ(r.reason, RejectReason::None);
  EXPECT_EQ(gateway.sent.back().kind, Kind::Replace);
  EXPECT_EQ(gateway.sent.back().request_id, r.request_id);
  EXPECT_EQ(gateway.sent.back().quantity, Qty{60});
  // Either terms may stand: 100 shares, at the higher price.
  EXPECT_EQ(oms.exposure(SymbolId{0}).buy_qty, 100);
  EXPECT_EQ(oms.exposure(SymbolId{0}).buy_notional, 100 * 1'010'000);

  fill(id, 20, Price{1'000'000});  // on the old terms, before the venue replaced
  const ApplyResult done = answer(ExecKind::Replaced, id, r.request_id);
  ASSERT_NE(done.order, nullptr);
  EXPECT_EQ(done.order->cl_ord_id, r.request_id);
  EXPECT_EQ(state(id), OrderState::Replaced);
  const Order* n = oms.find(r.request_id);
  EXPECT_EQ(n->state, OrderState::PartiallyFilled);
  EXPECT_EQ(n->orig_cl_ord_id, id);
  EXPECT_EQ(n->quantity, Qty{60});
  EXPECT_EQ(n->cum, Qty{20});
  EXPECT_EQ(n->leaves, Qty{40});
  EXPECT_EQ(n->price, Price{1'010'000});
  EXPECT_EQ(oms.exposure(SymbolId{0}).buy_qty, 40);
  EXPECT_EQ(oms.live_orders(), 1u);

  fill(r.request_id, 40, Price{1'010'000});
  EXPECT_EQ(oms.find(r.request_id)->state, OrderState::Filled);
  EXPECT_EQ(oms.exposure(SymbolId{0}).buy_qty, 0);
}

TEST_F(OmsTest, ReplaceRejectKeepsTheOldTerms) {
  const OrderId id = submit(Side::Sell, 100, Price{1'000'000});
  ack(id);
  const RequestResult r = oms.replace(id, Price{990'000}, Qty{200}, Price{1'000'000}, ++clock);
  EXPECT_EQ(oms.exposure(SymbolId{0}).sell_qty, 200);
  answer(ExecKind::ReplaceRejected, id, r.request_id);
  EXPECT_EQ(state(id), OrderState::New);
  EXPECT_EQ(oms.find(id)->quantity, Qty{100});
  EXPECT_EQ(oms.exposure(SymbolId{0}).sell_qty, 100);
  EXPECT_EQ(oms.find(r.request_id), nullptr);
}

TEST_F(OmsTest, ReplaceRequestsThatCannotWorkAreRefused) {
  const OrderId id = submit(Side::Buy, 100);
  ack(id);
  fill(id, 50);
  EXPECT_EQ(oms.replace(id, kPx, Qty{50}, kPx, ++clock).reason, RejectReason::InvalidQuantity);
  EXPECT_EQ(oms.replace(id, kPx, Qty{100}, kPx, ++clock).reason, RejectReason::NothingToReplace);
  EXPECT_EQ(oms.replace(OrderId{3}, kPx, Qty{100}, kPx, ++clock).reason, RejectReason::UnknownOrder);
  oms.cancel(id, ++clock);
  EXPECT_EQ(oms.replace(id, kPx, Qty{80}, kPx, ++clock).reason, RejectReason::RequestPending);
}

TEST_F(OmsTest, LocalStopWaitsForItsTriggerThenGoesOut) {
  const OrderId id = submit(Side::Buy, 100, Price{}, OrderType::Stop, Price{1'010'000});
  EXPECT_TRUE(gateway.sent.empty()) << "a stop stays in the engine until triggered";
  EXPECT_EQ(oms.exposure(SymbolId{0}).buy_qty, 100);
  const auto pass = [](const Order&) { return RejectReason::None; };
  EXPECT_EQ(oms.on_trade(SymbolId{0}, Price{1'009'900}, ++clock, pass), 0u);
  EXPECT_EQ(oms.on_trade(SymbolId{1}, Price{1'020'000}, ++clock, pass), 0u) << "another symbol";
  EXPECT_EQ(oms.on_trade(SymbolId{0}, Price{1'010'000}, ++clock, pass), 1u);
  ASSERT_EQ(gateway.sent.size(), 1u);
  EXPECT_EQ(gateway.sent[0].cl_ord_id, id);
  EXPECT_EQ(audit.count(AuditType::StopTriggered), 1u);
  EXPECT_EQ(oms.on_trade(SymbolId{0}, Price{1'020'000}, ++clock, pass), 0u) << "triggers once";
  ack(id);
  EXPECT_EQ(state(id), OrderState::New);
}

TEST_F(OmsTest, SellStopTriggersOnTradesAtOrBelow) {
  const OrderId id = submit(Side::Sell, 100, Price{990'000}, OrderType::StopLimit, Price{995'000});
  const auto pass = [](const Order&) { return RejectReason::None; };
  EXPECT_EQ(oms.on_trade(SymbolId{0}, Price{995'100}, ++clock, pass), 0u);
  EXPECT_EQ(oms.on_trade(SymbolId{0}, Price{994'000}, ++clock, pass), 1u);
  EXPECT_EQ(gateway.sent.back().cl_ord_id, id);
  EXPECT_EQ(gateway.sent.back().price, Price{990'000});
}

TEST_F(OmsTest, TriggeredStopRefusedByTheLastLookIsRejectedLocally) {
  const OrderId id = submit(Side::Buy, 100, Price{}, OrderType::Stop, Price{1'010'000});
  oms.on_trade(SymbolId{0}, Price{1'010'000}, ++clock, [](const Order&) { return RejectReason::KillSwitchHalted; });
  EXPECT_TRUE(gateway.sent.empty());
  EXPECT_EQ(state(id), OrderState::Rejected);
  EXPECT_EQ(audit.last(AuditType::RiskReject)->reason, static_cast<std::uint16_t>(RejectReason::KillSwitchHalted));
  EXPECT_EQ(oms.exposure(SymbolId{0}).buy_qty, 0);
}

TEST_F(OmsTest, WaitingStopIsCancelledAndReplacedLocally) {
  const OrderId id = submit(Side::Buy, 100, Price{}, OrderType::Stop, Price{1'010'000});
  const RequestResult rep = oms.replace(id, Price{}, Qty{50}, kPx, ++clock);
  ASSERT_EQ(rep.reason, RejectReason::None);
  EXPECT_EQ(state(id), OrderState::Replaced);
  const Order* n = oms.find(rep.request_id);
  EXPECT_EQ(n->state, OrderState::PendingNew);
  EXPECT_EQ(n->quantity, Qty{50});
  EXPECT_EQ(oms.cancel(rep.request_id, ++clock).reason, RejectReason::None);
  EXPECT_EQ(oms.find(rep.request_id)->state, OrderState::Canceled);
  EXPECT_TRUE(gateway.sent.empty()) << "nothing was ever at the venue";
  EXPECT_EQ(oms.exposure(SymbolId{0}).buy_qty, 0);
  EXPECT_EQ(oms.on_trade(SymbolId{0}, Price{2'000'000}, ++clock, [](const Order&) { return RejectReason::None; }), 0u);
}

TEST_F(OmsTest, CancelAllCoversEveryLiveOrderOnceAndCanBeScopedToASymbol) {
  const OrderId a = submit(Side::Buy, 10, kPx, OrderType::Limit, Price{}, SymbolId{0});
  const OrderId b = submit(Side::Sell, 10, kPx, OrderType::Limit, Price{}, SymbolId{1});
  const OrderId c = submit(Side::Buy, 10, kPx, OrderType::Limit, Price{}, SymbolId{1});
  const OrderId d = submit(Side::Buy, 10, kPx, OrderType::Limit, Price{}, SymbolId{2});
  ack(d);
  fill(d, 10);  // done: nothing to cancel
  EXPECT_EQ(oms.cancel_all(SymbolId{1}, ++clock), 2u);
  EXPECT_EQ(state(b), OrderState::PendingCancel);
  EXPECT_EQ(state(c), OrderState::PendingCancel);
  EXPECT_EQ(state(a), OrderState::PendingNew);
  EXPECT_EQ(oms.cancel_all(++clock), 1u) << "pending cancels are not sent twice";
  EXPECT_EQ(state(a), OrderState::PendingCancel);
}

TEST_F(OmsTest, DoneOrdersMakeRoomOldestFirstButLiveOnesNever) {
  std::vector<OrderId> done;
  for (std::size_t i = 0; i < kCapacity; ++i) {
    const OrderId id = submit();
    ack(id);
    fill(id, 100);
    done.push_back(id);
  }
  // The store is full of done orders: a new one drops the oldest.
  const OrderId fresh = submit();
  EXPECT_EQ(oms.find(done.front()), nullptr);
  EXPECT_NE(oms.find(done[1]), nullptr);
  EXPECT_EQ(oms.counters().retired, 1u);
  // A late report for the dropped order is an unknown order, counted.
  EXPECT_EQ(ack(done.front()).anomaly, Anomaly::UnknownOrder);

  // Fill every slot with live orders: then the store refuses.
  while (oms.live_orders() < kCapacity) submit();
  OrderRequest r;
  r.quantity = Qty{1};
  r.price = kPx;
  EXPECT_EQ(oms.submit(r, kPx, ++clock).reason, RejectReason::OrderStoreFull);
  EXPECT_NE(oms.find(fresh), nullptr);
}

TEST_F(OmsTest, AReplaceHoldsASlotForItsNewOrder) {
  std::vector<OrderId> ids;
  while (oms.live_orders() < kCapacity - 1) ids.push_back(submit());
  ack(ids[0]);
  ASSERT_EQ(oms.replace(ids[0], kPx, Qty{50}, kPx, ++clock).reason, RejectReason::None);
  OrderRequest r;
  r.quantity = Qty{1};
  r.price = kPx;
  EXPECT_EQ(oms.submit(r, kPx, ++clock).reason, RejectReason::OrderStoreFull)
      << "the last slot belongs to the pending replace";
  EXPECT_EQ(answer(ExecKind::Replaced, ids[0]).anomaly, Anomaly::None);
}

TEST_F(OmsTest, EveryEventLeavesAnAuditRecord) {
  const OrderId id = submit();
  ack(id);
  fill(id, 10);
  const RequestResult r = oms.replace(id, kPx, Qty{80}, kPx, ++clock);
  answer(ExecKind::Replaced, id, r.request_id);
  oms.cancel(r.request_id, ++clock);
  answer(ExecKind::Canceled, r.request_id);
  for (AuditType t : {AuditType::OrderSubmitted, AuditType::OrderAcked, AuditType::Fill, AuditType::ReplaceRequested,
                      AuditType::Replaced, AuditType::CancelRequested, AuditType::Canceled}) {
    EXPECT_EQ(audit.count(t), 1u) << to_string(t);
  }
  const AuditRecord* canceled = audit.last(AuditType::Canceled);
  EXPECT_EQ(canceled->order_id, r.request_id.value);
  EXPECT_EQ(canceled->qty, 70);
  EXPECT_EQ(canceled->state, static_cast<std::uint8_t>(OrderState::Canceled));
}

TEST_F(OmsTest, AReplaceAckedAfterFillsReachedTheNewQuantityLeavesTheOrderDone) {
  const OrderId id = submit(Side::Buy, 100);
  ack(id);
  const RequestResult r = oms.replace(id, kPx, Qty{50}, kPx, ++clock);
  fill(id, 80);  // on the old terms, before the venue replaced
  answer(ExecKind::Replaced, id, r.request_id);
  const Order* n = oms.find(r.request_id);
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->state, OrderState::Filled);
  EXPECT_EQ(n->leaves, Qty{0});
  EXPECT_EQ(n->cum, Qty{80});
  EXPECT_EQ(oms.live_orders(), 0u);
  EXPECT_EQ(oms.exposure(SymbolId{0}).buy_qty, 0);
  EXPECT_EQ(oms.total_open_qty(), 0);
  EXPECT_EQ(oms.cancel_all(++clock), 0u) << "nothing left to cancel";
}

TEST_F(OmsTest, CallerIdsInTheGeneratorsSpaceAreRefused) {
  OrderRequest r;
  r.quantity = Qty{10};
  r.price = kPx;
  r.cl_ord_id = OrderId{(std::uint64_t{7} << 40) | 1};  // what the generator issues next
  EXPECT_EQ(oms.submit(r, kPx, 1).reason, RejectReason::InvalidClientOrderId);
  const OrderId generated = submit();
  EXPECT_EQ(generated.value, (std::uint64_t{7} << 40) | 1);
}

TEST_F(OmsTest, AReportForAStopStillHeldLocallyIsAnAnomaly) {
  const OrderId id = submit(Side::Buy, 100, Price{}, OrderType::Stop, Price{1'010'000});
  EXPECT_EQ(ack(id).anomaly, Anomaly::InvalidTransition);
  const ApplyResult f = fill(id, 10);
  EXPECT_EQ(f.anomaly, Anomaly::InvalidTransition);
  EXPECT_TRUE(f.fill.valid) << "booked all the same: the venue says it traded";
  EXPECT_EQ(state(id), OrderState::PendingNew);
  EXPECT_EQ(oms.on_trade(SymbolId{0}, Price{1'010'000}, ++clock, [](const Order&) { return RejectReason::None; }), 1u);
}

}  // namespace
}  // namespace hft::trading::test
