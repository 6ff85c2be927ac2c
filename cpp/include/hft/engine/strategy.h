#pragma once
/// @file
/// The strategy interface: what a trading strategy hears (book changes,
/// trades, trading status, its fills and order updates, timers, the kill
/// switch) and nothing else. A strategy acts only through the
/// `StrategyContext` it is handed, so every order it sends passes the kill
/// switch and the risk chain of `trading::TradingCore`.
///
/// Strategies are driven by a `StrategyHost` on the engine's hot thread:
/// every callback is `noexcept`, must not block, allocate or throw, and runs
/// to completion before the next event. Start-up work (sizing tables,
/// converting durations to TSC ticks) belongs in `on_start`.

#include <cstdint>
#include <string_view>

#include "hft/core/types.h"
#include "hft/market_data/order_book.h"
#include "hft/trading/execution_report.h"
#include "hft/trading/kill_switch.h"
#include "hft/trading/order.h"

namespace hft::engine {

using core::OrderId;
using core::Price;
using core::Qty;
using core::Side;
using core::SymbolId;

class StrategyContext;

/// What happened to one of the strategy's orders (a venue report the OMS
/// applied). The OMS stays the owner of order state: `order` is its record
/// after the report, the thing to read terms and fill progress from.
struct OrderUpdate {
  trading::ExecKind kind{trading::ExecKind::New};
  /// The report's ClOrdID: the order, or the cancel/replace request (after a
  /// replace this is the new order's id).
  OrderId id;
  /// The order a cancel/replace acted on (0 when the report had none).
  OrderId orig_id;
  SymbolId symbol;
  /// The OMS's order after the report; nullptr when it no longer knows it.
  const trading::Order* order{nullptr};
};

/// Base of every strategy. Override what you need; the defaults ignore the
/// event. `symbol` is always one of the instruments the strategy was created
/// for (the host dispatches by subscription).
class Strategy {
 public:
  virtual ~Strategy() = default;

  /// The configured name ("mm1"), for logs and telemetry.
  virtual std::string_view name() const noexcept = 0;

  /// Once, before any event, off the hot path: may allocate.
  virtual void on_start(StrategyContext& /*ctx*/) {}

  /// The best bid or offer of `symbol` changed; `book` is the whole L3/L2
  /// book, read-only, valid only during the call.
  virtual void on_book_update(StrategyContext& ctx, SymbolId symbol, const market_data::OrderBook& book) noexcept = 0;

  /// A trade printed on the market (anyone's). `aggressor` took liquidity.
  virtual void on_trade(StrategyContext& /*ctx*/, SymbolId /*symbol*/, Price /*price*/, std::uint32_t /*shares*/,
                        Side /*aggressor*/) noexcept {}

  /// The venue's trading status of `symbol` changed ('T' trading, 'H'
  /// halted, 'P' paused, 'Q' quotation only).
  virtual void on_trading_state(StrategyContext& /*ctx*/, SymbolId /*symbol*/, char /*state*/) noexcept {}

  /// One of the orders of this strategy's instruments filled `quantity` at
  /// `price`. Called after positions were updated, before `on_order_update`
  /// for the same report. Strategies sharing an instrument each see it and
  /// keep to the ids they sent.
  virtual void on_fill(StrategyContext& /*ctx*/, const trading::Order& /*order*/, Qty /*quantity*/,
                       Price /*price*/) noexcept {}

  /// Any applied report about an order of this strategy's instruments (ack,
  /// venue reject, cancel, replace, expiry, fill).
  virtual void on_order_update(StrategyContext& /*ctx*/, const OrderUpdate& /*update*/) noexcept {}

  /// The pipeline's timer, `now` in TSC ticks (at least a few times a second).
  virtual void on_timer(StrategyContext& /*ctx*/, std::uint64_t /*now*/) noexcept {}

  /// The kill switch changed state (tripped, or resumed to Active). The
  /// core has already cancelled what the state requires; a strategy cancels
  /// the rest of its own orders and stops quoting.
  virtual void on_kill(StrategyContext& /*ctx*/, trading::KillState /*state*/) noexcept {}
};

}  // namespace hft::engine
