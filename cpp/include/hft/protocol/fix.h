#pragma once
/// @file
/// FIX 4.4 tag=value: stream framing, a zero-copy field index, typed views of
/// the 13 message types the engine uses, and an allocation-free encoder.
///
/// Receive path:
///
///   fix::FrameResult f = fix::find_message(buf, len);   // framing + checks
///   if (f.status == fix::FrameStatus::Complete) {
///     fix::MessageView mv;
///     fix::ParseError e = mv.parse(buf, f.length);       // field index
///     fix::NewOrderSingle nos;
///     if (e.ok()) e = nos.parse(mv);                      // typed view
///     // !e.ok(): the session layer sends Reject(373 = e.reason, 371 = e.tag)
///   }
///
/// Every view holds string_views into the receive buffer: it is valid only
/// while those bytes are. Nothing here allocates or throws.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "hft/core/types.h"
#include "hft/protocol/byte_order.h"

namespace hft::protocol::fix {

/// The field delimiter (SOH).
inline constexpr std::uint8_t kSoh = 0x01;
/// Largest message find_message accepts; a bigger BodyLength is treated as
/// corrupt rather than waited for, so a bad length cannot stall the stream.
inline constexpr std::size_t kMaxMessageSize = 16 * 1024;
/// Fields a MessageView indexes; more is rejected, never truncated.
inline constexpr std::size_t kMaxFields = 256;

// ---------------------------------------------------------------- framing

/// Outcome of scanning a buffer for one message.
enum class FrameStatus : std::uint8_t {
  Complete,        ///< `length` bytes at the buffer start are one valid message
  NeedMore,        ///< a message has started but is not all here yet
  Garbage,         ///< `length` bytes before the next "8=FIX" are not a message: skip them
  BadBeginString,  ///< starts "8=FIX" but not "8=FIX.4.4": skip `length` bytes
  BadBodyLength,   ///< tag 9 malformed or not matching the "10=" position: skip `length`
  BadChecksum,     ///< well framed, wrong CheckSum: skip `length` (the whole message)
};

/// Result of find_message. `length` is the message length for Complete and
/// the number of bytes to drop for every error; 0 for NeedMore.
struct FrameResult {
  FrameStatus status{FrameStatus::NeedMore};
  std::size_t length{0};
};

/// Finds the message at the start of `data` (a TCP receive buffer): checks
/// "8=FIX.4.4", BodyLength (tag 9 must be followed, exactly BodyLength bytes
/// later, by "10=NNN<SOH>") and CheckSum (sum of every byte before "10=",
/// mod 256). Errors name how many bytes to drop so the caller resynchronises
/// at the next "8=FIX" and counts it; a trailing partial "8=FI" is kept.
FrameResult find_message(const std::uint8_t* data, std::size_t size) noexcept;

/// Sum of `size` bytes mod 256 (the FIX CheckSum).
std::uint8_t checksum(const std::uint8_t* data, std::size_t size) noexcept;

// ---------------------------------------------------------------- errors

/// SessionRejectReason (tag 373) values, FIX 4.4.
enum class SessionRejectReason : std::int16_t {
  None = -1,  ///< not a FIX value: no error
  InvalidTagNumber = 0,
  RequiredTagMissing = 1,
  TagNotDefinedForMsgType = 2,
  UndefinedTag = 3,
  TagSpecifiedWithoutValue = 4,
  ValueIncorrect = 5,
  IncorrectDataFormat = 6,
  DecryptionProblem = 7,
  SignatureProblem = 8,
  CompIdProblem = 9,
  SendingTimeAccuracyProblem = 10,
  InvalidMsgType = 11,
  XmlValidationError = 12,
  TagAppearsMoreThanOnce = 13,
  TagSpecifiedOutOfOrder = 14,
  RepeatingGroupFieldsOutOfOrder = 15,
  IncorrectNumInGroupCount = 16,
  NonDataValueIncludesFieldDelimiter = 17,
  Other = 99,
};

/// BusinessRejectReason (tag 380) values used when a well-formed message
/// cannot be processed at the application level.
enum class BusinessRejectReason : std::uint8_t {
  Other = 0,
  UnknownId = 1,
  UnknownSecurity = 2,
  UnsupportedMessageType = 3,
  ApplicationNotAvailable = 4,
  ConditionallyRequiredFieldMissing = 5,
};

/// Why a message could not be read: the SessionRejectReason to send and the
/// tag it concerns (RefTagID 371; 0 when there is none).
struct ParseError {
  SessionRejectReason reason{SessionRejectReason::None};
  std::uint32_t tag{0};

