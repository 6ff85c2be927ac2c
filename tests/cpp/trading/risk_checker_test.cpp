#include "hft/trading/risk_checker.h"

#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "hft/trading/execution_report.h"
#include "hft/trading/kill_switch.h"
#include "hft/trading/order_id.h"
#include "hft/trading/order_manager.h"
#include "hft/trading/position_book.h"

namespace hft::trading {
namespace {

constexpr std::uint64_t kTicksPerSecond = 1'000'000'000;  // tsc = ns
constexpr std::uint64_t kT0 = 10 * kTicksPerSecond;

constexpr SymbolId kSym{0};               // tick $0.01, lot 1
constexpr SymbolId kLot{1};               // lot 100
constexpr SymbolId kClosed{2};            // tradable: false
constexpr SymbolId kNoQuote{3};           // tradable, never quoted
constexpr SymbolId kUnknown{4};           // outside the configuration
constexpr std::int64_t kRef = 1'000'000;  // $100.00, the mid of every quoted symbol

Price px(std::int64_t raw) { return Price::from_raw(raw); }

class CountingGateway final : public OrderGateway {
 public:
  void send_new(const Order&) noexcept override { ++news; }
  void send_cancel(const Order&, OrderId) noexcept override { ++cancels; }
  void send_replace(const Order&, OrderId, Price, Qty) noexcept override { ++replaces; }
  int news{0};
  int cancels{0};
  int replaces{0};
};

class CountingAudit final : public AuditSink {
 public:
  void record(const AuditRecord&) noexcept override { ++records; }
  int records{0};
};

OrderRequest limit(SymbolId s, Side side, std::int64_t qty, std::int64_t price) {
  OrderRequest r;
  r.symbol = s;
  r.side = side;
  r.type = OrderType::Limit;
  r.quantity = Qty{qty};
  r.price = px(price);
  return r;
}

OrderRequest market(SymbolId s, Side side, std::int64_t qty) {
  OrderRequest r;
  r.symbol = s;
  r.side = side;
  r.type = OrderType::Market;
  r.quantity = Qty{qty};
  return r;
}

OrderRequest stop(SymbolId s, Side side, std::int64_t qty, std::int64_t stop_price) {
  OrderRequest r;
  r.symbol = s;
  r.side = side;
  r.type = OrderType::Stop;
  r.quantity = Qty{qty};
  r.stop_price = px(stop_price);
  return r;
}

OrderRequest stop_limit(SymbolId s, Side side, std::int64_t qty, std::int64_t stop_price, std::int64_t price) {
  OrderRequest r = stop(s, side, qty, stop_price);
  r.type = OrderType::StopLimit;
  r.price = px(price);
  return r;
}

// Builds the checker and everything it reads. Limits are generous; each test
// tightens the one it is about before calling `build()`.
class RiskCheckerTest : public ::testing::Test {
 protected:
  RiskCheckerTest() {
    limits.max_total_position = 1'000'000;
    limits.max_notional_exposure = std::numeric_limits<std::int64_t>::max() / 4;
    limits.max_orders_per_second = 1'000;
    limits.max_daily_loss = 1'000'000'000'000;
    limits.max_order_quantity = 1'000;
    limits.max_order_notional = std::numeric_limits<std::int64_t>::max() / 4;
    limits.max_open_orders = 1'000;
    limits.price_band_bps = 500;  // 5%
    InstrumentLimits plain;
    plain.tick_size = px(100);
    plain.lot_size = 1;
    plain.max_position = 100'000;
    instruments = {plain, plain, plain, plain};
    instruments[kLot.value].lot_size = 100;
    instruments[kClosed.value].tradable = false;
  }

  void build() {
    kill = std::make_unique<KillSwitch>(audit);
    orders = std::make_unique<OrderManager>(256, instruments.size(), OrderIdGenerator(1), gateway, audit);
    positions = std::make_unique<PositionBook>(instruments.size(), MarkSource::Mid, fee_per_share);
    risk = std::make_unique<RiskChecker>(limits, instruments, kTicksPerSecond, *orders, *positions, *kill);
    for (const SymbolId s : {kSym, kLot, kClosed}) quote(s, kRef);
  }

  // Sets the mid of `s` to `mid` with a $0.02 spread.
  void quote(SymbolId s, std::int64_t mid) { positions->on_quote(s, px(mid - 100), px(mid + 100)); }

  RejectReason check(const OrderRequest& r) { return risk->check_new(r, now).reason; }

  // An open order in the OMS (not risk-checked), valued at its limit.
  const Order* open(const OrderRequest& r) {
    const SubmitResult s = orders->submit(r, r.price.raw > 0 ? r.price : px(kRef), now);
    EXPECT_EQ(s.reason, RejectReason::None);
    return s.order;
  }

  void fill(SymbolId s, Side side, std::int64_t qty, std::int64_t price) {
    ASSERT_TRUE(positions->apply_fill(s, side, Qty{qty}, px(price)));
  }

  void trip(KillLevel level) { kill->trip(KillTrigger::Manual, level, now); }

