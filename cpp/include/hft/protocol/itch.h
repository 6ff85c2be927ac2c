#pragma once
/// @file
/// NASDAQ TotalView-ITCH 5.0: one plain struct per message type, a
/// zero-copy decoder that hands each decoded message to a handler's `on()`
/// overload set, a length-prefixed stream walker with error counters, and an
/// encoder for every type (the venue simulator publishes with it).
///
/// Wire format (specification "Data Types"): every message starts with the
/// type byte, Stock Locate (u16), Tracking Number (u16) and a 6-byte
/// Timestamp (nanoseconds since midnight), then type-specific fields at fixed
/// offsets. Integers are unsigned big-endian. Alpha fields are left-justified
/// ASCII padded with spaces on the right; they are kept as the raw bytes
/// (padding included) so a message re-encodes byte for byte. `Price(4)` is a
/// u32 with 4 implied decimals and maps 1:1 onto `core::Price::raw`;
/// `Price(8)` (the MWCB levels only) is a u64 with 8 implied decimals and is
/// kept as that integer, because `core::Price` has 4 decimals and would drop
/// digits.
///
/// Each message's layout is written once, in its `fields()` function, and
/// drives decode, encode and a compile-time size check against the
/// specification's length table (`message_size`).
///
/// Hot-path use:
///
///   struct BookHandler {
///     void on(const itch::AddOrder& m) noexcept { ... }
///     void on(const itch::OrderDelete& m) noexcept { ... }
///     template <typename M> void on(const M&) noexcept {}  // everything else
///   };
///   itch::DecodeCounters counters;
///   itch::decode_stream(blocks, size, handler, counters);

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <tuple>
#include <type_traits>

#include "hft/core/types.h"
#include "hft/protocol/byte_order.h"

namespace hft::protocol::itch {

/// An 8-byte stock symbol, space-padded on the right ("AAPL    ").
using Stock = std::array<char, 8>;
/// A 4-byte market participant identifier (MPID / attribution).
using Mpid = std::array<char, 4>;

/// Bytes every message starts with: type, locate, tracking, timestamp.
inline constexpr std::size_t kCommonHeaderSize = 11;
/// The longest 5.0 message (NOII, 50 bytes): a buffer this size holds any.
inline constexpr std::size_t kMaxMessageSize = 50;
/// Bytes of the length prefix in a length-prefixed stream.
inline constexpr std::size_t kLengthPrefixSize = 2;

/// `s` left-justified in N bytes, padded with spaces, cut at N: the ITCH
/// Alpha encoding.
template <std::size_t N>
constexpr std::array<char, N> make_alpha(std::string_view s) noexcept {
  std::array<char, N> a{};
  for (std::size_t i = 0; i < N; ++i) a[i] = i < s.size() ? s[i] : ' ';
  return a;
}

/// `make_alpha<8>`, for symbols.
constexpr Stock make_stock(std::string_view s) noexcept { return make_alpha<8>(s); }

/// An alpha field without its trailing space padding.
template <std::size_t N>
constexpr std::string_view trimmed(const std::array<char, N>& a) noexcept {
  std::size_t n = N;
  while (n > 0 && a[n - 1] == ' ') --n;
  return std::string_view(a.data(), n);
}

// ---------------------------------------------------------------------------
// Message structs. Each has kType (the wire type byte), kSize (the exact
// length the specification gives, type byte included), the three common
// header fields, and its own fields in wire order. The comment on each field
// is its byte offset in the message.
//
// fields(io, m) lists the type-specific fields in wire order; io is a reader,
// writer or size counter (see detail:: below). It is static and generic over
// constness so one list serves decode (mutable m) and encode (const m).
// ---------------------------------------------------------------------------

/// 'S' System Event (12 bytes): start/end of messages, system hours, market
/// hours. Event codes: 'O' 'S' 'Q' 'M' 'E' 'C'.
struct SystemEvent {
  static constexpr char kType = 'S';
  static constexpr std::size_t kSize = 12;
  std::uint16_t locate{0};
  std::uint16_t tracking{0};
  std::uint64_t timestamp_ns{0};
  char event_code{' '};  ///< @11

  template <typename IO, typename Self>
  static constexpr void fields(IO& io, Self& m) noexcept {
    io.ch(m.event_code);
  }
  constexpr auto tie() const noexcept { return std::tie(locate, tracking, timestamp_ns, event_code); }
};

/// 'R' Stock Directory (39 bytes): one per symbol at the start of the day;
/// assigns the day's locate code.
struct StockDirectory {
  static constexpr char kType = 'R';
  static constexpr std::size_t kSize = 39;
  std::uint16_t locate{0};
  std::uint16_t tracking{0};
  std::uint64_t timestamp_ns{0};
  Stock stock{};                         ///< @11
  char market_category{' '};             ///< @19 'Q' 'G' 'S' 'N' 'A' 'P' 'Z' 'V' ' '
  char financial_status{' '};            ///< @20
  std::uint32_t round_lot_size{0};       ///< @21
  char round_lots_only{' '};             ///< @25 'Y' / 'N'
  char issue_classification{' '};        ///< @26
  std::array<char, 2> issue_subtype{};   ///< @27
  char authenticity{' '};                ///< @29 'P' production / 'T' test
  char short_sale_threshold{' '};        ///< @30 'Y' 'N' ' '
  char ipo_flag{' '};                    ///< @31 'Y' 'N' ' '
  char luld_reference_price_tier{' '};   ///< @32 '1' '2' ' '
  char etp_flag{' '};                    ///< @33 'Y' 'N' ' '
  std::uint32_t etp_leverage_factor{0};  ///< @34
  char inverse_indicator{' '};           ///< @38 'Y' / 'N'

