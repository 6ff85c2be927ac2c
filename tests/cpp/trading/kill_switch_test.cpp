// The kill switch inside the trading core: every trigger, what HALTED and
// REDUCING let through, the steps taken and audited, and when resume is
// refused.
#include "hft/trading/kill_switch.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "trading/core_fixture.h"

namespace hft::trading::test {
namespace {

using Kind = SentMessage::Kind;

// ---- the switch on its own ---------------------------------------------------

TEST(KillSwitchAlone, TriggersOnlyRaiseTheState) {
  RecordingAudit audit;
  KillSwitch k(audit);
  EXPECT_EQ(k.trip(KillTrigger::MarketDataStale, KillLevel::Reduce, 10), KillState::Active);
  EXPECT_EQ(k.state(), KillState::Reducing);
  EXPECT_EQ(k.trip(KillTrigger::Manual, KillLevel::Halt, 20), KillState::Reducing);
  EXPECT_EQ(k.state(), KillState::Halted);
  k.trip(KillTrigger::PositionBreach, KillLevel::Reduce, 30);
  EXPECT_EQ(k.state(), KillState::Halted) << "a milder trigger never lowers the state";
  EXPECT_EQ(k.triggers(),
            bit(KillTrigger::MarketDataStale) | bit(KillTrigger::Manual) | bit(KillTrigger::PositionBreach));
  EXPECT_EQ(k.last_trigger(), KillTrigger::Manual);
  EXPECT_EQ(k.tripped_at(), 20u);
  EXPECT_EQ(audit.count(AuditType::KillSwitch), 3u);
}

TEST(KillSwitchAlone, ResumeIsRefusedWhileAFiredConditionHolds) {
  RecordingAudit audit;
  KillSwitch k(audit);
  k.trip(KillTrigger::DailyLoss, KillLevel::Halt, 1);
  const ResumeResult refused = k.resume(bit(KillTrigger::DailyLoss) | bit(KillTrigger::RejectStorm), 2);
  EXPECT_FALSE(refused.resumed);
  EXPECT_EQ(refused.blocking, KillTrigger::DailyLoss);
  EXPECT_EQ(k.state(), KillState::Halted);
  ASSERT_NE(audit.last(AuditType::ResumeRefused), nullptr);
  EXPECT_EQ(audit.last(AuditType::ResumeRefused)->reason, static_cast<std::uint16_t>(KillTrigger::DailyLoss));
  // A condition that holds but never fired does not block.
  const ResumeResult ok = k.resume(bit(KillTrigger::RejectStorm), 3);
  EXPECT_TRUE(ok.resumed);
  EXPECT_EQ(k.state(), KillState::Active);
  EXPECT_EQ(k.triggers(), 0u);
  EXPECT_FALSE(k.resume(0, 4).resumed) << "nothing to resume from";
}

// ---- in the trading core -----------------------------------------------------

TEST_F(CoreTest, ManualHaltStopsNewOrdersAndCancelsEverything) {
  const OrderId a = buy(10).order->cl_ord_id;
  const OrderId b = sell(20).order->cl_ord_id;
  ack(a);
  gateway.sent.clear();

  core.kill(KillLevel::Halt, ++now);
  EXPECT_EQ(state(), KillState::Halted);
  EXPECT_EQ(gateway.count(Kind::Cancel), 2u);
  EXPECT_EQ(core.orders().find(a)->state, OrderState::PendingCancel);
  EXPECT_EQ(core.orders().find(b)->state, OrderState::PendingCancel);

  const SubmitResult refused = buy(1);
  EXPECT_EQ(refused.reason, RejectReason::KillSwitchHalted);
  EXPECT_EQ(gateway.count(Kind::New), 0u);
  EXPECT_EQ(core.counters().rejects[static_cast<std::size_t>(RejectReason::KillSwitchHalted)], 1u);

  // Audit: the transition, then "no order passes", then the cancel-all.
  const AuditRecord* k = audit.last(AuditType::KillSwitch);
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->reason, static_cast<std::uint16_t>(KillTrigger::Manual));
  EXPECT_EQ(k->state, static_cast<std::uint8_t>(KillState::Halted));
  std::vector<AuditRecord> steps;
  for (const AuditRecord& r : audit.records)
    if (r.type == AuditType::KillStep) steps.push_back(r);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].qty, static_cast<std::int32_t>(KillStepKind::NoOrderPasses));
  EXPECT_EQ(steps[1].qty, static_cast<std::int32_t>(KillStepKind::CancelAllIssued));
  EXPECT_EQ(steps[1].order_id, 2u);
  EXPECT_LE(steps[0].ref_id, steps[1].ref_id) << "time since the trigger grows step by step";
}

