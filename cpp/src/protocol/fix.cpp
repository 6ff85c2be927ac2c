#include "hft/protocol/fix.h"

#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace hft::protocol::fix {

namespace {

constexpr char kBegin[] = "8=FIX.4.4\x01";  // 10 bytes
constexpr std::size_t kBeginLen = 10;
constexpr char kMagic[] = "8=FIX";
constexpr std::size_t kMagicLen = 5;
constexpr std::size_t kTrailerLen = 7;  // "10=NNN\x01"

bool is_digit(std::uint8_t c) noexcept { return static_cast<unsigned>(c - '0') < 10u; }

// Where the stream can resume after a bad byte run starting at `from`: the
// next "8=FIX", or the end less a trailing partial "8=FI" so the rest of a
// header split across reads is not thrown away.
std::size_t resync_offset(const std::uint8_t* data, std::size_t size, std::size_t from) noexcept {
  for (std::size_t i = from; i < size; ++i) {
    if (data[i] != '8') continue;
    const std::size_t avail = size - i;
    const std::size_t n = avail < kMagicLen ? avail : kMagicLen;
    if (std::memcmp(data + i, kMagic, n) == 0) return i;
  }
  return size;
}

// One bit per byte of a message: set where the byte is SOH. Built up front,
// sixteen bytes per compare and without branches, so finding where each
// value ends is a tzcnt instead of a byte loop whose exit mispredicts (the
// byte loop was the largest cost of indexing a message).
class SohBits {
 public:
  SohBits(const std::uint8_t* data, std::size_t size) noexcept : size_(size) {
    words_ = (size + 63) / 64;
    std::size_t i = 0;
#if defined(__SSE2__)
    const __m128i soh = _mm_set1_epi8(static_cast<char>(kSoh));
    for (; size - i >= 64; i += 64) {
      std::uint64_t w = 0;
      for (unsigned k = 0; k < 4; ++k) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i + 16 * k));
        w |= std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, soh)))} << (16 * k);
      }
      bits_[i / 64] = w;
    }
#endif
    for (; i < size; i += 64) {
      std::uint64_t w = 0;
      const std::size_t n = size - i < 64 ? size - i : 64;
      for (std::size_t k = 0; k < n; ++k) w |= std::uint64_t{data[i + k] == kSoh} << k;
      bits_[i / 64] = w;
    }
  }

  /// First SOH at or after `p`, or the message size.
  std::size_t next(std::size_t p) const noexcept {
    std::size_t word = p / 64;
    if (word >= words_) return size_;
    std::uint64_t m = bits_[word] & (~std::uint64_t{0} << (p % 64));
    while (m == 0) {
      if (++word == words_) return size_;
      m = bits_[word];
    }
    return word * 64 + static_cast<std::size_t>(__builtin_ctzll(m));
  }

 private:
  std::size_t size_;
  std::size_t words_{0};
  std::uint64_t bits_[kMaxMessageSize / 64];  // filled up to words_ only: no zeroing cost
};

}  // namespace

std::uint8_t checksum(const std::uint8_t* data, std::size_t size) noexcept {
  // SWAR: eight bytes per step into four 16-bit lanes; flushed every 64
  // words, before a lane (at most 2 * 255 per word) can overflow.
  std::uint64_t total = 0;
  std::size_t i = 0;
  while (size - i >= 8) {
    std::uint64_t lanes = 0;
    for (int k = 0; k < 64 && size - i >= 8; ++k, i += 8) {
      std::uint64_t w;
      std::memcpy(&w, data + i, 8);
      lanes += (w & 0x00FF00FF00FF00FFull) + ((w >> 8) & 0x00FF00FF00FF00FFull);
    }
    total += (lanes & 0xFFFF) + ((lanes >> 16) & 0xFFFF) + ((lanes >> 32) & 0xFFFF) + (lanes >> 48);
  }
  for (; i < size; ++i) total += data[i];
  return static_cast<std::uint8_t>(total);
}

FrameResult find_message(const std::uint8_t* data, std::size_t size) noexcept {
  if (size == 0) return {FrameStatus::NeedMore, 0};
  // Fast path: a whole "8=FIX.4.4<SOH>" is here (fixed-size compare, inlined).
  if (size < kBeginLen || std::memcmp(data, kBegin, kBeginLen) != 0) {
    // Not at a message start: drop up to the next "8=FIX".
    const std::size_t n = size < kMagicLen ? size : kMagicLen;
    if (std::memcmp(data, kMagic, n) != 0) return {FrameStatus::Garbage, resync_offset(data, size, 1)};
    if (n < kMagicLen) return {FrameStatus::NeedMore, 0};
    const std::size_t m = size < kBeginLen ? size : kBeginLen;
    if (std::memcmp(data, kBegin, m) != 0) return {FrameStatus::BadBeginString, resync_offset(data, size, 1)};
    return {FrameStatus::NeedMore, 0};
  }
  // "9=" then at most 5 digits (kMaxMessageSize) then SOH. The resync
  // offset is computed only on error: it scans ahead.
  std::size_t p = kBeginLen;
  const auto bad_length = [&]() noexcept {
    return FrameResult{FrameStatus::BadBodyLength, resync_offset(data, size, 1)};
  };
  if (p < size && data[p] != '9') return bad_length();
  if (p + 1 < size && data[p + 1] != '=') return bad_length();
  p += 2;
  std::size_t body_len = 0;
  std::size_t digits = 0;
  for (;; ++p, ++digits) {
    if (p >= size) return digits <= 5 ? FrameResult{FrameStatus::NeedMore, 0} : bad_length();
    const std::uint8_t c = data[p];
    if (c == kSoh) break;
    if (!is_digit(c) || digits == 5) return bad_length();
    body_len = body_len * 10 + static_cast<std::size_t>(c - '0');
  }
  if (digits == 0 || body_len == 0) return bad_length();
  const std::size_t body_start = p + 1;
  const std::size_t checksum_at = body_start + body_len;
  const std::size_t total = checksum_at + kTrailerLen;
  if (total > kMaxMessageSize) return bad_length();
  if (size < total) return {FrameStatus::NeedMore, 0};
  const std::uint8_t* t = data + checksum_at;
  if (data[checksum_at - 1] != kSoh || t[0] != '1' || t[1] != '0' || t[2] != '=' || !is_digit(t[3]) ||
      !is_digit(t[4]) || !is_digit(t[5]) || t[6] != kSoh) {
    return bad_length();
  }
  const unsigned stated = static_cast<unsigned>((t[3] - '0') * 100 + (t[4] - '0') * 10 + (t[5] - '0'));
  if (stated != checksum(data, checksum_at)) return {FrameStatus::BadChecksum, total};
  return {FrameStatus::Complete, total};
}

