#pragma once
/// @file
/// The vocabulary of the venue's matching engine: order types, time in
/// force, reject and cancel reasons, instrument and engine configuration, and
/// the three inputs (new order, cancel, cancel/replace). Plain values only,
/// so the FIX acceptor, the flow generator and tests can build inputs
/// without touching the engine.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hft/core/types.h"

namespace hft::venue {

/// Dense instrument index (the ITCH stock locate is this plus one): its
/// position in `MatchingConfig::instruments`.
using InstrumentId = std::uint16_t;
/// Who sent an order (a FIX session, a simulated participant). Self-match
/// prevention compares these.
using ParticipantId = std::uint32_t;
/// Venue order id: monotonic (with gaps), never 0, unique for the engine's
/// life; also the ITCH 5.0 order reference number.
using VenueOrderId = std::uint64_t;
/// The caller's handle for its client order id. Opaque to the engine: the
/// FIX acceptor keeps the ClOrdID text (any length FIX allows) in its own
/// table and passes an index or hash; events echo it back.
using ClientOrderId = std::uint64_t;

/// How the order executes. FIX OrdType 1, 2, 3, 4.
enum class OrderType : std::uint8_t {
  Limit = 0,      ///< rests at its price (TIF Day) or executes what it can at its price or better
  Market = 1,     ///< executes against whatever rests; never rests
  Stop = 2,       ///< held off book until a trade at or through the stop price, then a market order
  StopLimit = 3,  ///< held off book until triggered, then a limit order at `price`
};

/// How long the order lives. FIX TimeInForce 0, 3, 4.
enum class TimeInForce : std::uint8_t {
  Day = 0,  ///< rests until filled, cancelled or the session ends (market orders never rest)
  Ioc = 1,  ///< immediate or cancel: executes what it can, the rest is cancelled
  Fok = 2,  ///< fill or kill: executes in full at once against resting orders, or not at all
};

/// Why an input was refused. Nothing changed in any book.
enum class RejectReason : std::uint8_t {
  None = 0,
  UnknownInstrument = 1,      ///< instrument index not configured
  PriceNotOnTick = 2,         ///< price or stop price is not a multiple of the tick size
  InvalidPrice = 3,           ///< limit price <= 0 (Limit, StopLimit)
  InvalidStopPrice = 4,       ///< stop price <= 0 (Stop, StopLimit)
  QtyZero = 5,                ///< quantity <= 0
  QtyNotLotMultiple = 6,      ///< quantity is not a multiple of the lot size
  QtyTooLarge = 7,            ///< quantity above the instrument's max_order_qty
  UnknownOrder = 8,           ///< cancel/replace of an order that is not live, or not the participant's
  Halted = 9,                 ///< new order or replace while the instrument is halted
  Capacity = 10,              ///< order pool or the side's price levels are full (no allocation, ever)
  StopAlreadyTriggered = 11,  ///< buy stop at or below the last trade (sell: at or above)
  InvalidOrderType = 12,      ///< an OrderType/TimeInForce/Side value out of range
};
inline constexpr std::size_t kRejectReasonCount = 13;

/// Why (the rest of) an order was cancelled.
enum class CancelReason : std::uint8_t {
  User = 0,         ///< a cancel request
  Ioc = 1,          ///< the unfilled rest of an IOC order
  NoLiquidity = 2,  ///< the unfilled rest of a market order (no more contra orders)
  FillOrKill = 3,   ///< a FOK order that could not fill in full; nothing executed
  SelfMatch = 4,    ///< self-match prevention (resting, incoming, or both)
  Collar = 5,       ///< a market order's rest beyond the instrument's price collar
  /// A triggered stop-limit whose price needs a new level on a side that has
  /// max_levels_per_side already (new orders get a Capacity reject instead).
  Capacity = 6,
};
inline constexpr std::size_t kCancelReasonCount = 7;

/// What happens when an order would trade with an order of the same
/// participant. A trade between the same participant never happens.
enum class SelfMatchMode : std::uint8_t {
  CancelResting = 0,   ///< cancel the resting order, keep matching the incoming one
  CancelIncoming = 1,  ///< cancel the rest of the incoming order; the resting one stays
  CancelBoth = 2,      ///< cancel both
};

/// Trading state of one instrument (ITCH 'H' trading state 'T' / 'H').
enum class TradingState : std::uint8_t {
  Trading = 0,
  Halted = 1,  ///< new orders and replaces rejected (Halted); cancels allowed; resting orders stay
};

/// An instrument, configured once at construction.
struct InstrumentConfig {
  /// ITCH stock symbol, space padded (8 bytes as on the wire).
  std::array<char, 8> symbol{' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
  core::Price tick{core::Price::from_raw(100)};  ///< price increment, > 0 (default one cent)
  std::int64_t lot{1};                           ///< quantity increment, > 0
  /// Largest quantity of one order; at most kMaxOrderQty (ITCH shares are 32-bit).
  std::int64_t max_order_qty{1'000'000};
  /// Market orders (and triggered stops) trade no further than this from the
  /// opposite best price at the moment they start matching; 0 = no collar.
  core::Price collar{};
  TradingState initial_state{TradingState::Trading};

  /// Symbol from text (up to 8 characters, the rest space padded).
  static std::array<char, 8> symbol_of(std::string_view text) noexcept;
};

/// Largest order quantity the engine accepts: the ITCH 5.0 shares field is 32-bit.
inline constexpr std::int64_t kMaxOrderQty = 0xFFFF'FFFF;

/// Engine sizes and policies; everything is allocated once from these.
struct MatchingConfig {
  /// Orders live at once (resting + stops waiting), across all instruments.
  std::size_t order_capacity{1u << 16};
  /// Price levels per side of one instrument's book (each level holds >= 1 order).
  std::size_t max_levels_per_side{4096};
  SelfMatchMode self_match{SelfMatchMode::CancelResting};
  /// Instrument `i` has InstrumentId `i`; at most 65536.
  const InstrumentConfig* instruments{nullptr};
  std::size_t instrument_count{0};
};

/// A new order (FIX NewOrderSingle).
struct NewOrder {
  ClientOrderId client_order_id{0};
  ParticipantId participant{0};
  InstrumentId instrument{0};
  core::Side side{core::Side::Buy};
  OrderType type{OrderType::Limit};
  TimeInForce tif{TimeInForce::Day};
  core::Price price{};       ///< Limit, StopLimit
  core::Price stop_price{};  ///< Stop, StopLimit
  core::Qty qty{};
};

/// Cancel a live order (FIX OrderCancelRequest). Only its participant may.
struct CancelRequest {
  VenueOrderId order_id{0};
  ParticipantId participant{0};
  ClientOrderId client_order_id{0};  ///< the request's own id, echoed in the events
};

/// Cancel/replace a live order (FIX OrderCancelReplaceRequest). `qty` is the
/// new total order quantity (executed shares included), as FIX OrderQty.
struct ReplaceRequest {
  VenueOrderId order_id{0};
  ParticipantId participant{0};
  ClientOrderId client_order_id{0};  ///< the order's new client id from here on
  core::Price price{};               ///< new limit price (Limit, StopLimit)
  core::Price stop_price{};          ///< new stop price (Stop, StopLimit waiting for a trigger)
  core::Qty qty{};
};

/// What one input did, in short (the events say everything).
struct InputResult {
  RejectReason reject{RejectReason::None};
  /// The order the input created or acts on: the new id for an accepted
  /// order and for a replace that lost priority; 0 when rejected.
  VenueOrderId order_id{0};
  bool accepted() const noexcept { return reject == RejectReason::None; }
};

/// Stable lower-case names ("price_not_on_tick", ...) for logs, FIX Text (58) and counters.
std::string_view to_string(RejectReason r) noexcept;
std::string_view to_string(CancelReason r) noexcept;
std::string_view to_string(OrderType t) noexcept;
std::string_view to_string(TimeInForce t) noexcept;
std::string_view to_string(SelfMatchMode m) noexcept;

}  // namespace hft::venue