TEST_F(CoreTest, ACancelTheVenueRefusedWhileHaltedIsSentAgain) {
  const OrderId a = buy(10).order->cl_ord_id;
  ack(a);
  core.kill(KillLevel::Halt, ++now);
  ASSERT_EQ(gateway.count(Kind::Cancel), 1u);
  ExecutionReport refused = report(ExecKind::CancelRejected, a);
  refused.orig_cl_ord_id = a;
  core.on_execution_report(refused);
  EXPECT_EQ(gateway.count(Kind::Cancel), 2u);
  EXPECT_EQ(core.orders().find(a)->state, OrderState::PendingCancel);
}

TEST_F(CoreTest, AnOrderTheVenueDoesNotKnowIsDoneNotCancelledForever) {
  // After a venue restart its book is empty: "unknown order" (CxlRejReason
  // 1) means nothing of ours works there any more.
  const OrderId a = buy(10).order->cl_ord_id;
  ack(a);
  core.kill(KillLevel::Halt, ++now);
  ASSERT_EQ(gateway.count(Kind::Cancel), 1u);
  ExecutionReport unknown = report(ExecKind::CancelRejected, a);
  unknown.orig_cl_ord_id = a;
  unknown.venue_reason = kCxlRejUnknownOrder;
  core.on_execution_report(unknown);
  EXPECT_EQ(gateway.count(Kind::Cancel), 1u) << "not asked again";
  EXPECT_EQ(core.orders().live_orders(), 0u);
  EXPECT_EQ(core.orders().exposure(SymbolId{0}).live_orders, 0u);
}

TEST_F(CoreTest, CancelsAreNeverHeldBackByTheKillSwitch) {
  trade(Side::Buy, 100);
  const OrderId reduce = sell(50).order->cl_ord_id;
  core.kill(KillLevel::Reduce, ++now);
  EXPECT_EQ(core.orders().find(reduce)->state, OrderState::PendingNew) << "a reducing order survives REDUCING";
  EXPECT_EQ(core.cancel(reduce, ++now).reason, RejectReason::None);
  EXPECT_EQ(core.orders().find(reduce)->state, OrderState::PendingCancel);
}

TEST_F(CoreTest, AnOrderAckedAfterTheHaltIsCancelledWhenTheAckArrives) {
  const OrderId a = buy(10).order->cl_ord_id;
  const OrderId b = buy(10).order->cl_ord_id;
  ack(a);
  const RequestResult rep = core.replace(a, Price{100 * kDollar}, Qty{20}, ++now);
  ASSERT_EQ(rep.reason, RejectReason::None);
  core.kill(KillLevel::Halt, ++now);
  EXPECT_EQ(core.orders().find(a)->state, OrderState::PendingReplace) << "cannot cancel mid-replace";
  EXPECT_EQ(core.orders().find(b)->state, OrderState::PendingCancel);
  gateway.sent.clear();
  ExecutionReport done = report(ExecKind::Replaced, a);
  done.orig_cl_ord_id = a;
  done.cl_ord_id = rep.request_id;
  core.on_execution_report(done);
  ASSERT_EQ(gateway.count(Kind::Cancel), 1u);
  EXPECT_EQ(gateway.sent.back().cl_ord_id, rep.request_id);
  EXPECT_EQ(core.orders().find(rep.request_id)->state, OrderState::PendingCancel);
}

TEST_F(CoreTest, ResumeAfterManualHaltLetsOrdersThroughAgain) {
  core.kill(KillLevel::Halt, ++now);
  const ResumeResult r = core.resume(++now);
  EXPECT_TRUE(r.resumed);
  EXPECT_EQ(state(), KillState::Active);
  EXPECT_EQ(buy(1).reason, RejectReason::None);
  EXPECT_EQ(core.counters().resumes, 1u);
}