  RiskLimits limits;
  std::vector<InstrumentLimits> instruments;
  Price fee_per_share;
  std::uint64_t now{kT0};
  CountingGateway gateway;
  CountingAudit audit;
  std::unique_ptr<KillSwitch> kill;
  std::unique_ptr<OrderManager> orders;
  std::unique_ptr<PositionBook> positions;
  std::unique_ptr<RiskChecker> risk;
};

// ---- a clean order ---------------------------------------------------------------

TEST_F(RiskCheckerTest, PlainOrdersPassWithTheirRiskPrice) {
  build();
  const RiskDecision d = risk->check_new(limit(kSym, Side::Buy, 10, kRef), now);
  EXPECT_TRUE(d.passed());
  EXPECT_EQ(d.risk_price, px(kRef));
  // Market and stop orders are valued at the far edge of the band, whichever side.
  const RiskDecision m = risk->check_new(market(kSym, Side::Sell, 10), now);
  EXPECT_TRUE(m.passed());
  EXPECT_EQ(m.risk_price, px(1'050'000));
  const RiskDecision s = risk->check_new(stop(kSym, Side::Buy, 10, 1'010'000), now);
  EXPECT_TRUE(s.passed());
  EXPECT_EQ(s.risk_price, px(1'050'000));
  const RiskDecision sl = risk->check_new(stop_limit(kSym, Side::Buy, 10, 1'010'000, 1'020'000), now);
  EXPECT_TRUE(sl.passed());
  EXPECT_EQ(sl.risk_price, px(1'020'000));
}

// ---- kill switch -----------------------------------------------------------------

TEST_F(RiskCheckerTest, HaltedRejectsEverything) {
  build();
  fill(kSym, Side::Buy, 100, kRef);
  trip(KillLevel::Halt);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::KillSwitchHalted);
  EXPECT_EQ(check(limit(kSym, Side::Sell, 1, kRef)), RejectReason::KillSwitchHalted);  // even reducing
  EXPECT_EQ(check(market(kSym, Side::Sell, 100)), RejectReason::KillSwitchHalted);
}

TEST_F(RiskCheckerTest, ReducingLetsOnlyReducingOrdersThrough) {
  build();
  fill(kSym, Side::Buy, 100, kRef);
  trip(KillLevel::Reduce);
  EXPECT_EQ(check(limit(kSym, Side::Sell, 100, kRef)), RejectReason::None);                // to flat
  EXPECT_EQ(check(limit(kSym, Side::Sell, 101, kRef)), RejectReason::KillSwitchReducing);  // through zero
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::KillSwitchReducing);
  // Flat: nothing reduces.
  EXPECT_EQ(check(limit(kLot, Side::Buy, 100, kRef)), RejectReason::KillSwitchReducing);
  EXPECT_EQ(check(limit(kLot, Side::Sell, 100, kRef)), RejectReason::KillSwitchReducing);
}

TEST_F(RiskCheckerTest, ReducingCountsOpenOrdersOnTheSameSide) {
  build();
  fill(kSym, Side::Sell, 100, kRef);  // short 100
  open(limit(kSym, Side::Buy, 40, 990'000));
  open(limit(kSym, Side::Sell, 500, 1'010'000));  // the other side does not count
  trip(KillLevel::Reduce);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 60, kRef)), RejectReason::None);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 61, kRef)), RejectReason::KillSwitchReducing);
}

TEST_F(RiskCheckerTest, ReducingOrdersSkipPositionExposureAndLossLimits) {
  limits.max_total_position = 10;
  limits.max_notional_exposure = 1;
  limits.max_daily_loss = 1;
  instruments[kSym.value].max_position = 10;
  build();
  fill(kSym, Side::Buy, 100, kRef);  // far beyond every limit
  quote(kSym, kRef - 10'000);        // and losing
  const OrderRequest buy = limit(kSym, Side::Buy, 1, kRef);
  const OrderRequest sell = limit(kSym, Side::Sell, 100, kRef - 10'000);
  EXPECT_EQ(check(buy), RejectReason::MaxPosition);
  EXPECT_EQ(check(sell), RejectReason::None);
  trip(KillLevel::Reduce);
  EXPECT_EQ(check(sell), RejectReason::None);
}

// ---- instrument ------------------------------------------------------------------

TEST_F(RiskCheckerTest, UnknownInstrument) {
  build();
  EXPECT_EQ(check(limit(kNoQuote, Side::Buy, 1, kRef)), RejectReason::NoReferencePrice);  // last known id
  EXPECT_EQ(check(limit(kUnknown, Side::Buy, 1, kRef)), RejectReason::UnknownInstrument);
  EXPECT_EQ(check(limit(SymbolId{0xFFFF'FFFF}, Side::Buy, 1, kRef)), RejectReason::UnknownInstrument);
}

TEST_F(RiskCheckerTest, NotTradable) {
  build();
  EXPECT_EQ(check(limit(kClosed, Side::Buy, 1, kRef)), RejectReason::InstrumentNotTradable);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::None);
}

TEST_F(RiskCheckerTest, HaltedInstrument) {
  build();
  EXPECT_FALSE(risk->halted(kSym));
  risk->set_trading(kSym, false);
  EXPECT_TRUE(risk->halted(kSym));
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::InstrumentHalted);
  EXPECT_EQ(check(limit(kLot, Side::Buy, 100, kRef)), RejectReason::None);  // only that one
  risk->set_trading(kSym, true);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::None);
  risk->set_trading(kUnknown, false);  // out of range: ignored
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::None);
}

// ---- order terms -----------------------------------------------------------------

TEST_F(RiskCheckerTest, StopOrdersRefuseIocAndFok) {
  build();
  for (const TimeInForce tif : {TimeInForce::Ioc, TimeInForce::Fok}) {
    OrderRequest s = stop(kSym, Side::Buy, 1, 1'010'000);
    s.tif = tif;
    EXPECT_EQ(check(s), RejectReason::InvalidTimeInForce);
    OrderRequest sl = stop_limit(kSym, Side::Buy, 1, 1'010'000, 1'020'000);
    sl.tif = tif;
    EXPECT_EQ(check(sl), RejectReason::InvalidTimeInForce);
    OrderRequest l = limit(kSym, Side::Buy, 1, kRef);
    l.tif = tif;
    EXPECT_EQ(check(l), RejectReason::None);
    OrderRequest m = market(kSym, Side::Buy, 1);
    m.tif = tif;
    EXPECT_EQ(check(m), RejectReason::None);
  }
  for (const TimeInForce tif : {TimeInForce::Day, TimeInForce::Gtc}) {
    OrderRequest s = stop(kSym, Side::Buy, 1, 1'010'000);
    s.tif = tif;
    EXPECT_EQ(check(s), RejectReason::None);
  }
}

TEST_F(RiskCheckerTest, QuantityMustBePositive) {
  build();
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::None);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 0, kRef)), RejectReason::InvalidQuantity);
  EXPECT_EQ(check(limit(kSym, Side::Buy, -1, kRef)), RejectReason::InvalidQuantity);
}