// ---------------------------------------------------------------- values

ValueStatus parse_int(std::string_view s, std::int64_t& out) noexcept {
  if (s.empty()) return ValueStatus::Missing;
  std::size_t i = 0;
  const bool neg = s[0] == '-';
  if (neg) ++i;
  if (i == s.size()) return ValueStatus::BadFormat;
  std::uint64_t v = 0;
  const std::uint64_t limit = neg ? std::uint64_t{1} << 63 : (std::uint64_t{1} << 63) - 1;
  bool overflow = false;
  for (; i < s.size(); ++i) {
    const unsigned d = static_cast<unsigned>(static_cast<unsigned char>(s[i])) - '0';
    if (d > 9) return ValueStatus::BadFormat;
    if (v > (limit - d) / 10)
      overflow = true;  // keep scanning: a bad char is a format error
    else
      v = v * 10 + d;
  }
  if (overflow) return ValueStatus::OutOfRange;
  out = neg ? static_cast<std::int64_t>(0 - v) : static_cast<std::int64_t>(v);
  return ValueStatus::Ok;
}

ValueStatus parse_price(std::string_view s, core::Price& out) noexcept {
  if (s.empty()) return ValueStatus::Missing;
  std::size_t i = 0;
  const bool neg = s[0] == '-';
  if (neg) ++i;
  std::uint64_t whole = 0;
  std::size_t int_digits = 0;
  bool overflow = false;
  for (; i < s.size() && s[i] != '.'; ++i, ++int_digits) {
    const unsigned d = static_cast<unsigned>(static_cast<unsigned char>(s[i])) - '0';
    if (d > 9) return ValueStatus::BadFormat;
    if (whole > (std::numeric_limits<std::uint64_t>::max() - d) / 10)
      overflow = true;
    else
      whole = whole * 10 + d;
  }
  std::uint64_t frac = 0;
  std::size_t frac_digits = 0;
  bool too_precise = false;
  if (i < s.size()) {  // at '.'
    ++i;
    for (; i < s.size(); ++i, ++frac_digits) {
      const unsigned d = static_cast<unsigned>(static_cast<unsigned char>(s[i])) - '0';
      if (d > 9) return ValueStatus::BadFormat;
      // Trailing zeros beyond the 4th decimal lose nothing: accept them.
      if (frac_digits >= 4) {
        if (d != 0) too_precise = true;
        continue;
      }
      frac = frac * 10 + d;
    }
    if (int_digits == 0 && frac_digits == 0) return ValueStatus::BadFormat;
  } else if (int_digits == 0) {
    return ValueStatus::BadFormat;
  }
  if (overflow || too_precise) return ValueStatus::OutOfRange;
  for (std::size_t k = frac_digits; k < 4; ++k) frac *= 10;
  const std::uint64_t limit = neg ? std::uint64_t{1} << 63 : (std::uint64_t{1} << 63) - 1;
  std::uint64_t raw;
  if (__builtin_mul_overflow(whole, std::uint64_t{10'000}, &raw) || __builtin_add_overflow(raw, frac, &raw) ||
      raw > limit) {
    return ValueStatus::OutOfRange;
  }
  out = core::Price::from_raw(neg ? static_cast<std::int64_t>(0 - raw) : static_cast<std::int64_t>(raw));
  return ValueStatus::Ok;
}

// ---------------------------------------------------------------- groups

namespace {
constexpr std::uint32_t kParties[] = {448, 447, 452, 802, 523, 803};
constexpr std::uint32_t kPartySubs[] = {523, 803};
constexpr std::uint32_t kMiscFees[] = {137, 138, 139, 891};
constexpr std::uint32_t kContraBrokers[] = {375, 337, 437, 438, 655};
constexpr std::uint32_t kTradingSessions[] = {336, 625};
constexpr std::uint32_t kMsgTypes[] = {372, 385};
constexpr std::uint32_t kHops[] = {628, 629, 630};
constexpr std::uint32_t kSecAltIds[] = {455, 456};
constexpr std::uint32_t kStipulations[] = {233, 234};
constexpr std::uint32_t kEvents[] = {865, 866, 867, 868};

template <std::size_t N>
constexpr GroupSpec spec(std::uint32_t count, const std::uint32_t (&m)[N]) noexcept {
  return GroupSpec{count, m[0], m, N};
}

constexpr GroupSpec kGroups[] = {
    spec(453, kParties),         spec(802, kPartySubs), spec(136, kMiscFees), spec(382, kContraBrokers),
    spec(386, kTradingSessions), spec(384, kMsgTypes),  spec(627, kHops),     spec(454, kSecAltIds),
    spec(232, kStipulations),    spec(864, kEvents),
};

bool is_member(const GroupSpec& g, std::uint32_t tag) noexcept {
  for (std::size_t k = 0; k < g.member_count; ++k) {
    if (g.members[k] == tag) return true;
  }
  return false;
}

// Length field -> the data field it sizes (FIX "data" type values may hold SOH).
std::uint32_t data_tag_for(std::uint32_t length_tag) noexcept {
  switch (length_tag) {
    case 90:
      return 91;
    case 93:
      return 89;
    case 95:
      return 96;
    case 212:
      return 213;
    case 348:
      return 349;
    case 350:
      return 351;
    case 352:
      return 353;
    case 354:
      return 355;
    case 356:
      return 357;
    case 358:
      return 359;
    case 360:
      return 361;
    case 362:
      return 363;
    case 364:
      return 365;
    case 445:
      return 446;
    case 618:
      return 619;
    case 621:
      return 622;
    default:
      return 0;
  }
}
}  // namespace

const GroupSpec* find_group_spec(std::uint32_t count_tag) noexcept {
  for (const GroupSpec& g : kGroups) {
    if (g.count_tag == count_tag) return &g;
  }
  return nullptr;
}

GroupWalk MessageView::walk_group(std::size_t count_index, const GroupSpec& spec, std::size_t* starts,
                                  std::size_t max_starts) const noexcept {
  GroupWalk w;
  std::int64_t n = 0;
  const ValueStatus st = parse_int(value(count_index), n);
  if (st != ValueStatus::Ok || n < 0) {
    w.error = {st == ValueStatus::BadFormat ? SessionRejectReason::IncorrectDataFormat
                                            : SessionRejectReason::IncorrectNumInGroupCount,
               spec.count_tag};
    w.end = count_index + 1;
    return w;
  }
  std::size_t i = count_index + 1;
  std::size_t seen = 0;
  // The trailer (10) is never a member, so the walk stops before it.
  while (i < count_ && fields_[i].tag == spec.delimiter_tag) {
    if (seen < max_starts && starts != nullptr) starts[seen] = i;
    ++seen;
    ++i;
    while (i < count_ && fields_[i].tag != spec.delimiter_tag && is_member(spec, fields_[i].tag)) ++i;
  }
  w.instances = seen;
  w.end = i;
  if (seen != static_cast<std::uint64_t>(n)) {
    const bool member_first = seen == 0 && i < count_ && is_member(spec, fields_[i].tag);
    w.error = {member_first ? SessionRejectReason::RepeatingGroupFieldsOutOfOrder
                            : SessionRejectReason::IncorrectNumInGroupCount,
               spec.count_tag};
  }
  return w;
}

// ---------------------------------------------------------------- message index

ParseError MessageView::parse(const std::uint8_t* data, std::size_t size) noexcept {
  data_ = data;
  size_ = size;
  count_ = 0;
  if (size > kMaxMessageSize) return {SessionRejectReason::Other, 0};
  // A message ends in SOH (find_message checked it; a direct caller may not
  // have): with that, the tag loop below needs no end-of-buffer test.
  if (size == 0 || data[size - 1] != kSoh) return {SessionRejectReason::IncorrectDataFormat, 10};
  const SohBits soh(data, size);
  std::size_t p = 0;
  std::uint32_t pending_data_tag = 0;  // set after a length field
  std::size_t pending_data_len = 0;
  while (p < size) {
    // Tag: 1..9 digits then '='.
    std::uint32_t tag = 0;
    const std::size_t tag_start = p;
    while (is_digit(data[p]) && p - tag_start < 9) tag = tag * 10 + static_cast<std::uint32_t>(data[p++] - '0');
    if (p == tag_start || p >= size || data[p] != '=' || tag == 0) {
      return {SessionRejectReason::InvalidTagNumber, tag};
    }
    ++p;
    const std::size_t v = p;
    if (pending_data_tag != 0 && tag == pending_data_tag) {
      if (pending_data_len > size - v || v + pending_data_len >= size || data[v + pending_data_len] != kSoh) {
        return {SessionRejectReason::IncorrectDataFormat, tag};
      }
      p = v + pending_data_len;
    } else {
      p = soh.next(v);
      if (p == size) return {SessionRejectReason::IncorrectDataFormat, tag};
    }
    if (p == v) return {SessionRejectReason::TagSpecifiedWithoutValue, tag};
    if (count_ == kMaxFields) return {SessionRejectReason::Other, tag};
    fields_[count_++] = Field{tag, static_cast<std::uint32_t>(v), static_cast<std::uint32_t>(p - v)};
    // Length fields are 90..621: most tags skip the table.
    pending_data_tag = (tag >= 90 && tag <= 621) ? data_tag_for(tag) : 0;
    if (pending_data_tag != 0) {
      std::int64_t len = 0;
      if (parse_int(value(count_ - 1), len) != ValueStatus::Ok || len < 0) {
        return {SessionRejectReason::IncorrectDataFormat, tag};
      }
      pending_data_len = static_cast<std::size_t>(len);
    }
    ++p;  // SOH
  }
  if (count_ < 4 || fields_[0].tag != 8 || fields_[1].tag != 9) return {SessionRejectReason::TagSpecifiedOutOfOrder, 8};
  if (fields_[2].tag != 35) return {SessionRejectReason::RequiredTagMissing, 35};
  if (fields_[count_ - 1].tag != 10) return {SessionRejectReason::TagSpecifiedOutOfOrder, 10};
  return {};
}

std::size_t MessageView::find(std::uint32_t tag, std::size_t from) const noexcept {
  for (std::size_t i = from; i < count_; ++i) {
    if (fields_[i].tag == tag) return i;
  }
  return count_;
}

std::string_view MessageView::get(std::uint32_t tag) const noexcept {
  const std::size_t i = find(tag);
  return i == count_ ? std::string_view{} : value(i);
}

ValueStatus MessageView::get_int(std::uint32_t tag, std::int64_t& out) const noexcept {
  return parse_int(get(tag), out);
}

ValueStatus MessageView::get_price(std::uint32_t tag, core::Price& out) const noexcept {
  return parse_price(get(tag), out);
}

ValueStatus MessageView::get_char(std::uint32_t tag, char& out) const noexcept {
  const std::string_view v = get(tag);
  if (v.empty()) return ValueStatus::Missing;
  if (v.size() != 1) return ValueStatus::BadFormat;
  out = v[0];
  return ValueStatus::Ok;
}

// ---------------------------------------------------------------- typed views

MsgType msg_type_of(std::string_view v) noexcept {
  if (v.size() != 1) return MsgType::Unknown;
  switch (v[0]) {
    case '0':
      return MsgType::Heartbeat;
    case '1':
      return MsgType::TestRequest;
    case '2':
      return MsgType::ResendRequest;
    case '3':
      return MsgType::Reject;
    case '4':
      return MsgType::SequenceReset;
    case '5':
      return MsgType::Logout;
    case '8':
      return MsgType::ExecutionReport;
    case '9':
      return MsgType::OrderCancelReject;
    case 'A':
      return MsgType::Logon;
    case 'D':
      return MsgType::NewOrderSingle;
    case 'F':
      return MsgType::OrderCancelRequest;
    case 'G':
      return MsgType::OrderCancelReplaceRequest;
    case 'j':
      return MsgType::BusinessMessageReject;
    default:
      return MsgType::Unknown;
  }
}

std::string_view msg_type_str(MsgType t) noexcept {
  switch (t) {
    case MsgType::Heartbeat:
      return "0";
    case MsgType::TestRequest:
      return "1";
    case MsgType::ResendRequest:
      return "2";
    case MsgType::Reject:
      return "3";
    case MsgType::SequenceReset:
      return "4";
    case MsgType::Logout:
      return "5";
    case MsgType::ExecutionReport:
      return "8";
    case MsgType::OrderCancelReject:
      return "9";
    case MsgType::Logon:
      return "A";
    case MsgType::NewOrderSingle:
      return "D";
    case MsgType::OrderCancelRequest:
      return "F";
    case MsgType::OrderCancelReplaceRequest:
      return "G";
    case MsgType::BusinessMessageReject:
      return "j";
    case MsgType::Unknown:
      break;
  }
  return {};
}

namespace {

// Every tag a typed view reads gets a slot; one pass over the message fills
// the slots (first occurrence), skipping repeating groups as units so a
// member tag inside a group never shadows a body tag.
enum Slot : std::uint8_t {
  kNone,
  kSender,
  kTarget,
  kSeqNum,
  kSendingTime,
  kPossDup,
  kOrigSendingTime,
  kClOrdId,
  kOrigClOrdId,
  kOrderId,
  kExecId,
  kExecType,
  kOrdStatus,
  kSymbol,
  kSide,
  kOrderQty,
  kOrdType,
  kPrice,
  kStopPx,
  kTif,
  kLastQty,
  kLastPx,
  kLeavesQty,
  kCumQty,
  kAvgPx,
  kTransactTime,
  kText,
  kOrdRejReason,
  kCxlRejReason,
  kCxlRejResponseTo,
  kSessionRejectReason,
  kRefSeqNum,
  kRefTagId,
  kRefMsgType,
  kBusinessRejectReason,
  kHeartBtInt,
  kResetSeqNum,
  kTestReqId,
  kBeginSeqNo,
  kEndSeqNo,
  kGapFill,
  kNewSeqNo,
  kEncryptMethod,
  kSlotCount
};

constexpr std::size_t kTagTableSize = 512;

struct SlotTables {
  std::array<std::uint8_t, kTagTableSize> slot_of{};
  std::array<std::uint32_t, kSlotCount> tag_of{};
};

constexpr SlotTables make_tables() noexcept {
  SlotTables t{};
  const std::uint32_t pairs[][2] = {
      {49, kSender},
      {56, kTarget},
      {34, kSeqNum},
      {52, kSendingTime},
      {43, kPossDup},
      {122, kOrigSendingTime},
      {11, kClOrdId},
      {41, kOrigClOrdId},
      {37, kOrderId},
      {17, kExecId},
      {150, kExecType},
      {39, kOrdStatus},
      {55, kSymbol},
      {54, kSide},
      {38, kOrderQty},
      {40, kOrdType},
      {44, kPrice},
      {99, kStopPx},
      {59, kTif},
      {32, kLastQty},
      {31, kLastPx},
      {151, kLeavesQty},
      {14, kCumQty},
      {6, kAvgPx},
      {60, kTransactTime},
      {58, kText},
      {103, kOrdRejReason},
      {102, kCxlRejReason},
      {434, kCxlRejResponseTo},
      {373, kSessionRejectReason},
      {45, kRefSeqNum},
      {371, kRefTagId},
      {372, kRefMsgType},
      {380, kBusinessRejectReason},
      {108, kHeartBtInt},
      {141, kResetSeqNum},
      {112, kTestReqId},
      {7, kBeginSeqNo},
      {16, kEndSeqNo},
      {123, kGapFill},
      {36, kNewSeqNo},
      {98, kEncryptMethod},
  };
  for (const auto& p : pairs) {
    t.slot_of[p[0]] = static_cast<std::uint8_t>(p[1]);
    t.tag_of[p[1]] = p[0];
  }
  return t;
}

constexpr SlotTables kTables = make_tables();

struct Slots {
  std::array<std::string_view, kSlotCount> v{};
  ParseError error{};

  // Reads fields after the MsgType up to (not including) the trailer.
  explicit Slots(const MessageView& m) noexcept {
    const std::size_t n = m.size() - 1;
    for (std::size_t i = 3; i < n;) {
      const std::uint32_t tag = m.field(i).tag;
      if (tag < kTagTableSize) {
        const std::uint8_t s = kTables.slot_of[tag];
        if (s != kNone) {
          if (v[s].data() != nullptr) {
            error = {SessionRejectReason::TagAppearsMoreThanOnce, tag};
            return;
          }
          v[s] = m.value(i);
          ++i;
          continue;
        }
      }
      if (const GroupSpec* g = find_group_spec(tag)) {
        const GroupWalk w = m.walk_group(i, *g);
        if (!w.error.ok()) {
          error = w.error;
          return;
        }
        i = w.end;
        continue;
      }
      ++i;  // a tag the views do not read: still reachable through MessageView
    }
  }

  bool present(Slot s) const noexcept { return v[s].data() != nullptr; }
};

// Conversion helpers: each returns false and sets `e` on the first problem,
// so a parse() reads as a list of fields.
ParseError missing(Slot s) noexcept { return {SessionRejectReason::RequiredTagMissing, kTables.tag_of[s]}; }

ParseError from_status(ValueStatus st, Slot s) noexcept {
  switch (st) {
    case ValueStatus::Ok:
      return {};
    case ValueStatus::Missing:
      return missing(s);
    case ValueStatus::BadFormat:
      return {SessionRejectReason::IncorrectDataFormat, kTables.tag_of[s]};
    case ValueStatus::OutOfRange:
      break;
  }
  return {SessionRejectReason::ValueIncorrect, kTables.tag_of[s]};
}

class Reader {
 public:
  explicit Reader(const Slots& s) noexcept : s_(s), e_(s.error) {}

  void str(Slot s, std::string_view& out, bool required) noexcept {
    if (!e_.ok()) return;
    if (s_.present(s))
      out = s_.v[s];
    else if (required)
      e_ = missing(s);
  }
  void integer(Slot s, std::int64_t& out, bool required, std::int64_t min = 0) noexcept {
    if (!e_.ok()) return;
    if (!s_.present(s)) {
      if (required) e_ = missing(s);
      return;
    }
    e_ = from_status(parse_int(s_.v[s], out), s);
    if (e_.ok() && out < min) e_ = from_status(ValueStatus::OutOfRange, s);
  }
  void price(Slot s, core::Price& out, bool required, bool* has = nullptr) noexcept {
    if (!e_.ok()) return;
    if (!s_.present(s)) {
      if (required) e_ = missing(s);
      return;
    }
    e_ = from_status(parse_price(s_.v[s], out), s);
    if (has != nullptr) *has = e_.ok();
  }
  void character(Slot s, char& out, bool required) noexcept {
    if (!e_.ok()) return;
    if (!s_.present(s)) {
      if (required) e_ = missing(s);
      return;
    }
    if (s_.v[s].size() != 1)
      e_ = from_status(ValueStatus::BadFormat, s);
    else
      out = s_.v[s][0];
  }
  void boolean(Slot s, bool& out) noexcept {
    char c = 0;
    character(s, c, false);
    if (!e_.ok() || c == 0) return;
    if (c == 'Y')
      out = true;
    else if (c == 'N')
      out = false;
    else
      e_ = from_status(ValueStatus::OutOfRange, s);
  }
  void header(Header& h) noexcept {
    str(kSender, h.sender_comp_id, true);
    str(kTarget, h.target_comp_id, true);
    integer(kSeqNum, h.msg_seq_num, true, 1);
    str(kSendingTime, h.sending_time, true);
    boolean(kPossDup, h.poss_dup);
    str(kOrigSendingTime, h.orig_sending_time, false);
  }
  void fail(ParseError e) noexcept {
    if (e_.ok()) e_ = e;
  }
  ParseError error() const noexcept { return e_; }

 private:
  const Slots& s_;
  ParseError e_;
};

// Side (54) values FIX 4.4 defines: '1'..'9', 'A'..'G'.
void check_side(Reader& r, char side) noexcept {
  const bool ok = (side >= '1' && side <= '9') || (side >= 'A' && side <= 'G');
  if (!ok) r.fail({SessionRejectReason::ValueIncorrect, 54});
}

// Price is required for limit-priced order types, StopPx for stop types.
void check_order_prices(Reader& r, char ord_type, bool has_price, bool has_stop) noexcept {
  const bool needs_price = ord_type == '2' || ord_type == '4' || ord_type == '7' || ord_type == 'B';
  const bool needs_stop = ord_type == '3' || ord_type == '4';
  if (needs_price && !has_price) r.fail(missing(kPrice));
  if (needs_stop && !has_stop) r.fail(missing(kStopPx));
}

ParseError check_type(const MessageView& m, MsgType t) noexcept {
  if (msg_type_of(m.msg_type()) != t) return {SessionRejectReason::InvalidMsgType, 35};
  return {};
}

// The order terms NewOrderSingle and OrderCancelReplaceRequest share, read
// and checked the same way for both.
template <typename Order>
void read_order_terms(Reader& r, Order& o) noexcept {
  r.str(kSymbol, o.symbol, true);
  r.character(kSide, o.side, true);
  r.str(kTransactTime, o.transact_time, true);
  r.integer(kOrderQty, o.order_qty, true, 1);
  r.character(kOrdType, o.ord_type, true);
  r.price(kPrice, o.price, false, &o.has_price);
  r.price(kStopPx, o.stop_px, false, &o.has_stop_px);
  r.character(kTif, o.time_in_force, false);
  if (r.error().ok()) {
    check_side(r, o.side);
    check_order_prices(r, o.ord_type, o.has_price, o.has_stop_px);
  }
}

}  // namespace

#define HFT_FIX_BEGIN_PARSE(TYPE)                                     \
  if (const ParseError te = check_type(m, TYPE); !te.ok()) return te; \
  const Slots slots(m);                                               \
  Reader r(slots);                                                    \
  r.header(header)

ParseError Logon::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::Logon);
  r.integer(kEncryptMethod, encrypt_method, true);
  r.integer(kHeartBtInt, heart_bt_int, true);
  r.boolean(kResetSeqNum, reset_seq_num);
  return r.error();
}

