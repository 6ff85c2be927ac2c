#pragma once
/// @file
/// Reason codes of the trading core. Every refusal — a pre-trade reject, an
/// execution report the order state does not allow, a kill-switch trigger —
/// carries one of these to the caller, the counters and the audit log. The
/// numeric values are written to audit files: append, never renumber.

#include <cstdint>
#include <string_view>

namespace hft::trading {

/// Why an order request (new, cancel or replace) was refused before it left.
enum class RejectReason : std::uint16_t {
  None = 0,
  KillSwitchHalted = 1,       ///< the kill switch is HALTED: nothing passes
  KillSwitchReducing = 2,     ///< REDUCING, and this order would not reduce a position
  UnknownInstrument = 3,      ///< symbol id outside the configured instruments
  InstrumentNotTradable = 4,  ///< `tradable: false` in the symbol configuration
  InstrumentHalted = 5,       ///< the venue's trading status is not "trading"
  InvalidQuantity = 6,        ///< quantity <= 0
  LotSize = 7,                ///< quantity not a multiple of the lot size
  InvalidPrice = 8,           ///< limit price <= 0, or a price given where none is allowed
  TickSize = 9,               ///< price or stop price not on the tick grid
  /// Stop price missing or <= 0 on a stop order, or given on another type.
  /// A stop already through the market is accepted and triggers on the next
  /// trade, as a venue-held stop would.
  InvalidStopPrice = 10,
  InvalidTimeInForce = 11,  ///< type/time-in-force pair the engine does not send
  MaxOrderQuantity = 12,
  MaxOrderNotional = 13,
  NoReferencePrice = 14,  ///< no book or trade price to check a price band against
  PriceBand = 15,         ///< outside price_band_bps of the reference (fat finger)
  MaxPosition = 16,       ///< instrument position + open orders beyond its limit
  MaxTotalPosition = 17,  ///< sum over instruments beyond risk.max_total_position
  MaxNotionalExposure = 18,
  OrderRate = 19,  ///< token bucket of max_orders_per_second is empty
  MaxOpenOrders = 20,
  DuplicateClientOrderId = 21,
  MaxDailyLoss = 22,      ///< realised + unrealised loss beyond the limit
  OrderStoreFull = 23,    ///< every order slot holds a live order
  Overflow = 24,          ///< a notional or position would overflow 64 bits
  UnknownOrder = 25,      ///< cancel/replace of an order the OMS does not know
  OrderNotLive = 26,      ///< cancel/replace of an order that is done
  RequestPending = 27,    ///< a cancel or replace for this order is still unanswered
  NothingToReplace = 28,  ///< replace with the same price and quantity
  /// A caller-supplied client order id inside the generator's space (a
  /// non-zero session in the top 24 bits), where it could collide.
  InvalidClientOrderId = 29,
};
inline constexpr std::uint16_t kRejectReasonCount = 30;

/// An execution report the OMS refused to apply to the order's state.
enum class Anomaly : std::uint16_t {
  None = 0,
  UnknownOrder = 1,       ///< no order with this client order id
  DuplicateExecId = 2,    ///< an execution id seen before: ignored entirely
  FillAfterDone = 3,      ///< a fill for an order already filled, cancelled, rejected or expired
  Overfill = 4,           ///< a fill larger than the order's leaves quantity
  InvalidTransition = 5,  ///< e.g. an ack for an order already acknowledged
  FieldMismatch = 6,      ///< symbol or side in the report differs from the order's
  InvalidFill = 7,        ///< a fill with quantity or price <= 0, or an unknown instrument
};
inline constexpr std::uint16_t kAnomalyCount = 8;

/// What set the kill switch off.
enum class KillTrigger : std::uint16_t {
  None = 0,
  Manual = 1,
  DailyLoss = 2,
  PositionBreach = 3,
  RejectStorm = 4,
  MarketDataStale = 5,
  VenueSessionLost = 6,
  ExecutionAnomaly = 7,
  Shutdown = 8,  ///< the daemon is stopping: no new orders, cancel everything
};
inline constexpr std::uint16_t kKillTriggerCount = 9;

/// Stable lower_snake_case names, used in counters, JSON and the audit reader.
std::string_view to_string(RejectReason r) noexcept;
std::string_view to_string(Anomaly a) noexcept;
std::string_view to_string(KillTrigger t) noexcept;

}  // namespace hft::trading