TEST_F(RiskCheckerTest, LotSize) {
  build();
  EXPECT_EQ(check(limit(kLot, Side::Buy, 100, kRef)), RejectReason::None);
  EXPECT_EQ(check(limit(kLot, Side::Buy, 200, kRef)), RejectReason::None);
  EXPECT_EQ(check(limit(kLot, Side::Buy, 99, kRef)), RejectReason::LotSize);
  EXPECT_EQ(check(limit(kLot, Side::Buy, 101, kRef)), RejectReason::LotSize);
  EXPECT_EQ(check(limit(kLot, Side::Buy, 150, kRef)), RejectReason::LotSize);
}

TEST_F(RiskCheckerTest, PriceRequiredExactlyForLimitTypes) {
  build();
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, 0)), RejectReason::InvalidPrice);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, -kRef)), RejectReason::InvalidPrice);
  EXPECT_EQ(check(stop_limit(kSym, Side::Buy, 1, 1'010'000, 0)), RejectReason::InvalidPrice);
  OrderRequest m = market(kSym, Side::Buy, 1);
  m.price = px(kRef);
  EXPECT_EQ(check(m), RejectReason::InvalidPrice);
  OrderRequest s = stop(kSym, Side::Buy, 1, 1'010'000);
  s.price = px(kRef);
  EXPECT_EQ(check(s), RejectReason::InvalidPrice);
}

TEST_F(RiskCheckerTest, StopPriceRequiredExactlyForStopTypes) {
  build();
  EXPECT_EQ(check(stop(kSym, Side::Buy, 1, 0)), RejectReason::InvalidStopPrice);
  EXPECT_EQ(check(stop(kSym, Side::Buy, 1, -1'010'000)), RejectReason::InvalidStopPrice);
  EXPECT_EQ(check(stop_limit(kSym, Side::Buy, 1, 0, 1'020'000)), RejectReason::InvalidStopPrice);
  OrderRequest l = limit(kSym, Side::Buy, 1, kRef);
  l.stop_price = px(1'010'000);
  EXPECT_EQ(check(l), RejectReason::InvalidStopPrice);
  OrderRequest m = market(kSym, Side::Buy, 1);
  m.stop_price = px(1'010'000);
  EXPECT_EQ(check(m), RejectReason::InvalidStopPrice);
}

TEST_F(RiskCheckerTest, MaxOrderQuantity) {
  limits.max_order_quantity = 50;
  build();
  EXPECT_EQ(check(limit(kSym, Side::Buy, 50, kRef)), RejectReason::None);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 51, kRef)), RejectReason::MaxOrderQuantity);
  EXPECT_EQ(check(market(kSym, Side::Sell, 51)), RejectReason::MaxOrderQuantity);
}

// ---- price against the market ------------------------------------------------------

TEST_F(RiskCheckerTest, NoReferencePrice) {
  build();
  EXPECT_EQ(check(limit(kNoQuote, Side::Buy, 1, kRef)), RejectReason::NoReferencePrice);
  EXPECT_EQ(check(market(kNoQuote, Side::Buy, 1)), RejectReason::NoReferencePrice);
  positions->on_trade(kNoQuote, px(kRef));  // a trade print is enough
  EXPECT_EQ(check(limit(kNoQuote, Side::Buy, 1, kRef)), RejectReason::None);
}

TEST_F(RiskCheckerTest, TickSize) {
  build();
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, 1'000'100)), RejectReason::None);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, 1'000'050)), RejectReason::TickSize);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, 1'000'001)), RejectReason::TickSize);
  EXPECT_EQ(check(stop(kSym, Side::Buy, 1, 1'010'050)), RejectReason::TickSize);
  EXPECT_EQ(check(stop_limit(kSym, Side::Buy, 1, 1'010'000, 1'020'050)), RejectReason::TickSize);
  EXPECT_EQ(check(stop_limit(kSym, Side::Buy, 1, 1'010'050, 1'020'000)), RejectReason::TickSize);
}