  constexpr bool ok() const noexcept { return reason == SessionRejectReason::None; }
};

// ---------------------------------------------------------------- values

/// Why a value did not convert.
enum class ValueStatus : std::uint8_t { Ok, Missing, BadFormat, OutOfRange };

/// Parses a signed decimal integer (optional '-', digits only).
ValueStatus parse_int(std::string_view s, std::int64_t& out) noexcept;
/// Parses a decimal price into 1e-4 units exactly: "100", "-1.5", "123.4567".
/// More than 4 decimals is OutOfRange (it cannot be held without rounding),
/// as is a value beyond int64 raw units.
ValueStatus parse_price(std::string_view s, core::Price& out) noexcept;

namespace detail {
// Byte-parallel digit helpers shared by the index and the value readers
// below (not API). A word holds 8 message bytes, the first in its lowest byte.

inline constexpr std::uint64_t kOnes = 0x0101010101010101ull;

/// How many bytes of `x` are ASCII digits before the first other byte
/// (0..8), every byte tested at once: 0..9 after the xor are digits,
/// anything else gets its top bit set.
inline unsigned leading_digits(std::uint64_t x) noexcept {
  const std::uint64_t t = x ^ (kOnes * '0');
  const std::uint64_t non_digit = (((t & (kOnes * 0x7F)) + kOnes * 0x76) | t) & (kOnes * 0x80);
  return non_digit == 0 ? 8u : static_cast<unsigned>(__builtin_ctzll(non_digit)) >> 3;
}

/// Value of the first `n` (1..8) bytes of `x`, all ASCII digits, first byte
/// most significant. The digits are moved to the top so the bytes below
/// read as leading zeros, then pairs, quads and the whole are combined with
/// one multiply each: no loop whose trip count the branch predictor guesses.
inline std::uint32_t digits_value(std::uint64_t x, unsigned n) noexcept {
  std::uint64_t v = (x & (kOnes * 0x0F)) << (64 - 8 * n);
  v = (v * (10 * 256 + 1)) >> 8;
  v = ((v & 0x00FF00FF00FF00FFull) * (100 * 65536 + 1)) >> 16;
  v = ((v & 0x0000FFFF0000FFFFull) * (10000 * 4294967296ull + 1)) >> 32;
  return static_cast<std::uint32_t>(v);
}

}  // namespace detail

// ---------------------------------------------------------------- message index

/// One field: its tag and where its value lies in the message.
struct Field {
  std::uint32_t tag{0};
  std::uint32_t offset{0};  ///< value start, from the message start
  std::uint32_t length{0};  ///< value length, SOH excluded
};

namespace detail {
/// The AVX-512 VBMI2 field index (fix_index_avx512.cpp; not API): the fields
/// of a message of plain fields with tags of 1..4 digits, or 0 for anything
/// else (the portable index then decides). Call only where has_avx512_index().
std::size_t index_fields_avx512(const std::uint8_t* data, std::size_t size, Field* out) noexcept;
/// Whether this CPU runs index_fields_avx512.
bool has_avx512_index() noexcept;
}  // namespace detail

/// A repeating group's layout: the NoXxx count tag, the tag that must open
/// every instance, and every tag an instance may hold (nested groups listed
/// flat: skipping only needs to know where the group ends).
struct GroupSpec {
  std::uint32_t count_tag{0};
  std::uint32_t delimiter_tag{0};
  const std::uint32_t* members{nullptr};
  std::size_t member_count{0};
};

namespace detail {
/// The count tags of the groups find_group_spec knows, in its order (not
/// API: the typed views build their tag table from it at compile time).
inline constexpr std::uint32_t kGroupCountTags[] = {453, 802, 136, 382, 386, 384, 627, 454, 232, 864};
/// The length fields whose data field is read by length because it may
/// hold SOH (not API: both indexes leave them to the careful path).
inline constexpr std::uint32_t kLengthTags[] = {90,  93,  95,  212, 348, 350, 352, 354,
                                                356, 358, 360, 362, 364, 445, 618, 621};
}  // namespace detail

/// The group specs the engine knows (Parties 453, MiscFees 136,
/// ContraBrokers 382, TradingSessions 386, MsgTypes 384, Hops 627,
/// SecurityAltID 454, Stipulations 232, Events 864, PartySubIDs 802);
/// nullptr for another tag.
const GroupSpec* find_group_spec(std::uint32_t count_tag) noexcept;

/// Result of walking one repeating group.
struct GroupWalk {
  ParseError error{};
  std::size_t instances{0};  ///< the count tag's value
  std::size_t end{0};        ///< index of the first field after the group
};

/// Index of the fields of one complete message (as found by find_message).
/// Zero-copy: fields point into the caller's bytes. Unknown tags are kept,
/// in order, and reachable through field iteration.
class MessageView {
 public:
  /// Indexes `size` bytes at `data`. Checks the structure the framer does
  /// not: 8, 9, 35 first and in order, 10 last, every field `tag=value`
  /// with a numeric tag and a non-empty value, at most kMaxFields fields.
  /// Length-prefixed data fields (RawData 96 after RawDataLength 95, ...)
  /// are read by length, so they may hold SOH.
  ///
  /// Where the CPU has AVX-512 VBMI2 (checked once, at run time, so a
  /// portable build uses it too) a 64-bytes-per-step index takes messages
  /// of plain fields with tags of up to 4 digits; everything else, and every
  /// other CPU, goes through the portable index (SSE2 separator bitmaps,
  /// tags checked and converted 8 bytes at a time). Both give the same
  /// fields and the same errors.
  ParseError parse(const std::uint8_t* data, std::size_t size) noexcept;