TEST_F(CoreTest, ManualReduceCancelsOnlyOrdersThatAddToAPosition) {
  trade(Side::Buy, 100);
  const OrderId add = buy(10).order->cl_ord_id;
  const OrderId reduce = sell(50).order->cl_ord_id;
  core.kill(KillLevel::Reduce, ++now);
  EXPECT_EQ(state(), KillState::Reducing);
  EXPECT_EQ(core.orders().find(add)->state, OrderState::PendingCancel);
  EXPECT_EQ(core.orders().find(reduce)->state, OrderState::PendingNew);
  EXPECT_EQ(buy(1).reason, RejectReason::KillSwitchReducing);
  EXPECT_EQ(sell(50).reason, RejectReason::None) << "50 open + 50 new = the 100 long";
  EXPECT_EQ(sell(1).reason, RejectReason::KillSwitchReducing) << "would go short";
}

TEST_F(CoreTest, DailyLossHaltsAndResumeWaitsUntilTheLossIsBackInsideTheLimit) {
  trade(Side::Buy, 1000, 100 * kDollar);
  // Mark down $1: a $1000 loss, exactly the limit.
  quote(SymbolId{0}, 98 * kDollar, 100 * kDollar);
  EXPECT_EQ(state(), KillState::Halted);
  EXPECT_EQ(core.kill_switch().last_trigger(), KillTrigger::DailyLoss);
  const AuditRecord* k = audit.last(AuditType::KillSwitch);
  EXPECT_EQ(k->price, -1000 * kDollar) << "the loss that crossed the limit is in the record";

  const ResumeResult refused = core.resume(++now);
  EXPECT_FALSE(refused.resumed);
  EXPECT_EQ(refused.blocking, KillTrigger::DailyLoss);
  EXPECT_EQ(core.counters().resume_refusals, 1u);

  quote(SymbolId{0}, 99 * kDollar, 101 * kDollar);  // recovered
  EXPECT_TRUE(core.resume(++now).resumed);
}

TEST_F(CoreTest, PositionBreachAfterAFillGoesToReducing) {
  const OrderId id = buy(900).order->cl_ord_id;
  ack(id);
  // The venue fills more than we asked: the position passes the 1000 limit.
  fill(id, 1200);
  EXPECT_EQ(state(), KillState::Halted) << "an overfill is an execution anomaly first";
  EXPECT_TRUE(core.kill_switch().triggers() & bit(KillTrigger::ExecutionAnomaly));
  EXPECT_TRUE(core.kill_switch().triggers() & bit(KillTrigger::PositionBreach));
  EXPECT_EQ(core.positions().at(SymbolId{0}).net, 1200) << "the whole fill is booked";
  EXPECT_EQ(core.resume(++now).blocking, KillTrigger::PositionBreach);
}

class BreachCoreTest : public CoreTest {
 protected:
  static TradingSettings settings() {
    TradingSettings s = small_settings();
    s.kill.level[static_cast<std::size_t>(KillTrigger::ExecutionAnomaly)] = KillLevel::Reduce;
    return s;
  }
  BreachCoreTest() : CoreTest(settings()) {}
};

TEST_F(BreachCoreTest, ResumeAfterABreachOnlyOnceThePositionIsBackInside) {
  const OrderId id = buy(900).order->cl_ord_id;
  ack(id);
  fill(id, 1200);
  EXPECT_EQ(state(), KillState::Reducing);
  EXPECT_EQ(buy(1).reason, RejectReason::KillSwitchReducing);
  EXPECT_FALSE(core.resume(++now).resumed);
  trade(Side::Sell, 300);  // a reducing order passes
  EXPECT_EQ(core.positions().at(SymbolId{0}).net, 900);
  EXPECT_TRUE(core.resume(++now).resumed);
}

TEST_F(CoreTest, RejectStormHaltsUntilTheWindowHasPassed) {
  for (int i = 0; i < 4; ++i) EXPECT_EQ(buy(5000).reason, RejectReason::MaxOrderQuantity);
  EXPECT_EQ(state(), KillState::Active);
  buy(5000);  // the fifth within a second
  EXPECT_EQ(state(), KillState::Halted);
  EXPECT_EQ(core.kill_switch().last_trigger(), KillTrigger::RejectStorm);
  EXPECT_EQ(core.resume(++now).blocking, KillTrigger::RejectStorm);
  now += 2 * kSecond;
  EXPECT_TRUE(core.resume(now).resumed);
}

TEST_F(CoreTest, VenueRejectsCountTowardsTheStorm) {
  for (int i = 0; i < 5; ++i) {
    const OrderId id = buy(1).order->cl_ord_id;
    core.on_execution_report(report(ExecKind::Rejected, id));
  }
  EXPECT_EQ(state(), KillState::Halted);
}