  template <typename IO, typename Self>
  static constexpr void fields(IO& io, Self& m) noexcept {
    io.alpha(m.stock);
    io.ch(m.market_category);
    io.ch(m.financial_status);
    io.u32(m.round_lot_size);
    io.ch(m.round_lots_only);
    io.ch(m.issue_classification);
    io.alpha(m.issue_subtype);
    io.ch(m.authenticity);
    io.ch(m.short_sale_threshold);
    io.ch(m.ipo_flag);
    io.ch(m.luld_reference_price_tier);
    io.ch(m.etp_flag);
    io.u32(m.etp_leverage_factor);
    io.ch(m.inverse_indicator);
  }
  constexpr auto tie() const noexcept {
    return std::tie(locate, tracking, timestamp_ns, stock, market_category, financial_status, round_lot_size,
                    round_lots_only, issue_classification, issue_subtype, authenticity, short_sale_threshold, ipo_flag,
                    luld_reference_price_tier, etp_flag, etp_leverage_factor, inverse_indicator);
  }
};

/// 'H' Stock Trading Action (25 bytes): halted / paused / quotation only /
/// trading.
struct StockTradingAction {
  static constexpr char kType = 'H';
  static constexpr std::size_t kSize = 25;
  std::uint16_t locate{0};
  std::uint16_t tracking{0};
  std::uint64_t timestamp_ns{0};
  Stock stock{};                 ///< @11
  char trading_state{' '};       ///< @19 'H' 'P' 'Q' 'T'
  char reserved{' '};            ///< @20
  std::array<char, 4> reason{};  ///< @21

  template <typename IO, typename Self>
  static constexpr void fields(IO& io, Self& m) noexcept {
    io.alpha(m.stock);
    io.ch(m.trading_state);
    io.ch(m.reserved);
    io.alpha(m.reason);
  }
  constexpr auto tie() const noexcept {
    return std::tie(locate, tracking, timestamp_ns, stock, trading_state, reserved, reason);
  }
};

/// 'Y' Reg SHO Short Sale Price Test Restricted Indicator (20 bytes).
struct RegShoRestriction {
  static constexpr char kType = 'Y';
  static constexpr std::size_t kSize = 20;
  std::uint16_t locate{0};
  std::uint16_t tracking{0};
  std::uint64_t timestamp_ns{0};
  Stock stock{};             ///< @11
  char reg_sho_action{' '};  ///< @19 '0' '1' '2'

  template <typename IO, typename Self>
  static constexpr void fields(IO& io, Self& m) noexcept {
    io.alpha(m.stock);
    io.ch(m.reg_sho_action);
  }
  constexpr auto tie() const noexcept { return std::tie(locate, tracking, timestamp_ns, stock, reg_sho_action); }
};

/// 'L' Market Participant Position (26 bytes).
struct MarketParticipantPosition {
  static constexpr char kType = 'L';
  static constexpr std::size_t kSize = 26;
  std::uint16_t locate{0};
  std::uint16_t tracking{0};
  std::uint64_t timestamp_ns{0};
  Mpid mpid{};                     ///< @11
  Stock stock{};                   ///< @15
  char primary_market_maker{' '};  ///< @23 'Y' / 'N'
  char market_maker_mode{' '};     ///< @24 'N' 'P' 'S' 'R' 'L'
  char participant_state{' '};     ///< @25 'A' 'E' 'W' 'S' 'D'

  template <typename IO, typename Self>
  static constexpr void fields(IO& io, Self& m) noexcept {
    io.alpha(m.mpid);
    io.alpha(m.stock);
    io.ch(m.primary_market_maker);
    io.ch(m.market_maker_mode);
    io.ch(m.participant_state);
  }
  constexpr auto tie() const noexcept {
    return std::tie(locate, tracking, timestamp_ns, mpid, stock, primary_market_maker, market_maker_mode,
                    participant_state);
  }
};

/// 'V' MWCB Decline Level (35 bytes). The levels are `Price(8)`: u64 with 8
/// implied decimals (100000000 = $1), kept as the wire integer because
/// `core::Price` has only 4 decimals.
struct MwcbDeclineLevel {
  static constexpr char kType = 'V';
  static constexpr std::size_t kSize = 35;
  std::uint16_t locate{0};
  std::uint16_t tracking{0};
  std::uint64_t timestamp_ns{0};
  std::uint64_t level1_e8{0};  ///< @11 Price(8), 1e-8 units
  std::uint64_t level2_e8{0};  ///< @19 Price(8), 1e-8 units
  std::uint64_t level3_e8{0};  ///< @27 Price(8), 1e-8 units

  template <typename IO, typename Self>
  static constexpr void fields(IO& io, Self& m) noexcept {
    io.u64(m.level1_e8);
    io.u64(m.level2_e8);
    io.u64(m.level3_e8);
  }
  constexpr auto tie() const noexcept {
    return std::tie(locate, tracking, timestamp_ns, level1_e8, level2_e8, level3_e8);
  }
};

/// 'W' MWCB Status (12 bytes): a market-wide circuit breaker level breached.
struct MwcbStatus {
  static constexpr char kType = 'W';
  static constexpr std::size_t kSize = 12;
  std::uint16_t locate{0};
  std::uint16_t tracking{0};
  std::uint64_t timestamp_ns{0};
  char breached_level{' '};  ///< @11 '1' '2' '3'

  template <typename IO, typename Self>
  static constexpr void fields(IO& io, Self& m) noexcept {
    io.ch(m.breached_level);
  }
  constexpr auto tie() const noexcept { return std::tie(locate, tracking, timestamp_ns, breached_level); }
};

/// 'K' IPO Quoting Period Update (28 bytes).
struct IpoQuotingPeriodUpdate {
  static constexpr char kType = 'K';
  static constexpr std::size_t kSize = 28;
  std::uint16_t locate{0};
  std::uint16_t tracking{0};
  std::uint64_t timestamp_ns{0};
  Stock stock{};                    ///< @11
  std::uint32_t release_time_s{0};  ///< @19 IPO quotation release time, seconds since midnight
  char release_qualifier{' '};      ///< @23 'A' anticipated / 'C' cancelled-postponed
  core::Price ipo_price{};          ///< @24 Price(4)

