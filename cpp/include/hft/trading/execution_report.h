#pragma once
/// @file
/// An execution report as the trading core consumes it: the FIX layer turns
/// ExecutionReport (8) and OrderCancelReject (9) into this, with string ids
/// already mapped to integers.

#include <cstdint>

#include "hft/trading/order.h"

namespace hft::trading {

/// What the venue says happened (FIX ExecType, and 9 as the two rejects).
enum class ExecKind : std::uint8_t {
  New,              ///< ExecType 0: order accepted
  Rejected,         ///< ExecType 8: order refused by the venue
  Trade,            ///< ExecType F: a fill (partial or full)
  Canceled,         ///< ExecType 4: cancel done (requested or unsolicited, e.g. an IOC remainder)
  CancelRejected,   ///< OrderCancelReject for a cancel request
  Replaced,         ///< ExecType 5: replace done; cl_ord_id is the new id
  ReplaceRejected,  ///< OrderCancelReject for a replace request
  Expired,          ///< ExecType C: time in force ran out
};

/// CxlRejReason (102) 1: the venue does not know the order.
inline constexpr std::uint16_t kCxlRejUnknownOrder = 1;

struct ExecutionReport {
  ExecKind kind{ExecKind::New};
  /// ClOrdID of the report: the order itself, or the cancel/replace request.
  OrderId cl_ord_id;
  /// OrigClOrdID: the order a cancel/replace acted on; 0 when absent.
  OrderId orig_cl_ord_id;
  std::uint64_t venue_order_id{0};
  /// ExecID mapped to 64 bits (numeric ids as they are, others hashed);
  /// unique per venue execution, so a duplicate can be recognised.
  std::uint64_t exec_id{0};
  SymbolId symbol;
  Side side{Side::Buy};
  Qty last_qty;                   ///< Trade: shares in this fill
  Price last_px;                  ///< Trade: price of this fill
  Qty leaves;                     ///< the venue's LeavesQty, for reconciliation
  Qty cum;                        ///< the venue's CumQty
  std::uint16_t venue_reason{0};  ///< OrdRejReason / CxlRejReason
  std::uint64_t tsc{0};           ///< receive time
};

}  // namespace hft::trading