  /// MsgType (35) value.
  std::string_view msg_type() const noexcept { return value(2); }
  /// Number of fields, 8, 9, 35 and 10 included.
  std::size_t size() const noexcept { return count_; }
  /// Field `i` (0 <= i < size()).
  const Field& field(std::size_t i) const noexcept { return fields_[i]; }
  /// Value of field `i`.
  std::string_view value(std::size_t i) const noexcept {
    return {reinterpret_cast<const char*>(data_) + fields_[i].offset, fields_[i].length};
  }
  const Field* begin() const noexcept { return fields_.data(); }
  const Field* end() const noexcept { return fields_.data() + count_; }

  /// Index of the first field with `tag` at or after `from`, or size().
  std::size_t find(std::uint32_t tag, std::size_t from = 0) const noexcept;
  /// Value of the first occurrence of `tag`; empty (data() == nullptr) when absent.
  std::string_view get(std::uint32_t tag) const noexcept;
  bool has(std::uint32_t tag) const noexcept { return find(tag) != count_; }
  ValueStatus get_int(std::uint32_t tag, std::int64_t& out) const noexcept;
  ValueStatus get_price(std::uint32_t tag, core::Price& out) const noexcept;
  /// Value of field `i` as parse_int would read it (same result, same
  /// status), without a digit loop for values of up to 8 digits.
  ValueStatus int_value(std::size_t i, std::int64_t& out) const noexcept;
  /// Value of field `i` as parse_price would read it (same result, same
  /// status), without a digit loop for "digits[.digits]" of up to 8 + 4.
  ValueStatus price_value(std::size_t i, core::Price& out) const noexcept;
  /// A single-character value.
  ValueStatus get_char(std::uint32_t tag, char& out) const noexcept;

  /// Walks the group whose count field is at `count_index`: every instance
  /// must open with the delimiter, the group ends at the first non-member
  /// tag, and the instance count must match. The start index of each
  /// instance goes into `starts` (up to `max_starts`; may be nullptr).
  GroupWalk walk_group(std::size_t count_index, const GroupSpec& spec, std::size_t* starts = nullptr,
                       std::size_t max_starts = 0) const noexcept;

  /// The whole message.
  ByteView bytes() const noexcept { return {data_, size_}; }

 private:
  /// 8, 9, 35 first, 10 last, at least those four.
  ParseError check_structure() const noexcept;