  template <typename IO, typename Self>
  static constexpr void fields(IO& io, Self& m) noexcept {
    io.alpha(m.stock);
    io.u32(m.release_time_s);
    io.ch(m.release_qualifier);
    io.price4(m.ipo_price);
  }
  constexpr auto tie() const noexcept {
    return std::tie(locate, tracking, timestamp_ns, stock, release_time_s, release_qualifier, ipo_price);
  }
};

/// 'J' LULD Auction Collar (35 bytes).
struct LuldAuctionCollar {
  static constexpr char kType = 'J';
  static constexpr std::size_t kSize = 35;
  std::uint16_t locate{0};
  std::uint16_t tracking{0};
  std::uint64_t timestamp_ns{0};
  Stock stock{};                      ///< @11
  core::Price reference_price{};      ///< @19 Price(4)
  core::Price upper_price{};          ///< @23 Price(4)
  core::Price lower_price{};          ///< @27 Price(4)
  std::uint32_t collar_extension{0};  ///< @31 number of extensions

  template <typename IO, typename Self>
  static constexpr void fields(IO& io, Self& m) noexcept {
    io.alpha(m.stock);
    io.price4(m.reference_price);
    io.price4(m.upper_price);
    io.price4(m.lower_price);
    io.u32(m.collar_extension);
  }
  constexpr auto tie() const noexcept {
    return std::tie(locate, tracking, timestamp_ns, stock, reference_price, upper_price, lower_price, collar_extension);
  }
};

/// 'h' Operational Halt (21 bytes).
struct OperationalHalt {
  static constexpr char kType = 'h';
  static constexpr std::size_t kSize = 21;
  std::uint16_t locate{0};
  std::uint16_t tracking{0};
  std::uint64_t timestamp_ns{0};
  Stock stock{};          ///< @11
  char market_code{' '};  ///< @19 'Q' 'B' 'X'
  char halt_action{' '};  ///< @20 'H' halted / 'T' resumed

  template <typename IO, typename Self>
  static constexpr void fields(IO& io, Self& m) noexcept {
    io.alpha(m.stock);
    io.ch(m.market_code);
    io.ch(m.halt_action);
  }
  constexpr auto tie() const noexcept {
    return std::tie(locate, tracking, timestamp_ns, stock, market_code, halt_action);
  }
};

/// 'A' Add Order, no MPID attribution (36 bytes).
struct AddOrder {
  static constexpr char kType = 'A';
  static constexpr std::size_t kSize = 36;
  std::uint16_t locate{0};
  std::uint16_t tracking{0};
  std::uint64_t timestamp_ns{0};
  std::uint64_t ref{0};              ///< @11 order reference number
  core::Side side{core::Side::Buy};  ///< @19 'B' / 'S'
  std::uint32_t shares{0};           ///< @20
  Stock stock{};                     ///< @24
  core::Price price{};               ///< @32 Price(4)

  template <typename IO, typename Self>
  static constexpr void fields(IO& io, Self& m) noexcept {
    io.u64(m.ref);
    io.side(m.side);
    io.u32(m.shares);
    io.alpha(m.stock);
    io.price4(m.price);
  }
  constexpr auto tie() const noexcept {
    return std::tie(locate, tracking, timestamp_ns, ref, side, shares, stock, price);
  }
};

/// 'F' Add Order with MPID attribution (40 bytes).
struct AddOrderMpid {
  static constexpr char kType = 'F';
  static constexpr std::size_t kSize = 40;
  std::uint16_t locate{0};
  std::uint16_t tracking{0};
  std::uint64_t timestamp_ns{0};
  std::uint64_t ref{0};              ///< @11
  core::Side side{core::Side::Buy};  ///< @19
  std::uint32_t shares{0};           ///< @20
  Stock stock{};                     ///< @24
  core::Price price{};               ///< @32 Price(4)
  Mpid attribution{};                ///< @36

  template <typename IO, typename Self>
  static constexpr void fields(IO& io, Self& m) noexcept {
    io.u64(m.ref);
    io.side(m.side);
    io.u32(m.shares);
    io.alpha(m.stock);
    io.price4(m.price);
    io.alpha(m.attribution);
  }
  constexpr auto tie() const noexcept {
    return std::tie(locate, tracking, timestamp_ns, ref, side, shares, stock, price, attribution);
  }
};

/// 'E' Order Executed (31 bytes), at the order's own price.
struct OrderExecuted {
  static constexpr char kType = 'E';
  static constexpr std::size_t kSize = 31;
  std::uint16_t locate{0};
  std::uint16_t tracking{0};
  std::uint64_t timestamp_ns{0};
  std::uint64_t ref{0};              ///< @11
  std::uint32_t executed_shares{0};  ///< @19
  std::uint64_t match_number{0};     ///< @23

  template <typename IO, typename Self>
  static constexpr void fields(IO& io, Self& m) noexcept {
    io.u64(m.ref);
    io.u32(m.executed_shares);
    io.u64(m.match_number);
  }
  constexpr auto tie() const noexcept {
    return std::tie(locate, tracking, timestamp_ns, ref, executed_shares, match_number);
  }
};

/// 'C' Order Executed With Price (36 bytes): executed at a price other than
/// the order's (crosses); `printable` 'N' means not to count it in volume.
struct OrderExecutedWithPrice {
  static constexpr char kType = 'C';
  static constexpr std::size_t kSize = 36;
  std::uint16_t locate{0};
  std::uint16_t tracking{0};
  std::uint64_t timestamp_ns{0};
  std::uint64_t ref{0};              ///< @11
  std::uint32_t executed_shares{0};  ///< @19
  std::uint64_t match_number{0};     ///< @23
  char printable{'Y'};               ///< @31 'Y' / 'N'
  core::Price execution_price{};     ///< @32 Price(4)

