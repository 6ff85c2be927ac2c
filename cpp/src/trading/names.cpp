// Names of the trading core's enums: one table each, indexed by value, so a
// reader of counters or audit files sees the same words everywhere.
#include <array>
#include <cstddef>

#include "hft/trading/audit_record.h"
#include "hft/trading/order.h"
#include "hft/trading/reason.h"

namespace hft::trading {
namespace {

template <std::size_t N>
std::string_view lookup(const std::array<std::string_view, N>& names, std::size_t i, std::string_view other) {
  return i < N ? names[i] : other;
}

constexpr std::array<std::string_view, kRejectReasonCount> kRejectNames{
    "none",
    "kill_switch_halted",
    "kill_switch_reducing",
    "unknown_instrument",
    "instrument_not_tradable",
    "instrument_halted",
    "invalid_quantity",
    "lot_size",
    "invalid_price",
    "tick_size",
    "invalid_stop_price",
    "invalid_time_in_force",
    "max_order_quantity",
    "max_order_notional",
    "no_reference_price",
    "price_band",
    "max_position",
    "max_total_position",
    "max_notional_exposure",
    "order_rate",
    "max_open_orders",
    "duplicate_client_order_id",
    "max_daily_loss",
    "order_store_full",
    "overflow",
    "unknown_order",
    "order_not_live",
    "request_pending",
    "nothing_to_replace",
    "invalid_client_order_id",
};

constexpr std::array<std::string_view, kAnomalyCount> kAnomalyNames{
    "none",     "unknown_order",      "duplicate_exec_id", "fill_after_done",
    "overfill", "invalid_transition", "field_mismatch",    "invalid_fill",
};

constexpr std::array<std::string_view, kKillTriggerCount> kTriggerNames{
    "none",
    "manual",
    "daily_loss",
    "position_breach",
    "reject_storm",
    "market_data_stale",
    "venue_session_lost",
    "execution_anomaly",
    "shutdown",
};

constexpr std::array<std::string_view, kAuditTypeCount> kAuditNames{
    "invalid",           "config_loaded", "order_submitted",  "risk_reject",    "order_acked",
    "order_rejected",    "fill",          "cancel_requested", "canceled",       "cancel_rejected",
    "replace_requested", "replaced",      "replace_rejected", "expired",        "stop_triggered",
    "exec_anomaly",      "kill_switch",   "kill_step",        "resume_refused", "ring_overflow",
};

constexpr std::array<std::string_view, kOrderStateCount> kStateNames{
    "none",   "pending_new", "new",      "partially_filled", "pending_cancel", "pending_replace",
    "filled", "canceled",    "replaced", "rejected",         "expired",
};

}  // namespace

std::string_view to_string(RejectReason r) noexcept {
  return lookup(kRejectNames, static_cast<std::size_t>(r), "unknown_reject_reason");
}
std::string_view to_string(Anomaly a) noexcept {
  return lookup(kAnomalyNames, static_cast<std::size_t>(a), "unknown_anomaly");
}
std::string_view to_string(KillTrigger t) noexcept {
  return lookup(kTriggerNames, static_cast<std::size_t>(t), "unknown_trigger");
}
std::string_view to_string(AuditType t) noexcept { return lookup(kAuditNames, static_cast<std::size_t>(t), "invalid"); }
std::string_view to_string(OrderState s) noexcept {
  return lookup(kStateNames, static_cast<std::size_t>(s), "unknown_state");
}

std::string_view to_string(OrderType t) noexcept {
  switch (t) {
    case OrderType::Market:
      return "market";
    case OrderType::Limit:
      return "limit";
    case OrderType::Stop:
      return "stop";
    case OrderType::StopLimit:
      return "stop_limit";
  }
  return "unknown_order_type";
}

std::string_view to_string(TimeInForce t) noexcept {
  switch (t) {
    case TimeInForce::Day:
      return "day";
    case TimeInForce::Gtc:
      return "gtc";
    case TimeInForce::Ioc:
      return "ioc";
    case TimeInForce::Fok:
      return "fok";
  }
  return "unknown_time_in_force";
}

}  // namespace hft::trading