ParseError Heartbeat::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::Heartbeat);
  r.str(kTestReqId, test_req_id, false);
  return r.error();
}

ParseError TestRequest::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::TestRequest);
  r.str(kTestReqId, test_req_id, true);
  return r.error();
}

ParseError ResendRequest::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::ResendRequest);
  r.integer(kBeginSeqNo, begin_seq_no, true, 1);
  r.integer(kEndSeqNo, end_seq_no, true);
  return r.error();
}

ParseError Reject::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::Reject);
  r.integer(kRefSeqNum, ref_seq_num, true);
  r.integer(kRefTagId, ref_tag_id, false);
  r.str(kRefMsgType, ref_msg_type, false);
  r.integer(kSessionRejectReason, session_reject_reason, false);
  r.str(kText, text, false);
  return r.error();
}

ParseError SequenceReset::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::SequenceReset);
  r.integer(kNewSeqNo, new_seq_no, true, 1);
  r.boolean(kGapFill, gap_fill);
  return r.error();
}

ParseError Logout::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::Logout);
  r.str(kText, text, false);
  return r.error();
}

ParseError NewOrderSingle::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::NewOrderSingle);
  r.str(kClOrdId, cl_ord_id, true);
  read_order_terms(r, *this);
  return r.error();
}

ParseError OrderCancelRequest::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::OrderCancelRequest);
  r.str(kOrigClOrdId, orig_cl_ord_id, true);
  r.str(kClOrdId, cl_ord_id, true);
  r.str(kOrderId, order_id, false);
  r.str(kSymbol, symbol, true);
  r.character(kSide, side, true);
  r.str(kTransactTime, transact_time, true);
  r.integer(kOrderQty, order_qty, false);
  if (r.error().ok()) check_side(r, side);
  return r.error();
}