  template <typename IO, typename Self>
  static constexpr void fields(IO& io, Self& m) noexcept {
    io.u64(m.ref);
    io.u32(m.executed_shares);
    io.u64(m.match_number);
    io.ch(m.printable);
    io.price4(m.execution_price);
  }
  constexpr auto tie() const noexcept {
    return std::tie(locate, tracking, timestamp_ns, ref, executed_shares, match_number, printable, execution_price);
  }
};

/// 'X' Order Cancel (23 bytes): partial cancel, the order stays.
struct OrderCancel {
  static constexpr char kType = 'X';
  static constexpr std::size_t kSize = 23;
  std::uint16_t locate{0};
  std::uint16_t tracking{0};
  std::uint64_t timestamp_ns{0};
  std::uint64_t ref{0};               ///< @11
  std::uint32_t cancelled_shares{0};  ///< @19

  template <typename IO, typename Self>
  static constexpr void fields(IO& io, Self& m) noexcept {
    io.u64(m.ref);
    io.u32(m.cancelled_shares);
  }
  constexpr auto tie() const noexcept { return std::tie(locate, tracking, timestamp_ns, ref, cancelled_shares); }
};

/// 'D' Order Delete (19 bytes).
struct OrderDelete {
  static constexpr char kType = 'D';
  static constexpr std::size_t kSize = 19;
  std::uint16_t locate{0};
  std::uint16_t tracking{0};
  std::uint64_t timestamp_ns{0};
  std::uint64_t ref{0};  ///< @11

  template <typename IO, typename Self>
  static constexpr void fields(IO& io, Self& m) noexcept {
    io.u64(m.ref);
  }
  constexpr auto tie() const noexcept { return std::tie(locate, tracking, timestamp_ns, ref); }
};

/// 'U' Order Replace (35 bytes): cancel `original_ref`, add `new_ref` on the
/// same side and symbol with new shares and price.
struct OrderReplace {
  static constexpr char kType = 'U';
  static constexpr std::size_t kSize = 35;
  std::uint16_t locate{0};
  std::uint16_t tracking{0};
  std::uint64_t timestamp_ns{0};
  std::uint64_t original_ref{0};  ///< @11
  std::uint64_t new_ref{0};       ///< @19
  std::uint32_t shares{0};        ///< @27
  core::Price price{};            ///< @31 Price(4)

  template <typename IO, typename Self>
  static constexpr void fields(IO& io, Self& m) noexcept {
    io.u64(m.original_ref);
    io.u64(m.new_ref);
    io.u32(m.shares);
    io.price4(m.price);
  }
  constexpr auto tie() const noexcept {
    return std::tie(locate, tracking, timestamp_ns, original_ref, new_ref, shares, price);
  }
};

/// 'P' Trade, non-cross (44 bytes): an execution against a non-displayed
/// order; never changes the displayed book.
struct Trade {
  static constexpr char kType = 'P';
  static constexpr std::size_t kSize = 44;
  std::uint16_t locate{0};
  std::uint16_t tracking{0};
  std::uint64_t timestamp_ns{0};
  std::uint64_t ref{0};              ///< @11 (0 since the reference was masked)
  core::Side side{core::Side::Buy};  ///< @19
  std::uint32_t shares{0};           ///< @20
  Stock stock{};                     ///< @24
  core::Price price{};               ///< @32 Price(4)
  std::uint64_t match_number{0};     ///< @36

  template <typename IO, typename Self>
  static constexpr void fields(IO& io, Self& m) noexcept {
    io.u64(m.ref);
    io.side(m.side);
    io.u32(m.shares);
    io.alpha(m.stock);
    io.price4(m.price);
    io.u64(m.match_number);
  }
  constexpr auto tie() const noexcept {
    return std::tie(locate, tracking, timestamp_ns, ref, side, shares, stock, price, match_number);
  }
};

/// 'Q' Cross Trade (40 bytes). Shares is 8 bytes in 5.0.
struct CrossTrade {
  static constexpr char kType = 'Q';
  static constexpr std::size_t kSize = 40;
  std::uint16_t locate{0};
  std::uint16_t tracking{0};
  std::uint64_t timestamp_ns{0};
  std::uint64_t shares{0};        ///< @11
  Stock stock{};                  ///< @19
  core::Price cross_price{};      ///< @27 Price(4)
  std::uint64_t match_number{0};  ///< @31
  char cross_type{' '};           ///< @39 'O' 'C' 'H' 'I'

  template <typename IO, typename Self>
  static constexpr void fields(IO& io, Self& m) noexcept {
    io.u64(m.shares);
    io.alpha(m.stock);
    io.price4(m.cross_price);
    io.u64(m.match_number);
    io.ch(m.cross_type);
  }
  constexpr auto tie() const noexcept {
    return std::tie(locate, tracking, timestamp_ns, shares, stock, cross_price, match_number, cross_type);
  }
};

/// 'B' Broken Trade / Order Execution (19 bytes).
struct BrokenTrade {
  static constexpr char kType = 'B';
  static constexpr std::size_t kSize = 19;
  std::uint16_t locate{0};
  std::uint16_t tracking{0};
  std::uint64_t timestamp_ns{0};
  std::uint64_t match_number{0};  ///< @11

