// Stable names of the matching engine's enums, for logs, counters and FIX Text.

#include "hft/venue/matching_events.h"
#include "hft/venue/matching_types.h"

namespace hft::venue {

std::string_view to_string(RejectReason r) noexcept {
  switch (r) {
    case RejectReason::None:
      return "none";
    case RejectReason::UnknownInstrument:
      return "unknown_instrument";
    case RejectReason::PriceNotOnTick:
      return "price_not_on_tick";
    case RejectReason::InvalidPrice:
      return "invalid_price";
    case RejectReason::InvalidStopPrice:
      return "invalid_stop_price";
    case RejectReason::QtyZero:
      return "qty_zero";
    case RejectReason::QtyNotLotMultiple:
      return "qty_not_lot_multiple";
    case RejectReason::QtyTooLarge:
      return "qty_too_large";
    case RejectReason::UnknownOrder:
      return "unknown_order";
    case RejectReason::Halted:
      return "halted";
    case RejectReason::Capacity:
      return "capacity";
    case RejectReason::StopAlreadyTriggered:
      return "stop_already_triggered";
    case RejectReason::InvalidOrderType:
      return "invalid_order_type";
  }
  return "?";
}

std::string_view to_string(CancelReason r) noexcept {
  switch (r) {
    case CancelReason::User:
      return "user";
    case CancelReason::Ioc:
      return "ioc";
    case CancelReason::NoLiquidity:
      return "no_liquidity";
    case CancelReason::FillOrKill:
      return "fill_or_kill";
    case CancelReason::SelfMatch:
      return "self_match";
    case CancelReason::Collar:
      return "collar";
    case CancelReason::Capacity:
      return "capacity";
  }
  return "?";
}

std::string_view to_string(OrderType t) noexcept {
  switch (t) {
    case OrderType::Limit:
      return "limit";
    case OrderType::Market:
      return "market";
    case OrderType::Stop:
      return "stop";
    case OrderType::StopLimit:
      return "stop_limit";
  }
  return "?";
}

std::string_view to_string(TimeInForce t) noexcept {
  switch (t) {
    case TimeInForce::Day:
      return "day";
    case TimeInForce::Ioc:
      return "ioc";
    case TimeInForce::Fok:
      return "fok";
  }
  return "?";
}

std::string_view to_string(SelfMatchMode m) noexcept {
  switch (m) {
    case SelfMatchMode::CancelResting:
      return "cancel_resting";
    case SelfMatchMode::CancelIncoming:
      return "cancel_incoming";
    case SelfMatchMode::CancelBoth:
      return "cancel_both";
  }
  return "?";
}

std::string_view to_string(EventKind k) noexcept {
  switch (k) {
    case EventKind::Accepted:
      return "accepted";
    case EventKind::Rejected:
      return "rejected";
    case EventKind::Fill:
      return "fill";
    case EventKind::Cancelled:
      return "cancelled";
    case EventKind::Replaced:
      return "replaced";
    case EventKind::Triggered:
      return "triggered";
    case EventKind::BookAdd:
      return "book_add";
    case EventKind::BookExecuted:
      return "book_executed";
    case EventKind::BookCancel:
      return "book_cancel";
    case EventKind::BookDelete:
      return "book_delete";
    case EventKind::BookReplace:
      return "book_replace";
    case EventKind::TradingStatus:
      return "trading_status";
  }
  return "?";
}

}  // namespace hft::venue