ParseError OrderCancelReplaceRequest::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::OrderCancelReplaceRequest);
  r.str(kOrigClOrdId, orig_cl_ord_id, true);
  r.str(kClOrdId, cl_ord_id, true);
  r.str(kOrderId, order_id, false);
  read_order_terms(r, *this);
  return r.error();
}

ParseError ExecutionReport::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::ExecutionReport);
  r.str(kOrderId, order_id, true);
  r.str(kExecId, exec_id, true);
  r.character(kExecType, exec_type, true);
  r.character(kOrdStatus, ord_status, true);
  r.str(kSymbol, symbol, true);
  r.character(kSide, side, true);
  r.integer(kLeavesQty, leaves_qty, true);
  r.integer(kCumQty, cum_qty, true);
  r.price(kAvgPx, avg_px, true);
  r.str(kClOrdId, cl_ord_id, false);
  r.str(kOrigClOrdId, orig_cl_ord_id, false);
  r.integer(kOrderQty, order_qty, false);
  r.price(kPrice, price, false, &has_price);
  r.integer(kLastQty, last_qty, false);
  r.price(kLastPx, last_px, false);
  r.str(kTransactTime, transact_time, false);
  r.str(kText, text, false);
  r.integer(kOrdRejReason, ord_rej_reason, false);
  if (r.error().ok()) check_side(r, side);
  return r.error();
}