TEST_F(RiskCheckerTest, PriceBandOnLimitPrice) {
  build();  // 5% of $100.00 is $5.00
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, 1'050'000)), RejectReason::None);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, 1'050'100)), RejectReason::PriceBand);
  EXPECT_EQ(check(limit(kSym, Side::Sell, 1, 950'000)), RejectReason::None);
  EXPECT_EQ(check(limit(kSym, Side::Sell, 1, 949'900)), RejectReason::PriceBand);
}

TEST_F(RiskCheckerTest, PriceBandOnStopPrice) {
  build();
  EXPECT_EQ(check(stop(kSym, Side::Buy, 1, 1'050'000)), RejectReason::None);
  EXPECT_EQ(check(stop(kSym, Side::Buy, 1, 1'050'100)), RejectReason::PriceBand);
  EXPECT_EQ(check(stop(kSym, Side::Sell, 1, 950'000)), RejectReason::None);
  EXPECT_EQ(check(stop(kSym, Side::Sell, 1, 949'900)), RejectReason::PriceBand);
  // A stop limit: both prices are checked.
  EXPECT_EQ(check(stop_limit(kSym, Side::Buy, 1, 1'040'000, 1'050'000)), RejectReason::None);
  EXPECT_EQ(check(stop_limit(kSym, Side::Buy, 1, 1'040'000, 1'050'100)), RejectReason::PriceBand);
  EXPECT_EQ(check(stop_limit(kSym, Side::Buy, 1, 1'050'100, 1'050'000)), RejectReason::PriceBand);
}

TEST_F(RiskCheckerTest, PriceBandFollowsTheReference) {
  build();
  quote(kSym, 2'000'000);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, 2'100'000)), RejectReason::None);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, 2'100'100)), RejectReason::PriceBand);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, 1'050'000)), RejectReason::PriceBand);
}

TEST_F(RiskCheckerTest, ZeroBandAllowsOnlyTheReference) {
  limits.price_band_bps = 0;
  build();
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::None);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef + 100)), RejectReason::PriceBand);
  const RiskDecision m = risk->check_new(market(kSym, Side::Buy, 1), now);
  EXPECT_TRUE(m.passed());
  EXPECT_EQ(m.risk_price, px(kRef));
}

TEST_F(RiskCheckerTest, MaxOrderNotional) {
  limits.max_order_notional = 100 * kRef;  // $10'000
  build();
  EXPECT_EQ(check(limit(kSym, Side::Buy, 100, kRef)), RejectReason::None);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 100, kRef + 100)), RejectReason::MaxOrderNotional);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 101, kRef)), RejectReason::MaxOrderNotional);
  // A market order is valued at the band edge, $105.00: 95 × 105 = 9'975 passes, 96 does not.
  EXPECT_EQ(check(market(kSym, Side::Buy, 95)), RejectReason::None);
  EXPECT_EQ(check(market(kSym, Side::Buy, 96)), RejectReason::MaxOrderNotional);
  EXPECT_EQ(check(market(kSym, Side::Sell, 96)), RejectReason::MaxOrderNotional);
  EXPECT_EQ(check(stop(kSym, Side::Sell, 96, 990'000)), RejectReason::MaxOrderNotional);
}

TEST_F(RiskCheckerTest, NotionalOverflowIsRejected) {
  limits.max_order_quantity = std::numeric_limits<std::int64_t>::max();
  limits.max_order_notional = std::numeric_limits<std::int64_t>::max();
  limits.max_notional_exposure = std::numeric_limits<std::int64_t>::max();
  limits.max_total_position = 1'000'000'000;
  instruments[kSym.value].max_position = 1'000'000'000;
  build();
  const std::int64_t price = 400'000'000'000'000;  // 4e14: 10^4 shares fit, 10^5 do not
  quote(kSym, price);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 10'000, price)), RejectReason::None);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 100'000, price)), RejectReason::Overflow);
  EXPECT_EQ(check(market(kSym, Side::Buy, 100'000)), RejectReason::Overflow);
}

// ---- position and exposure -----------------------------------------------------------

TEST_F(RiskCheckerTest, MaxPositionCountsPositionAndOpenOrders) {
  instruments[kSym.value].max_position = 500;
  build();
  fill(kSym, Side::Buy, 200, kRef);
  open(limit(kSym, Side::Buy, 100, 990'000));
  open(limit(kSym, Side::Sell, 50, 1'010'000));                             // does not help the buy side
  EXPECT_EQ(check(limit(kSym, Side::Buy, 200, kRef)), RejectReason::None);  // 200 + 100 + 200
  EXPECT_EQ(check(limit(kSym, Side::Buy, 201, kRef)), RejectReason::MaxPosition);
  // Sell side: -(200 - 50 - q) <= 500.
  EXPECT_EQ(check(limit(kSym, Side::Sell, 650, kRef)), RejectReason::None);
  EXPECT_EQ(check(limit(kSym, Side::Sell, 651, kRef)), RejectReason::MaxPosition);
}

TEST_F(RiskCheckerTest, MaxPositionForAShort) {
  instruments[kSym.value].max_position = 500;
  build();
  fill(kSym, Side::Sell, 300, kRef);
  open(limit(kSym, Side::Sell, 100, 1'010'000));
  EXPECT_EQ(check(limit(kSym, Side::Sell, 100, kRef)), RejectReason::None);  // -(-300 - 100 - 100)
  EXPECT_EQ(check(limit(kSym, Side::Sell, 101, kRef)), RejectReason::MaxPosition);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 800, kRef)), RejectReason::None);  // -300 + 800
  EXPECT_EQ(check(limit(kSym, Side::Buy, 801, kRef)), RejectReason::MaxPosition);
}

TEST_F(RiskCheckerTest, MaxPositionIsPerInstrument) {
  instruments[kSym.value].max_position = 10;
  build();
  fill(kSym, Side::Buy, 10, kRef);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::MaxPosition);
  EXPECT_EQ(check(limit(kLot, Side::Buy, 100, kRef)), RejectReason::None);
}

