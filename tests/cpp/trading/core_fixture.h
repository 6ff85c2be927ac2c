#pragma once
// A TradingCore with small, explicit limits and recording outlets; time is
// in ns (a 1 GHz "TSC") so tests can state durations directly.
#include <gtest/gtest.h>

#include "hft/trading/trading_core.h"

#include "trading/fakes.h"

namespace hft::trading::test {

inline constexpr std::uint64_t kSecond = 1'000'000'000;
inline constexpr std::int64_t kDollar = 10'000;  // money and prices are in 1e-4 units

inline TradingSettings small_settings() {
  TradingSettings s;
  for (int i = 0; i < 4; ++i) s.instruments.push_back({Price{100}, 1, 1000, true});
  s.risk.max_total_position = 5000;
  s.risk.max_notional_exposure = 100'000'000 * kDollar;
  s.risk.max_orders_per_second = 1'000'000;
  s.risk.max_daily_loss = 1000 * kDollar;
  s.risk.max_order_quantity = 1000;
  s.risk.max_order_notional = 10'000'000 * kDollar;
  s.risk.max_open_orders = 100;
  s.risk.price_band_bps = 500;
  s.kill.reject_storm_count = 5;
  s.kill.reject_storm_window_ns = kSecond;
  s.kill.market_data_stale_ns = 5 * kSecond;
  s.kill.level[static_cast<std::size_t>(KillTrigger::Manual)] = KillLevel::Halt;
  s.kill.level[static_cast<std::size_t>(KillTrigger::DailyLoss)] = KillLevel::Halt;
  s.kill.level[static_cast<std::size_t>(KillTrigger::PositionBreach)] = KillLevel::Reduce;
  s.kill.level[static_cast<std::size_t>(KillTrigger::RejectStorm)] = KillLevel::Halt;
  s.kill.level[static_cast<std::size_t>(KillTrigger::MarketDataStale)] = KillLevel::Reduce;
  s.kill.level[static_cast<std::size_t>(KillTrigger::VenueSessionLost)] = KillLevel::Halt;
  s.kill.level[static_cast<std::size_t>(KillTrigger::ExecutionAnomaly)] = KillLevel::Halt;
  s.order_capacity = 256;
  s.mark = MarkSource::Mid;
  s.fee_per_share = Price{0};
  return s;
}

inline core::TscCalibration nanosecond_clock() {
  core::TscCalibration c;
  c.ticks_per_second = 1e9;
  c.mult = 1;
  c.shift = 0;
  return c;
}

class CoreTest : public ::testing::Test {
 protected:
  explicit CoreTest(TradingSettings s = small_settings())
      : core(s, OrderIdGenerator(3), gateway, audit, nanosecond_clock()) {}

  void SetUp() override {
    for (std::uint32_t i = 0; i < 4; ++i) quote(SymbolId{i}, 99 * kDollar, 101 * kDollar);  // mid $100
  }

  void quote(SymbolId s, std::int64_t bid, std::int64_t ask) { core.on_quote(s, Price{bid}, Price{ask}, now); }

  SubmitResult buy(std::int64_t qty, std::int64_t px = 100 * kDollar, SymbolId s = SymbolId{0}) {
    return order(Side::Buy, qty, px, s);
  }
  SubmitResult sell(std::int64_t qty, std::int64_t px = 100 * kDollar, SymbolId s = SymbolId{0}) {
    return order(Side::Sell, qty, px, s);
  }
  SubmitResult order(Side side, std::int64_t qty, std::int64_t px, SymbolId s) {
    OrderRequest r;
    r.symbol = s;
    r.side = side;
    r.quantity = Qty{qty};
    r.price = Price{px};
    return core.submit(r, ++now);
  }

  ExecutionReport report(ExecKind kind, OrderId id) {
    const Order* o = core.orders().find(id);
    ExecutionReport r;
    r.kind = kind;
    r.cl_ord_id = id;
    if (o != nullptr) {
      r.symbol = o->symbol;
      r.side = o->side;
    }
    r.tsc = ++now;
    return r;
  }
  ApplyResult ack(OrderId id) { return core.on_execution_report(report(ExecKind::New, id)); }
  ApplyResult fill(OrderId id, std::int64_t qty, std::int64_t px = 100 * kDollar) {
    ExecutionReport r = report(ExecKind::Trade, id);
    r.last_qty = Qty{qty};
    r.last_px = Price{px};
    r.exec_id = ++exec;
    return core.on_execution_report(r);
  }
  /// Buys (or sells) `qty` and fills it completely.
  OrderId trade(Side side, std::int64_t qty, std::int64_t px = 100 * kDollar, SymbolId s = SymbolId{0}) {
    const SubmitResult r = order(side, qty, px, s);
    EXPECT_EQ(r.reason, RejectReason::None) << to_string(r.reason);
    if (r.order == nullptr) return {};
    const OrderId id = r.order->cl_ord_id;
    ack(id);
    fill(id, qty, px);
    return id;
  }

  KillState state() const { return core.kill_switch().state(); }

  RecordingGateway gateway;
  RecordingAudit audit;
  TradingCore core;
  std::uint64_t now{kSecond};
  std::uint64_t exec{0};
};

}  // namespace hft::trading::test
