#pragma once
/// @file
/// An order as the OMS keeps it: identity, terms, fill progress, state, and
/// the TSC time of every transition. Plain data; the rules live in
/// `order_state.h` and `OrderManager`.

#include <cstdint>
#include <string_view>

#include "hft/core/types.h"

namespace hft::trading {

using core::OrderId;
using core::Price;
using core::Qty;
using core::Side;
using core::SymbolId;

/// FIX OrdType values, so the encoder can write the byte directly.
enum class OrderType : std::uint8_t { Market = '1', Limit = '2', Stop = '3', StopLimit = '4' };

/// FIX TimeInForce values.
enum class TimeInForce : std::uint8_t { Day = '0', Gtc = '1', Ioc = '3', Fok = '4' };

/// Life cycle of an order. The pending states mean "asked, not yet
/// answered"; the last five are terminal. Values are on disk (audit log).
enum class OrderState : std::uint8_t {
  PendingNew = 1,  ///< sent, no ack yet (or a local stop waiting for its trigger)
  New = 2,         ///< acknowledged, nothing filled
  PartiallyFilled = 3,
  PendingCancel = 4,   ///< cancel sent; still live at the venue
  PendingReplace = 5,  ///< replace sent; still live at the venue
  Filled = 6,
  Canceled = 7,
  Replaced = 8,  ///< superseded by the order with the new client order id
  Rejected = 9,
  Expired = 10,  ///< end of its time in force (IOC remainder, end of day)
};
inline constexpr std::uint8_t kOrderStateCount = 11;

constexpr bool is_terminal(OrderState s) noexcept { return s >= OrderState::Filled; }
/// Live at the venue: can still trade.
constexpr bool is_live(OrderState s) noexcept { return !is_terminal(s); }

struct Order {
  OrderId cl_ord_id;
  std::uint64_t venue_order_id{0};
  OrderId orig_cl_ord_id;  ///< the order this one replaces (0 if none)
  SymbolId symbol;
  Side side{Side::Buy};
  OrderType type{OrderType::Limit};
  TimeInForce tif{TimeInForce::Day};
  OrderState state{OrderState::PendingNew};
  /// State to return to when a pending cancel/replace is refused.
  OrderState state_before_request{OrderState::PendingNew};
  bool stop_triggered{false};  ///< a local stop whose trigger price traded
  bool flatten{false};         ///< the kill switch's closing order
  Qty quantity;                ///< total ordered
  Qty leaves;                  ///< still open
  Qty cum;                     ///< filled so far
  Price price;                 ///< limit price (0 for market)
  Price stop_price;            ///< trigger for Stop/StopLimit (0 otherwise)
  /// Price the risk checks valued this order at (its limit, or the band edge
  /// of the reference for a market order); open-order notional uses it.
  Price risk_price;
  /// Sum of fill price × quantity, for the average price; 128 bits because a
  /// large order at a high price can pass 2^63 in 1e-4 units squared.
  core::int128 fill_notional{0};
  /// Pending replace's new terms, applied on the replace ack.
  OrderId pending_cl_ord_id;
  Price pending_price;
  Qty pending_quantity;

  std::uint64_t tsc_created{0};
  std::uint64_t tsc_acked{0};
  std::uint64_t tsc_last_fill{0};
  std::uint64_t tsc_request{0};  ///< last cancel/replace request
  std::uint64_t tsc_done{0};     ///< reached a terminal state

  /// Average fill price, rounded to the nearest 1e-4; 0 before any fill.
  Price average_price() const noexcept {
    if (cum.value == 0) return Price{};
    const core::int128 q = cum.value;
    return Price{static_cast<std::int64_t>((fill_notional + q / 2) / q)};
  }
};

std::string_view to_string(OrderState s) noexcept;
std::string_view to_string(OrderType t) noexcept;
std::string_view to_string(TimeInForce t) noexcept;

}  // namespace hft::trading
