#pragma once
/// @file
/// What the matching engine says. Every input produces a sequence of
/// `Event`s, each with the next global sequence number, delivered to the
/// caller's `EventSink` before the input call returns. Two families:
///
///  - Order events (Accepted, Rejected, Fill, Cancelled, Replaced,
///    Triggered) are addressed to the participant that owns the order: they
///    drive the FIX ExecutionReports and OrderCancelRejects.
///  - Book events (BookAdd, BookExecuted, BookCancel, BookDelete,
///    BookReplace) and TradingStatus describe the public book: each maps to
///    one ITCH 5.0 message ('A', 'E', 'X', 'D', 'U', 'H'), with the venue
///    order id as the order reference number. Replaying only the book
///    events rebuilds the engine's books exactly.
///
/// Every trade is at the resting order's price, so 'C' (executed with
/// price) and 'P' (non-displayed trade) are never needed: there are no
/// crosses and no hidden orders.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hft/core/types.h"
#include "hft/venue/matching_types.h"

namespace hft::venue {

/// Event kinds; the comment says which fields are meaningful (`seq`,
/// `timestamp_ns`, `kind` and `instrument` always are).
enum class EventKind : std::uint8_t {
  /// An order entered: order_id (new venue id), client_order_id, participant,
  /// side, order_type, tif, price (limit; 0 for market/stop), stop_price in
  /// `other`, qty (order qty), leaves (= qty). Precedes its fills.
  Accepted = 0,
  /// An input refused: reject, input (which kind), client_order_id,
  /// participant; order_id is the target of a cancel/replace (0 for new).
  Rejected = 1,
  /// One side of a trade, one event per side: order_id, client_order_id,
  /// participant, side, price (trade price), qty (executed now), leaves,
  /// other = match number (shared by both sides and the BookExecuted),
  /// aggressor = true for the incoming side.
  Fill = 2,
  /// The rest of an order left: order_id, client_order_id, participant,
  /// side, price, qty (cancelled now), leaves (= 0), cancel_reason.
  Cancelled = 3,
  /// A cancel/replace applied: order_id (the id from now on: new when
  /// priority was lost, else unchanged), other = the id before, client_order_id
  /// (the new one), side, price, qty (new total), leaves. leaves = 0 means
  /// the new quantity was at or below what had executed: the order is done
  /// (FIX OrdStatus Filled). A waiting stop keeps its id.
  Replaced = 4,
  /// A stop's trigger was hit: order_id, participant, side, price (the trade
  /// price that triggered it), other = stop price. It now matches as a
  /// market (Stop) or limit (StopLimit) order with the same id.
  Triggered = 5,

  /// ITCH 'A': an order now rests: order_id, side, price, qty (= leaves), participant.
  BookAdd = 6,
  /// ITCH 'E': a resting order executed at its price: order_id, side, price,
  /// qty (executed), leaves, other = match number.
  BookExecuted = 7,
  /// ITCH 'X': part of a resting order cancelled, it stays: order_id, qty (cancelled), leaves.
  BookCancel = 8,
  /// ITCH 'D': a resting order left the book without executing (all of what was left).
  BookDelete = 9,
  /// ITCH 'U': a resting order lost priority: other = old id, order_id = new
  /// id, side, price (new), qty (new leaves); same side and instrument.
  BookReplace = 10,
  /// ITCH 'H': the instrument's trading state changed: trading_state.
  TradingStatus = 11,
};
inline constexpr std::size_t kEventKindCount = 12;

/// Which input a Rejected event answers.
enum class InputKind : std::uint8_t { NewOrder = 0, Cancel = 1, Replace = 2, TradingState = 3 };

/// One output of the engine: 80 bytes, plain data, copyable into a ring.
struct Event {
  std::uint64_t seq{0};          ///< global, 1, 2, 3 ... across all instruments
  std::int64_t timestamp_ns{0};  ///< the timestamp passed with the input
  VenueOrderId order_id{0};
  ClientOrderId client_order_id{0};
  core::Price price{};
  std::int64_t qty{0};
  std::int64_t leaves{0};
  /// Match number (Fill, BookExecuted), previous id (Replaced, BookReplace),
  /// stop price raw (Accepted, Triggered).
  std::uint64_t other{0};
  ParticipantId participant{0};
  InstrumentId instrument{0};
  EventKind kind{EventKind::Accepted};
  core::Side side{core::Side::Buy};
  OrderType order_type{OrderType::Limit};
  TimeInForce tif{TimeInForce::Day};
  RejectReason reject{RejectReason::None};
  CancelReason cancel_reason{CancelReason::User};
  InputKind input{InputKind::NewOrder};
  TradingState trading_state{TradingState::Trading};
  bool aggressor{false};
};

/// Where events go. The engine stages events in a fixed buffer and hands
/// them over in order, in one or more batches per input (a sweep through
/// many orders makes more than one batch), always before the input call
/// returns. The pointer is valid only during the call: copy or encode.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_events(const Event* events, std::size_t count) noexcept = 0;

 protected:
  EventSink() = default;
  EventSink(const EventSink&) = default;
  EventSink& operator=(const EventSink&) = default;
};

/// True for the kinds an ITCH publisher turns into book messages.
constexpr bool is_book_event(EventKind k) noexcept { return k >= EventKind::BookAdd && k <= EventKind::TradingStatus; }

std::string_view to_string(EventKind k) noexcept;

}  // namespace hft::venue