  const std::uint8_t* data_{nullptr};
  std::size_t size_{0};
  std::size_t count_{0};
  std::array<Field, kMaxFields> fields_{};
};

// Every value but the trailer's is followed by at least "<SOH>10=N<SOH>", so
// a fixed-size load from its start nearly always stays inside the message;
// the bound is still checked, and anything the fast forms do not cover goes
// to parse_int / parse_price, which define the results.
inline ValueStatus MessageView::int_value(std::size_t i, std::int64_t& out) const noexcept {
  const Field& f = fields_[i];
  if (f.length - 1u < 8u && f.offset + 8 <= size_) {
    std::uint64_t x;
    std::memcpy(&x, data_ + f.offset, 8);
    if (detail::leading_digits(x) >= f.length) {
      out = detail::digits_value(x, f.length);
      return ValueStatus::Ok;
    }
  }
  return parse_int(value(i), out);
}

inline ValueStatus MessageView::price_value(std::size_t i, core::Price& out) const noexcept {
  const Field& f = fields_[i];
  const std::uint32_t n = f.length;
  // Up to 8 integer digits, '.', up to 4 decimals: 13 bytes, read as two
  // overlapping 8-byte words.
  if (n - 1u < 13u && f.offset + 16 <= size_) {
    const std::uint8_t* s = data_ + f.offset;
    std::uint64_t x;
    std::memcpy(&x, s, 8);
    const unsigned whole_digits = detail::leading_digits(x);
    if (whole_digits == n) {
      out = core::Price::from_raw(std::int64_t{detail::digits_value(x, whole_digits)} * core::Price::kScale);
      return ValueStatus::Ok;
    }
    // The SOH after the value is a non-digit, so whole_digits < n here.
    if (whole_digits < 8 && s[whole_digits] == '.') {
      const std::uint32_t decimals = n - whole_digits - 1;
      std::uint64_t y;
      std::memcpy(&y, s + whole_digits + 1, 8);
      if (decimals <= 4 && decimals + whole_digits != 0 && detail::leading_digits(y) >= decimals) {
        // "25" after the point is 2500 ten-thousandths: the digits as if
        // padded to four.
        constexpr std::int64_t kScaleOf[] = {0, 1000, 100, 10, 1};
        const std::int64_t whole = whole_digits == 0 ? 0 : std::int64_t{detail::digits_value(x, whole_digits)};
        const std::int64_t frac =
            decimals == 0 ? 0 : std::int64_t{detail::digits_value(y, decimals)} * kScaleOf[decimals];
        out = core::Price::from_raw(whole * core::Price::kScale + frac);
        return ValueStatus::Ok;
      }
    }
  }
  return parse_price(value(i), out);
}

// ---------------------------------------------------------------- typed views

/// The message types the engine handles.
enum class MsgType : std::uint8_t {
  Unknown,
  Heartbeat,                  // 0
  TestRequest,                // 1
  ResendRequest,              // 2
  Reject,                     // 3
  SequenceReset,              // 4
  Logout,                     // 5
  ExecutionReport,            // 8
  OrderCancelReject,          // 9
  Logon,                      // A
  NewOrderSingle,             // D
  OrderCancelRequest,         // F
  OrderCancelReplaceRequest,  // G
  BusinessMessageReject,      // j
};

/// Maps a MsgType (35) value; Unknown for others (the session layer answers
/// an undefined type with Reject 11, a defined but unsupported one with
/// BusinessMessageReject 3).
MsgType msg_type_of(std::string_view v) noexcept;
/// The 35 value of a known type ("" for Unknown).
std::string_view msg_type_str(MsgType t) noexcept;

/// Standard header fields after 8, 9, 35.
struct Header {
  std::string_view sender_comp_id;     ///< 49
  std::string_view target_comp_id;     ///< 56
  std::int64_t msg_seq_num{0};         ///< 34
  std::string_view sending_time;       ///< 52 (UTCTimestamp text)
  bool poss_dup{false};                ///< 43
  std::string_view orig_sending_time;  ///< 122, empty if absent
};

/// Logon (A).
struct Logon {
  Header header;
  std::int64_t encrypt_method{0};  ///< 98
  std::int64_t heart_bt_int{0};    ///< 108
  bool reset_seq_num{false};       ///< 141
  ParseError parse(const MessageView& m) noexcept;
};

/// Heartbeat (0).
struct Heartbeat {
  Header header;
  std::string_view test_req_id;  ///< 112, set when answering a TestRequest
  ParseError parse(const MessageView& m) noexcept;
};

/// TestRequest (1).
struct TestRequest {
  Header header;
  std::string_view test_req_id;  ///< 112
  ParseError parse(const MessageView& m) noexcept;
};

/// ResendRequest (2).
struct ResendRequest {
  Header header;
  std::int64_t begin_seq_no{0};  ///< 7
  std::int64_t end_seq_no{0};    ///< 16 (0 = infinity)
  ParseError parse(const MessageView& m) noexcept;
};

/// Reject (3).
struct Reject {
  Header header;
  std::int64_t ref_seq_num{0};             ///< 45
  std::int64_t ref_tag_id{0};              ///< 371, 0 if absent
  std::string_view ref_msg_type;           ///< 372
  std::int64_t session_reject_reason{-1};  ///< 373, -1 if absent
  std::string_view text;                   ///< 58
  ParseError parse(const MessageView& m) noexcept;
};

/// SequenceReset (4).
struct SequenceReset {
  Header header;
  std::int64_t new_seq_no{0};  ///< 36
  bool gap_fill{false};        ///< 123
  ParseError parse(const MessageView& m) noexcept;
};

/// Logout (5).
struct Logout {
  Header header;
  std::string_view text;  ///< 58
  ParseError parse(const MessageView& m) noexcept;
};

/// NewOrderSingle (D).
struct NewOrderSingle {
  Header header;
  std::string_view cl_ord_id;      ///< 11
  std::string_view account;        ///< 1, empty if absent
  std::string_view symbol;         ///< 55
  char side{0};                    ///< 54 ('1' buy, '2' sell, ...)
  std::string_view transact_time;  ///< 60
  std::int64_t order_qty{0};       ///< 38 (integer shares)
  char ord_type{0};                ///< 40 ('1' market, '2' limit, '3' stop, '4' stop limit)
  core::Price price{};             ///< 44, required for limit types
  bool has_price{false};
  core::Price stop_px{};  ///< 99, required for stop types
  bool has_stop_px{false};
  char time_in_force{'0'};  ///< 59, '0' (Day) if absent
  ParseError parse(const MessageView& m) noexcept;
};

/// OrderCancelRequest (F).
struct OrderCancelRequest {
  Header header;
  std::string_view orig_cl_ord_id;  ///< 41
  std::string_view cl_ord_id;       ///< 11
  std::string_view order_id;        ///< 37, empty if absent
  std::string_view symbol;          ///< 55
  char side{0};                     ///< 54
  std::string_view transact_time;   ///< 60
  std::int64_t order_qty{0};        ///< 38, 0 if absent
  ParseError parse(const MessageView& m) noexcept;
};

/// OrderCancelReplaceRequest (G).
struct OrderCancelReplaceRequest {
  Header header;
  std::string_view orig_cl_ord_id;  ///< 41
  std::string_view cl_ord_id;       ///< 11
  std::string_view order_id;        ///< 37
  std::string_view symbol;          ///< 55
  char side{0};                     ///< 54
  std::string_view transact_time;   ///< 60
  std::int64_t order_qty{0};        ///< 38
  char ord_type{0};                 ///< 40
  core::Price price{};              ///< 44
  bool has_price{false};
  core::Price stop_px{};  ///< 99
  bool has_stop_px{false};
  char time_in_force{'0'};  ///< 59
  ParseError parse(const MessageView& m) noexcept;
};

/// ExecutionReport (8).
struct ExecutionReport {
  Header header;
  std::string_view order_id;        ///< 37
  std::string_view exec_id;         ///< 17
  char exec_type{0};                ///< 150
  char ord_status{0};               ///< 39
  std::string_view symbol;          ///< 55
  char side{0};                     ///< 54
  std::int64_t leaves_qty{0};       ///< 151
  std::int64_t cum_qty{0};          ///< 14
  core::Price avg_px{};             ///< 6
  std::string_view cl_ord_id;       ///< 11
  std::string_view orig_cl_ord_id;  ///< 41
  std::string_view account;         ///< 1, empty if absent
  std::int64_t order_qty{0};        ///< 38
  core::Price price{};              ///< 44
  bool has_price{false};
  std::int64_t last_qty{0};         ///< 32
  core::Price last_px{};            ///< 31
  std::string_view transact_time;   ///< 60
  std::string_view text;            ///< 58
  std::int64_t ord_rej_reason{-1};  ///< 103, -1 if absent
  ParseError parse(const MessageView& m) noexcept;
};

/// OrderCancelReject (9).
struct OrderCancelReject {
  Header header;
  std::string_view order_id;        ///< 37
  std::string_view cl_ord_id;       ///< 11
  std::string_view orig_cl_ord_id;  ///< 41
  char ord_status{0};               ///< 39
  char cxl_rej_response_to{0};      ///< 434
  std::int64_t cxl_rej_reason{-1};  ///< 102, -1 if absent
  std::string_view text;            ///< 58
  ParseError parse(const MessageView& m) noexcept;
};

/// BusinessMessageReject (j).
struct BusinessMessageReject {
  Header header;
  std::int64_t ref_seq_num{0};             ///< 45, 0 if absent
  std::string_view ref_msg_type;           ///< 372
  std::int64_t business_reject_reason{0};  ///< 380
  std::string_view text;                   ///< 58
  ParseError parse(const MessageView& m) noexcept;
};

// ---------------------------------------------------------------- encoder

/// Writes FIX messages into its own fixed buffer. Usage:
///
///   enc.begin("D", seq, now_ns); enc.add_str(11, id); ...; ByteView out = enc.finish();
///
/// The body is written from a fixed offset that leaves room in front for the
/// longest "8=...|9=NNNNN|"; finish() writes BodyLength right-aligned in that
/// room, so nothing moves. CheckSum comes from a sum kept as the bytes are
/// written, never from reading the message back. "8=...|9=" and
/// "49=..|56=..|" are built once at construction, SendingTime's text once
/// per second. The returned view is valid until the next begin(). A value
/// that does not fit makes finish() return an empty view (never a truncated
/// message).
class Encoder {
 public:
  static constexpr std::size_t kCapacity = 4096;