ParseError OrderCancelReject::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::OrderCancelReject);
  r.str(kOrderId, order_id, true);
  r.str(kClOrdId, cl_ord_id, true);
  r.str(kOrigClOrdId, orig_cl_ord_id, true);
  r.character(kOrdStatus, ord_status, true);
  r.character(kCxlRejResponseTo, cxl_rej_response_to, true);
  r.integer(kCxlRejReason, cxl_rej_reason, false);
  r.str(kText, text, false);
  return r.error();
}

ParseError BusinessMessageReject::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::BusinessMessageReject);
  r.integer(kRefSeqNum, ref_seq_num, false);
  r.str(kRefMsgType, ref_msg_type, true);
  r.integer(kBusinessRejectReason, business_reject_reason, true);
  r.str(kText, text, false);
  return r.error();
}

#undef HFT_FIX_BEGIN_PARSE

// ---------------------------------------------------------------- encoder

namespace {

// Days since 1970-01-01 -> civil date (H. Hinnant's algorithm).
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

void put2(char* p, unsigned v) noexcept {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
}

}  // namespace

Encoder::Encoder(std::string_view begin_string, std::string_view sender_comp_id,
                 std::string_view target_comp_id) noexcept {
  if (begin_string.size() > begin_string_.size() || sender_comp_id.size() > 64 || target_comp_id.size() > 64 ||
      begin_string.empty()) {
    bad_config_ = true;
    return;
  }
  std::memcpy(begin_string_.data(), begin_string.data(), begin_string.size());
  begin_string_len_ = begin_string.size();
  char* p = comp_ids_.data();
  std::memcpy(p, "49=", 3);
  std::memcpy(p + 3, sender_comp_id.data(), sender_comp_id.size());
  p += 3 + sender_comp_id.size();
  *p++ = '\x01';
  std::memcpy(p, "56=", 3);
  std::memcpy(p + 3, target_comp_id.data(), target_comp_id.size());
  p += 3 + target_comp_id.size();
  *p++ = '\x01';
  comp_ids_len_ = static_cast<std::size_t>(p - comp_ids_.data());
}