TEST_F(RiskCheckerTest, MaxTotalPosition) {
  limits.max_total_position = 1'000;
  build();
  fill(kSym, Side::Buy, 300, kRef);
  fill(kLot, Side::Sell, 200, kRef);  // gross, not net: 500
  open(limit(kLot, Side::Buy, 100, 990'000));
  EXPECT_EQ(check(limit(kSym, Side::Buy, 400, kRef)), RejectReason::None);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 401, kRef)), RejectReason::MaxTotalPosition);
  EXPECT_EQ(check(limit(kSym, Side::Sell, 401, kRef)), RejectReason::MaxTotalPosition);
}

TEST_F(RiskCheckerTest, MaxNotionalExposure) {
  limits.max_notional_exposure = 500 * kRef;  // $50'000
  build();
  fill(kSym, Side::Buy, 100, kRef);          // $10'000 at the mark
  open(limit(kLot, Side::Sell, 100, kRef));  // $10'000 open
  EXPECT_EQ(check(limit(kSym, Side::Buy, 300, kRef)), RejectReason::None);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 300, kRef + 100)), RejectReason::MaxNotionalExposure);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 301, kRef)), RejectReason::MaxNotionalExposure);
  // The position is valued at the mark, so a move of the market moves the room.
  quote(kSym, 960'000);  // $96: the position is now $9'600, room $30'400
  EXPECT_EQ(check(limit(kSym, Side::Buy, 304, kRef)), RejectReason::None);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 305, kRef)), RejectReason::MaxNotionalExposure);
}

// ---- loss -----------------------------------------------------------------------------