  /// `begin_string` up to 16 bytes, comp IDs up to 64 bytes each; longer
  /// makes every finish() return empty.
  Encoder(std::string_view begin_string, std::string_view sender_comp_id, std::string_view target_comp_id) noexcept;

  /// Starts a message: 35, 49, 56, 34, 52.
  void begin(std::string_view msg_type, std::uint64_t seq_num, std::int64_t sending_time_ns) noexcept;
  void add_int(std::uint32_t tag, std::int64_t v) noexcept;
  /// Shortest exact decimal: 123.45, 100, -0.0001.
  void add_price(std::uint32_t tag, core::Price p) noexcept;
  void add_str(std::uint32_t tag, std::string_view v) noexcept;
  void add_char(std::uint32_t tag, char c) noexcept;
  void add_bool(std::uint32_t tag, bool b) noexcept { add_char(tag, b ? 'Y' : 'N'); }
  /// UTCTimestamp with milliseconds: YYYYMMDD-HH:MM:SS.sss (ns since the epoch).
  void add_utc_timestamp(std::uint32_t tag, std::int64_t ns) noexcept;
  /// Writes 9 and 10; returns the message, or empty if anything overflowed.
  ByteView finish() noexcept;

  /// NewOrderSingle from the fields of `m` (its header is ignored): 11, 1
  /// (when not empty), 55, 54, 60, 38, 40, 44 and 99 (when set), 59.
  ByteView encode_new_order_single(std::uint64_t seq_num, std::int64_t sending_time_ns,
                                   const NewOrderSingle& m) noexcept;
  /// ExecutionReport from the fields of `m` (its header is ignored); optional
  /// fields are written when set (non-empty, non-zero, or >= 0 for 103).
  ByteView encode_execution_report(std::uint64_t seq_num, std::int64_t sending_time_ns,
                                   const ExecutionReport& m) noexcept;