bool Encoder::room(std::size_t n) noexcept {
  // Keep space for the trailer so finish() never needs to check.
  if (overflow_ || n > kCapacity - kTrailerLen - pos_) {
    overflow_ = true;
    return false;
  }
  return true;
}

namespace {

// "00".."99": two digits per step halves the divisions (put_uint was half
// the cost of encoding a message when it wrote one digit at a time).
constexpr std::array<char, 200> make_pairs() noexcept {
  std::array<char, 200> t{};
  for (std::size_t i = 0; i < 100; ++i) {
    t[2 * i] = static_cast<char>('0' + i / 10);
    t[2 * i + 1] = static_cast<char>('0' + i % 10);
  }
  return t;
}
constexpr std::array<char, 200> kPairs = make_pairs();

inline std::size_t digits10(std::uint64_t v) noexcept {
  std::size_t n = 1;
  while (v >= 10'000) {
    v /= 10'000;
    n += 4;
  }
  return n + (v >= 10) + (v >= 100) + (v >= 1000);
}

// Writes `v` at `out`, returns the digit count.
inline std::size_t write_uint(std::uint8_t* out, std::uint64_t v) noexcept {
  const std::size_t n = digits10(v);
  std::uint8_t* p = out + n;
  while (v >= 100) {
    const auto r = static_cast<std::size_t>(v % 100);
    v /= 100;
    *--p = static_cast<std::uint8_t>(kPairs[2 * r + 1]);
    *--p = static_cast<std::uint8_t>(kPairs[2 * r]);
  }
  if (v >= 10) {
    *--p = static_cast<std::uint8_t>(kPairs[2 * v + 1]);
    *--p = static_cast<std::uint8_t>(kPairs[2 * v]);
  } else {
    *--p = static_cast<std::uint8_t>('0' + v);
  }
  return n;
}

}  // namespace

