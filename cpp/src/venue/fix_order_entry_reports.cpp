// ExecutionReport and OrderCancelReject encoding, and the mapping of the
// matching engine's reasons to FIX reason codes.

#include "hft/venue/fix_order_entry_reports.h"

namespace hft::venue {

namespace fix = protocol::fix;

protocol::ByteView encode_execution_report(fix::Encoder& e, std::uint64_t seq, std::int64_t now_ns,
                                           const ExecReportFields& f) noexcept {
  e.begin("8", seq, now_ns);
  if (f.order_id == 0) {
    e.add_str(37, "NONE");
  } else {
    e.add_int(37, static_cast<std::int64_t>(f.order_id));
  }
  e.add_str(11, f.cl_ord_id);
  if (!f.orig_cl_ord_id.empty()) e.add_str(41, f.orig_cl_ord_id);
  e.add_int(17, static_cast<std::int64_t>(f.exec_id));
  e.add_char(150, f.exec_type);
  e.add_char(39, f.ord_status);
  e.add_str(55, f.symbol);
  e.add_char(54, f.side);
  e.add_int(38, f.order_qty);
  e.add_char(40, f.ord_type);
  if (f.has_price) e.add_price(44, f.price);
  if (f.has_stop_px) e.add_price(99, f.stop_px);
  e.add_char(59, f.time_in_force);
  if (f.last_qty > 0) {
    e.add_int(32, f.last_qty);
    e.add_price(31, f.last_px);
  }
  e.add_int(151, f.leaves_qty);
  e.add_int(14, f.cum_qty);
  e.add_price(6, f.avg_px);
  e.add_utc_timestamp(60, f.transact_time_ns);
  if (f.ord_rej_reason >= 0) e.add_int(103, f.ord_rej_reason);
  if (f.trd_match_id != 0) e.add_int(880, static_cast<std::int64_t>(f.trd_match_id));
  if (!f.text.empty()) e.add_str(58, f.text);
  return e.finish();
}

protocol::ByteView encode_cancel_reject(fix::Encoder& e, std::uint64_t seq, std::int64_t now_ns,
                                        const CancelRejectFields& f) noexcept {
  e.begin("9", seq, now_ns);
  if (f.order_id == 0) {
    e.add_str(37, "NONE");  // FIX 4.4: "NONE" when CxlRejReason is unknown order
  } else {
    e.add_int(37, static_cast<std::int64_t>(f.order_id));
  }
  e.add_str(11, f.cl_ord_id);
  e.add_str(41, f.orig_cl_ord_id);
  e.add_char(39, f.ord_status);
  e.add_char(434, f.response_to);
  e.add_int(102, f.reason);
  e.add_utc_timestamp(60, f.transact_time_ns);
  if (!f.text.empty()) e.add_str(58, f.text);
  return e.finish();
}

std::int32_t ord_rej_reason_of(RejectReason r) noexcept {
  switch (r) {
    case RejectReason::UnknownInstrument:
      return 1;  // Unknown symbol
    case RejectReason::Halted:
      return 2;  // Exchange closed
    case RejectReason::QtyTooLarge:
      return 3;  // Order exceeds limit
    case RejectReason::UnknownOrder:
      return 5;  // Unknown order
    case RejectReason::InvalidOrderType:
      return 11;  // Unsupported order characteristic
    default:
      return 99;  // Other; Text carries the engine's reason
  }
}

std::int32_t cxl_rej_reason_of(RejectReason r) noexcept { return r == RejectReason::UnknownOrder ? 1 : 99; }

char fix_ord_type(OrderType t) noexcept {
  switch (t) {
    case OrderType::Market:
      return '1';
    case OrderType::Limit:
      return '2';
    case OrderType::Stop:
      return '3';
    case OrderType::StopLimit:
      return '4';
  }
  return '2';
}

char fix_time_in_force(TimeInForce t) noexcept {
  switch (t) {
    case TimeInForce::Day:
      return '0';
    case TimeInForce::Ioc:
      return '3';
    case TimeInForce::Fok:
      return '4';
  }
  return '0';
}

core::Price average_price(core::int128 notional, std::int64_t cum_qty) noexcept {
  if (cum_qty <= 0) return core::Price{};
  const core::int128 half = cum_qty / 2;
  const core::int128 q = notional >= 0 ? (notional + half) / cum_qty : (notional - half) / cum_qty;
  return core::Price::from_raw(static_cast<std::int64_t>(q));
}

}  // namespace hft::venue
