#pragma once
/// @file
/// What a strategy (or an operator) asks the trading core for, and the
/// interface through which accepted requests leave for the venue.

#include <cstdint>

#include "hft/trading/order.h"

namespace hft::trading {

/// A new order. `cl_ord_id` 0 lets the OMS generate one (the normal case);
/// a caller-supplied id is checked for duplicates.
struct OrderRequest {
  SymbolId symbol;
  Side side{Side::Buy};
  OrderType type{OrderType::Limit};
  TimeInForce tif{TimeInForce::Day};
  Qty quantity;
  Price price;       ///< limit price; 0 for Market and Stop
  Price stop_price;  ///< trigger for Stop and StopLimit; 0 otherwise
  OrderId cl_ord_id;
  /// Sent by the kill switch to close a position: exempt from the
  /// cancel-on-sight rule of HALTED.
  bool flatten{false};
};

/// Where accepted requests go: the FIX encoder and order session in the
/// engine, a recorder in tests. Called on the hot thread; must not throw.
class OrderGateway {
 public:
  virtual ~OrderGateway() = default;
  virtual void send_new(const Order& order) noexcept = 0;
  /// Cancel `order`; `cancel_id` is the request's own ClOrdID (FIX 4.4 gives
  /// every cancel request one).
  virtual void send_cancel(const Order& order, OrderId cancel_id) noexcept = 0;
  /// Replace `order` with new terms under `new_id`.
  virtual void send_replace(const Order& order, OrderId new_id, Price price, Qty quantity) noexcept = 0;
};

}  // namespace hft::trading
