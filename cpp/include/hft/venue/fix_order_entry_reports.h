#pragma once
/// @file
/// The two messages a venue answers order entry with, as plain field sets
/// and their encoders: ExecutionReport (8) and OrderCancelReject (9). Kept
/// apart from FixOrderEntry so the mapping from order state to tags can be
/// read (and tested) on its own.

#include <cstdint>
#include <string_view>

#include "hft/core/types.h"
#include "hft/protocol/fix.h"
#include "hft/venue/matching_types.h"

namespace hft::venue {

/// FIX 4.4 ExecType (150) values the venue sends.
namespace exec_type {
inline constexpr char kNew = '0';
inline constexpr char kCanceled = '4';
inline constexpr char kReplaced = '5';
inline constexpr char kRejected = '8';
inline constexpr char kTrade = 'F';
inline constexpr char kTriggered = 'L';  ///< "Triggered or Activated by System": a stop was hit
}  // namespace exec_type

/// FIX 4.4 OrdStatus (39) values the venue sends.
namespace ord_status {
inline constexpr char kNew = '0';
inline constexpr char kPartiallyFilled = '1';
inline constexpr char kFilled = '2';
inline constexpr char kCanceled = '4';
inline constexpr char kRejected = '8';
}  // namespace ord_status

/// Every field of one ExecutionReport. Views must stay valid until encoded.
struct ExecReportFields {
  VenueOrderId order_id{0};           ///< 37; 0 writes "NONE" (an order the venue never took)
  std::uint64_t exec_id{0};           ///< 17
  std::string_view cl_ord_id;         ///< 11
  std::string_view orig_cl_ord_id;    ///< 41 (replace, cancel); omitted when empty
  char exec_type{exec_type::kNew};    ///< 150
  char ord_status{ord_status::kNew};  ///< 39
  std::string_view symbol;            ///< 55
  char side{'1'};                     ///< 54, as the client sent it
  std::int64_t order_qty{0};          ///< 38
  char ord_type{'2'};                 ///< 40
  char time_in_force{'0'};            ///< 59
  core::Price price{};                ///< 44, written when has_price
  bool has_price{false};
  core::Price stop_px{};  ///< 99, written when has_stop_px
  bool has_stop_px{false};
  std::int64_t last_qty{0};          ///< 32, written with 31 when > 0 (trades)
  core::Price last_px{};             ///< 31
  std::int64_t leaves_qty{0};        ///< 151
  std::int64_t cum_qty{0};           ///< 14
  core::Price avg_px{};              ///< 6
  std::int64_t transact_time_ns{0};  ///< 60
  std::int32_t ord_rej_reason{-1};   ///< 103, written when >= 0
  std::uint64_t trd_match_id{0};     ///< 880, written when != 0 (trades: the match number)
  std::string_view text;             ///< 58, written when not empty
};

/// Every field of one OrderCancelReject.
struct CancelRejectFields {
  VenueOrderId order_id{0};                ///< 37; 0 writes "NONE" (unknown order)
  std::string_view cl_ord_id;              ///< 11: the cancel/replace request's own
  std::string_view orig_cl_ord_id;         ///< 41
  char ord_status{ord_status::kRejected};  ///< 39: the order's status, 8 when unknown
  char response_to{'1'};                   ///< 434: '1' cancel request, '2' cancel/replace request
  std::int32_t reason{99};                 ///< 102: 0 too late, 1 unknown order, 6 duplicate ClOrdID, 99 other
  std::int64_t transact_time_ns{0};        ///< 60
  std::string_view text;                   ///< 58, written when not empty
};

/// Encodes an ExecutionReport with MsgSeqNum `seq` and SendingTime `now_ns`;
/// empty when it does not fit (never truncated).
protocol::ByteView encode_execution_report(protocol::fix::Encoder& e, std::uint64_t seq, std::int64_t now_ns,
                                           const ExecReportFields& f) noexcept;
/// Encodes an OrderCancelReject the same way.
protocol::ByteView encode_cancel_reject(protocol::fix::Encoder& e, std::uint64_t seq, std::int64_t now_ns,
                                        const CancelRejectFields& f) noexcept;

/// OrdRejReason (103) for an engine reject of a new order: unknown symbol 1,
/// halted 2 (exchange closed), too large 3, unknown order 5, unsupported
/// order characteristic 11, anything else 99 (Text names the engine reason).
std::int32_t ord_rej_reason_of(RejectReason r) noexcept;
/// CxlRejReason (102) for an engine reject of a cancel or replace: unknown
/// order 1, anything else 99.
std::int32_t cxl_rej_reason_of(RejectReason r) noexcept;

/// FIX OrdType (40) and TimeInForce (59) characters of the engine's values.
char fix_ord_type(OrderType t) noexcept;
char fix_time_in_force(TimeInForce t) noexcept;

/// AvgPx (6): `notional` (sum of price raw × qty) over `cum_qty`, rounded
/// to the nearest 1e-4 (half away from zero); 0 before the first fill.
core::Price average_price(core::int128 notional, std::int64_t cum_qty) noexcept;

}  // namespace hft::venue