  template <typename IO, typename Self>
  static constexpr void fields(IO& io, Self& m) noexcept {
    io.u64(m.match_number);
  }
  constexpr auto tie() const noexcept { return std::tie(locate, tracking, timestamp_ns, match_number); }
};

/// 'I' Net Order Imbalance Indicator (50 bytes).
struct Noii {
  static constexpr char kType = 'I';
  static constexpr std::size_t kSize = 50;
  std::uint16_t locate{0};
  std::uint16_t tracking{0};
  std::uint64_t timestamp_ns{0};
  std::uint64_t paired_shares{0};         ///< @11
  std::uint64_t imbalance_shares{0};      ///< @19
  char imbalance_direction{' '};          ///< @27 'B' 'S' 'N' 'O' 'P'
  Stock stock{};                          ///< @28
  core::Price far_price{};                ///< @36 Price(4)
  core::Price near_price{};               ///< @40 Price(4)
  core::Price current_reference_price{};  ///< @44 Price(4)
  char cross_type{' '};                   ///< @48 'O' 'C' 'H' 'A'
  char price_variation_indicator{' '};    ///< @49 'L' '1'-'9' 'A' 'B' 'C' ' '

  template <typename IO, typename Self>
  static constexpr void fields(IO& io, Self& m) noexcept {
    io.u64(m.paired_shares);
    io.u64(m.imbalance_shares);
    io.ch(m.imbalance_direction);
    io.alpha(m.stock);
    io.price4(m.far_price);
    io.price4(m.near_price);
    io.price4(m.current_reference_price);
    io.ch(m.cross_type);
    io.ch(m.price_variation_indicator);
  }
  constexpr auto tie() const noexcept {
    return std::tie(locate, tracking, timestamp_ns, paired_shares, imbalance_shares, imbalance_direction, stock,
                    far_price, near_price, current_reference_price, cross_type, price_variation_indicator);
  }
};

/// 'N' Retail Price Improvement Indicator (20 bytes).
struct Rpii {
  static constexpr char kType = 'N';
  static constexpr std::size_t kSize = 20;
  std::uint16_t locate{0};
  std::uint16_t tracking{0};
  std::uint64_t timestamp_ns{0};
  Stock stock{};            ///< @11
  char interest_flag{' '};  ///< @19 'B' 'S' 'A' 'N'

  template <typename IO, typename Self>
  static constexpr void fields(IO& io, Self& m) noexcept {
    io.alpha(m.stock);
    io.ch(m.interest_flag);
  }
  constexpr auto tie() const noexcept { return std::tie(locate, tracking, timestamp_ns, stock, interest_flag); }
};

/// 'O' Direct Listing with Capital Raise Price Discovery (48 bytes).
struct DirectListingCapitalRaise {
  static constexpr char kType = 'O';
  static constexpr std::size_t kSize = 48;
  std::uint16_t locate{0};
  std::uint16_t tracking{0};
  std::uint64_t timestamp_ns{0};
  Stock stock{};                           ///< @11
  char open_eligibility_status{' '};       ///< @19 'N' / 'Y'
  core::Price min_allowable_price{};       ///< @20 Price(4)
  core::Price max_allowable_price{};       ///< @24 Price(4)
  core::Price near_execution_price{};      ///< @28 Price(4)
  std::uint64_t near_execution_time{0};    ///< @32 8-byte time, as sent (the specification gives no unit)
  core::Price lower_price_range_collar{};  ///< @40 Price(4)
  core::Price upper_price_range_collar{};  ///< @44 Price(4)

  template <typename IO, typename Self>
  static constexpr void fields(IO& io, Self& m) noexcept {
    io.alpha(m.stock);
    io.ch(m.open_eligibility_status);
    io.price4(m.min_allowable_price);
    io.price4(m.max_allowable_price);
    io.price4(m.near_execution_price);
    io.u64(m.near_execution_time);
    io.price4(m.lower_price_range_collar);
    io.price4(m.upper_price_range_collar);
  }
  constexpr auto tie() const noexcept {
    return std::tie(locate, tracking, timestamp_ns, stock, open_eligibility_status, min_allowable_price,
                    max_allowable_price, near_execution_price, near_execution_time, lower_price_range_collar,
                    upper_price_range_collar);
  }
};

/// True for the 23 message structs above.
template <typename T>
struct is_message : std::false_type {};
template <>
struct is_message<SystemEvent> : std::true_type {};
template <>
struct is_message<StockDirectory> : std::true_type {};
template <>
struct is_message<StockTradingAction> : std::true_type {};
template <>
struct is_message<RegShoRestriction> : std::true_type {};
template <>
struct is_message<MarketParticipantPosition> : std::true_type {};
template <>
struct is_message<MwcbDeclineLevel> : std::true_type {};
template <>
struct is_message<MwcbStatus> : std::true_type {};
template <>
struct is_message<IpoQuotingPeriodUpdate> : std::true_type {};
template <>
struct is_message<LuldAuctionCollar> : std::true_type {};
template <>
struct is_message<OperationalHalt> : std::true_type {};
template <>
struct is_message<AddOrder> : std::true_type {};
template <>
struct is_message<AddOrderMpid> : std::true_type {};
template <>
struct is_message<OrderExecuted> : std::true_type {};
template <>
struct is_message<OrderExecutedWithPrice> : std::true_type {};
template <>
struct is_message<OrderCancel> : std::true_type {};
template <>
struct is_message<OrderDelete> : std::true_type {};
template <>
struct is_message<OrderReplace> : std::true_type {};
template <>
struct is_message<Trade> : std::true_type {};
template <>
struct is_message<CrossTrade> : std::true_type {};
template <>
struct is_message<BrokenTrade> : std::true_type {};
template <>
struct is_message<Noii> : std::true_type {};
template <>
struct is_message<Rpii> : std::true_type {};
template <>
struct is_message<DirectListingCapitalRaise> : std::true_type {};
template <typename T>
inline constexpr bool is_message_v = is_message<T>::value;

/// Field-by-field equality of two messages of the same type (tests, replay
/// comparison).
template <typename M, typename = std::enable_if_t<is_message_v<M>>>
constexpr bool operator==(const M& a, const M& b) noexcept {
  return a.tie() == b.tie();
}
template <typename M, typename = std::enable_if_t<is_message_v<M>>>
constexpr bool operator!=(const M& a, const M& b) noexcept {
  return !(a == b);
}

/// Every 5.0 message type byte, in specification order.
inline constexpr std::array<char, 23> kMessageTypes = {'S', 'R', 'H', 'Y', 'L', 'V', 'W', 'K', 'J', 'h', 'A', 'F',
                                                       'E', 'C', 'X', 'D', 'U', 'P', 'Q', 'B', 'I', 'N', 'O'};

/// The exact length of a message of `type` (type byte included), as the
/// specification gives it; 0 for a type 5.0 does not define.
constexpr std::size_t message_size(char type) noexcept {
  switch (type) {
    case 'S':
      return 12;
    case 'R':
      return 39;
    case 'H':
      return 25;
    case 'Y':
      return 20;
    case 'L':
      return 26;
    case 'V':
      return 35;
    case 'W':
      return 12;
    case 'K':
      return 28;
    case 'J':
      return 35;
    case 'h':
      return 21;
    case 'A':
      return 36;
    case 'F':
      return 40;
    case 'E':
      return 31;
    case 'C':
      return 36;
    case 'X':
      return 23;
    case 'D':
      return 19;
    case 'U':
      return 35;
    case 'P':
      return 44;
    case 'Q':
      return 40;
    case 'B':
      return 19;
    case 'I':
      return 50;
    case 'N':
      return 20;
    case 'O':
      return 48;
    default:
      return 0;
  }
}

/// The struct name of a message type ("AddOrder"), or "Unknown".
const char* message_name(char type) noexcept;

/// Outcome of decoding one message.
enum class DecodeResult : std::uint8_t {
  Ok,           ///< decoded; the handler was called
  Empty,        ///< zero bytes: no type byte
  UnknownType,  ///< a type byte 5.0 does not define
  BadLength,    ///< the byte count differs from the type's exact size
  BadField,     ///< a Buy/Sell indicator other than 'B' / 'S'
};

/// "ok", "empty", "unknown_type", "bad_length", "bad_field".
const char* to_string(DecodeResult r) noexcept;

namespace detail {

// The three "io" kinds that walk a message's fields(). Field order and widths
// are written once per message; these decide what a field does.

/// Reads fields from a message whose length was checked.
struct Reader {
  const std::uint8_t* p;
  bool ok{true};

