// FIX value conversions (integers, decimal prices) and MsgType names,
// shared by the index, the typed views and the encoder's callers.
#include "hft/protocol/fix.h"

#include <limits>

namespace hft::protocol::fix {

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

// ---------------------------------------------------------------- message types

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

}  // namespace hft::protocol::fix