TEST_F(CoreTest, StaleMarketDataReducesAndFreshDataLiftsTheCondition) {
  core.on_timer(now + 4 * kSecond);
  EXPECT_EQ(state(), KillState::Active);
  now += 6 * kSecond;
  core.on_timer(now);
  EXPECT_EQ(state(), KillState::Reducing);
  EXPECT_EQ(core.kill_switch().last_trigger(), KillTrigger::MarketDataStale);
  EXPECT_EQ(core.resume(++now).blocking, KillTrigger::MarketDataStale);
  quote(SymbolId{1}, 99 * kDollar, 101 * kDollar);
  EXPECT_TRUE(core.resume(++now).resumed);
}

TEST_F(CoreTest, LosingTheVenueSessionHaltsUntilItIsBack) {
  buy(10);
  core.on_venue_session(false, ++now);
  EXPECT_EQ(state(), KillState::Halted);
  EXPECT_EQ(core.resume(++now).blocking, KillTrigger::VenueSessionLost);
  core.on_venue_session(true, ++now);
  EXPECT_TRUE(core.resume(++now).resumed);
}

TEST_F(CoreTest, AFillForAnUnknownOrderHaltsButIsBooked) {
  ExecutionReport r;
  r.kind = ExecKind::Trade;
  r.cl_ord_id = OrderId{999};
  r.exec_id = 1;
  r.symbol = SymbolId{1};
  r.side = Side::Sell;
  r.last_qty = Qty{10};
  r.last_px = Price{100 * kDollar};
  r.tsc = ++now;
  core.on_execution_report(r);
  EXPECT_EQ(state(), KillState::Halted);
  EXPECT_EQ(core.kill_switch().last_trigger(), KillTrigger::ExecutionAnomaly);
  EXPECT_EQ(core.positions().at(SymbolId{1}).net, -10);
  EXPECT_TRUE(core.resume(++now).resumed) << "an operator's resume is the acknowledgement";
}

TEST_F(CoreTest, RepeatedTriggersAreCountedOnce) {
  now += 6 * kSecond;
  for (int i = 0; i < 10; ++i) core.on_timer(now + static_cast<std::uint64_t>(i));
  EXPECT_EQ(core.counters().kill_trips[static_cast<std::size_t>(KillTrigger::MarketDataStale)], 1u);
  EXPECT_EQ(audit.count(AuditType::KillSwitch), 1u);
}

TEST_F(CoreTest, WaitingStopIsCancelledByTheHalt) {
  OrderRequest r;
  r.type = OrderType::Stop;
  r.quantity = Qty{10};
  r.stop_price = Price{101 * kDollar};
  const SubmitResult s = core.submit(r, ++now);
  ASSERT_EQ(s.reason, RejectReason::None);
  const OrderId id = s.order->cl_ord_id;
  core.kill(KillLevel::Halt, ++now);
  EXPECT_EQ(core.orders().find(id)->state, OrderState::Canceled) << "cancel-all takes waiting stops too";
  EXPECT_EQ(gateway.count(Kind::New), 0u);
}

class FlattenCoreTest : public CoreTest {
 protected:
  static TradingSettings settings() {
    TradingSettings s = small_settings();
    s.kill.flatten_on_halt = true;
    return s;
  }
  FlattenCoreTest() : CoreTest(settings()) {}
};

TEST_F(FlattenCoreTest, HaltSendsClosingOrdersForEveryPosition) {
  trade(Side::Buy, 300, 100 * kDollar, SymbolId{0});
  trade(Side::Sell, 200, 100 * kDollar, SymbolId{2});
  gateway.sent.clear();
  core.kill(KillLevel::Halt, ++now);
  ASSERT_EQ(gateway.count(Kind::New), 2u);
  for (const SentMessage& m : gateway.sent) {
    if (m.kind != Kind::New) continue;
    EXPECT_EQ(m.type, OrderType::Market);
    EXPECT_EQ(m.tif, TimeInForce::Ioc);
    if (m.symbol == SymbolId{0}) {
      EXPECT_EQ(m.side, Side::Sell);
      EXPECT_EQ(m.quantity, Qty{300});
    } else {
      EXPECT_EQ(m.symbol, SymbolId{2});
      EXPECT_EQ(m.side, Side::Buy);
      EXPECT_EQ(m.quantity, Qty{200});
    }
  }
  EXPECT_EQ(core.counters().flatten_orders, 2u);
  const AuditRecord* step = audit.last(AuditType::KillStep);
  EXPECT_EQ(step->qty, static_cast<std::int32_t>(KillStepKind::FlattenSent));
  EXPECT_EQ(step->order_id, 2u);
}