  void ch(char& v) noexcept { v = static_cast<char>(*p++); }
  void u16(std::uint16_t& v) noexcept {
    v = load_be16(p);
    p += 2;
  }
  void u32(std::uint32_t& v) noexcept {
    v = load_be32(p);
    p += 4;
  }
  void u48(std::uint64_t& v) noexcept {
    v = load_be48(p);
    p += 6;
  }
  void u64(std::uint64_t& v) noexcept {
    v = load_be64(p);
    p += 8;
  }
  template <std::size_t N>
  void alpha(std::array<char, N>& a) noexcept {
    std::memcpy(a.data(), p, N);
    p += N;
  }
  void price4(core::Price& v) noexcept {
    v = core::Price::from_raw(std::int64_t{load_be32(p)});
    p += 4;
  }
  void side(core::Side& s) noexcept {
    const std::uint8_t c = *p++;
    // Branch-free validity: a bad side is rare, and this keeps the common
    // path straight-line.
    ok &= (c == 'B') | (c == 'S');
    s = static_cast<core::Side>(c);
  }
};

/// Writes fields into a buffer with room for the whole message. Values that
/// do not fit their wire width clear `ok` (the encoder then reports 0).
struct Writer {
  std::uint8_t* p;
  bool ok{true};

  void ch(char v) noexcept { *p++ = static_cast<std::uint8_t>(v); }
  void u16(std::uint16_t v) noexcept {
    store_be16(p, v);
    p += 2;
  }
  void u32(std::uint32_t v) noexcept {
    store_be32(p, v);
    p += 4;
  }
  void u48(std::uint64_t v) noexcept {
    ok &= v <= kMaxU48;
    store_be48(p, v);
    p += 6;
  }
  void u64(std::uint64_t v) noexcept {
    store_be64(p, v);
    p += 8;
  }
  template <std::size_t N>
  void alpha(const std::array<char, N>& a) noexcept {
    std::memcpy(p, a.data(), N);
    p += N;
  }
  void price4(core::Price v) noexcept {
    ok &= v.raw >= 0 && v.raw <= std::int64_t{UINT32_MAX};
    store_be32(p, static_cast<std::uint32_t>(v.raw));
    p += 4;
  }
  void side(core::Side s) noexcept {
    ok &= s == core::Side::Buy || s == core::Side::Sell;
    *p++ = static_cast<std::uint8_t>(s);
  }
};

/// Counts bytes at compile time, to check each layout against kSize.
struct Sizer {
  std::size_t n{0};
  constexpr void ch(char) noexcept { n += 1; }
  constexpr void u16(std::uint16_t) noexcept { n += 2; }
  constexpr void u32(std::uint32_t) noexcept { n += 4; }
  constexpr void u48(std::uint64_t) noexcept { n += 6; }
  constexpr void u64(std::uint64_t) noexcept { n += 8; }
  template <std::size_t N>
  constexpr void alpha(const std::array<char, N>&) noexcept {
    n += N;
  }
  constexpr void price4(core::Price) noexcept { n += 4; }
  constexpr void side(core::Side) noexcept { n += 1; }
};

/// The common header after the type byte.
template <typename IO, typename M>
constexpr void header_fields(IO& io, M& m) noexcept {
  io.u16(m.locate);
  io.u16(m.tracking);
  io.u48(m.timestamp_ns);
}

/// Bytes `M`'s layout adds up to, type byte included.
template <typename M>
constexpr std::size_t layout_size() noexcept {
  Sizer s;
  s.n = 1;
  const M m{};
  header_fields(s, m);
  M::fields(s, m);
  return s.n;
}

/// True when `M`'s field list, its kSize and the specification table agree.
template <typename M>
constexpr bool layout_matches_spec() noexcept {
  return layout_size<M>() == M::kSize && M::kSize == message_size(M::kType);
}

template <typename M, typename Handler>
inline DecodeResult decode_as(const std::uint8_t* p, std::size_t n, Handler& h) noexcept {
  if (n != M::kSize) return DecodeResult::BadLength;
  M m;
  Reader r{p + 1};
  header_fields(r, m);
  M::fields(r, m);
  if (!r.ok) return DecodeResult::BadField;
  h.on(static_cast<const M&>(m));
  return DecodeResult::Ok;
}

template <typename M>
inline std::size_t encode_as(const M& m, std::uint8_t* out, std::size_t capacity) noexcept {
  if (out == nullptr || capacity < M::kSize) return 0;
  out[0] = static_cast<std::uint8_t>(M::kType);
  Writer w{out + 1};
  header_fields(w, m);
  M::fields(w, m);
  return w.ok ? M::kSize : 0;
}

}  // namespace detail

/// Decodes ONE message of `n` bytes at `p` (no length prefix): checks the
/// type byte and the exact length, then calls `h.on(const T&)` with the
/// decoded struct. Reads nothing outside [p, p + n). The handler is called
/// only on `Ok`; a handler that may throw terminates (decode is noexcept).
template <typename Handler>
inline DecodeResult decode(const std::uint8_t* p, std::size_t n, Handler& h) noexcept {
  if (n == 0) return DecodeResult::Empty;
  switch (static_cast<char>(p[0])) {
    case 'S':
      return detail::decode_as<SystemEvent>(p, n, h);
    case 'R':
      return detail::decode_as<StockDirectory>(p, n, h);
    case 'H':
      return detail::decode_as<StockTradingAction>(p, n, h);
    case 'Y':
      return detail::decode_as<RegShoRestriction>(p, n, h);
    case 'L':
      return detail::decode_as<MarketParticipantPosition>(p, n, h);
    case 'V':
      return detail::decode_as<MwcbDeclineLevel>(p, n, h);
    case 'W':
      return detail::decode_as<MwcbStatus>(p, n, h);
    case 'K':
      return detail::decode_as<IpoQuotingPeriodUpdate>(p, n, h);
    case 'J':
      return detail::decode_as<LuldAuctionCollar>(p, n, h);
    case 'h':
      return detail::decode_as<OperationalHalt>(p, n, h);
    case 'A':
      return detail::decode_as<AddOrder>(p, n, h);
    case 'F':
      return detail::decode_as<AddOrderMpid>(p, n, h);
    case 'E':
      return detail::decode_as<OrderExecuted>(p, n, h);
    case 'C':
      return detail::decode_as<OrderExecutedWithPrice>(p, n, h);
    case 'X':
      return detail::decode_as<OrderCancel>(p, n, h);
    case 'D':
      return detail::decode_as<OrderDelete>(p, n, h);
    case 'U':
      return detail::decode_as<OrderReplace>(p, n, h);
    case 'P':
      return detail::decode_as<Trade>(p, n, h);
    case 'Q':
      return detail::decode_as<CrossTrade>(p, n, h);
    case 'B':
      return detail::decode_as<BrokenTrade>(p, n, h);
    case 'I':
      return detail::decode_as<Noii>(p, n, h);
    case 'N':
      return detail::decode_as<Rpii>(p, n, h);
    case 'O':
      return detail::decode_as<DirectListingCapitalRaise>(p, n, h);
    default:
      return DecodeResult::UnknownType;
  }
}

/// `decode` over a ByteView.
template <typename Handler>
inline DecodeResult decode(ByteView bytes, Handler& h) noexcept {
  return decode(bytes.data, bytes.size, h);
}

/// What a stream walk saw. Plain counters, one writer (the decoding thread).
struct DecodeCounters {
  std::uint64_t messages{0};      ///< decoded and handed to the handler
  std::uint64_t empty{0};         ///< zero-length blocks
  std::uint64_t unknown_type{0};  ///< blocks with a type byte 5.0 does not define
  std::uint64_t bad_length{0};    ///< blocks whose length differs from their type's size
  std::uint64_t bad_field{0};     ///< blocks with an invalid Buy/Sell indicator
  std::uint64_t truncated{0};     ///< walks that ended in a cut-off length prefix or block
  /// Decoded messages by type byte (`per_type['A']`).
  std::array<std::uint64_t, 256> per_type{};