void Encoder::put_uint(std::uint64_t v) noexcept { pos_ += write_uint(buf_.data() + pos_, v); }

void Encoder::put_tag(std::uint32_t tag) noexcept {
  put_uint(tag);
  buf_[pos_++] = '=';
}

void Encoder::begin(std::string_view msg_type, std::uint64_t seq_num, std::int64_t sending_time_ns) noexcept {
  pos_ = kBodyStart;
  overflow_ = bad_config_;
  add_str(35, msg_type);
  if (room(comp_ids_len_)) {
    std::memcpy(buf_.data() + pos_, comp_ids_.data(), comp_ids_len_);
    pos_ += comp_ids_len_;
  }
  if (room(10 + 1 + 20 + 1)) {
    put_tag(34);
    put_uint(seq_num);
    buf_[pos_++] = kSoh;
  }
  add_utc_timestamp(52, sending_time_ns);
}

void Encoder::add_int(std::uint32_t tag, std::int64_t v) noexcept {
  if (!room(10 + 1 + 21 + 1)) return;
  put_tag(tag);
  if (v < 0) buf_[pos_++] = '-';
  put_uint(v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v));
  buf_[pos_++] = kSoh;
}

void Encoder::add_price(std::uint32_t tag, core::Price p) noexcept {
  if (!room(10 + 1 + 21 + 5 + 1)) return;
  put_tag(tag);
  if (p.raw < 0) buf_[pos_++] = '-';
  const std::uint64_t mag = p.raw < 0 ? 0 - static_cast<std::uint64_t>(p.raw) : static_cast<std::uint64_t>(p.raw);
  put_uint(mag / 10'000);
  auto frac = static_cast<unsigned>(mag % 10'000);
  if (frac != 0) {
    // Four digits, then drop trailing zeros: the shortest exact form.
    char d[4];
    for (int k = 3; k >= 0; --k) {
      d[k] = static_cast<char>('0' + frac % 10);
      frac /= 10;
    }
    std::size_t n = 4;
    while (d[n - 1] == '0') --n;
    buf_[pos_++] = '.';
    std::memcpy(buf_.data() + pos_, d, n);
    pos_ += n;
  }
  buf_[pos_++] = kSoh;
}

void Encoder::add_str(std::uint32_t tag, std::string_view v) noexcept {
  if (!room(10 + 1 + v.size() + 1)) return;
  put_tag(tag);
  std::memcpy(buf_.data() + pos_, v.data(), v.size());
  pos_ += v.size();
  buf_[pos_++] = kSoh;
}

void Encoder::add_char(std::uint32_t tag, char c) noexcept {
  if (!room(10 + 1 + 1 + 1)) return;
  put_tag(tag);
  buf_[pos_++] = static_cast<std::uint8_t>(c);
  buf_[pos_++] = kSoh;
}

void Encoder::add_utc_timestamp(std::uint32_t tag, std::int64_t ns) noexcept {
  if (!room(10 + 1 + 21 + 1)) return;
  constexpr std::int64_t kNsPerDay = 86'400'000'000'000;
  std::int64_t day = ns / kNsPerDay;
  std::int64_t rem = ns % kNsPerDay;
  if (rem < 0) {
    rem += kNsPerDay;
    --day;
  }
  if (day != cached_day_) {
    // The date changes once a day: convert it then, not per message.
    std::int64_t y = 0;
    unsigned m = 0;
    unsigned d = 0;
    civil_from_days(day, y, m, d);
    if (y < 0 || y > 9999) {
      overflow_ = true;
      return;
    }
    const auto yy = static_cast<unsigned>(y);
    put2(cached_date_.data(), yy / 100);
    put2(cached_date_.data() + 2, yy % 100);
    put2(cached_date_.data() + 4, m);
    put2(cached_date_.data() + 6, d);
    cached_date_[8] = '-';
    cached_day_ = day;
  }
  put_tag(tag);
  char* p = reinterpret_cast<char*>(buf_.data() + pos_);
  std::memcpy(p, cached_date_.data(), 9);
  const auto ms_of_day = static_cast<unsigned>(rem / 1'000'000);
  const unsigned secs = ms_of_day / 1000;
  const unsigned ms = ms_of_day % 1000;
  put2(p + 9, secs / 3600);
  p[11] = ':';
  put2(p + 12, (secs / 60) % 60);
  p[14] = ':';
  put2(p + 15, secs % 60);
  p[17] = '.';
  p[18] = static_cast<char>('0' + ms / 100);
  put2(p + 19, ms % 100);
  p[21] = '\x01';
  pos_ += 22;
}

ByteView Encoder::finish() noexcept {
  if (overflow_) return {};
  const std::size_t body_len = pos_ - kBodyStart;
  if (body_len > 99'999) return {};
  // Header written backwards so it ends exactly where the body starts.
  std::size_t h = kBodyStart;
  buf_[--h] = kSoh;
  std::size_t v = body_len;
  do {
    buf_[--h] = static_cast<std::uint8_t>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  buf_[--h] = '=';
  buf_[--h] = '9';
  buf_[--h] = kSoh;
  h -= begin_string_len_;
  std::memcpy(buf_.data() + h, begin_string_.data(), begin_string_len_);
  buf_[--h] = '=';
  buf_[--h] = '8';
  const unsigned sum = checksum(buf_.data() + h, pos_ - h);
  std::uint8_t* t = buf_.data() + pos_;
  t[0] = '1';
  t[1] = '0';
  t[2] = '=';
  t[3] = static_cast<std::uint8_t>('0' + sum / 100);
  t[4] = static_cast<std::uint8_t>('0' + (sum / 10) % 10);
  t[5] = static_cast<std::uint8_t>('0' + sum % 10);
  t[6] = kSoh;
  return {buf_.data() + h, pos_ + kTrailerLen - h};
}

ByteView Encoder::encode_new_order_single(std::uint64_t seq_num, std::int64_t sending_time_ns,
                                          const NewOrderSingle& m) noexcept {
  begin("D", seq_num, sending_time_ns);
  add_str(11, m.cl_ord_id);
  add_str(55, m.symbol);
  add_char(54, m.side);
  add_str(60, m.transact_time);
  add_int(38, m.order_qty);
  add_char(40, m.ord_type);
  if (m.has_price) add_price(44, m.price);
  if (m.has_stop_px) add_price(99, m.stop_px);
  add_char(59, m.time_in_force);
  return finish();
}

ByteView Encoder::encode_execution_report(std::uint64_t seq_num, std::int64_t sending_time_ns,
                                          const ExecutionReport& m) noexcept {
  begin("8", seq_num, sending_time_ns);
  add_str(37, m.order_id);
  if (!m.cl_ord_id.empty()) add_str(11, m.cl_ord_id);
  if (!m.orig_cl_ord_id.empty()) add_str(41, m.orig_cl_ord_id);
  add_str(17, m.exec_id);
  add_char(150, m.exec_type);
  add_char(39, m.ord_status);
  add_str(55, m.symbol);
  add_char(54, m.side);
  if (m.order_qty != 0) add_int(38, m.order_qty);
  if (m.has_price) add_price(44, m.price);
  if (m.last_qty != 0) {
    add_int(32, m.last_qty);
    add_price(31, m.last_px);
  }
  add_int(151, m.leaves_qty);
  add_int(14, m.cum_qty);
  add_price(6, m.avg_px);
  if (m.ord_rej_reason >= 0) add_int(103, m.ord_rej_reason);
  if (!m.transact_time.empty()) add_str(60, m.transact_time);
  if (!m.text.empty()) add_str(58, m.text);
  return finish();
}

}  // namespace hft::protocol::fix