 private:
  // Room in front of the body: "8=" + 16 + SOH + "9=" + 5 digits + SOH.
  static constexpr std::size_t kBodyStart = 2 + 16 + 1 + 2 + 5 + 1;

  bool room(std::size_t n) noexcept;
  void put_tag(std::uint32_t tag) noexcept;
  /// Writes "YYYYMMDD-HH:MM:SS.sss" (21 bytes; room already checked); false
  /// when the year is outside 0..9999.
  bool put_timestamp(std::int64_t ns) noexcept;

  std::array<std::uint8_t, kCapacity> buf_{};
  std::size_t pos_{kBodyStart};
  std::uint32_t sum_{0};  // bytes of the body written so far, for CheckSum
  bool overflow_{false};
  bool bad_config_{false};
  std::array<char, 2 + 16 + 1 + 2> prefix_{};  // "8=<begin>|9=", prebuilt, right-aligned
  std::size_t prefix_len_{0};
  std::uint32_t prefix_sum_{0};
  std::array<char, 2 * (3 + 64 + 1)> comp_ids_{};  // "49=S|56=T|", prebuilt
  std::size_t comp_ids_len_{0};
  std::uint32_t comp_ids_sum_{0};
  std::int64_t cached_second_{INT64_MIN};       // second whose text is in cached_time_
  std::array<std::uint8_t, 18> cached_time_{};  // "YYYYMMDD-HH:MM:SS."
  std::uint32_t cached_time_sum_{0};
};

}  // namespace hft::protocol::fix