  /// Counts one `decode` outcome for a block whose first byte is `type`.
  void record(DecodeResult r, std::uint8_t type) noexcept {
    switch (r) {
      case DecodeResult::Ok:
        ++messages;
        ++per_type[type];
        break;
      case DecodeResult::Empty:
        ++empty;
        break;
      case DecodeResult::UnknownType:
        ++unknown_type;
        break;
      case DecodeResult::BadLength:
        ++bad_length;
        break;
      case DecodeResult::BadField:
        ++bad_field;
        break;
    }
  }
  /// Blocks skipped plus truncated walks.
  std::uint64_t errors() const noexcept { return empty + unknown_type + bad_length + bad_field + truncated; }
};

/// Walks `n` bytes of length-prefixed messages (2-byte big-endian length,
/// then the message: MoldUDP64 message blocks, NASDAQ binary files) and
/// decodes each into `h`. A block that does not decode is counted and
/// skipped by its length prefix, so the messages after it still decode. A
/// length prefix or block cut off by the end of the buffer stops the walk and
/// counts one `truncated`. Returns the bytes of complete blocks walked, so a
/// caller reading a file in chunks can carry the remainder over. Never reads
/// outside [p, p + n).
template <typename Handler>
inline std::size_t decode_stream(const std::uint8_t* p, std::size_t n, Handler& h, DecodeCounters& c) noexcept {
  std::size_t off = 0;
  while (n - off >= kLengthPrefixSize) {
    const std::size_t len = load_be16(p + off);
    const std::size_t body = off + kLengthPrefixSize;
    if (len > n - body) break;
    const DecodeResult r = decode(p + body, len, h);
    c.record(r, len != 0 ? p[body] : std::uint8_t{0});
    off = body + len;
  }
  if (off != n) ++c.truncated;
  return off;
}

/// `decode_stream` over a ByteView.
template <typename Handler>
inline std::size_t decode_stream(ByteView bytes, Handler& h, DecodeCounters& c) noexcept {
  return decode_stream(bytes.data, bytes.size, h, c);
}

// Encoders: write one message (no length prefix) into `out`; return the bytes
// written (the type's kSize), or 0 when `capacity` is short, `out` is null,
// or a value does not fit its wire field (a price outside [0, 2^32 - 1], a
// timestamp at or past 2^48, a side other than Buy/Sell). After a 0 the bytes
// in `out` are unspecified.
std::size_t encode(const SystemEvent& m, std::uint8_t* out, std::size_t capacity) noexcept;
std::size_t encode(const StockDirectory& m, std::uint8_t* out, std::size_t capacity) noexcept;
std::size_t encode(const StockTradingAction& m, std::uint8_t* out, std::size_t capacity) noexcept;
std::size_t encode(const RegShoRestriction& m, std::uint8_t* out, std::size_t capacity) noexcept;
std::size_t encode(const MarketParticipantPosition& m, std::uint8_t* out, std::size_t capacity) noexcept;
std::size_t encode(const MwcbDeclineLevel& m, std::uint8_t* out, std::size_t capacity) noexcept;
std::size_t encode(const MwcbStatus& m, std::uint8_t* out, std::size_t capacity) noexcept;
std::size_t encode(const IpoQuotingPeriodUpdate& m, std::uint8_t* out, std::size_t capacity) noexcept;
std::size_t encode(const LuldAuctionCollar& m, std::uint8_t* out, std::size_t capacity) noexcept;
std::size_t encode(const OperationalHalt& m, std::uint8_t* out, std::size_t capacity) noexcept;
std::size_t encode(const AddOrder& m, std::uint8_t* out, std::size_t capacity) noexcept;
std::size_t encode(const AddOrderMpid& m, std::uint8_t* out, std::size_t capacity) noexcept;
std::size_t encode(const OrderExecuted& m, std::uint8_t* out, std::size_t capacity) noexcept;
std::size_t encode(const OrderExecutedWithPrice& m, std::uint8_t* out, std::size_t capacity) noexcept;
std::size_t encode(const OrderCancel& m, std::uint8_t* out, std::size_t capacity) noexcept;
std::size_t encode(const OrderDelete& m, std::uint8_t* out, std::size_t capacity) noexcept;
std::size_t encode(const OrderReplace& m, std::uint8_t* out, std::size_t capacity) noexcept;
std::size_t encode(const Trade& m, std::uint8_t* out, std::size_t capacity) noexcept;
std::size_t encode(const CrossTrade& m, std::uint8_t* out, std::size_t capacity) noexcept;
std::size_t encode(const BrokenTrade& m, std::uint8_t* out, std::size_t capacity) noexcept;
std::size_t encode(const Noii& m, std::uint8_t* out, std::size_t capacity) noexcept;
std::size_t encode(const Rpii& m, std::uint8_t* out, std::size_t capacity) noexcept;
std::size_t encode(const DirectListingCapitalRaise& m, std::uint8_t* out, std::size_t capacity) noexcept;

/// `encode` preceded by the 2-byte big-endian length (the framing of
/// MoldUDP64 message blocks and NASDAQ binary files). Returns kSize + 2, or
/// 0 as `encode` does.
template <typename M, typename = std::enable_if_t<is_message_v<M>>>
inline std::size_t encode_prefixed(const M& m, std::uint8_t* out, std::size_t capacity) noexcept {
  if (out == nullptr || capacity < kLengthPrefixSize) return 0;
  const std::size_t n = encode(m, out + kLengthPrefixSize, capacity - kLengthPrefixSize);
  if (n == 0) return 0;
  store_be16(out, static_cast<std::uint16_t>(n));
  return n + kLengthPrefixSize;
}

// Each layout must add up to the specification's length for its type: a
// field of the wrong width or a missing one fails the build here.
static_assert(detail::layout_matches_spec<SystemEvent>());
static_assert(detail::layout_matches_spec<StockDirectory>());
static_assert(detail::layout_matches_spec<StockTradingAction>());
static_assert(detail::layout_matches_spec<RegShoRestriction>());
static_assert(detail::layout_matches_spec<MarketParticipantPosition>());
static_assert(detail::layout_matches_spec<MwcbDeclineLevel>());
static_assert(detail::layout_matches_spec<MwcbStatus>());
static_assert(detail::layout_matches_spec<IpoQuotingPeriodUpdate>());
static_assert(detail::layout_matches_spec<LuldAuctionCollar>());
static_assert(detail::layout_matches_spec<OperationalHalt>());
static_assert(detail::layout_matches_spec<AddOrder>());
static_assert(detail::layout_matches_spec<AddOrderMpid>());
static_assert(detail::layout_matches_spec<OrderExecuted>());
static_assert(detail::layout_matches_spec<OrderExecutedWithPrice>());
static_assert(detail::layout_matches_spec<OrderCancel>());
static_assert(detail::layout_matches_spec<OrderDelete>());
static_assert(detail::layout_matches_spec<OrderReplace>());
static_assert(detail::layout_matches_spec<Trade>());
static_assert(detail::layout_matches_spec<CrossTrade>());
static_assert(detail::layout_matches_spec<BrokenTrade>());
static_assert(detail::layout_matches_spec<Noii>());
static_assert(detail::layout_matches_spec<Rpii>());
static_assert(detail::layout_matches_spec<DirectListingCapitalRaise>());

}  // namespace hft::protocol::itch