TEST_F(RiskCheckerTest, MaxDailyLossOnUnrealised) {
  limits.max_daily_loss = 1'000'000;  // $100
  build();
  fill(kSym, Side::Buy, 100, kRef);
  quote(kSym, 990'100);  // -$99
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, 990'100)), RejectReason::None);
  quote(kSym, 990'000);  // -$100: at the limit stops
  EXPECT_EQ(positions->totals().pnl(), -1'000'000);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, 990'000)), RejectReason::MaxDailyLoss);
  EXPECT_EQ(check(limit(kLot, Side::Buy, 100, kRef)), RejectReason::MaxDailyLoss);  // firm-wide
  EXPECT_EQ(check(limit(kSym, Side::Sell, 100, 990'000)), RejectReason::None);      // reduces
  EXPECT_EQ(check(limit(kSym, Side::Sell, 101, 990'000)), RejectReason::MaxDailyLoss);
}

TEST_F(RiskCheckerTest, MaxDailyLossCountsRealisedAndFees) {
  limits.max_daily_loss = 1'000'000;
  fee_per_share = px(50);  // $0.005 a share
  build();
  fill(kSym, Side::Buy, 100, kRef);     // fees 5'000
  fill(kSym, Side::Sell, 50, 990'000);  // realised -500'000, fees 2'500
  quote(kSym, 990'150);                 // unrealised on 50: -492'500
  EXPECT_EQ(positions->totals().pnl(), -500'000 - 492'500 - 7'500);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::MaxDailyLoss);
  quote(kSym, 990'200);  // -490'000: half a cent better is inside the limit
  EXPECT_EQ(positions->totals().pnl(), -997'500);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::None);
}

// ---- open orders, duplicate id, rate ------------------------------------------------

TEST_F(RiskCheckerTest, MaxOpenOrders) {
  limits.max_open_orders = 3;
  build();
  open(limit(kSym, Side::Buy, 1, 990'000));
  open(limit(kSym, Side::Buy, 1, 990'000));
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::None);  // would be the third
  const Order* third = open(limit(kSym, Side::Buy, 1, 990'000));
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::MaxOpenOrders);
  EXPECT_EQ(check(limit(kLot, Side::Sell, 100, kRef)), RejectReason::MaxOpenOrders);  // all instruments
  // The venue cancels one: room again.
  ExecutionReport r;
  r.kind = ExecKind::Canceled;
  r.cl_ord_id = third->cl_ord_id;
  r.tsc = now;
  EXPECT_EQ(orders->apply(r).anomaly, Anomaly::None);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::None);
}

TEST_F(RiskCheckerTest, DuplicateClientOrderId) {
  build();
  OrderRequest first = limit(kSym, Side::Buy, 1, 990'000);
  first.cl_ord_id = OrderId{42};
  open(first);
  OrderRequest again = limit(kSym, Side::Buy, 1, kRef);
  again.cl_ord_id = OrderId{42};
  EXPECT_EQ(check(again), RejectReason::DuplicateClientOrderId);
  again.cl_ord_id = OrderId{43};
  EXPECT_EQ(check(again), RejectReason::None);
  again.cl_ord_id = OrderId{};  // the OMS generates one
  EXPECT_EQ(check(again), RejectReason::None);
}

TEST_F(RiskCheckerTest, OrderRateIsATokenBucket) {
  limits.max_orders_per_second = 5;
  build();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::None) << i;
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::OrderRate);
  now += kTicksPerSecond / 5 - 1;  // a tick short of one token
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::OrderRate);
  now += 1;
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::None);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::OrderRate);
  now += 10 * kTicksPerSecond;  // idle: a full second's worth, no more
  for (int i = 0; i < 5; ++i) EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::None) << i;
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::OrderRate);
}

TEST_F(RiskCheckerTest, RejectedOrdersDoNotSpendRateTokens) {
  limits.max_orders_per_second = 2;
  limits.max_order_quantity = 10;
  build();
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(check(limit(kSym, Side::Buy, 11, kRef)), RejectReason::MaxOrderQuantity);
    EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef + 100'000)), RejectReason::PriceBand);
  }
  OrderRequest dup = limit(kSym, Side::Buy, 1, 990'000);
  dup.cl_ord_id = OrderId{7};
  open(dup);
  EXPECT_EQ(check(dup), RejectReason::DuplicateClientOrderId);  // the rule just before the rate
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::None);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::None);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::OrderRate);
}

// ---- rule order ------------------------------------------------------------------------

TEST_F(RiskCheckerTest, RuleOrderEarlierRuleWins) {
  limits.max_order_quantity = 1'000;
  limits.max_order_notional = 1'000 * kRef;
  limits.max_total_position = 2'000;
  limits.max_notional_exposure = 1'500 * kRef;
  limits.max_open_orders = 2;
  limits.max_orders_per_second = 1;
  limits.max_daily_loss = 1'000'000;
  instruments[kSym.value].max_position = 1'500;
  build();
  // REDUCING needs a known instrument to ask whether the order reduces, so
  // an unknown one is reported first; HALTED comes before everything.
  trip(KillLevel::Reduce);
  EXPECT_EQ(check(limit(kUnknown, Side::Buy, 1, kRef)), RejectReason::UnknownInstrument);
  // Reducing before the instrument's state.
  EXPECT_EQ(check(limit(kClosed, Side::Buy, 1, kRef)), RejectReason::KillSwitchReducing);
  trip(KillLevel::Halt);
  EXPECT_EQ(check(limit(kUnknown, Side::Buy, 1, kRef)), RejectReason::KillSwitchHalted);
  build();  // a fresh, ACTIVE kill switch and empty books
  // Not tradable before halted before any term.
  risk->set_trading(kClosed, false);
  EXPECT_EQ(check(limit(kClosed, Side::Buy, 0, 0)), RejectReason::InstrumentNotTradable);
  risk->set_trading(kSym, false);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 0, 0)), RejectReason::InstrumentHalted);
  risk->set_trading(kSym, true);
  // Terms: time in force, quantity, lot, price, stop price, size.
  OrderRequest ioc_stop = stop(kSym, Side::Buy, 0, 0);
  ioc_stop.tif = TimeInForce::Ioc;
  EXPECT_EQ(check(ioc_stop), RejectReason::InvalidTimeInForce);
  EXPECT_EQ(check(limit(kLot, Side::Buy, 0, 0)), RejectReason::InvalidQuantity);
  EXPECT_EQ(check(limit(kLot, Side::Buy, 1'050, 0)), RejectReason::LotSize);  // also too big, no price
  EXPECT_EQ(check(stop_limit(kSym, Side::Buy, 1, 0, 0)), RejectReason::InvalidPrice);
  EXPECT_EQ(check(stop(kSym, Side::Buy, 1'001, 0)), RejectReason::InvalidStopPrice);
  EXPECT_EQ(check(limit(kNoQuote, Side::Buy, 1'001, 1'000'050)), RejectReason::MaxOrderQuantity);
  // Then the market: reference, tick, band, order notional.
  EXPECT_EQ(check(limit(kNoQuote, Side::Buy, 1'000, 1'000'050)), RejectReason::NoReferencePrice);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1'000, 2'000'050)), RejectReason::TickSize);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1'000, 2'000'000)), RejectReason::PriceBand);
  // Order notional before position, total position and notional exposure.
  fill(kSym, Side::Buy, 600, kRef);
  fill(kLot, Side::Sell, 600, kRef);  // gross 1'200, $120'000 at the mark, PnL 0
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1'000, kRef + 100)), RejectReason::MaxOrderNotional);
  // Position before total position before notional exposure before loss.
  EXPECT_EQ(check(limit(kSym, Side::Buy, 901, kRef)), RejectReason::MaxPosition);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 801, kRef)), RejectReason::MaxTotalPosition);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 400, kRef)), RejectReason::MaxNotionalExposure);
  quote(kLot, kRef + 20'000);  // the short loses $1'200: far past the $100 limit
  EXPECT_EQ(check(limit(kSym, Side::Buy, 400, kRef)), RejectReason::MaxNotionalExposure);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 10, kRef)), RejectReason::MaxDailyLoss);
  // Loss before open orders before duplicate id before rate.
  OrderRequest mine = limit(kSym, Side::Sell, 100, kRef);
  mine.cl_ord_id = OrderId{99};
  open(mine);
  open(limit(kLot, Side::Buy, 100, kRef));  // two open: the limit
  EXPECT_EQ(check(limit(kSym, Side::Buy, 10, kRef)), RejectReason::MaxDailyLoss);
  OrderRequest dup = limit(kSym, Side::Sell, 100, kRef - 10'000);  // reduces: skips the loss limit
  dup.cl_ord_id = OrderId{99};
  EXPECT_EQ(check(dup), RejectReason::MaxOpenOrders);
  limits.max_open_orders = 3;
  limits.max_daily_loss = 1'000'000'000;
  build();
  open(mine);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::None);  // spends the only token
  EXPECT_EQ(check(dup), RejectReason::DuplicateClientOrderId);
  dup.cl_ord_id = OrderId{100};
  EXPECT_EQ(check(dup), RejectReason::OrderRate);
}

// ---- replace ------------------------------------------------------------------------

TEST_F(RiskCheckerTest, ReplaceUnderReducingAllowsDecreaseNotIncrease) {
  build();
  fill(kSym, Side::Buy, 100, kRef);
  const Order* o = open(limit(kSym, Side::Sell, 60, 1'010'000));
  trip(KillLevel::Reduce);
  EXPECT_EQ(risk->check_replace(*o, px(1'010'000), Qty{50}, now).reason, RejectReason::None);
  EXPECT_EQ(risk->check_replace(*o, px(1'000'000), Qty{60}, now).reason, RejectReason::None);  // price only
  EXPECT_EQ(risk->check_replace(*o, px(1'010'000), Qty{61}, now).reason, RejectReason::KillSwitchReducing);
  // An order on the increasing side cannot be touched at all.
  const Order* buy = open(limit(kSym, Side::Buy, 10, 990'000));
  EXPECT_EQ(risk->check_replace(*buy, px(990'000), Qty{5}, now).reason, RejectReason::KillSwitchReducing);
  trip(KillLevel::Halt);
  EXPECT_EQ(risk->check_replace(*o, px(1'010'000), Qty{50}, now).reason, RejectReason::KillSwitchHalted);
}

TEST_F(RiskCheckerTest, ReplaceChecksTermsAndBandOnTheNewPrice) {
  limits.max_order_quantity = 100;
  build();
  const Order* o = open(limit(kSym, Side::Buy, 10, kRef));
  EXPECT_EQ(risk->check_replace(*o, px(1'050'000), Qty{10}, now).reason, RejectReason::None);
  EXPECT_EQ(risk->check_replace(*o, px(1'050'100), Qty{10}, now).reason, RejectReason::PriceBand);
  EXPECT_EQ(risk->check_replace(*o, px(949'900), Qty{10}, now).reason, RejectReason::PriceBand);
  EXPECT_EQ(risk->check_replace(*o, px(1'000'050), Qty{10}, now).reason, RejectReason::TickSize);
  EXPECT_EQ(risk->check_replace(*o, px(0), Qty{10}, now).reason, RejectReason::InvalidPrice);
  EXPECT_EQ(risk->check_replace(*o, px(kRef), Qty{0}, now).reason, RejectReason::InvalidQuantity);
  EXPECT_EQ(risk->check_replace(*o, px(kRef), Qty{100}, now).reason, RejectReason::None);
  EXPECT_EQ(risk->check_replace(*o, px(kRef), Qty{101}, now).reason, RejectReason::MaxOrderQuantity);
  const RiskDecision d = risk->check_replace(*o, px(1'010'000), Qty{20}, now);
  EXPECT_TRUE(d.passed());
  EXPECT_EQ(d.risk_price, px(1'010'000));
  // The band moves with the market.
  quote(kSym, 1'100'000);
  EXPECT_EQ(risk->check_replace(*o, px(1'050'100), Qty{10}, now).reason, RejectReason::None);
  risk->set_trading(kSym, false);
  EXPECT_EQ(risk->check_replace(*o, px(kRef), Qty{5}, now).reason, RejectReason::InstrumentHalted);
}

TEST_F(RiskCheckerTest, ReplaceOfAMarketOrderKeepsItsPrice) {
  build();
  const Order* o = open(market(kSym, Side::Buy, 10));
  EXPECT_EQ(risk->check_replace(*o, Price{}, Qty{5}, now).reason, RejectReason::None);
  EXPECT_EQ(risk->check_replace(*o, px(kRef), Qty{5}, now).reason, RejectReason::InvalidPrice);
}

TEST_F(RiskCheckerTest, ReplaceChecksOnlyTheAddedExposure) {
  instruments[kSym.value].max_position = 150;
  limits.max_order_quantity = 1'000;
  build();
  const Order* o = open(limit(kSym, Side::Buy, 100, kRef));
  // The order's 100 are already in the exposure: 150 in total is the limit.
  EXPECT_EQ(risk->check_replace(*o, px(kRef), Qty{150}, now).reason, RejectReason::None);
  EXPECT_EQ(risk->check_replace(*o, px(kRef), Qty{151}, now).reason, RejectReason::MaxPosition);
  fill(kSym, Side::Buy, 100, kRef);  // now over with any increase, but a decrease is fine
  EXPECT_EQ(risk->check_replace(*o, px(kRef), Qty{101}, now).reason, RejectReason::MaxPosition);
  EXPECT_EQ(risk->check_replace(*o, px(kRef), Qty{90}, now).reason, RejectReason::None);
}

TEST_F(RiskCheckerTest, ReplaceSpendsARateToken) {
  limits.max_orders_per_second = 2;
  build();
  const Order* o = open(limit(kSym, Side::Buy, 10, kRef));
  EXPECT_EQ(risk->check_replace(*o, px(kRef), Qty{20}, now).reason, RejectReason::None);
  EXPECT_EQ(check(limit(kSym, Side::Buy, 1, kRef)), RejectReason::None);
  EXPECT_EQ(risk->check_replace(*o, px(kRef), Qty{20}, now).reason, RejectReason::OrderRate);
  EXPECT_EQ(risk->check_replace(*o, px(kRef), Qty{0}, now).reason, RejectReason::InvalidQuantity);
}

// ---- stop trigger --------------------------------------------------------------------

TEST_F(RiskCheckerTest, TriggerOfAStopLimitRechecksTheBand) {
  build();
  const Order* o = open(stop_limit(kSym, Side::Buy, 10, 1'030'000, 1'040'000));
  EXPECT_EQ(risk->check_trigger(*o), RejectReason::None);
  quote(kSym, 980'000);  // $1'040'000 is now 6.1% away: beyond the 5% band
  EXPECT_EQ(risk->check_trigger(*o), RejectReason::PriceBand);
  quote(kSym, 990'500);  // 1'040'000 - 990'500 = 49'500 <= 49'525
  EXPECT_EQ(risk->check_trigger(*o), RejectReason::None);
  // A plain stop becomes a market order: no band to check.
  const Order* s = open(stop(kSym, Side::Buy, 10, 1'030'000));
  quote(kSym, 500'000);
  EXPECT_EQ(risk->check_trigger(*s), RejectReason::None);
  EXPECT_EQ(risk->check_trigger(*o), RejectReason::PriceBand);
}

TEST_F(RiskCheckerTest, TriggerWithoutReferencePrice) {
  build();
  const Order* o = open(stop_limit(kNoQuote, Side::Sell, 10, 990'000, 980'000));
  const Order* s = open(stop(kNoQuote, Side::Sell, 10, 990'000));
  EXPECT_EQ(risk->check_trigger(*o), RejectReason::NoReferencePrice);
  EXPECT_EQ(risk->check_trigger(*s), RejectReason::None);
}

TEST_F(RiskCheckerTest, TriggerHonoursKillSwitchAndInstrumentState) {
  build();
  fill(kSym, Side::Buy, 100, kRef);
  const Order* covered = open(stop(kSym, Side::Sell, 60, 990'000));
  const Order* buy = open(stop(kSym, Side::Buy, 10, 1'010'000));
  EXPECT_EQ(risk->check_trigger(*buy), RejectReason::None);
  risk->set_trading(kSym, false);
  EXPECT_EQ(risk->check_trigger(*covered), RejectReason::InstrumentHalted);
  risk->set_trading(kSym, true);
  trip(KillLevel::Reduce);
  // The stop is already in the open exposure: 60 of sells against a long 100 reduce.
  EXPECT_EQ(risk->check_trigger(*covered), RejectReason::None);
  EXPECT_EQ(risk->check_trigger(*buy), RejectReason::KillSwitchReducing);
  open(limit(kSym, Side::Sell, 41, 1'010'000));  // now 101 of sells: not all reducing
  EXPECT_EQ(risk->check_trigger(*covered), RejectReason::KillSwitchReducing);
  trip(KillLevel::Halt);
  EXPECT_EQ(risk->check_trigger(*covered), RejectReason::KillSwitchHalted);
}

TEST_F(RiskCheckerTest, TriggerOnAnUntradableInstrument) {
  build();
  const Order* o = open(stop(kClosed, Side::Sell, 10, 990'000));
  EXPECT_EQ(risk->check_trigger(*o), RejectReason::InstrumentNotTradable);
}

TEST_F(RiskCheckerTest, ChecksChangeNothingButTheRateBucket) {
  limits.max_orders_per_second = 1'000;
  build();
  fill(kSym, Side::Buy, 10, kRef);
  open(limit(kSym, Side::Buy, 10, kRef));
  const PositionTotals before = positions->totals();
  const std::size_t live = orders->live_orders();
  const int sent = gateway.news;
  for (int i = 0; i < 100; ++i) check(limit(kSym, i % 2 == 0 ? Side::Buy : Side::Sell, 1 + i, kRef));
  EXPECT_EQ(orders->live_orders(), live);
  EXPECT_EQ(orders->total_open_qty(), 10);
  EXPECT_EQ(positions->totals().gross_position, before.gross_position);
  EXPECT_EQ(positions->totals().pnl(), before.pnl());
  EXPECT_EQ(gateway.news, sent);
  EXPECT_EQ(kill->state(), KillState::Active);
}

}  // namespace
}  // namespace hft::trading