TEST_F(CoreTest, ReducingCancelsAnAddingOrderOnceItsReplaceIsAnswered) {
  const OrderId a = buy(10).order->cl_ord_id;
  ack(a);
  const RequestResult rep = core.replace(a, Price{100 * kDollar}, Qty{20}, ++now);
  ASSERT_EQ(rep.reason, RejectReason::None);
  core.kill(KillLevel::Reduce, ++now);
  EXPECT_EQ(core.orders().find(a)->state, OrderState::PendingReplace);
  ExecutionReport done = report(ExecKind::Replaced, a);
  done.orig_cl_ord_id = a;
  done.cl_ord_id = rep.request_id;
  core.on_execution_report(done);
  EXPECT_EQ(core.orders().find(rep.request_id)->state, OrderState::PendingCancel);
}

TEST_F(CoreTest, TheSwitchsOwnRefusalsAreNoRejectStorm) {
  core.kill(KillLevel::Reduce, ++now);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(buy(1).reason, RejectReason::KillSwitchReducing);
  EXPECT_EQ(state(), KillState::Reducing) << "refusals by the switch do not escalate it";
  EXPECT_TRUE(core.resume(++now).resumed);
}

TEST_F(CoreTest, CancelsThatLostTheRaceToAFillAreNoRejectStorm) {
  for (int i = 0; i < 10; ++i) {
    const OrderId id = trade(Side::Buy, 1);
    EXPECT_EQ(core.cancel(id, ++now).reason, RejectReason::OrderNotLive);
  }
  EXPECT_EQ(state(), KillState::Active);
}

TEST_F(CoreTest, AFillTheCoreCannotBookHalts) {
  const OrderId id = buy(10).order->cl_ord_id;
  ack(id);
  fill(id, 5, 0);  // no price
  EXPECT_EQ(state(), KillState::Halted);
  EXPECT_EQ(core.kill_switch().last_trigger(), KillTrigger::ExecutionAnomaly);
  EXPECT_EQ(core.positions().at(SymbolId{0}).net, 0);
}

class TightFlattenCoreTest : public CoreTest {
 protected:
  static TradingSettings settings() {
    TradingSettings s = small_settings();
    s.kill.flatten_on_halt = true;
    s.order_capacity = 3;
    return s;
  }
  TightFlattenCoreTest() : CoreTest(settings()) {}
};

// The fill that trips the switch finishes its order; the flatten order may
// then take that order's slot. The core must not mistake one for the other.
TEST_F(TightFlattenCoreTest, TheFlattenOrderIsNeverCancelledByTheHaltItServes) {
  const OrderId r1 = buy(1).order->cl_ord_id;
  const OrderId r2 = sell(1).order->cl_ord_id;
  ack(r1);
  ack(r2);
  const OrderId a = buy(10).order->cl_ord_id;
  ack(a);
  gateway.sent.clear();
  const ApplyResult r = fill(a, 15);  // overfill: execution anomaly, HALT, flatten
  EXPECT_EQ(state(), KillState::Halted);
  ASSERT_EQ(gateway.count(Kind::New), 1u);
  const SentMessage flatten =
      *std::find_if(gateway.sent.begin(), gateway.sent.end(), [](const SentMessage& m) { return m.kind == Kind::New; });
  EXPECT_EQ(flatten.side, Side::Sell);
  EXPECT_EQ(flatten.quantity, Qty{15});
  for (const SentMessage& m : gateway.sent) {
    if (m.kind == Kind::Cancel) {
      EXPECT_NE(m.cl_ord_id, flatten.cl_ord_id);
    }
  }
  EXPECT_TRUE(r.order == nullptr || r.order->cl_ord_id == a) << "the result names the filled order, or none";
  // Its ack while HALTED does not cancel it either.
  ack(flatten.cl_ord_id);
  EXPECT_EQ(core.orders().find(flatten.cl_ord_id)->state, OrderState::New);
}

}  // namespace
}  // namespace hft::trading::test
